"""Op cases: differences, sample derivatives and integrals, logcumsumexp (see ../op_cases.py
for the format)."""

CASES = [
    ("diff", "torch.diff(x)", {"x": "2x4"}),
    ("diff_dim0_twice", "x.diff(2, 0)", {"x": "4x3"}),
    (
        "diff_prepend_append",
        "torch.diff(x, prepend=y, append=z)",
        {"x": "2x3", "y": "2x1", "z": "2x2"},
    ),
    ("diff_order_past_size", "torch.diff(x, n=5)", {"x": "3"}),
    ("diff_order_zero", "torch.diff(x, n=0)", {"x": "3"}),
    ("diff_int", "torch.diff(a)", {"a": "int:5:9"}),
    ("diff_bool", "torch.diff(b)", {"b": "bool:5"}),
    ("gradient", "torch.gradient(x)[0]", {"x": "5"}),
    ("gradient_second_dim", "torch.gradient(x)[1]", {"x": "3x4"}),
    ("gradient_spacing", "torch.gradient(x, spacing=2.0, dim=1)[0]", {"x": "3x4"}),
    ("gradient_spacing_list", "torch.gradient(x, spacing=[0.5, 2.0])[0]", {"x": "3x4"}),
    ("gradient_edge2", "torch.gradient(x, edge_order=2)[0]", {"x": "5"}),
    (
        "gradient_edge2_dim",
        "torch.gradient(x, dim=[1], edge_order=2, spacing=[1.5])[0]",
        {"x": "2x4"},
    ),
    (
        "gradient_coordinates",
        "torch.gradient(x, spacing=(torch.tensor([0.0, 1.0, 1.5, 3.0, 4.0], dtype=x.dtype),))[0]",
        {"x": "5"},
    ),
    (
        "gradient_coordinates_edge2",
        "torch.gradient(x, spacing=[torch.tensor([0.0, 0.5, 1.5, 3.0], dtype=x.dtype)], dim=1, "
        "edge_order=2)[0]",
        {"x": "2x4"},
    ),
    ("gradient_int", "torch.gradient(a)[0]", {"a": "int:5:9"}),
    ("trapezoid", "torch.trapezoid(y)", {"y": "2x5"}),
    ("trapezoid_dx_dim", "torch.trapezoid(y, dx=0.25, dim=0)", {"y": "4x3"}),
    ("trapezoid_x", "torch.trapezoid(y, x)", {"y": "2x4", "x": "4"}),
    ("trapezoid_x_batched", "torch.trapezoid(y, x, dim=0)", {"y": "3x2", "x": "3x2"}),
    ("trapezoid_int", "torch.trapezoid(a, dx=0.5)", {"a": "int:2x3:9"}),
    ("trapezoid_empty", "torch.trapezoid(torch.ones(3, 0, dtype=y.dtype))", {"y": ""}),
    ("trapz", "torch.trapz(y, dx=2.0)", {"y": "5"}),
    ("trapz_x", "torch.trapz(y, x)", {"y": "5", "x": "5"}),
    ("cumulative_trapezoid", "torch.cumulative_trapezoid(y)", {"y": "2x5"}),
    ("cumulative_trapezoid_dx", "torch.cumulative_trapezoid(y, dx=0.5, dim=0)", {"y": "4x2"}),
    ("cumulative_trapezoid_x", "torch.cumulative_trapezoid(y, x)", {"y": "2x4", "x": "4"}),
    ("logcumsumexp", "torch.logcumsumexp(x, 1)", {"x": "3x4"}),
    ("logcumsumexp_dim0", "x.logcumsumexp(0)", {"x": "5x2"}),
    ("logcumsumexp_large", "torch.logcumsumexp(x * 50, -1)", {"x": "6"}),
    ("logcumsumexp_scalar", "torch.logcumsumexp(x, 0)", {"x": ""}),
]
