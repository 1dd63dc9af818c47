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
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.size <= EXACT_LIMIT:  # exact(x)
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
        if (
            kernel is exact_reductions.reduce_sum
            and len(args) == 2
            and (args[0] is None or len(args[0]) == x.ndim)
        ):
            total = whole_sum(x)
            if total is not None:
                return total.reshape((1,) * x.ndim) if args[1] else total
        return np.asarray(kernel(x, *args))
    return fast(x, *args)


def whole_sum(x: np.ndarray) -> np.ndarray | None:
    """``sum(x)`` over every dim as a 0-d array when ``contiguous_sum`` replays it (``sum``'s
    forward, and the backward pass's ``sum_to`` of a broadcast gradient), else None: a
    contiguous float32/float64 tensor that PyTorch sums on one thread."""
    plan = _PLANS.get((x.size, x.dtype))  # a plan exists only for such a size and dtype
    if plan is None:
        width = VECTOR_WIDTH.get(x.dtype)
        if width is None or not width <= x.size < GRAIN_SIZE or not x.flags.c_contiguous:
            return None
        return contiguous_sum(x)
    if not x.flags.c_contiguous:
        return None
    return plan.run(x if x.ndim == 1 else x.reshape(-1))


def contiguous_sum(x: np.ndarray) -> np.ndarray:
    """``torch.sum`` of every element of a contiguous float tensor with ``VECTOR_WIDTH`` to
    ``GRAIN_SIZE`` elements, as a 0-d array: the order of ``numerics.cascade`` (SumKernel's
    ``vectorized_inner_sum``) for this one layout, without the general iterator, in a few
    numpy calls prepared once per size (``_SumPlan``). A backward pass sums every broadcast
    gradient this way (``sum_to``). tests/autograd/test_fast_paths.py holds it to
    ``cascade_sum`` bit for bit."""
    y = x if x.ndim == 1 else x.reshape(-1)
    plan = _PLANS.get((y.size, y.dtype))
    if plan is None:
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        plan = _PLANS[y.size, y.dtype] = _SumPlan(y.size, y.dtype)
    return plan.run(y)


_PLANS: dict = {}
_MAX_PLANS = 64  # distinct sizes kept; each holds a copy of one tensor


class _SumPlan:
    """SumKernel's order for one size, laid out so that numpy adds in that order.

    Each of the ``width`` lanes sums its elements by ``row_sum``: 4 interleaved streams of
    vectors, so ``4 * width`` columns of ``rows`` elements; each column is a
    ``multi_row_sum`` (runs of ``level_step(rows)`` = 16 values, below ``GRAIN_SIZE``);
    the leftover vectors are added to stream 0, then streams 1-3 to it; then the leftover
    scalars and the lanes are added to 0 in turn. A partial run is padded with zeros: adding
    a zero changes no value but the sign of a zero, and the final sum starts at +0, as
    torch's accumulator does, which makes every zero total +0 anyway. Float addition being
    commutative, the cascade's ``remainder + runs`` is the runs' sum followed by the
    remainder, so one reduction along the rows gives each column's total."""

    def __init__(self, n: int, dtype: np.dtype) -> None:
        width = VECTOR_WIDTH[dtype]
        columns = 4 * width
        rows = n // columns
        self.quad_end = quad_end = rows * columns
        self.vector_end = vector_end = n // width * width
        step = level_step(rows)
        full, partial = divmod(rows, step)
        assert full < step * step, "contiguous_sum takes fewer than GRAIN_SIZE elements"
        runs = full + (partial > 0)  # level-1 run sums, the remainder's last (zero-padded)
        self.padded = np.zeros((runs * step, columns), dtype)
        self.head = self.padded.reshape(-1)[:quad_end]
        # (step, runs, columns): numpy adds along the outer axis row by row, the order of a
        # run, and faster than along the middle axis of (runs, step, columns)
        self.by_run = self.padded.reshape(runs, step, columns).transpose(1, 0, 2)
        self.level2 = full // step  # level-2 runs (of 16 level-1 runs), summed first
        self.split = self.level2 * step
        leftover = (vector_end - quad_end) // width
        # rows added along the streams: level-1 run sums (or the level-2 total and the
        # later runs' total), then the leftover vectors, in stream 0's columns
        sums = (2 if self.level2 else runs) + leftover
        self.sums = np.zeros((sums, columns), dtype)
        self.first = self.sums[: sums - leftover]
        self.leftover = self.sums[sums - leftover :, :width]
        self.width = width
        self.streams = np.zeros((4, width), dtype)  # each column's total, by stream
        self.columns = self.streams.reshape(-1)
        # the last additions, as torch's accumulator makes them: +0, then the leftover
        # scalars, then the lanes
        scalars = n - vector_end
        self.tail = np.zeros(1 + scalars + width, dtype)
        self.tail_scalars = self.tail[1 : 1 + scalars]
        self.tail_lanes = self.tail[1 + scalars :]

    def run(self, y: np.ndarray) -> np.ndarray:
        if self.quad_end:
            self.head[...] = y[: self.quad_end]  # np.copyto is a Python-level wrapper
            if self.level2:
                level1 = _add_rows(self.by_run, 0)
                head = level1[: self.split].reshape(self.level2, -1, level1.shape[1])
                _add_rows(_add_rows(head, 1), 0, out=self.first[0])
                _add_rows(level1[self.split :], 0, out=self.first[1])
            else:
                _add_rows(self.by_run, 0, out=self.first)
            if len(self.leftover):
                self.leftover[...] = y[self.quad_end : self.vector_end].reshape(-1, self.width)
            _add_rows(self.sums, 0, out=self.columns)
            _add_rows(self.streams, 0, out=self.tail_lanes)
        else:
            _add_rows(y[: self.vector_end].reshape(-1, self.width), 0, out=self.tail_lanes)
        if self.vector_end < y.size:
            self.tail_scalars[...] = y[self.vector_end :]
        return np.asarray(_add_up(self.tail)[-1])
