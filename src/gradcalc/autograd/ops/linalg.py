"""Linear algebra: matmul (1-D, 2-D, batched), dot, outer, trace."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.common import as_tensor, broadcast_pair
from gradcalc.autograd.registry import rule, unbroadcast
from gradcalc.autograd.settings import check_elements
from gradcalc.errors import ShapeError


@rule(
    "matmul",
    "MmBackward0",
    formula="self: grad @ other^T; other: self^T @ grad",
    save={0: (1,), 1: (0,)},  # each operand only for the other's gradient
)
def _matmul(a, b):
    return np.matmul(a, b)


@_matmul.defvjp
def _(ctx, g):
    a, b = ctx.inputs  # None where not saved: read shapes from ctx.shapes
    sa, sb = ctx.shapes
    B = ctx.B
    if len(sa) == 1 and len(sb) == 1:
        return (g * b if ctx.needs[0] else None), (g * a if ctx.needs[1] else None)
    # Promote 1-D operands to matrices, as matmul itself does, then use the 2-D rule.
    sa2 = (1,) + sa if len(sa) == 1 else sa
    sb2 = sb + (1,) if len(sb) == 1 else sb
    g2 = g
    if len(sa) == 1:
        g2 = B.expand_dims(g2, -2 if len(sb) > 1 else -1)
    if len(sb) == 1:
        g2 = B.expand_dims(g2, -1)
    ga = gb = None
    if ctx.needs[0]:
        b2 = B.reshape(b, sb2) if len(sb) == 1 else b
        ga = B.reshape(unbroadcast(B.matmul(g2, B.swapaxes(b2, -1, -2)), sa2), sa)
    if ctx.needs[1]:
        a2 = B.reshape(a, sa2) if len(sa) == 1 else a
        gb = B.reshape(unbroadcast(B.matmul(B.swapaxes(a2, -1, -2), g2), sb2), sb)
    return ga, gb


_MV = _matmul.renamed("MvBackward0")
_DOT = _matmul.renamed("DotBackward0")
_VM = _matmul.renamed("SqueezeBackward4")
_BATCHED = _matmul.renamed("UnsafeViewBackward0")


@rule("trace", "TraceBackward0", formula="grad * eye(n, m)")
def _trace(x):
    return np.trace(x)


@_trace.defvjp
def _(ctx, g):
    n, m = ctx.shapes[0]
    return (g * ctx.B.const(np.eye(n, m, dtype=ctx.dtypes[0])),)


def _matmul_shape(a: tuple, b: tuple) -> tuple:
    if not a or not b:
        raise ShapeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(a)}D and {len(b)}D"
        )
    k_a = a[-1]
    k_b = b[0] if len(b) == 1 else b[-2]
    if k_a != k_b:
        raise ShapeError(
            f"cannot multiply matrices of shapes {a} and {b}",
            hint="the last dim of the first must equal the second-to-last dim of the second",
        )
    batch_a, batch_b = a[:-2], b[:-2]
    batch = broadcast_pair(batch_a, batch_b)
    if batch is None:
        raise ShapeError(
            f"cannot multiply matrices of shapes {a} and {b}",
            hint="the batch dims (all but the last two) must broadcast",
        )
    rows = (a[-2],) if len(a) > 1 else ()
    cols = (b[-1],) if len(b) > 1 else ()
    return tuple(batch) + rows + cols


def matmul(input, other):
    """Matrix product with numpy/PyTorch semantics for 1-D and batched operands."""
    a, b = as_tensor(input), as_tensor(other)
    shape = _matmul_shape(a.shape, b.shape)
    check_elements(shape, "result")
    if a.ndim == 1 and b.ndim == 1:
        return _DOT(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return _matmul(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return _MV(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return _VM(a, b)
    return _BATCHED(a, b)


def mm(input, mat2):
    """Product of two matrices (2-D only)."""
    a, b = as_tensor(input), as_tensor(mat2)
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"mm(): expected 2-D tensors, got {a.ndim}-D and {b.ndim}-D")
    return matmul(a, b)


def dot(input, other):
    """Inner product of two 1-D tensors."""
    a, b = as_tensor(input), as_tensor(other)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape != b.shape:
        raise ShapeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            "to have the same number of elements, but got "
            f"{a.shape[0]} and {b.shape[0]} elements respectively"
        )
    return _DOT(a, b)


def outer(input, vec2):
    """Outer product of two 1-D tensors: ``input[:, None] * vec2``."""
    from gradcalc.autograd.ops.arithmetic import mul
    from gradcalc.autograd.ops.shapes import unsqueeze

    a, b = as_tensor(input), as_tensor(vec2)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"outer(): expected 1-D tensors, got {a.ndim}-D and {b.ndim}-D")
    check_elements((a.shape[0], b.shape[0]), "result")
    return mul(unsqueeze(a, 1), b)


def trace(input):
    """Sum of the diagonal of a 2-D tensor."""
    x = as_tensor(input)
    if x.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    return _trace(x)
