"""Vector norms: ``torch.linalg.vector_norm``, ``torch.norm``/``x.norm()``, ``torch.dist``,
and what ATen builds from them (Distance.cpp, functional.py): ``cosine_similarity``,
``normalize``, ``pairwise_distance``.

``x.norm()`` is ``linalg.vector_norm`` in PyTorch 2.x (its node is
LinalgVectorNormBackward0): ``p`` a number, ``inf``/``-inf``, ``0`` (a count) or ``'fro'``
(2); ``'nuc'`` and other strings go to ``linalg.matrix_norm``. The derivative is PyTorch's
norm_backward (torch/csrc/autograd/FunctionsManual.cpp at
https://github.com/pytorch/pytorch): for ``inf`` the gradient is shared by the elements of
largest magnitude; at a zero norm it is 0; for ``p = 0`` there is none.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd import dtypes
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.ops.reductions import all_dims, dtype_of, unreduce
from gradcalc.autograd.ops.support import shape_of
from gradcalc.autograd.schema import normalize_dims
from gradcalc.autograd.settings import grad_mode
from gradcalc.errors import EvaluationError


def _norm_dtype(op, values):
    x = dtypes.BY_NUMPY[values[0].array.dtype]
    if x.category != dtypes.FLOATING:
        raise EvaluationError(
            f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{x.kind_name}",
            hint="convert first: x.float()",
        )
    given = values[op.schema.index["dtype"]] if "dtype" in op.schema.index else None
    if given is None:
        return None, x
    if given.category != dtypes.FLOATING:
        raise EvaluationError(
            "linalg.vector_norm: dtype should be floating point or complex, but got "
            f"{given.kind_name}"
        )
    return given.np, given


def _ord_text(ord) -> str:
    return ("-inf" if ord < 0 else "inf") if math.isinf(ord) else str(ord)


def vector_norm_of(x: np.ndarray, ord, dim, keepdim: bool, given=None) -> np.ndarray:
    """The ``ord``-norm of ``x`` over ``dim`` (None or (): every element); ``given``: the
    dims as the caller wrote them, for the messages."""
    dims = all_dims(dim) if x.ndim else None
    a = np.abs(x)
    if math.isinf(ord):
        if dims is None and x.size == 0:
            raise EvaluationError(
                f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on an empty "
                "tensor because the operation does not have an identity"
            )
        for d in (given or dims) if dims else ():
            if x.shape[d % x.ndim] == 0:
                raise EvaluationError(
                    f"linalg.vector_norm cannot compute the {_ord_text(ord)} norm on the "
                    f"dimension {d}because this dimension is empty and the operation does not "
                    "have an identity"
                )
        pick = np.max if ord > 0 else np.min
        return pick(a, axis=dims, keepdims=keepdim)
    with np.errstate(all="ignore"):
        if ord == 2:
            return np.sqrt(np.sum(a * a, axis=dims, keepdims=keepdim))
        if ord == 1:
            return np.sum(a, axis=dims, keepdims=keepdim)
        if ord == 0:
            return np.sum(a != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
        return np.sum(a**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


def norm_backward(grad, self, ord, result, shape, dim, keepdim):
    """PyTorch's norm_backward: the derivative of the ``ord``-norm of ``self`` over ``dim``."""
    ord = 2.0 if ord is None else float(ord)
    if ord == 0:
        return None
    dims = all_dims(normalize_dims(dim, len(shape))) if len(shape) and dim is not None else None
    g = unreduce(grad, shape, dims, keepdim)
    norm = unreduce(result, shape, dims, keepdim)
    with np.errstate(all="ignore"):
        if ord == 1:
            return F.sign(self) * g
        if ord == 2:
            return g * F.where(norm == 0, 0.0, self / norm)
        if math.isinf(ord):
            size = F.abs(self)
            mask = (size == norm) | (size != size)
            return F.sign(self) * ((g / F.sum_dim(mask, dims, True)) * mask)
        if ord < 1:
            scaled = F.sign(self) * F.where(self == 0, 0.0, F.abs(self) ** (ord - 1))
            return scaled * g * norm ** (1 - ord)
        if ord < 2:
            scaled = F.sign(self) * F.abs(self) ** (ord - 1)
        else:
            scaled = self * F.abs(self) ** (ord - 2)
        return scaled * F.where(norm == 0, 0.0, g / norm ** (ord - 1))


@op(
    "vector_norm(Tensor self, Scalar ord=2, int[]? dim=None, bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor",
    "LinalgVectorNormBackward0",
    dtype=_norm_dtype,
    namespaces=("linalg",),
    method=False,
    grads={
        "self": lambda grad, self, ord, result, dim, keepdim: norm_backward(
            grad, self, ord, result, shape_of(self), dim, keepdim
        )
    },
    example="torch.linalg.vector_norm(x)",
)
def vector_norm(self, ord=2, dim=None, keepdim=False, dtype=None):
    """The vector ``ord``-norm over ``dim`` (every element by default)."""
    # dim is int[] (kept as written, for the messages), normalised here.
    dims = None if dim is None else normalize_dims(dim, self.ndim)
    return vector_norm_of(self, ord, dims, keepdim, given=dim)


@op(
    "norm.ScalarOpt_dim(Tensor self, Scalar? p, Dim[] dim, bool keepdim=False) -> Tensor",
    "NormBackward1",
    dtype=_norm_dtype,
    method=False,
    function=False,
    grads={
        "self": lambda grad, self, p, result, dim, keepdim: norm_backward(
            grad, self, p, result, shape_of(self), dim, keepdim
        )
    },
)
def norm_dim(self, p, dim, keepdim=False):
    """``at::norm(self, p, dim)``: the vector norm ATen's own composites call."""
    return vector_norm_of(self, 2 if p is None else p, dim, keepdim)


def _matrix_norm(self, p, dims, keepdim, dtype):
    if p not in ("fro", "nuc"):
        raise EvaluationError(f"linalg.matrix_norm: Order {p} not supported.")
    if len(dims) != 2:
        raise EvaluationError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dims))}"
        )
    matrix_norm = getattr(F, "matrix_norm", None)
    if matrix_norm is None:
        raise EvaluationError(
            f"torch.norm(p='{p}') needs linalg.matrix_norm, which gradcalc does not have yet",
            kind="NotImplementedError",
        )
    return matrix_norm(self, p, dims, keepdim, dtype=dtype)


@composite(
    "norm(Tensor self, Any p='fro', Any dim=None, bool keepdim=False, *, "
    "ScalarType? dtype=None) -> Tensor",
    example="x.norm()",
)
def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector ``p``-norm over ``dim`` (``'fro'``: 2, as ``linalg.vector_norm``)."""
    dims = None if dim is None else (dim,) if isinstance(dim, int) else tuple(dim)
    if isinstance(p, str):
        if p == "fro" and (dims is None or len(dims) <= 2):
            return F.vector_norm(self, 2, dims, keepdim, dtype=dtype)
        if dims is None:
            dims = tuple(range(len(self.shape)))
        return _matrix_norm(self, p, dims, keepdim, dtype)
    return F.vector_norm(self, 2 if p is None else p, dims, keepdim, dtype=dtype)


def _dist_dtype(op, values):
    d = dtypes.result_type(values[0], values[1])
    if d.category != dtypes.FLOATING:
        raise EvaluationError(
            f"norm(): input dtype should be either floating point or complex. Got {d.kind_name} "
            "instead."
        )
    return d.np, d


@op(
    "dist(Tensor self, Tensor other, Scalar p=2) -> Tensor",
    "DistBackward0",
    dtype=_dist_dtype,
    broadcast=True,
    grads={
        "self": lambda grad, self, other, p, result: norm_backward(
            grad, self - other, p, result, (), None, False
        ),
        "other": lambda grad, self, other, p, result: _negated(
            norm_backward(grad, self - other, p, result, (), None, False), p
        ),
    },
    example="torch.dist(x, y)",
)
def dist(self, other, p=2):
    """The ``p``-norm of ``self - other``."""
    return vector_norm_of(np.asarray(self - other), p, None, False)


def _negated(value, p):
    if value is None:  # p = 0: PyTorch negates an undefined gradient and fails
        raise EvaluationError(
            "Expected a proper Tensor but got None (or an undefined Tensor in C++) for "
            "argument #0 'self'"
        )
    return -value


# ---- similarities and distances --------------------------------------------------------


@composite(
    "cosine_similarity(Tensor x1, Tensor x2, int dim=1, float eps=1e-08) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.cosine_similarity(B, torch.ones(2, 3))",
)
def cosine_similarity(x1, x2, dim=1, eps=1e-08):
    """Cosine of the angle between ``x1`` and ``x2`` along ``dim``."""
    common = dtypes.result_type(x1, x2)
    if common.category != dtypes.FLOATING:
        raise EvaluationError(
            f"expected common dtype to be floating point, yet common dtype is {common.kind_name}"
        )
    x1 = x1 if dtype_of(x1).category == dtypes.FLOATING else F._to_copy(x1, common)
    x2 = x2 if dtype_of(x2).category == dtypes.FLOATING else F._to_copy(x2, common)
    if tuple(x1.shape) != tuple(x2.shape):  # ATen's expand_outplace expands both
        shape = broadcast_shapes(tuple(x1.shape), tuple(x2.shape))
        x1, x2 = F.expand(x1, shape), F.expand(x2, shape)
    # Each vector is divided by its norm first (stabler); the norms are clamped in place,
    # outside the graph, as ATen does.
    n1 = F.clone(F.vector_norm(x1, 2, (dim,), True))
    n2 = F.clone(F.vector_norm(x2, 2, (dim,), True))
    from gradcalc.autograd.inplace import apply_inplace

    with grad_mode(False):
        apply_inplace(OPS["clamp"], [n1, eps, None])
        apply_inplace(OPS["clamp"], [n2, eps, None])
    return F.sum_dim((x1 / n1) * (x2 / n2), (dim,))


@composite(
    "normalize(Tensor self, float p=2.0, int dim=1, float eps=1e-12, Any out=None) -> Tensor",
    example="F.normalize(B)",
    namespaces=("F",),
    method=False,
)
def normalize(self, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``)."""
    denominator = F.clamp_min(F.norm(self, p, dim, True), eps)
    return self / F.expand_as(denominator, self)


@composite(
    "pairwise_distance(Tensor x1, Tensor x2, float p=2.0, float eps=1e-06, "
    "bool keepdim=False) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.pairwise_distance(B, torch.ones(2, 3))",
)
def pairwise_distance(x1, x2, p=2.0, eps=1e-06, keepdim=False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim."""
    innermost = max(len(x1.shape), len(x2.shape)) - 1
    shifted = F.add_Scalar(x1 - x2, eps)
    return F.norm_ScalarOpt_dim(shifted, p, (innermost,), keepdim)
