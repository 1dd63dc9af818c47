"""Op cases: writing into copies at indices, masks and slices, and rearranging elements (see
../op_cases.py for the format)."""

I2 = "torch.tensor([[0, 1, 0], [2, 2, 1]])"  # repeated targets along dim 1 of a 2x3
IDX = "torch.tensor([0, 2])"
MASK = "torch.tensor([[True, False, True], [False, True, True]])"

CASES = [
    ("index_fill", f"torch.index_fill(x, 1, {IDX}, -1.0)", {"x": "2x3"}),
    ("index_fill_tensor", "x.index_fill(0, torch.tensor([1, 2]), y)", {"x": "3x2", "y": ""}),
    ("index_fill_repeated", "x.index_fill(1, torch.tensor([0, 0]), y * 2)", {"x": "2x3", "y": ""}),
    ("index_fill_int", f"a.index_fill(1, {IDX}, 7)", {"a": "int:2x3:5"}),
    ("index_copy", f"torch.index_copy(x, 1, {IDX}, y)", {"x": "2x3", "y": "2x2"}),
    ("index_copy_dim0", "x.index_copy(0, torch.tensor([2, 0]), y)", {"x": "3x2", "y": "2x2"}),
    ("index_copy_source", f"x.index_copy(1, {IDX}, y)", {"x": "2x3", "y": "2x2"}),
    (
        "scatter_reduce_sum",
        f"torch.scatter_reduce(x, 1, {I2}, y, 'sum')",
        {"x": "2x3", "y": "2x3"},
    ),
    ("scatter_reduce_prod", f"x.scatter_reduce(1, {I2}, y, 'prod')", {"x": "2x3", "y": "2x3"}),
    (
        "scatter_reduce_prod_exclude",
        f"x.scatter_reduce(1, {I2}, y, 'prod', include_self=False)",
        {"x": "2x3", "y": "2x3"},
    ),
    ("scatter_reduce_mean", f"x.scatter_reduce(1, {I2}, y, 'mean')", {"x": "2x3", "y": "2x3"}),
    (
        "scatter_reduce_mean_exclude",
        f"x.scatter_reduce(1, {I2}, y, 'mean', include_self=False)",
        {"x": "2x3", "y": "2x3"},
    ),
    ("scatter_reduce_amax", f"x.scatter_reduce(1, {I2}, y, 'amax')", {"x": "2x3", "y": "2x3"}),
    (
        "scatter_reduce_amin_exclude",
        f"x.scatter_reduce(1, {I2}, y, 'amin', include_self=False)",
        {"x": "2x3", "y": "2x3"},
    ),
    (
        "scatter_reduce_amax_ties",
        f"x.scatter_reduce(1, {I2}, x.detach() * 0 + y, 'amax')",
        {"x": "2x3", "y": ""},
    ),
    (
        "scatter_reduce_int",
        f"a.scatter_reduce(1, {I2}, b, 'mean', include_self=False)",
        {"a": "int:2x3:9", "b": "int:2x3:9"},
    ),
    ("masked_scatter", f"torch.masked_scatter(x, {MASK}, y)", {"x": "2x3", "y": "6"}),
    ("masked_scatter_short_mask", f"x.masked_scatter({MASK}, y)", {"x": "2x3", "y": "2x3"}),
    (
        "masked_scatter_broadcast",
        "x.masked_scatter(torch.tensor([True, False, True]), y)",
        {"x": "2x3", "y": "5"},
    ),
    ("select_scatter", "torch.select_scatter(x, y, 0, 1)", {"x": "2x3", "y": "3"}),
    ("select_scatter_last", "x.select_scatter(y, -1, -1)", {"x": "2x3", "y": "2"}),
    ("slice_scatter", "torch.slice_scatter(x, y, 1, 0, 3, 2)", {"x": "2x4", "y": "2x2"}),
    ("slice_scatter_default", "x.slice_scatter(y, start=1)", {"x": "3x2", "y": "2x2"}),
    ("diagonal_scatter", "torch.diagonal_scatter(x, y)", {"x": "3x3", "y": "3"}),
    ("diagonal_scatter_offset", "x.diagonal_scatter(y, 1, 1, 2)", {"x": "2x3x4", "y": "2x3"}),
    ("index_put", "torch.index_put(x, (torch.tensor([0, 1]),), y)", {"x": "2x3", "y": "3"}),
    (
        "index_put_accumulate",
        "x.index_put((torch.tensor([0, 0]), torch.tensor([1, 1])), y, accumulate=True)",
        {"x": "2x3", "y": "2"},
    ),
    ("ravel", "torch.ravel(x)", {"x": "2x3"}),
    ("ravel_transposed", "x.t().ravel()", {"x": "2x3"}),
    ("narrow_copy", "torch.narrow_copy(x, 1, 1, 2)", {"x": "2x4"}),
    ("narrow_copy_negative_dim", "x.narrow_copy(-1, 2, 2)", {"x": "2x4"}),
    ("rot90", "torch.rot90(x)", {"x": "2x3"}),
    ("rot90_twice", "x.rot90(2, [1, 0])", {"x": "2x3"}),
    ("rot90_back", "torch.rot90(x, -1, [0, 2])", {"x": "2x3x2"}),
    ("hsplit", "torch.hsplit(x, 2)[1]", {"x": "2x4"}),
    ("hsplit_vector", "x.hsplit([1, 3])[2]", {"x": "5"}),
    ("vsplit", "torch.vsplit(x, 2)[0]", {"x": "4x2"}),
    ("dsplit", "torch.dsplit(x, [1])[1]", {"x": "2x2x3"}),
    ("as_strided", "torch.as_strided(x, (2, 2), (1, 2))", {"x": "6"}),
    ("as_strided_offset", "x.as_strided((3,), (2,), 1)", {"x": "2x3"}),
    ("as_strided_overlap", "torch.as_strided(x, (3, 2), (1, 1))", {"x": "4"}),
]
