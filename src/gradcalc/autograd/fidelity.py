"""Which computation an op's forward uses: PyTorch's own digits, or numpy's speed.

``numerics`` replays PyTorch 2.13's CPU kernels (SLEEF's vector code, its summation orders),
so a float32 program prints PyTorch's digits; it costs a few times numpy's time. Elementwise
functions use the replay up to ``EXACT_LIMIT`` elements (every tutorial-sized tensor) and
numpy beyond it (through float64 for float32 inputs: 95-99.9% of elements agree,
docs/numerics.md). Reductions replay PyTorch's order for every float32 tensor and for
float64 tensors up to ``EXACT_LIMIT`` elements. The op declarations pass the kernels; this
module names no op.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.numerics.elementwise as exact_elementwise
import gradcalc.autograd.numerics.reductions as exact_reductions
from gradcalc.autograd.numerics.cascade import VECTOR_WIDTH, level_step
from gradcalc.autograd.numerics.layout import GRAIN_SIZE

EXACT_LIMIT = 1 << 17
_FLOAT64 = np.dtype(np.float64)
_add_up = np.add.accumulate
# Along an axis that is not the fastest in memory numpy adds row after row (pairwise
# summation is only used along the fast axis, per np.sum's notes): a sequential sum per column.
_add_rows = np.add.reduce


def exact(x: np.ndarray) -> bool:
    """Whether an elementwise function of ``x`` replays PyTorch's kernel."""
    return x.dtype.kind == "f" and x.size <= EXACT_LIMIT


def unary(name: str, x: np.ndarray, fast) -> np.ndarray:
    """PyTorch's kernel ``name`` on tutorial-sized tensors, else ``fast`` (a numpy function)
    computed in float64 and rounded back for smaller floats."""
    if exact(x):
        return exact_elementwise.unary(name, x)
    if x.dtype.kind == "f" and x.dtype != _FLOAT64:
        return fast(x.astype(_FLOAT64)).astype(x.dtype)
    return fast(x)


def elementwise(kernel, fast, x: np.ndarray, *args) -> np.ndarray:
    """``kernel(x, *args)`` on tutorial-sized float tensors, else ``fast(x, *args)``."""
    if isinstance(x, np.ndarray) and exact(x):
        return kernel(x, *args)
    with np.errstate(all="ignore"):
        return fast(x, *args)


def binary(kernel, fast, a, b):
    """A function of two tensors of one dtype: PyTorch's kernel on tutorial sizes."""
    if (
        isinstance(a, np.ndarray)
        and isinstance(b, np.ndarray)
        and a.dtype == b.dtype
        and exact(a)
        and b.size <= EXACT_LIMIT
    ):
        return kernel(a, b)
    return fast(a, b)


def reduction_exact(x: np.ndarray) -> bool:
    """Float32 (and float16) always replay PyTorch; float64 up to ``EXACT_LIMIT`` elements."""
    return x.dtype.kind == "f" and x.size > 0 and (x.dtype != _FLOAT64 or x.size <= EXACT_LIMIT)


def reduction(kernel, fast, x: np.ndarray, *args) -> np.ndarray:
    """``kernel(x, *args)`` in PyTorch's order where ``reduction_exact``, else numpy's."""
    if reduction_exact(x):
        if kernel is exact_reductions.reduce_sum and _whole_contiguous(x, args):
            total = contiguous_sum(x)
            return total.reshape((1,) * x.ndim if args[1] else ())
        return np.asarray(kernel(x, *args))
    return fast(x, *args)


def whole_sum(x: np.ndarray) -> np.ndarray | None:
    """``sum(x)`` over every dim as a 0-d array when ``reduction`` would replay it with
    ``contiguous_sum`` (the backward pass's ``sum_to`` of a broadcast gradient), else None."""
    if reduction_exact(x) and _whole_contiguous(x, (None, False)):
        return contiguous_sum(x)
    return None


def _whole_contiguous(x: np.ndarray, args: tuple) -> bool:
    """``sum(x, dim, keepdim)`` over every dim of a contiguous float32/float64 tensor that
    PyTorch sums on one thread: the case ``contiguous_sum`` replays."""
    if len(args) != 2 or not 0 < x.ndim or not x.flags.c_contiguous:
        return False
    dims = args[0]
    return (
        (dims is None or len(dims) == x.ndim)
        and x.dtype in VECTOR_WIDTH
        and VECTOR_WIDTH[x.dtype] <= x.size < GRAIN_SIZE
    )


def contiguous_sum(x: np.ndarray) -> np.ndarray:
    """``torch.sum`` of every element of a contiguous float tensor with ``VECTOR_WIDTH`` to
    ``GRAIN_SIZE`` elements, as a 0-d array: the order of ``numerics.cascade`` (SumKernel's
    ``vectorized_inner_sum``) for this one layout, without the general iterator. A
    backward pass sums every broadcast gradient this way (``sum_to``).

    Each of the ``width`` lanes sums its elements by ``row_sum`` (4 interleaved streams, each
    a 4-level ``multi_row_sum``; the 4 streams of all lanes go side by side here as
    ``4 * width`` columns), then the leftover scalars and the lanes are added to 0 in turn.
    tests/autograd/test_fast_paths.py holds it to ``cascade_sum`` bit for bit."""
    y = x if x.ndim == 1 else x.reshape(-1)
    n = y.size
    width = VECTOR_WIDTH[y.dtype]
    columns = 4 * width
    quad_end = n // columns * columns  # the elements the 4 streams of every lane cover
    vector_end = n // width * width
    if quad_end:
        streams = _multi_row_sum(y, quad_end // columns, columns)  # a new array: ours
        # The first stream takes the leftover vectors, then the other streams are added to
        # it: one sequential sum per lane, in this order.
        first = streams[:width]
        for start in range(quad_end, vector_end, width):
            np.add(first, y[start : start + width], out=first)
        lanes = _add_rows(streams.reshape(4, width), 0)
    else:
        lanes = _add_rows(y[:vector_end].reshape(-1, width), 0)
    if vector_end < n:
        lanes = np.concatenate((y[vector_end:], lanes))
    return np.asarray(_add_up(lanes)[-1] + y.dtype.type(0))  # accumulators start at +0


def _multi_row_sum(y: np.ndarray, n: int, columns: int) -> np.ndarray:
    """Each column's sum over the first ``n`` rows of ``columns`` elements of ``y``, in runs
    of ``level_step`` rows, on four levels (a partial run stays at its level; the levels are
    added at the end, lowest first)."""
    step = level_step(n)
    full = n // step
    if full == 0:
        return _add_rows(y[: n * columns].reshape(n, columns), 0)
    split = full * step * columns
    level = _add_rows(y[:split].reshape(full, step, columns), 1)
    total = _add_rows(y[split : n * columns].reshape(-1, columns), 0) if full * step < n else None
    if full < step:  # one partial run of level-1 values: the loop below's first round, alone
        rest = _add_rows(level, 0)
        return rest if total is None else total + rest
    for _ in range(2):
        rows = level.shape[0]
        groups = rows // step
        if groups * step < rows:
            rest = _add_rows(level[groups * step :], 0)
            total = rest if total is None else total + rest
        if groups == 0:
            return total
        level = _add_rows(level[: groups * step].reshape(groups, step, columns), 1)
    last = _add_rows(level, 0)
    return last if total is None else total + last
