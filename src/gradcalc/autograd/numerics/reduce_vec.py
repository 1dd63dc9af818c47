"""``torch.prod`` on the CPU, bit for bit: ``binary_kernel_reduce_vec`` with a multiplication.

Source (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/Reduce.h``
(``vectorized_reduction``, ``vectorized_inner_reduction``, ``vectorized_outer_reduction``,
``binary_kernel_reduce_vec``) and ``ReduceOpsKernel.cpp`` (``prod_kernel_impl``).

The output starts at 1. A contiguous reduced row is read in blocks of 4 vectors: each of the
``4 * lanes`` accumulators multiplies its column of blocks from the first block on, the four
vectors are combined as ``(a0 * a1) * (a2 * a3)``, the lanes one by one, that product multiplies
the output and the leftover elements multiply it one by one. Whole groups of ``4 * lanes``
contiguous output columns take a running product down the rows that then multiplies the output;
everything else is a running product onto the output.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.driver import TORCH_THREADS, fold, run_reduction
from gradcalc.autograd.numerics.layout import IterDim

__all__ = ["reduce_prod"]

# Vectorized<T>::size() of the kernel run here: registered without an AVX512 variant, so AVX2.
_LANES = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}


def _as_columns(values: np.ndarray) -> np.ndarray:
    """(k, ..., ncols) values in fold order -> (..., ncols, k)."""
    return np.moveaxis(values, 0, -1)


class _VectorisedProduct:
    op = np.multiply
    identity = 1

    def columns(self, data: np.ndarray, red: IterDim, col: IterDim) -> np.ndarray:
        itemsize = data.dtype.itemsize
        lanes = _LANES.get(data.dtype, 1)
        y = np.moveaxis(data, -1, 0)
        n = y.shape[0]
        if red.in_stride == itemsize and lanes > 1:
            count = n // (4 * lanes)
            if count == 0:
                return _as_columns(y)
            blocks = y[: count * 4 * lanes].reshape((count, 4, lanes, *y.shape[1:]))
            acc = fold(blocks, np.multiply)
            combined = (acc[0] * acc[1]) * (acc[2] * acc[3])
            lane_product = fold(combined, np.multiply)
            return _as_columns(np.concatenate((lane_product[None], y[count * 4 * lanes :])))
        if col.out_stride == itemsize and col.in_stride == itemsize and lanes > 1:
            group = 4 * lanes
            grouped = (col.size // group) * group
            if grouped:
                values = np.ones_like(y)
                values[0, ..., :grouped] = fold(y[..., :grouped], np.multiply)
                values[..., grouped:] = y[..., grouped:]
                return _as_columns(values)
        return _as_columns(y)

    def finish(self, values: np.ndarray) -> np.ndarray:
        return values


_KERNEL = _VectorisedProduct()


def reduce_prod(
    x: np.ndarray,
    axes: tuple[int, ...] | None = None,
    keepdim: bool = False,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """``torch.prod`` of a float array over normalised ``axes`` (None: all), bit for bit."""
    return run_reduction(x, axes, keepdim, threads, _KERNEL)
