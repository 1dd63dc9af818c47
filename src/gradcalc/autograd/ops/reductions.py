"""Reductions over dims (an int or a tuple, negative allowed; None: every dim), keepdim.

A reduction's derivative spreads the output gradient back over the reduced dims:
``unreduce`` restores them as size-1 dims, then ``expand`` broadcasts (a zero-stride view,
so a mean's gradient over a million elements costs one value).
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, op
from gradcalc.autograd.dtype_rules import accumulate, floating_only


def unreduce(grad, shape: tuple, dim, keepdim: bool):
    """``grad`` of a reduction, reshaped so that it broadcasts against the input's shape."""
    if keepdim or dim is None:
        return grad
    kept = tuple(1 if i in dim else n for i, n in enumerate(shape))
    return F.reshape(grad, kept)


def count(shape: tuple, dim) -> int:
    return math.prod(shape) if dim is None else math.prod(shape[i] for i in dim)


def _sum_node(self, dim=None, keepdim=False, dtype=None):
    return "SumBackward0" if dim is None else "SumBackward1"


@op(
    "sum(Tensor self, Dim[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    _sum_node,
    dtype=accumulate,
    grads={
        "self": lambda grad, self_shape, dim, keepdim: F.expand(
            unreduce(grad, self_shape, dim, keepdim), self_shape
        )
    },
    example="torch.sum(x)",
)
def sum(self, dim=None, keepdim=False, dtype=None):
    """Sum of the elements, over ``dim`` or all of them."""
    return np.sum(self, axis=dim, keepdims=keepdim)


def _mean_node(self, dim=None, keepdim=False, dtype=None):
    return "MeanBackward0" if dim is None else "MeanBackward1"


def _mean_grad(grad, self_shape, dim, keepdim):
    n = count(self_shape, dim)
    g = unreduce(grad, self_shape, dim, keepdim)
    return F.expand(g / n if n else g, self_shape)


@op(
    "mean(Tensor self, Dim[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    _mean_node,
    dtype=floating_only,
    grads={"self": _mean_grad},
    example="torch.mean(x)",
)
def mean(self, dim=None, keepdim=False, dtype=None):
    """Mean of the elements (``nan`` for none), over ``dim`` or all of them."""
    total = np.sum(self, axis=dim, keepdims=keepdim)
    n = count(self.shape, dim)
    with np.errstate(all="ignore"):
        return np.true_divide(total, n, dtype=total.dtype) if n else np.full_like(total, np.nan)
