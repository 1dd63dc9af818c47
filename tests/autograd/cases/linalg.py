"""Op cases: products, einsum and torch.linalg (see ../op_cases.py for the format).

gradcalc's ``torch`` namespace object has no ``linalg`` or ``nn`` attribute (the interpreter
maps those module paths), so a case writes ``linalg.det(A)`` or ``F.linear(x, w)``: ``linalg``
and ``F`` are inputs that call torch's function on torch tensors and gradcalc's on gradcalc's.
"""


class _Module:
    """``linalg.<name>(...)`` / ``F.<name>(...)`` for whichever library the tensors are from."""

    def __init__(self, torch_path: str, gradcalc_namespace: str) -> None:
        self.torch_path = torch_path
        self.namespace = gradcalc_namespace

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            if type(args[0]).__module__.startswith("torch"):
                import importlib

                return getattr(importlib.import_module(self.torch_path), name)(*args, **kwargs)
            from gradcalc.autograd import FUNCTIONS

            return FUNCTIONS[self.namespace][name](*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return self.torch_path


MODULES = {"linalg": _Module("torch.linalg", "linalg"), "F": _Module("torch.nn.functional", "F")}


def _case(case_id: str, expression: str, inputs: dict) -> tuple:
    used = {name: m for name, m in MODULES.items() if f"{name}." in expression}
    return case_id, expression, {**inputs, **used}


SPD = "(A @ A.mT + torch.eye(3))"  # symmetric positive-definite

_CASES = [
    # dot, mm, mv, bmm, matmul
    ("dot", "torch.dot(x, y)", {"x": "3", "y": "3"}),
    ("dot_method", "x.dot(y)", {"x": "3", "y": "3"}),
    ("dot_int", "torch.dot(a, b)", {"a": "int:3:5", "b": "int:3:5"}),
    ("vdot", "torch.vdot(x, y)", {"x": "3", "y": "3"}),
    ("mm", "torch.mm(x, y)", {"x": "2x3", "y": "3x4"}),
    ("mm_method", "x.mm(y)", {"x": "2x3", "y": "3x2"}),
    ("mm_int", "torch.mm(a, b)", {"a": "int:2x3:5", "b": "int:3x2:5"}),
    ("mv", "torch.mv(x, v)", {"x": "2x3", "v": "3"}),
    ("mv_method", "x.mv(v)", {"x": "2x3", "v": "3"}),
    ("bmm", "torch.bmm(x, y)", {"x": "4x2x3", "y": "4x3x2"}),
    ("bmm_method", "x.bmm(y)", {"x": "2x2x3", "y": "2x3x1"}),
    ("matmul_vv", "torch.matmul(x, y)", {"x": "3", "y": "3"}),
    ("matmul_mv", "torch.matmul(x, y)", {"x": "2x3", "y": "3"}),
    ("matmul_vm", "torch.matmul(x, y)", {"x": "3", "y": "3x2"}),
    ("matmul_mm", "x @ y", {"x": "2x3", "y": "3x2"}),
    ("matmul_method", "x.matmul(y)", {"x": "2x3", "y": "3x2"}),
    ("matmul_batched", "x @ y", {"x": "4x2x3", "y": "4x3x2"}),
    ("matmul_batch_vector", "x @ y", {"x": "4x2x3", "y": "3"}),
    ("matmul_vector_batch", "x @ y", {"x": "3", "y": "4x3x2"}),
    ("matmul_batch_matrix", "x @ y", {"x": "4x2x3", "y": "3x2"}),
    ("matmul_matrix_batch", "x @ y", {"x": "2x3", "y": "4x3x2"}),
    ("matmul_broadcast", "x @ y", {"x": "2x1x2x3", "y": "3x3x2"}),
    ("matmul_batch_of_one", "x @ y", {"x": "1x2x3", "y": "4x3x2"}),
    ("matmul_constant_left", "c.to(y.dtype) @ y", {"c": "int:4x2x3:5", "y": "3x2"}),
    ("matmul_int", "a @ b", {"a": "int:2x3:5", "b": "int:4x3x2:5"}),
    # addmm, addmv, baddbmm
    ("addmm", "torch.addmm(b, x, y)", {"b": "2x2", "x": "2x3", "y": "3x2"}),
    ("addmm_broadcast", "torch.addmm(b, x, y)", {"b": "2", "x": "2x3", "y": "3x2"}),
    (
        "addmm_scaled",
        "torch.addmm(b, x, y, beta=0.5, alpha=2)",
        {"b": "2x2", "x": "2x3", "y": "3x2"},
    ),
    ("addmm_beta_zero", "x.addmm(x, y, beta=0)", {"x": "2x2", "y": "2x2"}),
    (
        "addmm_int",
        "torch.addmm(c, a, b, alpha=2)",
        {"c": "int:2x2:5", "a": "int:2x3:5", "b": "int:3x2:5"},
    ),
    ("addmv", "torch.addmv(b, x, v)", {"b": "2", "x": "2x3", "v": "3"}),
    ("addmv_scaled", "b.addmv(x, v, beta=2, alpha=-1)", {"b": "1", "x": "2x3", "v": "3"}),
    ("baddbmm", "torch.baddbmm(c, x, y)", {"c": "2x2x2", "x": "2x2x3", "y": "2x3x2"}),
    (
        "baddbmm_scaled",
        "torch.baddbmm(c, x, y, beta=0.5, alpha=1.5)",
        {"c": "2x1", "x": "2x2x3", "y": "2x3x1"},
    ),
    # outer, cross, linear, tensordot, kron
    ("outer", "torch.outer(x, y)", {"x": "3", "y": "2"}),
    ("ger", "x.ger(y)", {"x": "3", "y": "2"}),
    ("outer_int", "torch.outer(a, b)", {"a": "int:3:5", "b": "int:2:5"}),
    ("cross", "torch.cross(x, y, dim=1)", {"x": "2x3", "y": "2x3"}),
    ("cross_default_dim", "x.cross(y)", {"x": "3x2", "y": "3x2"}),
    ("linalg_cross", "linalg.cross(x, y)", {"x": "2x3", "y": "1x3"}),
    ("linear", "F.linear(x, w, b)", {"x": "2x3", "w": "4x3", "b": "4"}),
    ("linear_no_bias", "F.linear(x, w)", {"x": "2x3", "w": "4x3"}),
    ("linear_batched", "F.linear(x, w, b)", {"x": "2x2x3", "w": "4x3", "b": "4"}),
    ("linear_vector", "F.linear(x, w, b)", {"x": "3", "w": "4x3", "b": "4"}),
    ("linear_2d_bias", "F.linear(x, w, b)", {"x": "2x2x3", "w": "4x3", "b": "2x4"}),
    ("tensordot", "torch.tensordot(x, y, 1)", {"x": "2x3", "y": "3x4"}),
    ("tensordot_default", "torch.tensordot(x, y)", {"x": "2x3x4", "y": "3x4x2"}),
    ("tensordot_lists", "torch.tensordot(x, y, ([0, 2], [1, 0]))", {"x": "2x3x4", "y": "4x2"}),
    ("tensordot_full", "torch.tensordot(x, y, ([0, 1], [0, 1]))", {"x": "2x3", "y": "2x3"}),
    ("kron", "torch.kron(x, y)", {"x": "2x2", "y": "2x3"}),
    ("kron_mixed_ndim", "torch.kron(x, y)", {"x": "3", "y": "2x2"}),
    # einsum
    ("einsum_mm", "torch.einsum('ij,jk->ik', x, y)", {"x": "2x3", "y": "3x2"}),
    ("einsum_implicit", "torch.einsum('ij,jk', x, y)", {"x": "2x3", "y": "3x4"}),
    ("einsum_transpose", "torch.einsum('ij->ji', x)", {"x": "2x3"}),
    ("einsum_sum", "torch.einsum('ij->', x)", {"x": "2x3"}),
    ("einsum_trace", "torch.einsum('ii', x)", {"x": "3x3"}),
    ("einsum_diagonal", "torch.einsum('ii->i', x)", {"x": "3x3"}),
    ("einsum_outer", "torch.einsum('i,j->ij', x, y)", {"x": "3", "y": "2"}),
    ("einsum_dot", "torch.einsum('i,i', x, y)", {"x": "3", "y": "3"}),
    ("einsum_batched", "torch.einsum('bij,bjk->bik', x, y)", {"x": "2x2x3", "y": "2x3x2"}),
    ("einsum_three", "torch.einsum('ij,jk,kl->il', x, y, z)", {"x": "2x3", "y": "3x3", "z": "3x2"}),
    ("einsum_ellipsis", "torch.einsum('...ij,...jk', x, y)", {"x": "2x2x3", "y": "3x2"}),
    ("einsum_broadcast", "torch.einsum('ij,j->i', x, y)", {"x": "2x3", "y": "1"}),
    ("einsum_summed_alone", "torch.einsum('ij,k->i', x, y)", {"x": "2x3", "y": "2"}),
    ("einsum_repeated", "torch.einsum('iij,jk->ik', x, y)", {"x": "2x2x3", "y": "3x2"}),
    ("einsum_list", "torch.einsum('ij,j', [x, y])", {"x": "2x3", "y": "3"}),
    ("einsum_int", "torch.einsum('ij,jk', a, b)", {"a": "int:2x3:5", "b": "int:3x2:5"}),
    # torch.linalg
    ("det", "linalg.det(A)", {"A": "3x3"}),
    ("det_torch", "torch.det(A)", {"A": "3x3"}),
    ("det_method", "A.det()", {"A": "2x2x2"}),
    ("det_singular", "linalg.det(A * torch.tensor([1.0, 1.0, 0.0]))", {"A": "3x3"}),
    ("slogdet", "linalg.slogdet(A)[1]", {"A": "3x3"}),
    ("slogdet_sign", "torch.slogdet(A)[0]", {"A": "3x3"}),
    ("logdet", "torch.logdet(" + SPD + ")", {"A": "3x3"}),
    ("inv", "linalg.inv(A + 3 * torch.eye(3))", {"A": "3x3"}),
    ("inverse", "torch.inverse(A + 3 * torch.eye(3))", {"A": "2x3x3"}),
    ("inverse_method", "(A + 3 * torch.eye(3)).inverse()", {"A": "3x3"}),
    ("solve_vector", "linalg.solve(A + 3 * torch.eye(3), b)", {"A": "3x3", "b": "3"}),
    ("solve_matrix", "linalg.solve(A + 3 * torch.eye(3), B)", {"A": "3x3", "B": "3x2"}),
    ("solve_batched", "linalg.solve(A + 3 * torch.eye(3), B)", {"A": "2x3x3", "B": "3x2"}),
    ("solve_right", "linalg.solve(A + 3 * torch.eye(3), B, left=False)", {"A": "3x3", "B": "2x3"}),
    ("cholesky", "linalg.cholesky(" + SPD + ")", {"A": "3x3"}),
    ("cholesky_upper", "linalg.cholesky(" + SPD + ", upper=True)", {"A": "3x3"}),
    ("qr_q", "linalg.qr(A)[0]", {"A": "3x2"}),
    ("qr_r", "linalg.qr(A)[1]", {"A": "3x2"}),
    ("qr_wide_q", "linalg.qr(A)[0]", {"A": "2x3"}),
    ("qr_wide_r", "linalg.qr(A)[1]", {"A": "2x3"}),
    ("qr_complete", "linalg.qr(A, mode='complete')[1]", {"A": "2x3"}),
    ("svdvals", "linalg.svdvals(A)", {"A": "3x2"}),
    ("svd_s", "linalg.svd(A)[1]", {"A": "2x3"}),
    ("svd_u", "linalg.svd(A)[0]", {"A": "3x3"}),
    ("svd_vh", "linalg.svd(A, full_matrices=False)[2]", {"A": "3x3"}),
]

CASES = [_case(*c) for c in _CASES]
