"""More linear algebra: ``matrix_power``, ``pinv``/``pinverse``, ``multi_dot``/
``chain_matmul``, ``inner``, ``vecdot``, ``addr``, ``addbmm``,
``eigh``/``eigvalsh``, ``solve_triangular``, ``matrix_exp``, ``inv_ex``/``solve_ex``/
``cholesky_ex``, ``linalg.diagonal``, ``linalg.vander``, ``matrix_rank``, ``tensorinv`` and
``tensorsolve``, with PyTorch's nodes (real inputs). Compositions follow
aten/src/ATen/native/LinearAlgebra.cpp; derivatives follow derivatives.yaml and
FunctionsManual.cpp (``pinv_backward``, ``linalg_eig_backward``,
``linalg_solve_triangular_backward``, ``differential_analytic_matrix_function``) at https://github.com/pytorch/pytorch, written with ops so double
backward works.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.ops.listargs import list_composite
from gradcalc.autograd.ops.support import array_of, constant_as
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import make_tensor
from gradcalc.errors import EvaluationError, ShapeError

_LINALG = {"namespaces": ("linalg",), "method": False}


def _mT(x):
    return F.transpose(x, -2, -1)


def _square(name: str, shape) -> None:
    if len(shape) < 2:
        raise ShapeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if shape[-1] != shape[-2]:
        raise ShapeError(
            f"{name}: A must be batches of square matrices, but they are {shape[-2]} by "
            f"{shape[-1]} matrices"
        )


def _eye_like(like, n: int):
    return constant_as(like, np.eye(n, dtype=array_of(like).dtype))


# ---- matrix_power, multi_dot, inner, vecdot ------------------------------------------------


@composite(
    "matrix_power(Tensor self, int n) -> Tensor",
    namespaces=("torch", "linalg"),
    example="torch.matrix_power(A, 3)",
)
def matrix_power(self, n):
    """``self`` multiplied by itself ``n`` times (``n < 0``: of its inverse; 0: identity)."""
    _square("linalg.matrix_power", tuple(self.shape))
    if n == 0:
        from gradcalc.autograd.inplace import apply_inplace

        eye = make_tensor(
            np.broadcast_to(np.eye(self.shape[-1], dtype=self.array.dtype), self.shape)
        )
        return apply_inplace(OPS["_copy_from"], [F.clone(self), eye, False])
    a = self
    if n < 0:
        a, n = F.inv(self), -n
    if n == 1:
        return F.clone(a)
    if n == 2:
        return F.matmul(a, a)
    if n == 3:
        return F.matmul(F.matmul(a, a), a)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = a if z is None else F.matmul(z, z)
        if bit:
            if result is None:
                result = z
                if n <= 0:
                    return F.clone(result)
            else:
                result = F.matmul(result, z)
    return result


def _chain_order(shapes: list) -> list:
    """The matrix-chain split points minimising multiplications (LinearAlgebra.cpp)."""
    n = len(shapes)
    dims = [shapes[0][0]] + [s[1] for s in shapes]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                total = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if total < cost[i][j]:
                    cost[i][j], split[i][j] = total, k
    return split


def _multiply_chain(tensors: list, split, i: int, j: int):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return F.mm(_multiply_chain(tensors, split, i, k), _multiply_chain(tensors, split, k + 1, j))


def _multi_dot(name: str, tensors: list):
    n = len(tensors)
    if n < 2:
        raise EvaluationError(f"{name}(): expected at least 2 tensors but got {n}")
    first, last = tensors[0], tensors[-1]
    for i, t in enumerate(tensors):
        ndim = len(t.shape)
        allowed = (1, 2) if i in (0, n - 1) else (2,)
        if ndim not in allowed:
            where = "first" if i == 0 else "last" if i == n - 1 else None
            text = (
                f"{name}(): the {where} tensor must be 1D or 2D but got {ndim}D"
                if where
                else f"{name}(): tensor {i} must be 2D but got {ndim}D"
            )
            raise EvaluationError(text)
    out_shape = tuple(
        s for s, t in ((first.shape[0], first), (last.shape[-1], last)) if len(t.shape) == 2
    )
    mats = list(tensors)
    if len(first.shape) == 1:
        mats[0] = F.unsqueeze(first, 0)
    if len(last.shape) == 1:
        mats[-1] = F.unsqueeze(last, 1)
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise EvaluationError(
                f"{name}(): tensors {i} and {i + 1} with shapes {list(tensors[i].shape)} and "
                f"{list(tensors[i + 1].shape)} cannot be multiplied"
            )
    if n == 2:
        result = F.mm(mats[0], mats[1])
    else:
        result = _multiply_chain(mats, _chain_order([tuple(m.shape) for m in mats]), 0, n - 1)
    return F.view(result, out_shape)


@composite(
    "multi_dot(Tensor[] tensors) -> Tensor",
    example="torch.linalg.multi_dot([A, A, x[:3]])",
    **_LINALG,
)
def multi_dot(tensors):
    """The product of a chain of matrices, in the cheapest order (the first and last may be
    vectors)."""
    return _multi_dot("multi_dot", list(tensors))


@list_composite(
    "chain_matmul(Tensor[] matrices) -> Tensor",
    method=False,
    example="torch.chain_matmul(A, A)",
)
def chain_matmul(matrices):
    """``torch.linalg.multi_dot`` of the matrices given as arguments (deprecated)."""
    warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch release. "
        "Use torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather "
        "than multiple parameters. (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/LinearAlgebra.cpp:1102.)"
    )
    if len(matrices) == 1:
        return F.clone(matrices[0])
    return _multi_dot("chain_matmul", list(matrices))


@composite("inner(Tensor self, Tensor other) -> Tensor", example="torch.inner(x, y)")
def inner(self, other):
    """The sum of products over the last dimension of both (a product when one is 0-d)."""
    if len(self.shape) == 0 or len(other.shape) == 0:
        return self * other
    if self.shape[-1] != other.shape[-1]:
        raise EvaluationError(
            f"inner() the last dimension must match on both input tensors but got shapes "
            f"{list(self.shape)} and {list(other.shape)}"
        )
    return F.tensordot(self, other, ([-1], [-1]))


@composite(
    "vecdot(Tensor x, Tensor y, *, int dim=-1) -> Tensor",
    example="torch.linalg.vecdot(x, y)",
    **_LINALG,
)
def vecdot(x, y, dim=-1):
    """The dot product of vectors along ``dim`` (broadcasting the rest)."""
    if len(x.shape) == 1 and len(y.shape) == 1:
        return F.vdot(x, y)
    return F.sum_dim(x * y, (dim % max(len(x.shape), len(y.shape)),), False)


# ---- addr, addbmm --------------------------------------------------------------------------


@op(
    "addr(Tensor self, Tensor vec1, Tensor vec2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    "AddrBackward0",
    grads={
        "self": lambda grad, beta: grad * beta,
        "vec1": lambda grad, vec2, alpha: F.mv(grad, vec2) * alpha,
        "vec2": lambda grad, vec1, alpha: F.mv(_mT(grad), vec1) * alpha,
    },
    example="torch.addr(A, x[:3], y[:3])",
)
def addr(self, vec1, vec2, beta=1, alpha=1):
    """``beta * self + alpha * outer(vec1, vec2)``."""
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise EvaluationError(
            f"addr: Expected 1-D argument vec1, but got {vec1.ndim}-D"
            if vec1.ndim != 1
            else f"addr: Expected 1-D argument vec2, but got {vec2.ndim}-D"
        )
    outer = np.outer(vec1, vec2)
    base = self * beta if beta != 0 else np.zeros_like(self)
    return (base + alpha * outer).astype(np.result_type(self, vec1, vec2))


def _addbmm_grad(which: str):
    def formula(grad, batch1, batch2, alpha):
        count = batch1.shape[0]
        expanded = F.expand(F.unsqueeze(grad, 0), (count, *grad.shape))
        if which == "batch1":
            return F.bmm(expanded, _mT(batch2)) * alpha
        return F.bmm(_mT(batch1), expanded) * alpha

    return formula


@op(
    "addbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    "AddbmmBackward0",
    grads={
        "self": lambda grad, beta: grad * beta,
        "batch1": _addbmm_grad("batch1"),
        "batch2": _addbmm_grad("batch2"),
    },
    example="torch.addbmm(A, A.view(1, 3, 3), A.view(1, 3, 3))",
)
def addbmm(self, batch1, batch2, beta=1, alpha=1):
    """``beta * self + alpha * sum over the batch of batch1[b] @ batch2[b]``."""
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise EvaluationError("batch1 must be a 3D tensor")
    total = np.einsum("bij,bjk->ik", batch1.astype(np.float64), batch2.astype(np.float64))
    base = self * beta if beta != 0 else np.zeros_like(self)
    return (base + alpha * total).astype(self.dtype)


# ---- eigh, eigvalsh ------------------------------------------------------------------------


def _eigh_grad(grads, result):
    L, V = result
    gL, gV = grads
    n = V.shape[-1]
    eye = _eye_like(V, n)
    if gV is not None:
        VhgV = F.matmul(_mT(V), gV)
        skew = (VhgV - _mT(VhgV)) * 0.5
        E = F.unsqueeze(L, -2) - F.unsqueeze(L, -1) + eye
        inner_part = skew / E * (1 - eye)
        if gL is not None:
            inner_part = inner_part + F.diag_embed(gL, 0, -2, -1)
    else:
        inner_part = F.diag_embed(gL, 0, -2, -1)
    return F.matmul(V, F.matmul(inner_part, _mT(V)))


@op(
    "eigh(Tensor A, str UPLO='L') -> Tensor eigenvalues, Tensor eigenvectors",
    "LinalgEighBackward0",
    outputs=2,
    grads={"A": _eigh_grad},
    example="torch.linalg.eigh(A @ A.mT).eigenvalues",
    **_LINALG,
)
def eigh(A, UPLO="L"):
    """The eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix (only
    the ``UPLO`` triangle is read). Each eigenvector's sign is LAPACK's choice, which may
    differ from PyTorch's build (MKL)."""
    _square("linalg.eigh", A.shape)
    if UPLO not in ("L", "U"):
        raise EvaluationError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    values, vectors = np.linalg.eigh(A.astype(np.float64), UPLO=UPLO)
    return values.astype(A.dtype), vectors.astype(A.dtype)


@composite(
    "eigvalsh(Tensor A, str UPLO='L') -> Tensor",
    example="torch.linalg.eigvalsh(A @ A.mT)",
    **_LINALG,
)
def eigvalsh(A, UPLO="L"):
    """The eigenvalues (ascending) of a symmetric matrix."""
    return F.eigh(A, UPLO)[0]


# ---- solve_triangular ----------------------------------------------------------------------


def _triangle(A, upper: bool, unitriangular: bool):
    part = F.triu(A, 1 if unitriangular else 0) if upper else F.tril(A, -1 if unitriangular else 0)
    return part


def _solve_triangular_grad(which: str):
    def formula(grad, A, result, upper, left, unitriangular):
        gB = F.solve_triangular(
            _mT(A), grad, upper=not upper, left=left, unitriangular=unitriangular
        )
        if which == "B":
            return gB
        gA = -F.matmul(gB, _mT(result)) if left else -F.matmul(_mT(result), gB)
        return _triangle(gA, upper, unitriangular)

    return formula


@op(
    "solve_triangular(Tensor A, Tensor B, *, bool upper, bool left=True, "
    "bool unitriangular=False) -> Tensor",
    "LinalgSolveTriangularBackward0",
    grads={"A": _solve_triangular_grad("A"), "B": _solve_triangular_grad("B")},
    example="torch.linalg.solve_triangular(A.triu(), A, upper=True)",
    **_LINALG,
)
def solve_triangular(A, B, upper, left=True, unitriangular=False):
    """``X`` with ``A X = B`` (``X A = B`` if not ``left``) for triangular ``A`` (only its
    ``upper`` or lower triangle is read; ``unitriangular``: ones on its diagonal)."""
    _square("linalg.solve_triangular", A.shape)
    T = np.triu(A) if upper else np.tril(A)
    if unitriangular:
        n = A.shape[-1]
        T = T * (1 - np.eye(n)) + np.eye(n)
    T = T.astype(np.float64)
    with np.errstate(all="ignore"):
        if left:
            X = np.linalg.solve(T, B.astype(np.float64))
        else:
            X = np.swapaxes(
                np.linalg.solve(np.swapaxes(T, -1, -2), np.swapaxes(B.astype(np.float64), -1, -2)),
                -1,
                -2,
            )
    return X.astype(np.result_type(A, B))


# ---- matrix_exp ----------------------------------------------------------------------------


def _expm(A: np.ndarray) -> np.ndarray:
    """exp(A) by scaling and squaring with an 18-term Taylor series, in float64."""
    A = A.astype(np.float64)
    norm = np.abs(A).sum(-2).max() if A.size else 0.0
    squarings = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0.5 else 0
    scaled = A / (2.0**squarings)
    n = A.shape[-1]
    result = np.broadcast_to(np.eye(n), A.shape).copy()
    term = result.copy()
    for k in range(1, 19):
        term = term @ scaled / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result


def _matrix_exp_grad(grad, self):
    """exp of the block matrix [[A^T, G], [0, A^T]]: its upper-right block."""
    n = self.shape[-1]
    At = _mT(self)
    zeros = F.mul(At, 0.0)
    top = F.cat((At, grad), -1)
    bottom = F.cat((zeros, At), -1)
    big = F.matrix_exp(F.cat((top, bottom), -2))
    return F.narrow(F.narrow(big, -2, 0, n), -1, n, n)


@op(
    "matrix_exp(Tensor self) -> Tensor",
    "LinalgMatrixExpBackward0",
    namespaces=("torch", "linalg"),
    grads={"self": _matrix_exp_grad},
    example="torch.linalg.matrix_exp(A)",
)
def matrix_exp(self):
    """The matrix exponential ``sum_k A^k / k!``."""
    _square("linalg.matrix_exp", self.shape)
    return _expm(self).astype(self.dtype)


# ---- *_ex, diagonal, vander, matrix_rank, tensorinv, tensorsolve ---------------------------


def _info(like) -> object:
    batch = tuple(like.shape[:-2])
    return make_tensor(np.zeros(batch, np.int32))


@composite(
    "inv_ex(Tensor A, *, bool check_errors=False) -> Tensor inverse, Tensor info",
    example="torch.linalg.inv_ex(A)",
    **_LINALG,
)
def inv_ex(A, check_errors=False):
    """``linalg.inv`` with an ``info`` tensor (0: success)."""
    return F.inv(A), _info(A)


@composite(
    "solve_ex(Tensor A, Tensor B, *, bool left=True, bool check_errors=False) "
    "-> Tensor result, Tensor info",
    example="torch.linalg.solve_ex(torch.eye(3) * 2, A)",
    **_LINALG,
)
def solve_ex(A, B, left=True, check_errors=False):
    """``linalg.solve`` with an ``info`` tensor (0: success)."""
    return F.solve(A, B, left=left), _info(A)


@composite(
    "cholesky_ex(Tensor A, *, bool upper=False, bool check_errors=False) -> Tensor L, Tensor info",
    example="torch.linalg.cholesky_ex(A @ A.mT + torch.eye(3))",
    **_LINALG,
)
def cholesky_ex(A, upper=False, check_errors=False):
    """``linalg.cholesky`` with an ``info`` tensor (0: success)."""
    return F.cholesky(A, upper=upper), _info(A)


@composite(
    "diagonal.linalg(Tensor A, *, int offset=0, int dim1=-2, int dim2=-1) -> Tensor",
    example="torch.linalg.diagonal(A)",
    **_LINALG,
)
def linalg_diagonal(A, offset=0, dim1=-2, dim2=-1):
    """``torch.diagonal`` with the last two dimensions as the default."""
    return F.diagonal(A, offset, dim1 % len(A.shape), dim2 % len(A.shape))


@composite(
    "vander.linalg(Tensor x, *, int? N=None) -> Tensor",
    example="torch.linalg.vander(x)",
    **_LINALG,
)
def linalg_vander(x, N=None):
    """The Vandermonde matrix with increasing powers: ``x ** 0, x ** 1, ..., x ** (N-1)``."""
    n = (x.shape[-1] if len(x.shape) else 1) if N is None else N
    if n <= 1:
        raise EvaluationError("N must be greater than 1.")
    ones = make_tensor(np.ones((*x.shape, 1), array_of(x).dtype))
    powers = F.cumprod(F.expand(F.unsqueeze(x, -1), (*x.shape, n - 1)), len(x.shape))
    return F.cat((ones, powers), -1)


@composite(
    "matrix_rank(Tensor A, *, float? atol=None, float? rtol=None, bool hermitian=False) -> Tensor",
    example="torch.linalg.matrix_rank(A)",
    **_LINALG,
)
def matrix_rank(A, atol=None, rtol=None, hermitian=False):
    """The number of singular values above the tolerance (``rtol`` defaults to
    ``eps * max(m, n)`` when no tolerance is given)."""
    a = array_of(A).astype(np.float64)
    if len(a.shape) < 2:
        raise ShapeError("linalg.matrix_rank: The input tensor A must have at least 2 dimensions.")
    values = np.linalg.svd(a, compute_uv=False)
    eps = np.finfo(array_of(A).dtype).eps
    if rtol is None:
        rtol = eps * max(a.shape[-2:]) if atol is None or atol <= 0 else 0.0
    largest = (
        values.max(-1, keepdims=True) if values.shape[-1] else np.zeros(values.shape[:-1] + (1,))
    )
    tol = np.maximum(atol or 0.0, rtol * largest)
    return make_tensor((values > tol).sum(-1).astype(np.int64))


@composite(
    "tensorinv(Tensor A, int ind=2) -> Tensor",
    example="torch.linalg.tensorinv(torch.eye(4).view(4, 2, 2) * 2, 1)",
    **_LINALG,
)
def tensorinv(A, ind=2):
    """The inverse of ``A`` seen as a matrix of its first ``ind`` dimensions by the rest."""
    if ind <= 0:
        raise EvaluationError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    shape = tuple(A.shape)
    rows, cols = math.prod(shape[:ind]), math.prod(shape[ind:])
    if rows != cols:
        raise EvaluationError(
            f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {cols} != {rows}"
        )
    inverse = F.inv(F.reshape(A, (rows, cols)))
    return F.reshape(inverse, (*shape[ind:], *shape[:ind]))


@composite(
    "tensorsolve(Tensor A, Tensor B, int[]? dims=None) -> Tensor",
    example="torch.linalg.tensorsolve(A, x[:3])",
    **_LINALG,
)
def tensorsolve(A, B, dims=None):
    """``X`` with ``tensordot(A, X, X.ndim) = B``."""
    if dims is not None:
        dims = (dims,) if isinstance(dims, int) else tuple(dims)
        ndim = len(A.shape)
        order = [d for d in range(ndim) if d not in [x % ndim for x in dims]]
        A = F.permute(A, (*order, *[x % ndim for x in dims]))
    shape = tuple(A.shape)
    result_shape = shape[len(B.shape) :]
    rows = math.prod(B.shape)
    cols = math.prod(result_shape)
    if rows != cols:
        raise EvaluationError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {cols} != {rows}"
        )
    solution = F.solve(F.reshape(A, (rows, cols)), F.reshape(B, (rows,)))
    return F.reshape(solution, result_shape)
