"""Op cases: finding and counting (see ../op_cases.py for the format). None has a gradient:
the cases compare values and dtypes; unique_consecutive's failing backward and the messages
are in ../test_searching_errors.py."""

SORTED = "torch.tensor([-1.0, -0.25, 0.0, 0.5, 1.5], dtype=x.dtype)"
ROWS = "torch.tensor([[-1.0, 0.0, 1.0], [0.5, 1.0, 2.0]], dtype=x.dtype)"

CASES = [
    ("nonzero", "torch.nonzero(x > 0)", {"x": "3x4"}),
    ("nonzero_method", "(x > 0.5).nonzero()", {"x": "2x3x2"}),
    ("nonzero_float", "torch.nonzero(torch.relu(x))", {"x": "5"}),
    ("nonzero_scalar", "torch.nonzero(x > 100)", {"x": ""}),
    ("nonzero_tuple", "torch.nonzero(x > 0, as_tuple=True)[1]", {"x": "3x4"}),
    ("nonzero_tuple_scalar", "torch.nonzero(x * 0 + 1, as_tuple=True)[0]", {"x": ""}),
    ("argwhere", "torch.argwhere(a)", {"a": "int:3x3:2"}),
    ("argwhere_method", "a.argwhere()", {"a": "bool:4"}),
    ("searchsorted", f"torch.searchsorted({SORTED}, x)", {"x": "2x3"}),
    ("searchsorted_right", f"torch.searchsorted({SORTED}, x.round(), right=True)", {"x": "6"}),
    ("searchsorted_side", f"torch.searchsorted({SORTED}, 0.5, side='right')", {"x": ""}),
    ("searchsorted_rows", f"torch.searchsorted({ROWS}, x, out_int32=True)", {"x": "2x4"}),
    (
        "searchsorted_sorter",
        "torch.searchsorted(torch.tensor([5.0, -1.0, 3.0]), x, sorter=torch.tensor([1, 2, 0]))",
        {"x": "4"},
    ),
    ("bucketize", f"torch.bucketize(x, {SORTED})", {"x": "3x2"}),
    ("bucketize_right", f"torch.bucketize(x.round(), {SORTED}, right=True)", {"x": "5"}),
    ("bucketize_scalar", f"torch.bucketize(0.0, {SORTED}, out_int32=True)", {"x": ""}),
    ("isin", "torch.isin(a, b)", {"a": "int:3x4:6", "b": "int:3:6"}),
    ("isin_invert", "torch.isin(a, b, invert=True)", {"a": "int:5:6", "b": "int:2:6"}),
    ("isin_scalar", "torch.isin(a, 2)", {"a": "int:6:4"}),
    ("isin_scalar_element", "torch.isin(3, a)", {"a": "int:6:4"}),
    ("unique_consecutive", "torch.unique_consecutive(a)", {"a": "int:12:3"}),
    (
        "unique_consecutive_inverse",
        "torch.unique_consecutive(a, return_inverse=True, return_counts=True)[1]",
        {"a": "int:3x4:2"},
    ),
    (
        "unique_consecutive_counts",
        "a.unique_consecutive(return_counts=True)[1]",
        {"a": "int:12:2"},
    ),
    ("unique_consecutive_dim", "torch.unique_consecutive(a, dim=0)", {"a": "int:5x2:2"}),
    (
        "unique_consecutive_dim_inverse",
        "torch.unique_consecutive(a, return_inverse=True, dim=1)[1]",
        {"a": "int:2x6:2"},
    ),
    ("unique_consecutive_float", "torch.unique_consecutive(x.detach().round())", {"x": "8"}),
    ("bincount", "torch.bincount(a)", {"a": "int:10:5"}),
    ("bincount_minlength", "a.bincount(minlength=8)", {"a": "int:10:5"}),
    ("bincount_weights", "torch.bincount(a, x.detach())", {"a": "int:6:4", "x": "6"}),
    ("bincount_int_weights", "torch.bincount(a, weights=b)", {"a": "int:6:4", "b": "int:6:4"}),
    ("histc", "torch.histc(x.detach(), bins=5)", {"x": "20"}),
    ("histc_range", "x.detach().histc(4, -1, 1)", {"x": "3x5"}),
    ("histc_constant", "torch.histc(x.detach() * 0 + 1, 3)", {"x": "4"}),
    ("unravel_index", "torch.unravel_index(a, (3, 4))[0]", {"a": "int:5:12"}),
    ("unravel_index_last", "torch.unravel_index(a, (2, 3, 2))[2]", {"a": "int:2x2:12"}),
    ("isreal", "torch.isreal(x)", {"x": "2x3"}),
]
