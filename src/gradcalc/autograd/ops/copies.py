"""Copies: ``clone`` and dtype conversion (``double()``, ``float()``, ``to(dtype)``), and the
conversions out of the graph to index and mask tensors (``long()``, ``int()``, ``bool()``)."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.common import as_tensor
from gradcalc.autograd.registry import rule
from gradcalc.autograd.settings import as_dtype
from gradcalc.autograd.tensor import Tensor


@rule("clone", "CloneBackward0", formula="grad")
def _clone(x):
    return np.array(x, copy=True)


@_clone.defvjp
def _(ctx, g):
    return (g,)


@rule("to_dtype", "ToCopyBackward0", formula="grad converted back to self's dtype")
def _to_dtype(x, dtype):
    return x.astype(dtype)


@_to_dtype.defvjp
def _(ctx, g, dtype):
    return (ctx.B.astype(g, ctx.dtypes[0]),)


def clone(input):
    """A copy that stays in the graph."""
    return _clone(as_tensor(input))


def to(input, dtype):
    """The values converted to ``dtype`` ("float32"/"float64"); the same tensor if equal."""
    x = as_tensor(input)
    target = as_dtype(dtype)
    if x.dtype == target:
        return x
    return _to_dtype(x, dtype=target)


def double(input):
    return to(input, "float64")


def float32(input):
    return to(input, "float32")


def _convert_out_of_graph(input, dtype) -> Tensor:
    # Integer and bool tensors hold no gradient: the result is a new tensor, outside the
    # graph, as in PyTorch (floats truncate toward zero).
    x = as_tensor(input)
    if x.dtype == dtype:
        return x
    with np.errstate(invalid="ignore"):
        return Tensor._make(x.data.astype(dtype))


def long(input):
    """As int64 (an index tensor, like ``max``'s indices), without gradient."""
    return _convert_out_of_graph(input, np.dtype(np.int64))


def int32(input):
    """``x.int()``: as int32, without gradient."""
    return _convert_out_of_graph(input, np.dtype(np.int32))


def bool_(input):
    """``x.bool()``: nonzero (NaN included) is True; a mask, without gradient."""
    return _convert_out_of_graph(input, np.dtype(np.bool_))
