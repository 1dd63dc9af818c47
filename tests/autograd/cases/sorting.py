"""Op cases: sort, topk, kthvalue, median, mode, unique (see ../op_cases.py for the format).

Integer inputs with repeated values check which of equal elements PyTorch picks (its
indices); gradients at ties are checked in ../test_reduction_ties.py, since finite
differences do not apply there.
"""

X = {"x": "2x5"}
TIES = {"x": "int:4x9:3"}
# Over 16 elements PyTorch's default sort (std::sort) no longer keeps equal ones in order.
LONG_TIES = {"x": "int:3x40:4"}

CASES = [
    ("sort", "x.sort().values", X),
    ("sort_indices", "torch.sort(x, 0)[1]", X),
    ("sort_descending", "x.sort(1, descending=True)[0]", X),
    ("sort_stable", "torch.sort(x, stable=True, dim=0, descending=True).values", X),
    ("sort_0d", "x.sort().values", {"x": ""}),
    ("sort_ties", "x.sort(1).indices", TIES),
    ("sort_ties_descending", "x.sort(1, descending=True).indices", TIES),
    ("sort_long_ties", "x.sort(1).indices", LONG_TIES),
    ("sort_long_ties_descending", "torch.sort(x, descending=True)[1]", LONG_TIES),
    ("sort_long_ties_stable", "x.sort(stable=True).indices", LONG_TIES),
    ("sort_long_ties_float", "(x * 0.5 + y * 0).sort(1)[1]", {**LONG_TIES, "y": "3x40"}),
    ("argsort", "x.argsort()", X),
    ("argsort_long_ties", "x.argsort(dim=1)", LONG_TIES),
    ("argsort_long_ties_stable", "torch.argsort(x, stable=True, descending=True)", LONG_TIES),
    ("argsort_descending", "torch.argsort(x, 0, True)", X),
    ("argsort_stable", "x.argsort(stable=True, dim=0)", X),
    ("argsort_ties", "x.argsort(descending=True)", TIES),
    ("msort", "x.msort()", X),
    ("topk", "x.topk(2).values", X),
    ("topk_indices", "torch.topk(x, 2, 0)[1]", X),
    ("topk_smallest", "x.topk(3, largest=False).values", X),
    ("topk_unsorted", "x.topk(3, sorted=False).values", {"x": "3x8"}),
    ("topk_unsorted_indices", "x.topk(4, sorted=False).indices", {"x": "3x8"}),
    ("topk_partial_sort", "x.topk(2, sorted=False).indices", {"x": "2x200"}),
    ("topk_ties", "x.topk(4).indices", TIES),
    ("topk_ties_smallest", "x.topk(3, largest=False, sorted=False).indices", TIES),
    ("topk_ties_long_rows", "x.topk(2, dim=1).indices", {"x": "int:3x300:4"}),
    ("kthvalue", "x.kthvalue(2).values", X),
    ("kthvalue_dim_keepdim", "torch.kthvalue(x, 1, 0, True)[0]", X),
    ("kthvalue_ties", "x.kthvalue(4, 1).indices", TIES),
    ("kthvalue_ties_dim0", "x.kthvalue(2, 0).indices", TIES),
    ("median", "x.median()", X),
    ("median_even", "x.median()", {"x": "2x2"}),
    ("median_dim", "x.median(1).values", X),
    ("median_dim_keepdim", "torch.median(x, 0, keepdim=True)[0]", X),
    ("median_ties", "x.median(1).indices", TIES),
    ("nanmedian", "torch.where(x > 0, x, float('nan')).nanmedian()", X),
    ("nanmedian_dim", "torch.where(x > 0, x, float('nan')).nanmedian(1).values", {"x": "4x5"}),
    ("mode", "x.mode(1).values", X),
    ("mode_ties", "x.mode(1).indices", TIES),
    ("mode_values", "x.mode(0).values", TIES),
    ("mode_long_rows", "x.mode(1).indices", LONG_TIES),
    ("unique", "torch.unique(x)", TIES),
    ("unique_inverse", "torch.unique(x, return_inverse=True)[1]", TIES),
    ("unique_counts", "x.unique(return_counts=True)[1]", TIES),
    ("unique_dim", "torch.unique(x, dim=0)", {"x": "int:6x2:2"}),
    ("unique_dim_inverse", "x.unique(dim=1, return_inverse=True)[1]", {"x": "int:2x6:2"}),
]
