"""Copies: ``clone`` and dtype conversion (``double()``, ``float()``, ``to(dtype)``)."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.common import as_tensor
from gradcalc.autograd.registry import rule
from gradcalc.autograd.settings import as_dtype


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
