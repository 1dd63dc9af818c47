"""Diagonals and triangles: ``diagonal`` (a view), ``diag``, ``diag_embed``, ``trace``,
``triu``, ``tril``.

``diagonal`` is a writable strided view of its input (numpy's own ``diagonal`` is
read-only), so writes through it reach the input as in PyTorch. Node names and messages
are PyTorch 2.13's; derivatives as its ``derivatives.yaml`` (github.com/pytorch/pytorch,
``tools/autograd/derivatives.yaml``).
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import from_forward
from gradcalc.autograd.ops.support import array_of, constant_as, dim_of
from gradcalc.errors import EvaluationError, ShapeError


def diagonal_view(a: np.ndarray, offset: int, dim1: int, dim2: int) -> np.ndarray:
    """The diagonal of ``a`` over ``dim1``/``dim2`` as the last dim, sharing ``a``'s memory."""
    n1, n2 = a.shape[dim1], a.shape[dim2]
    if offset >= 0:
        length = max(min(n1, n2 - offset), 0)
        along, start = dim2, offset
    else:
        length = max(min(n1 + offset, n2), 0)
        along, start = dim1, -offset
    first = [slice(None)] * a.ndim
    if length:
        first[along] = slice(start, None)
    origin = a[tuple(first)]
    keep = [i for i in range(a.ndim) if i not in (dim1, dim2)]
    shape = [a.shape[i] for i in keep] + [length]
    strides = [a.strides[i] for i in keep] + [a.strides[dim1] + a.strides[dim2]]
    return np.lib.stride_tricks.as_strided(
        origin, shape, strides, writeable=bool(a.flags.writeable)
    )


def _diagonal_dims(ndim: int, dim1: int, dim2: int) -> tuple:
    d1, d2 = dim_of(dim1, ndim), dim_of(dim2, ndim)
    if d1 == d2:
        raise ShapeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@op(
    "diagonal(Tensor self, int offset=0, int dim1=0, int dim2=1) -> Tensor",
    "DiagonalBackward0",
    view=True,
    grads={
        "self": lambda grad, self_shape, offset, dim1, dim2: F.diagonal_backward(
            grad, self_shape, offset, dim_of(dim1, len(self_shape)), dim_of(dim2, len(self_shape))
        )
    },
    example="torch.diagonal(A)",
)
def diagonal(self, offset=0, dim1=0, dim2=1):
    """The diagonal over ``dim1``/``dim2`` (``offset`` above it), as a view, in the last dim."""
    d1, d2 = _diagonal_dims(self.ndim, dim1, dim2)
    return diagonal_view(self, offset, d1, d2)


@op(
    "diagonal_backward(Tensor grad_output, int[] input_sizes, int offset, int dim1, int dim2) "
    "-> Tensor",
    "DiagonalBackwardBackward0",
    method=False,
    function=False,
    dtype=from_forward,
    grads={"grad_output": lambda grad, offset, dim1, dim2: F.diagonal(grad, offset, dim1, dim2)},
)
def diagonal_backward(grad_output, input_sizes, offset, dim1, dim2):
    out = np.zeros(input_sizes, dtype=grad_output.dtype)
    diagonal_view(out, offset, dim1, dim2)[...] = grad_output
    return out


@op(
    "_diag_copy(Tensor self, int diagonal=0) -> Tensor",
    "DiagonalBackward0_copy",
    method=False,
    function=False,
    grads={
        "self": lambda grad, self_shape, diagonal: F.diagonal_backward(
            grad, self_shape, diagonal, 0, 1
        )
    },
)
def _diag_copy(self, diagonal=0):
    return diagonal_view(self, diagonal, 0, 1).copy()


def _embed_shape(shape: tuple, offset: int, dim1: int, dim2: int) -> tuple:
    n = (shape[-1] if shape else 1) + abs(offset)
    rest = iter(shape[:-1])
    return tuple(n if i in (dim1, dim2) else next(rest) for i in range(len(shape) + 1))


def _embed_dims(ndim: int, dim1: int, dim2: int) -> tuple:
    d1, d2 = dim_of(dim1, ndim, 1), dim_of(dim2, ndim, 1)
    if d1 == d2:
        raise ShapeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@op(
    "diag_embed(Tensor self, int offset=0, int dim1=-2, int dim2=-1) -> Tensor",
    "DiagEmbedBackward0",
    grads={"self": lambda grad, offset, dim1, dim2: F.diagonal(grad, offset, dim1, dim2)},
    example="torch.diag_embed(x)",
)
def diag_embed(self, offset=0, dim1=-2, dim2=-1):
    """Matrices (over ``dim1``/``dim2``) with the last dim of ``self`` on their diagonal."""
    d1, d2 = _embed_dims(self.ndim, dim1, dim2)
    out = np.zeros(_embed_shape(self.shape, offset, d1, d2), dtype=self.dtype)
    diagonal_view(out, offset, d1, d2)[...] = self
    return out


@composite("diag(Tensor self, int diagonal=0) -> Tensor", example="torch.diag(x)")
def diag(self, diagonal=0):
    """A vector's diagonal matrix, or a matrix's diagonal (a copy)."""
    ndim = len(self.shape)
    if ndim == 1:
        return F.diag_embed(self, diagonal, 0, 1)
    if ndim == 2:
        return F._diag_copy(self, diagonal)
    raise ShapeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


def _trace_dtype(op, values):
    d = dtypes.BY_NUMPY[values[0].array.dtype]
    if d is dtypes.bool_:
        raise EvaluationError("\"trace\" not implemented for 'Bool'", kind="NotImplementedError")
    if d.category != dtypes.FLOATING:
        d = dtypes.int64
    return d.np, d


def _trace_grad(grad, self_shape):
    n, m = self_shape
    return grad * constant_as(grad, np.eye(n, m, dtype=array_of(grad).dtype))


@op(
    "trace(Tensor self) -> Tensor",
    "TraceBackward0",
    dtype=_trace_dtype,
    grads={"self": _trace_grad},
    example="torch.trace(A)",
)
def trace(self):
    """Sum of a matrix's diagonal."""
    if self.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, but got tensor with dim {self.ndim}")
    return np.trace(self)


def _triangle(name: str, numpy_fn, node: str, doc: str):
    def forward(self, diagonal=0):
        if self.ndim < 2:
            raise ShapeError(f"{name}: input tensor must have at least 2 dimensions")
        return numpy_fn(self, diagonal)

    forward.__doc__ = doc
    forward.__name__ = name
    return op(
        f"{name}(Tensor self, int diagonal=0) -> Tensor",
        node,
        inplace=True,
        grads={"self": lambda grad, diagonal: getattr(F, name)(grad, diagonal)},
        example=f"torch.{name}(A)",
    )(forward)


triu = _triangle(
    "triu", np.triu, "TriuBackward0", "The upper triangle (on and above ``diagonal``); 0 below."
)
tril = _triangle(
    "tril", np.tril, "TrilBackward0", "The lower triangle (on and below ``diagonal``); 0 above."
)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(triu, tril)
