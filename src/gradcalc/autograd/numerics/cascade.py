"""``torch.sum`` of floating tensors on the CPU, bit for bit: the cascade sum of SumKernel.cpp.

Source (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/SumKernel.cpp``
(``multi_row_sum``, ``row_sum``, ``vectorized_inner_sum``, ``vectorized_outer_sum``,
``scalar_inner_sum``, ``scalar_outer_sum``, ``cascade_sum``).

Torch adds in float32 for float32 tensors (and float64 for float64), but in a fixed order that is
neither numpy's pairwise order nor a running sum:

* ``multi_row_sum`` (the cascade) sums runs of ``2**k`` values (``k = max(4, ceil(log2 n) // 4)``)
  from 0, then runs of those run-sums, on four levels; a partial run stays at its level and the
  levels are added at the end, lowest first.
* ``row_sum`` splits a row into 4 interleaved streams (instruction-level parallelism), cascades
  each, adds the leftover 0-3 values to stream 0 and then streams 1, 2 and 3 to it.
* A contiguous row is read as vectors of ``VECTOR_WIDTH[dtype]`` lanes; each lane is a
  ``row_sum`` over the row's vectors; the leftover scalars and then the lanes are added
  one by one to 0.
* A reduction over a strided dim whose columns are contiguous sums whole vectors of columns:
  groups of ``4 * width`` columns by a plain cascade, the remaining columns by ``row_sum``.

Every column of every slab is independent, so all of them are computed at once with numpy: the
only Python loops are over the ``2**k`` values of a run (16 to 64) and the few leftovers.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.driver import TORCH_THREADS, fold, run_reduction
from gradcalc.autograd.numerics.layout import IterDim

__all__ = ["TORCH_THREADS", "VECTOR_WIDTH", "cascade_sum", "level_step"]

# Lanes of Vectorized<float> / Vectorized<double> in the kernel torch 2.13 runs on x86-64. The sum
# kernel is registered without an AVX512 variant, so an AVX512 machine (this one:
# torch.backends.cpu.get_cpu_capability() == "AVX512") runs the AVX2 one: 256-bit vectors.
VECTOR_WIDTH = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}


def _add(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def level_step(n: int) -> int:
    """The run length of multi_row_sum's levels for ``n`` values."""
    ceil_log2 = (n - 1).bit_length() if n > 1 else 0
    return 1 << max(4, ceil_log2 // 4)


def _multi_row_sum(y: np.ndarray) -> np.ndarray | None:
    """multi_row_sum along axis 0: four levels of runs of ``step`` values."""
    n = y.shape[0]
    step = level_step(n)
    cols = y.shape[1:]
    full = n // step
    total = fold(y[full * step :])
    if full == 0:
        return total
    level = fold(y[: full * step].reshape((full, step, *cols)), axis=1)
    # levels 1 and 2 keep their partial run; level 3 runs to the end
    for _ in range(2):
        groups = level.shape[0] // step
        total = _add(total, fold(level[groups * step :]))
        if groups == 0:
            return total
        level = fold(level[: groups * step].reshape((groups, step, *cols)), axis=1)
    return _add(total, fold(level))


def _row_sum(y: np.ndarray) -> np.ndarray | None:
    """row_sum along axis 0: four interleaved streams, each a multi_row_sum."""
    n = y.shape[0]
    quads = n // 4
    if quads == 0:
        return fold(y)
    streams = _multi_row_sum(y[: quads * 4].reshape((quads, 4, *y.shape[1:])))
    first = streams[0]
    for r in range(quads * 4, n):
        first = first + y[r]
    return ((first + streams[1]) + streams[2]) + streams[3]


def _inner_vectorized(y: np.ndarray, width: int) -> np.ndarray | None:
    """vectorized_inner_sum along axis 0 (contiguous)."""
    n = y.shape[0]
    vectors = n // width
    lanes = _row_sum(y[: vectors * width].reshape((vectors, width, *y.shape[1:])))
    return fold(np.concatenate((y[vectors * width :], lanes)))


def _outer_columns(y: np.ndarray, group: int) -> np.ndarray | None:
    """Columns (last axis) in whole groups of ``group`` take a plain cascade, the rest row_sum."""
    ncols = y.shape[-1]
    split = (ncols // group) * group
    if split == ncols:
        return _multi_row_sum(y)
    if split == 0:
        return _row_sum(y)
    return np.concatenate((_multi_row_sum(y[..., :split]), _row_sum(y[..., split:])), axis=-1)


class _CascadeSum:
    """SumKernel's cascade_sum as a driver kernel: one value per column, added to the output."""

    op = np.add
    identity = 0

    def columns(self, data: np.ndarray, red: IterDim, col: IterDim) -> np.ndarray:
        width = VECTOR_WIDTH[data.dtype]
        itemsize = data.dtype.itemsize
        y = np.moveaxis(data, -1, 0)
        if red.in_stride == itemsize and red.size >= width:
            values = _inner_vectorized(y, width)
        elif col.in_stride == itemsize and col.size >= width:
            values = _outer_columns(y, 4 * width)
        elif red.in_stride < col.in_stride:
            values = _row_sum(y)
        else:
            values = _outer_columns(y, 4)
        return values[..., None]

    def finish(self, values: np.ndarray) -> np.ndarray:
        # torch starts every accumulator at +0: a zero sum is never -0
        return values + values.dtype.type(0)


_KERNEL = _CascadeSum()


def cascade_sum(
    x: np.ndarray,
    axes: tuple[int, ...] | None = None,
    keepdim: bool = False,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """``torch.sum(x, dim=axes, keepdim=keepdim)`` for a float32 or float64 array, bit for bit.

    ``axes`` are normalised non-negative dims (None: all of them). The strides of ``x`` are
    taken to be the strides the tensor has in torch (a transposed view sums in another order
    than its contiguous copy, in torch as here). ``threads`` is torch's thread count, which
    changes the order from 32768 elements on.
    """
    return run_reduction(x, axes, keepdim, threads, _KERNEL)
