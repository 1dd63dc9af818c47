"""Reductions with the values torch 2.13 computes on the CPU: sum, mean, prod, running sums,
var, std, vector norms and the log of summed exponentials.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/native/ReduceOps.cpp`` (mean as
``sum(...).div_(n)``, ``std_var_all_cpu``, ``logsumexp_out_impl``, the running sum's double accumulator),
``aten/src/ATen/native/SharedReduceOps.h`` (``WelfordOps``, ``NormTwoOps``, ``NormOps``) and
``aten/src/ATen/native/cpu/ReduceOpsKernel.cpp`` (``norm_kernel_tensor_iterator_impl``).

``dim`` is an int, a tuple of ints or None (every dim), negative dims allowed; the strides of
``x`` are taken to be those of the torch tensor (they decide the summation order).
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.numerics.elementwise as elementwise
from gradcalc.autograd.numerics.cascade import cascade_sum
from gradcalc.autograd.numerics.driver import TORCH_THREADS, reduction_rows, run_reduction
from gradcalc.autograd.numerics.layout import (
    GRAIN_SIZE,
    IterDim,
    output_strides,
    reduction_dims,
    split_chunks,
)
from gradcalc.autograd.numerics.reduce_vec import reduce_prod as _prod
from gradcalc.autograd.numerics.sleef import fma32
from gradcalc.errors import ArgumentError

__all__ = [
    "cumulative_sum",
    "logsumexp",
    "normalize_axes",
    "reduce_mean",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_var",
    "vector_norm",
]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def normalize_axes(dim, ndim: int) -> tuple[int, ...] | None:
    """None, an int or a sequence of ints -> sorted non-negative dims (None: all dims)."""
    if dim is None:
        return None
    dims = list(dim) if isinstance(dim, tuple | list) else [dim]
    if not dims:
        return None
    span = max(ndim, 1)
    result = []
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, int | np.integer):
            raise ArgumentError(f"dim must be an integer, got {d!r}")
        if not -span <= d < span:
            raise ArgumentError(
                f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], "
                f"but got {d})"
            )
        d = int(d) % span
        if d in result:
            raise ArgumentError(f"dim {d} appears multiple times in the list of dims")
        result.append(d)
    return tuple(sorted(d for d in result if d < ndim)) if ndim else None


def _reduced_count(shape: tuple[int, ...], axes: tuple[int, ...] | None) -> int:
    if axes is None:
        return math.prod(shape)
    return math.prod(shape[d] for d in axes)


def reduce_sum(x: np.ndarray, dim=None, keepdim: bool = False, *, threads: int = TORCH_THREADS):
    """torch.sum: the cascade order for floats, int64 accumulation for integers and bools."""
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    if x.dtype in _FLOATS:
        return cascade_sum(x, axes, keepdim, threads)
    if x.dtype.kind in "biu":
        return np.asarray(np.sum(x, axis=axes, dtype=np.int64, keepdims=keepdim))
    # float16 adds in float32 in torch: close, not replayed bit for bit
    wide = cascade_sum(x.astype(np.float32), axes, keepdim, threads)
    return wide.astype(x.dtype)


def reduce_mean(x: np.ndarray, dim=None, keepdim: bool = False, *, threads: int = TORCH_THREADS):
    """torch.mean: the sum divided by the count in the tensor's own dtype (NaN when empty)."""
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    total = reduce_sum(x, axes, keepdim, threads=threads)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(total / total.dtype.type(_reduced_count(x.shape, axes)))


def reduce_prod(x: np.ndarray, dim=None, keepdim: bool = False, *, threads: int = TORCH_THREADS):
    """torch.prod (floats bit for bit; integers and bools multiply in int64)."""
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    if x.dtype in _FLOATS:
        return _prod(x, axes, keepdim, threads)
    return np.asarray(np.prod(x, axis=axes, dtype=np.int64, keepdims=keepdim))


def cumulative_sum(x: np.ndarray, dim: int) -> np.ndarray:
    """Running sums: float32 runs in a float64 accumulator, each value rounded on the way out."""
    x = np.asarray(x)
    axis = normalize_axes(dim, x.ndim)
    axis = axis[0] if axis else 0
    if x.ndim == 0:
        return x.astype(np.int64 if x.dtype.kind in "biu" else x.dtype)
    if x.dtype.kind in "biu":
        return np.add.accumulate(x, axis=axis, dtype=np.int64)
    return np.add.accumulate(x, axis=axis, dtype=np.float64).astype(x.dtype)


# -------------------------------------------------------------------- var / std


def _var_of_everything(x: np.ndarray, correction: float, threads: int) -> np.float64:
    """std_var_all_cpu: float mean, then a float64 sum of squares thread chunk by chunk."""
    mean = np.float64(reduce_mean(x, threads=threads))
    flat = np.ravel(x, order="K").astype(np.float64)
    total = 0.0
    for begin, end in split_chunks(flat.size, GRAIN_SIZE, threads):
        delta = flat[begin:end] - mean
        if x.dtype == np.float64:
            total += np.add.accumulate(delta * delta)[-1]
        else:
            # the float64 order moves the last float64 bit at most: invisible once rounded to
            # float32 but for a tie one value in ~10**8, so the fast dot product stands in
            total += float(np.dot(delta, delta))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.float64(total) / max(0.0, flat.size - correction)


def _welford(x: np.ndarray, axes: tuple[int, ...] | None, keepdim: bool, correction: float):
    """WelfordOps in float64, one running update per reduced element in the iterator's order."""
    rows, offsets, out_shape = reduction_rows(x, axes, keepdim)
    rows = rows.astype(np.float64)
    mean = np.zeros(rows.shape[0])
    m2 = np.zeros(rows.shape[0])
    for i in range(rows.shape[1]):
        data = rows[:, i]
        delta = data - mean
        mean = mean + delta / float(i + 1)
        m2 = m2 + delta * (data - mean)
    divisor = max(rows.shape[1] - correction, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = m2 / divisor
    out = np.empty(math.prod(out_shape))
    out[offsets] = var
    return out.reshape(out_shape)


def _two_pass(x: np.ndarray, axes, keepdim: bool, correction: float):
    """Welford's float64 result for a float32 tensor, to float32 precision: mean, then squares."""
    values = x.astype(np.float64)
    mean = values.mean(axis=axes, keepdims=True)
    m2 = ((values - mean) ** 2).sum(axis=axes, keepdims=keepdim)
    divisor = max(_reduced_count(x.shape, axes) - correction, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return m2 / divisor


def reduce_var(
    x: np.ndarray,
    dim=None,
    correction: float = 1,
    keepdim: bool = False,
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """torch.var (unbiased by default; ``correction=0`` is ``unbiased=False``)."""
    return _var_std(x, dim, correction, keepdim, threads, take_sqrt=False)


def reduce_std(
    x: np.ndarray,
    dim=None,
    correction: float = 1,
    keepdim: bool = False,
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """torch.std: the square root, in float64, of torch.var's float64 value."""
    return _var_std(x, dim, correction, keepdim, threads, take_sqrt=True)


def _var_std(x, dim, correction, keepdim, threads, take_sqrt):
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    axes_set = range(x.ndim) if axes is None else axes
    if keepdim:
        out_shape = tuple(1 if d in axes_set else n for d, n in enumerate(x.shape))
    else:
        out_shape = tuple(n for d, n in enumerate(x.shape) if d not in axes_set)
    if x.size == 0 or _reduced_count(x.shape, axes) == 0:
        return np.full(out_shape, np.nan, x.dtype)
    if math.prod(out_shape) <= 1:
        var = np.full(out_shape, _var_of_everything(x, float(correction), threads))
    elif x.dtype == np.float64:
        var = _welford(x, axes, keepdim, float(correction))
    else:
        var = _two_pass(x, axes, keepdim, float(correction))
    with np.errstate(invalid="ignore", over="ignore"):
        result = np.sqrt(var) if take_sqrt else var
        return np.asarray(result).astype(x.dtype).reshape(out_shape)


# -------------------------------------------------------------------- norms


class _RunningFold:
    """binary_kernel_reduce of a per-element term: a running ``op`` over the iterator order."""

    identity = 0

    def __init__(self, op: np.ufunc) -> None:
        self.op = op

    def columns(self, data: np.ndarray, red: IterDim, col: IterDim) -> np.ndarray:
        return data

    def finish(self, values: np.ndarray) -> np.ndarray:
        return values + values.dtype.type(0)


_RUNNING_SUM = _RunningFold(np.add)
_RUNNING_MAX = _RunningFold(np.maximum)


def _lastdim_two_norm(x: np.ndarray, axes, keepdim: bool) -> np.ndarray | None:
    """norm_kernel's vectorised p=2 path (binary_kernel_reduce_lastdim), or None if it is not taken.

    Taken when the iterator has one reduced dim, innermost and contiguous: each row is summed as
    8 (float) or 4 (double) running sums of squares, whose lanes and then the leftover squares
    are added one by one.
    """
    axes_set = frozenset(range(x.ndim) if axes is None else axes)
    out_strides = tuple(output_strides(x.shape, axes_set, keepdim))
    dims = reduction_dims(x.shape, x.strides, out_strides, x.itemsize)
    reduced = [d for d in dims if d.out_stride == 0]
    if len(reduced) != 1 or not dims[0].reduced or dims[0].in_stride != x.itemsize:
        return None
    lanes = 8 if x.dtype == np.float32 else 4
    shape = tuple(d.size for d in reversed(dims))
    view = np.lib.stride_tricks.as_strided(
        x, shape, tuple(d.in_stride for d in reversed(dims)), writeable=False
    )
    n = dims[0].size
    rows = view.reshape(-1, n)
    full = n - n % lanes
    squares = rows * rows
    blocks = squares[:, :full].reshape(rows.shape[0], full // lanes, lanes)
    lane_sums = np.add.accumulate(blocks, axis=1)[:, -1, :] if full else np.zeros((len(rows), 0))
    # the lanes one by one (from 0: a zero norm is +0), then the leftover squares
    total = np.add.accumulate(lane_sums.astype(x.dtype), axis=1)[:, -1] if full else None
    total = np.zeros(len(rows), x.dtype) if total is None else total + x.dtype.type(0)
    leftover = n - full
    # GCC computes the leftover squares four at a time and fuses the last 0-3 into FMAs
    grouped = full + (leftover // 4) * 4 if x.dtype == np.float32 else n
    for k in range(full, grouped):
        total = total + squares[:, k]
    for k in range(grouped, n):
        total = fma32(rows[:, k], rows[:, k], total)
    out = np.empty(math.prod(d.size for d in dims[1:]), x.dtype)
    offsets = np.zeros((), np.int64)
    for d in reversed(dims[1:]):
        offsets = np.add.outer(offsets, np.arange(d.size) * (d.out_stride // x.itemsize))
    out[offsets.reshape(-1)] = np.sqrt(total)
    if keepdim:
        return out.reshape([1 if i in axes_set else m for i, m in enumerate(x.shape)])
    return out.reshape([m for i, m in enumerate(x.shape) if i not in axes_set])


def vector_norm(
    x: np.ndarray,
    ord: float = 2,
    dim=None,
    keepdim: bool = False,
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """torch.linalg.vector_norm (also torch.norm(x, p) and x.norm(p) for vectors)."""
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    p = float(ord)
    dtype = x.dtype.type
    with np.errstate(all="ignore"):
        axes_list = range(x.ndim) if axes is None else axes
        if x.ndim and all(x.shape[d] == 1 for d in axes_list):
            single = np.abs(x) if p != 0 else (x != 0).astype(x.dtype)
            return single if keepdim else np.squeeze(single, axis=tuple(axes_list))
        if x.size == 0:
            fill = np.inf if p < 0 else 0.0
            return np.full(np.sum(x, axis=axes, keepdims=keepdim).shape, fill, x.dtype)
        if p == 2 and x.ndim:
            result = _lastdim_two_norm(x, axes, keepdim)
            if result is not None:
                return result
        magnitude = np.abs(x)
        if p == np.inf:
            return run_reduction(magnitude, axes, keepdim, threads, _RUNNING_MAX)
        if p == -np.inf:
            return -run_reduction(-magnitude, axes, keepdim, threads, _RUNNING_MAX)
        if p == 0:
            return run_reduction((x != 0).astype(x.dtype), axes, keepdim, threads, _RUNNING_SUM)
        if p == 1:
            return run_reduction(magnitude, axes, keepdim, threads, _RUNNING_SUM)
        if p == 2:
            return np.sqrt(run_reduction(x * x, axes, keepdim, threads, _RUNNING_SUM))
        exponent = dtype(p)
        terms = elementwise_power(magnitude, exponent)
        total = run_reduction(terms, axes, keepdim, threads, _RUNNING_SUM)
        return elementwise_power(total, dtype(1) / exponent)


def elementwise_power(x: np.ndarray, exponent) -> np.ndarray:
    """The C library's powf/pow, taken as correctly rounded (float32 via float64)."""
    if x.dtype == np.float32:
        with np.errstate(all="ignore"):
            return np.power(x.astype(np.float64), np.float64(exponent)).astype(np.float32)
    return np.power(x, exponent)


# -------------------------------------------------------------------- logsumexp


def logsumexp(x: np.ndarray, dim, keepdim: bool = False, *, threads: int = TORCH_THREADS):
    """torch.logsumexp: log(sum(exp(x - max))) + max, infinite maxima replaced by 0."""
    x = np.asarray(x)
    axes = normalize_axes(dim, x.ndim)
    if x.size == 0:
        total = reduce_sum(elementwise.exp(x), axes, keepdim, threads=threads)
        return elementwise.log(total)
    with np.errstate(invalid="ignore"):
        maxes = np.amax(x, axis=axes, keepdims=True)
        maxes = np.where(np.isinf(maxes), x.dtype.type(0), maxes).astype(x.dtype)
        shifted = elementwise.exp(x - maxes, threads=threads)
        total = reduce_sum(shifted, axes, keepdim, threads=threads)
        kept = maxes if keepdim else np.squeeze(maxes, axis=axes)
        return np.asarray(elementwise.log(total) + kept)
