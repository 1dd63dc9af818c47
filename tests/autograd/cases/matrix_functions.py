"""Op cases: more linear algebra (see ../op_cases.py for the format). cdist and pdist have no
second derivative in PyTorch, so they are checked in ../test_matrix_functions_errors.py;
inner of two vectors is there too (its double backward meets an engine gap, see there)."""

SPD = "(a @ a.mT + torch.eye(3, dtype=a.dtype))"
UPPER = "(a.triu() + 3 * torch.eye(3, dtype=a.dtype))"

CASES = [
    ("inner_matrices", "torch.inner(a, b)", {"a": "3x3", "b": "4x3"}),
    ("matrix_power_3", "torch.matrix_power(a, 3)", {"a": "3x3"}),
    ("matrix_power_5", "torch.linalg.matrix_power(a, 5)", {"a": "unit:3x3"}),
    (
        "matrix_power_negative",
        "torch.linalg.matrix_power(a + 3 * torch.eye(3, dtype=a.dtype), -2)",
        {"a": "unit:3x3"},
    ),
    ("matrix_power_method", "a.matrix_power(1)", {"a": "3x3"}),
    ("multi_dot", "torch.linalg.multi_dot([a, b, c])", {"a": "3x3", "b": "3x4", "c": "4x2"}),
    ("multi_dot_vectors", "torch.linalg.multi_dot([v, a, b])", {"v": "3", "a": "3x3", "b": "3x4"}),
    ("vecdot", "torch.linalg.vecdot(a, b)", {"a": "3x4", "b": "3x4"}),
    ("addr", "torch.addr(a, v, w, beta=0.5, alpha=2)", {"a": "3x4", "v": "3", "w": "4"}),
    ("addbmm", "torch.addbmm(a, b, c)", {"a": "3x2", "b": "2x3x4", "c": "2x4x2"}),
    ("eigvalsh", f"torch.linalg.eigvalsh({SPD})", {"a": "3x3"}),
    ("eigh_vectors", f"torch.linalg.eigh({SPD})[1].abs()", {"a": "3x3"}),
    (
        "solve_triangular",
        f"torch.linalg.solve_triangular({UPPER}, b, upper=True)",
        {"a": "3x3", "b": "3x4"},
    ),
    (
        "solve_triangular_right_unit",
        f"torch.linalg.solve_triangular({UPPER}.mT, b, upper=False, left=False, unitriangular=True)",
        {"a": "3x3", "b": "4x3"},
    ),
    ("matrix_exp", "torch.linalg.matrix_exp(a)", {"a": "3x3"}),
    ("matrix_exp_torch", "torch.matrix_exp(a * 3)", {"a": "2x2x2"}),
    ("inv_ex", "torch.linalg.inv_ex(a + 3 * torch.eye(3, dtype=a.dtype))[0]", {"a": "unit:3x3"}),
    (
        "solve_ex",
        "torch.linalg.solve_ex(a + 3 * torch.eye(3, dtype=a.dtype), b)[0]",
        {"a": "unit:3x3", "b": "3x2"},
    ),
    ("cholesky_ex", f"torch.linalg.cholesky_ex({SPD})[0]", {"a": "3x3"}),
    ("linalg_diagonal", "torch.linalg.diagonal(a, offset=1)", {"a": "2x3x4"}),
    ("linalg_vander", "torch.linalg.vander(v)", {"v": "4"}),
    ("linalg_vander_n", "torch.linalg.vander(v, N=5)", {"v": "2x3"}),
    ("pinv", "torch.linalg.pinv(b)", {"b": "3x4"}),
    ("pinv_tall", "torch.linalg.pinv(b, rtol=0.05)", {"b": "4x3"}),
    ("pinv_hermitian", f"torch.linalg.pinv({SPD}, hermitian=True)", {"a": "3x3"}),
    ("pinverse", "torch.pinverse(a + 3 * torch.eye(3, dtype=a.dtype))", {"a": "unit:3x3"}),
    ("lstsq", "torch.linalg.lstsq(a, b).solution", {"a": "4x3", "b": "4x2"}),
    ("lstsq_vector", "torch.linalg.lstsq(a, v).solution", {"a": "4x3", "v": "4"}),
    (
        "tensorsolve",
        "torch.linalg.tensorsolve(a + 3 * torch.eye(3, dtype=a.dtype), v)",
        {"a": "unit:3x3", "v": "3"},
    ),
]
