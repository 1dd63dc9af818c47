"""Op cases: covariance, correlation and quantiles (see ../op_cases.py for the format)."""

CASES = [
    ("cov", "torch.cov(x)", {"x": "3x5"}),
    ("cov_vector", "x.cov()", {"x": "6"}),
    ("cov_correction", "torch.cov(x, correction=0)", {"x": "2x4"}),
    ("cov_fweights", "torch.cov(x, fweights=torch.tensor([1, 2, 1, 3]))", {"x": "2x4"}),
    (
        "cov_aweights",
        "torch.cov(x, aweights=torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype))",
        {"x": "2x4"},
    ),
    (
        "cov_both_weights",
        "torch.cov(x, correction=2, fweights=torch.tensor([1, 2, 1, 3]), "
        "aweights=torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=x.dtype))",
        {"x": "3x4"},
    ),
    ("cov_int", "torch.cov(a)", {"a": "int:2x5:9"}),
    ("corrcoef", "torch.corrcoef(x)", {"x": "3x5"}),
    # corrcoef of one variable (c / c) is in test_statistics_errors.py: an engine bug
    ("quantile", "torch.quantile(x, 0.3)", {"x": "7"}),
    (
        "quantile_tensor_q",
        "torch.quantile(x, torch.tensor([0.1, 0.5, 0.95], dtype=x.dtype))",
        {"x": "2x4"},
    ),
    ("quantile_dim", "x.quantile(0.75, dim=1)", {"x": "3x5"}),
    ("quantile_dim0_keepdim", "torch.quantile(x, 0.4, dim=0, keepdim=True)", {"x": "5x2"}),
    (
        "quantile_q_dim_keepdim",
        "torch.quantile(x, torch.tensor([0.2, 0.9], dtype=x.dtype), dim=1, keepdim=True)",
        {"x": "2x3"},
    ),
    (
        "quantile_middle_dim",
        "torch.quantile(x, torch.tensor([0.25, 0.5], dtype=x.dtype), dim=1)",
        {"x": "2x4x3"},
    ),
    ("quantile_lower", "torch.quantile(x, 0.3, interpolation='lower')", {"x": "6"}),
    ("quantile_higher", "torch.quantile(x, 0.3, dim=0, interpolation='higher')", {"x": "6x2"}),
    ("quantile_midpoint", "torch.quantile(x, 0.3, interpolation='midpoint')", {"x": "6"}),
    ("quantile_nearest", "torch.quantile(x, 0.45, interpolation='nearest')", {"x": "6"}),
    ("quantile_keepdim_all", "torch.quantile(x, 0.5, keepdim=True)", {"x": "2x3"}),
    ("nanquantile", "torch.nanquantile(x, 0.5)", {"x": "5"}),
    (
        "nanquantile_with_nans",
        "torch.nanquantile(torch.where(x > 0.5, float('nan'), x), 0.5, dim=1)",
        {"x": "3x4"},
    ),
]
