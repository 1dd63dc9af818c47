"""``torch.linalg``: ``det``, ``slogdet``, ``logdet``, ``inv``, ``solve``, ``cholesky``, ``qr``,
``svd``/``svdvals``, ``matrix_norm`` and ``norm``.

numpy computes (LAPACK, as PyTorch on the CPU); the checks, messages and node names are
PyTorch 2.13's, including its ``LinAlgError`` texts for singular and non-positive-definite
input, which name the failing pivot as LAPACK's ``getrf``/``potrf`` do. Derivatives follow
PyTorch's ``FunctionsManual.cpp`` (``linalg_det_backward``, ``svd_backward``,
``linalg_qr_backward``, ``cholesky_backward``; github.com/pytorch/pytorch, torch/csrc/autograd).
``linalg.vector_norm`` and ``torch.norm`` are declared with the reductions (``norms.py``);
the matrix norms here build on them and on ``amax``/``amin``, as PyTorch's do.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import same
from gradcalc.autograd.ops.support import (
    array_of,
    constant_as,
    dim_of,
    require_floating,
    zeros_as,
)
from gradcalc.errors import EvaluationError, ShapeError


def _square(name: str, a: np.ndarray) -> None:
    if a.ndim < 2:
        raise ShapeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise ShapeError(
            f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
            f"{a.shape[-1]} matrices"
        )
    require_floating(name, a)


def _matrix(name: str, a: np.ndarray) -> None:
    require_floating(name, a)
    if a.ndim < 2:
        raise ShapeError(f"{name}: The input tensor A must have at least 2 dimensions.")


def _mT(x):
    return F.transpose(x, -2, -1)


def _linalg_error(name: str, batch: tuple, shape: tuple, text: str) -> EvaluationError:
    prefix = ""
    if shape:
        prefix = f"(Batch element {int(np.ravel_multi_index(batch, shape))}): "
    return EvaluationError(f"{name}: {prefix}{text}", kind="LinAlgError")


def _zero_pivot(a: np.ndarray) -> int:
    """The 1-based index of LU's first zero pivot (LAPACK getrf's ``info``), 0 if none."""
    u = np.array(a, dtype=np.float64, copy=True)
    n = u.shape[0]
    first = 0
    for k in range(n):
        p = k + int(np.argmax(np.abs(u[k:, k])))
        if u[p, k] == 0:
            first = first or k + 1
            continue
        u[[k, p]] = u[[p, k]]
        u[k + 1 :, k:] -= np.outer(u[k + 1 :, k] / u[k, k], u[k, k:])
    return first


def _each_matrix(a: np.ndarray):
    for index in np.ndindex(a.shape[:-2]):
        yield index, a[index]


# ---- det, slogdet, logdet -------------------------------------------------------------------


def _adjugate(a: np.ndarray) -> np.ndarray:
    """adj(A) for any square A (also singular), from its SVD: PyTorch's singular path."""
    u, s, vh = np.linalg.svd(a)
    n = s.shape[-1]
    others = np.stack([np.prod(np.delete(s, i, axis=-1), axis=-1) for i in range(n)], -1)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * np.matmul(np.swapaxes(vh, -1, -2) * others[..., None, :], _t(u))


def _t(a: np.ndarray) -> np.ndarray:
    return np.swapaxes(a, -1, -2)


def _others_product(S):
    """``out[..., i]`` = the product of ``S[..., j]`` for ``j != i`` (no division by 0)."""
    n = S.shape[-1]
    columns = [F.select(S, -1, j) for j in range(n)]
    products = []
    for i in range(n):
        p = None
        for j in range(n):
            if j != i:
                p = columns[j] if p is None else p * columns[j]
        products.append(
            p if p is not None else constant_as(S, np.ones(S.shape[:-1], array_of(S).dtype))
        )
    return F.stack(tuple(products), -1)


def _det_grad_differentiable(grad, A, result):
    """As Tensors (create_graph): ``g det A^-T``, or through the SVD where ``det = 0``,
    which stays differentiable at singular matrices (PyTorch's singular case)."""
    if np.all(result.array != 0):
        scale = F.unsqueeze(F.unsqueeze(grad * result, -1), -1)
        return scale * _mT(F.inv(A))
    U, S, Vh = F.svd(A, False)
    alpha = F.det(U) * F.det(Vh)
    D = F.unsqueeze(grad * alpha, -1) * _others_product(S)
    return F.matmul(U * F.unsqueeze(D, -2), Vh)


def _det_grad(grad, A, result):
    if type(A) is not np.ndarray:
        return _det_grad_differentiable(grad, A, result)
    if A.shape[-1] == 0:
        return np.zeros_like(A)
    g = np.asarray(grad)[..., None, None]
    with np.errstate(all="ignore"):
        if np.all(result != 0):
            return g * np.asarray(result)[..., None, None] * _t(np.linalg.inv(A))
    return g * _t(_adjugate(A))


@op(
    "det(Tensor A) -> Tensor",
    "LinalgDetBackward0",
    namespaces=("linalg", "torch"),
    grads={"A": _det_grad},
    example="torch.linalg.det(A)",
)
def det(A):
    """The determinant of a square matrix (or of each in a batch)."""
    _square("linalg.det", A)
    return np.linalg.det(A).astype(A.dtype)


def _slogdet_grad(grads, A):
    g = grads[1]
    if g is None:
        return None
    if type(A) is not np.ndarray:
        return F.unsqueeze(F.unsqueeze(g, -1), -1) * _mT(F.inv(A))
    return np.asarray(g)[..., None, None] * _t(np.linalg.inv(A))


@op(
    "slogdet(Tensor A) -> Tensor sign, Tensor logabsdet",
    "LinalgSlogdetBackward0",
    outputs=2,
    namespaces=("linalg", "torch"),
    grads={"A": _slogdet_grad},
    example="torch.linalg.slogdet(A)",
)
def slogdet(A):
    """The sign and the log of the absolute value of the determinant."""
    _square("linalg.slogdet", A)
    sign, logabsdet = np.linalg.slogdet(A)
    return sign.astype(A.dtype), logabsdet.astype(A.dtype)


@composite("logdet(Tensor self) -> Tensor", example="torch.logdet(A)")
def logdet(self):
    """The log of the determinant (NaN when it is negative)."""
    _square("logdet", self.array)
    sign, logabsdet = F.slogdet(self)
    return F.where(sign == -1.0, float("nan"), logabsdet)


# ---- inv, solve -----------------------------------------------------------------------------


def _inverse(name: str, A: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.inv(A)
    except np.linalg.LinAlgError:
        pass
    for index, matrix in _each_matrix(A):
        k = _zero_pivot(matrix)
        if k:
            raise _linalg_error(
                name,
                index,
                A.shape[:-2],
                f"The diagonal element {k} is zero, the inversion could not be completed "
                "because the input matrix is singular.",
            )
    return np.linalg.pinv(A)  # numerically singular without an exact zero pivot


@op(
    "inv(Tensor A) -> Tensor",
    "LinalgInvExBackward0",
    namespaces=("linalg",),
    method=False,
    grads={"A": lambda grad, result: -F.matmul(F.matmul(_mT(result), grad), _mT(result))},
    example="torch.linalg.inv(A)",
)
def inv(A):
    """The inverse of a square matrix (or of each in a batch)."""
    _square("linalg.inv", A)
    return _inverse("linalg.inv", A).astype(A.dtype)


@composite("inverse(Tensor self) -> Tensor", example="torch.inverse(A)")
def inverse(self):
    """``torch.linalg.inv``."""
    return F.inv(self)


def _vector_rhs(A: tuple, B: tuple) -> bool:
    return len(B) == 1 or (len(B) == len(A) - 1 and B == A[:-1])


def _solve_grad(grad, A, B, result, left, which: str):
    """``gB = A^-T gX`` (``X A = B``: ``gX A^-T``); ``gA = -gB X^T`` (``-X^T gB``)."""
    gB = F.solve(_mT(A), grad, left=left)
    if which == "B":
        return gB
    if _vector_rhs(tuple(A.shape), tuple(B.shape)):
        return -F.mul(F.unsqueeze(gB, -1), F.unsqueeze(result, -2))
    return -F.matmul(gB, _mT(result)) if left else -F.matmul(_mT(result), gB)


@op(
    "solve(Tensor A, Tensor B, *, bool left=True) -> Tensor",
    "LinalgSolveExBackward0",
    namespaces=("linalg",),
    method=False,
    dtype=same,
    grads={
        "A": lambda grad, A, B, result, left: _solve_grad(grad, A, B, result, left, "A"),
        "B": lambda grad, A, B, result, left: _solve_grad(grad, A, B, result, left, "B"),
    },
    example="torch.linalg.solve(A, v)",
)
def solve(A, B, left=True):
    """``X`` with ``A @ X = B`` (``left=False``: ``X @ A = B``); ``B`` may be a vector."""
    _square("linalg.solve", A)
    if A.dtype != B.dtype:
        raise EvaluationError(
            "linalg.solve: Expected A and B to have the same dtype, but found A of type "
            f"{dtypes.BY_NUMPY[A.dtype].kind_name} and B of type "
            f"{dtypes.BY_NUMPY[B.dtype].kind_name} instead"
        )
    vector = _vector_rhs(A.shape, B.shape)
    n = A.shape[-1]
    rows = B.shape[-1] if vector else (B.shape[-2] if left else B.shape[-1])
    if rows != n:
        shown = f"{B.shape[-1]}x1" if vector else f"{B.shape[-2]}x{B.shape[-1]}"
        equation = "AX = B" if left else "XA = B"
        raise ShapeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation {equation} "
            f"({n}x{n} and {shown})"
        )
    lhs = A if left else _t(A)
    rhs = B[..., None] if vector else (B if left else _t(B))
    batch = np.broadcast_shapes(lhs.shape[:-2], rhs.shape[:-2])
    lhs = np.broadcast_to(lhs, batch + lhs.shape[-2:])
    rhs = np.broadcast_to(rhs, batch + rhs.shape[-2:])
    try:
        x = np.linalg.solve(lhs, rhs)
    except np.linalg.LinAlgError:
        for index, matrix in _each_matrix(lhs):
            if np.linalg.matrix_rank(matrix) < n or _zero_pivot(matrix):
                raise _linalg_error(
                    "torch.linalg.solve",
                    index,
                    batch,
                    "The solver failed because the input matrix is singular.",
                ) from None
        raise
    x = x[..., 0] if vector else (x if left else _t(x))
    return x.astype(A.dtype)


# ---- cholesky, qr, svd ----------------------------------------------------------------------


def _cholesky_grad(grad, result, upper):
    L, gL = (_mT(result), _mT(grad)) if upper else (result, grad)
    gA = F.tril(F.matmul(_mT(L), gL), 0)
    gA = 0.5 * (gA + _mT(F.tril(gA, -1)))
    gA = F.solve(_mT(L), gA, left=True)
    return F.solve(L, gA, left=False)


def _not_positive_definite(a: np.ndarray) -> int:
    """The order of the first leading minor that is not positive-definite (potrf's info)."""
    n = a.shape[-1]
    low = np.zeros((n, n))
    for j in range(n):
        d = a[j, j] - low[j, :j] @ low[j, :j]
        if not d > 0:
            return j + 1
        low[j, j] = np.sqrt(d)
        low[j + 1 :, j] = (a[j + 1 :, j] - low[j + 1 :, :j] @ low[j, :j]) / low[j, j]
    return n


@op(
    "cholesky(Tensor A, *, bool upper=False) -> Tensor",
    "LinalgCholeskyExBackward0",
    namespaces=("linalg",),
    method=False,
    grads={"A": _cholesky_grad},
    example="torch.linalg.cholesky(A)",
)
def cholesky(A, upper=False):
    """``L`` lower-triangular with ``L @ L.mT = A``, for symmetric positive-definite ``A``."""
    _square("linalg.cholesky", A)
    try:
        L = np.linalg.cholesky(A)
    except np.linalg.LinAlgError:
        for index, matrix in _each_matrix(A):
            try:
                np.linalg.cholesky(matrix)
            except np.linalg.LinAlgError:
                raise _linalg_error(
                    "linalg.cholesky",
                    index,
                    A.shape[:-2],
                    "The factorization could not be completed because the input is not "
                    "positive-definite (the leading minor of order "
                    f"{_not_positive_definite(matrix)} is not positive-definite).",
                ) from None
        raise
    L = L.astype(A.dtype)
    return _t(L).copy() if upper else L


def _syminvadj(x):
    """``x + x^T`` with the diagonal halved (PyTorch's ``syminvadj``)."""
    eye = constant_as(x, np.eye(x.shape[-1], dtype=array_of(x).dtype))
    return x + _mT(x) - eye * x


def _qr_grad(grads, Q, R, mode):
    gQ, gR = grads
    if mode == "r":
        from gradcalc.errors import AutogradError

        raise AutogradError(
            "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
            "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
            "linalg.qr."
        )
    m, n = Q.shape[-2], R.shape[-1]
    if mode == "complete" and m > n:
        from gradcalc.errors import AutogradError

        raise AutogradError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if gQ is not None and gR is not None:
        gA = F.matmul(gR, _mT(R)) - F.matmul(_mT(Q), gQ)
    elif gQ is not None:
        gA = -F.matmul(_mT(Q), gQ)
    else:
        gA = F.matmul(gR, _mT(R))
    if m >= n:
        gA = F.matmul(Q, _syminvadj(F.triu(gA, 0)))
        if gQ is not None:
            gA = gA + gQ
        return F.solve(_mT(R), gA, left=False)
    # The wide case: the first m columns as for a square A, then Q gR for all of them.
    skew = F.tril(_mT(gA) - gA, 0)
    gA = F.solve(_mT(F.narrow(R, -1, 0, m)), F.matmul(Q, skew), left=False)
    gA = F.cat((gA, zeros_as(gA, tuple(gA.shape[:-1]) + (n - m,))), -1)
    return gA if gR is None else gA + F.matmul(Q, gR)


@op(
    "qr(Tensor A, str mode='reduced') -> Tensor Q, Tensor R",
    "LinalgQrBackward0",
    outputs=2,
    namespaces=("linalg",),
    method=False,
    grads={"A": lambda grads, result, mode: _qr_grad(grads, *result, mode)},
    example="torch.linalg.qr(A)",
)
def qr(A, mode="reduced"):
    """``Q`` with orthonormal columns and upper-triangular ``R`` with ``Q @ R = A``."""
    if mode not in ("reduced", "r", "complete"):
        raise EvaluationError(
            f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), "
            "'r', or 'complete'"
        )
    _matrix("linalg.qr", A)
    Q, R = np.linalg.qr(A, mode="complete" if mode == "complete" else "reduced")
    if mode == "r":
        Q = np.zeros((0,), dtype=A.dtype)
    return Q.astype(A.dtype), R.astype(A.dtype)


def _svd_grad(grads, U, S, Vh, full_matrices):
    gU, gS, gVh = grads
    m, n = U.shape[-2], Vh.shape[-1]
    k = S.shape[-1]
    if gU is None and gVh is None:
        U, Vh = F.narrow(U, -1, 0, k), F.narrow(Vh, -2, 0, k)
        if m >= n:
            return F.matmul(U, F.unsqueeze(gS, -1) * Vh)
        return F.matmul(U * F.unsqueeze(gS, -2), Vh)
    if full_matrices:
        U, Vh = F.narrow(U, -1, 0, k), F.narrow(Vh, -2, 0, k)
        gU = None if gU is None else F.narrow(gU, -1, 0, k)
        gVh = None if gVh is None else F.narrow(gVh, -2, 0, k)
    S2 = S * S
    E = F.unsqueeze(S2, -2) - F.unsqueeze(S2, -1)
    E = E + constant_as(E, np.eye(k, dtype=array_of(E).dtype))
    gA = None
    if gU is not None:
        UhgU = F.matmul(_mT(U), gU)
        gA = (UhgU - _mT(UhgU)) * F.unsqueeze(S, -2) / E
    if gVh is not None:
        VhgV = F.matmul(Vh, _mT(gVh))
        term = F.unsqueeze(S, -1) * (VhgV - _mT(VhgV)) / E
        gA = term if gA is None else gA + term
    if gS is not None:
        gA = gA + F.diag_embed(gS, 0, -2, -1)
    if m > n and gU is not None:
        gA = F.matmul(U, gA)
        gUSinv = gU / F.unsqueeze(S, -2)
        gA = gA + gUSinv - F.matmul(U, F.matmul(_mT(U), gUSinv))
        return F.matmul(gA, Vh)
    if m < n and gVh is not None:
        gA = F.matmul(gA, Vh)
        SinvgVh = gVh / F.unsqueeze(S, -1)
        gA = gA + SinvgVh - F.matmul(F.matmul(SinvgVh, _mT(Vh)), Vh)
        return F.matmul(U, gA)
    return F.matmul(U, F.matmul(gA, Vh)) if m >= n else F.matmul(F.matmul(U, gA), Vh)


@op(
    "svd(Tensor A, bool full_matrices=True) -> Tensor U, Tensor S, Tensor Vh",
    "LinalgSvdBackward0",
    outputs=3,
    namespaces=("linalg",),
    method=False,
    grads={"A": lambda grads, result, full_matrices: _svd_grad(grads, *result, full_matrices)},
    example="torch.linalg.svd(A)",
)
def svd(A, full_matrices=True):
    """``U``, the singular values ``S`` (descending) and ``Vh`` with ``A = U diag(S) Vh``."""
    _matrix("linalg.svd", A)
    U, S, Vh = np.linalg.svd(A, full_matrices=full_matrices)
    return U.astype(A.dtype), S.astype(A.dtype), Vh.astype(A.dtype)


@composite(
    "svdvals(Tensor A) -> Tensor",
    method=False,
    namespaces=("linalg",),
    example="torch.linalg.svdvals(A)",
)
def svdvals(A):
    """The singular values, in descending order."""
    return F.svd(A, False)[1]


# ---- matrix norms ---------------------------------------------------------------------------


def _order_text(ord) -> str:
    return ord if isinstance(ord, str) else f"{float(ord):g}"


def _norm_dims(A, dim) -> tuple:
    dims = [dim] if isinstance(dim, int) else list(dim)
    if len(dims) != 2:
        raise ShapeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}"
        )
    d0, d1 = (dim_of(d, len(A.shape)) for d in dims)
    if d0 == d1:
        raise ShapeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    return d0, d1


def _to_end(ndim: int, d0: int, d1: int) -> tuple:
    return tuple(i for i in range(ndim) if i not in (d0, d1)) + (d0, d1)


def _singular_norm(A, ord, d0: int, d1: int, keepdim: bool):
    perm = _to_end(len(A.shape), d0, d1)
    S = F.svdvals(F.permute(A, perm))
    if ord == "nuc":
        result = F.sum_dim(S, (-1,), keepdim)
    else:
        result = (F.amax if ord > 0 else F.amin)(S, (-1,), keepdim)
    if keepdim:
        result = F.permute(F.unsqueeze(result, -1), tuple(np.argsort(perm)))
    return result


@composite(
    "matrix_norm(Tensor A, Any ord='fro', int[] dim=[-2, -1], bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor",
    method=False,
    namespaces=("linalg",),
    example="torch.linalg.matrix_norm(A)",
)
def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, dtype=None):
    """The Frobenius (default), nuclear, 1, -1, 2, -2, inf or -inf norm of a matrix."""
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise EvaluationError(f"linalg.matrix_norm: Order {ord} not supported.")
    elif abs(ord) not in (1, 2, float("inf")):
        raise EvaluationError(f"linalg.matrix_norm: Order {_order_text(ord)} not supported.")
    if len(A.shape) < 2:
        raise ShapeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    require_floating("linalg.matrix_norm", A.array)
    d0, d1 = _norm_dims(A, dim)
    if dtype is not None:
        A = F.to(A, dtype)
    if ord == "fro":
        return F.vector_norm(A, 2, (d0, d1), keepdim)
    if ord == "nuc" or abs(ord) == 2:
        return _singular_norm(A, ord, d0, d1, keepdim)
    if abs(ord) == float("inf"):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    summed = F.vector_norm(A, 1, (d0,), keepdim)
    return (F.amax if ord > 0 else F.amin)(summed, (d1,), keepdim)


@composite(
    "norm.linalg(Tensor A, Any ord=None, int[]? dim=None, bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor",
    method=False,
    namespaces=("linalg",),
    example="torch.linalg.norm(A)",
)
def norm_linalg(A, ord=None, dim=None, keepdim=False, dtype=None):
    """A vector norm, or a matrix norm for 2-D input (or two dims) with a given ``ord``."""
    ndim = len(A.shape)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise ShapeError(
                "linalg.norm: If dim is specified, it must be of length 1 or 2. Got "
                f"[{', '.join(map(str, dim))}]"
            )
    elif ord is not None and ndim not in (1, 2):
        raise ShapeError(
            "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
            f"Got {ndim}D."
        )
    if isinstance(ord, str) or (
        ord is not None and ((dim is not None and len(dim) == 2) or (dim is None and ndim == 2))
    ):
        return F.matrix_norm(
            A, ord, tuple(dim) if dim is not None else (0, 1), keepdim, dtype=dtype
        )
    return F.vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)
