"""Op cases: broadcasting, grids, block matrices and index/range constructors (see
../op_cases.py for the format). Multi-output ops have a line per piece they check."""

CASES = [
    ("broadcast_to", "torch.broadcast_to(x, (2, 3))", {"x": "3"}),
    ("broadcast_to_method", "x.broadcast_to(2, -1, 3)", {"x": "1x3"}),
    ("broadcast_tensors_first", "torch.broadcast_tensors(x, y)[0]", {"x": "3", "y": "2x1"}),
    ("broadcast_tensors_second", "torch.broadcast_tensors(x, y)[1]", {"x": "3", "y": "2x1"}),
    ("meshgrid_ij", "torch.meshgrid(x, y, indexing='ij')[0]", {"x": "3", "y": "2"}),
    ("meshgrid_ij_second", "torch.meshgrid([x, y], indexing='ij')[1]", {"x": "3", "y": "2"}),
    ("meshgrid_xy", "torch.meshgrid(x, y, indexing='xy')[0]", {"x": "3", "y": "2"}),
    (
        "meshgrid_xy_second",
        "torch.meshgrid(x, y, z, indexing='xy')[1]",
        {"x": "3", "y": "2", "z": "2"},
    ),
    ("meshgrid_scalar", "torch.meshgrid(x, y, indexing='ij')[1]", {"x": "3", "y": ""}),
    ("cartesian_prod", "torch.cartesian_prod(x, y)", {"x": "3", "y": "2"}),
    ("cartesian_prod_three", "torch.cartesian_prod(x, y, x)", {"x": "2", "y": "2"}),
    ("cartesian_prod_one", "torch.cartesian_prod(x)", {"x": "3"}),
    ("combinations", "torch.combinations(x)", {"x": "4"}),
    ("combinations_three", "torch.combinations(x, 3)", {"x": "4"}),
    ("combinations_replacement", "torch.combinations(x, with_replacement=True)", {"x": "3"}),
    ("combinations_int", "torch.combinations(a, 2)", {"a": "int:4:9"}),
    ("block_diag", "torch.block_diag(x, y)", {"x": "2x2", "y": "1x3"}),
    ("block_diag_mixed", "torch.block_diag(x, y, z)", {"x": "", "y": "3", "z": "2x1"}),
    ("block_diag_list", "torch.block_diag(*[x, a])", {"x": "2x2", "a": "int:2:5"}),
    ("diagflat", "torch.diagflat(x)", {"x": "2x2"}),
    ("diagflat_offset", "x.diagflat(-1)", {"x": "3"}),
    ("diagflat_transposed", "torch.diagflat(x.t(), 1)", {"x": "2x3"}),
    # PyTorch's vander backward fails (cumprod's saved input is overwritten in place): the
    # cases use values without grad; test_grids_errors.py checks the backward error.
    ("vander", "torch.vander(x.detach())", {"x": "3"}),
    ("vander_n_increasing", "torch.vander(x.detach(), N=4, increasing=True)", {"x": "3"}),
    ("vander_one_column", "torch.vander(x, 1)", {"x": "3"}),
    ("vander_int", "torch.vander(a, 3)", {"a": "int:4:5"}),
    ("tril_indices", "torch.tril_indices(3, 4, 1)", {}),
    ("triu_indices", "torch.triu_indices(4, 3, -1)", {}),
    ("logspace", "torch.logspace(-1.5, 2.0, 7)", {}),
    ("logspace_base", "torch.logspace(0.3, -2.2, 9, base=2.0, dtype=torch.float64)", {}),
    ("as_tensor_same", "torch.as_tensor(x)", {"x": "2x3"}),
    ("as_tensor_list", "torch.as_tensor([[1.5, 2.0], [3.0, 4.25]])", {}),
    ("as_tensor_cast", "torch.as_tensor(x, dtype=torch.float64)", {"x": "2x3"}),
]
