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

import math

import numpy as np

from gradcalc.autograd.numerics.layout import (
    GRAIN_SIZE,
    IterDim,
    find_split_dim,
    output_strides,
    range_calls,
    reduction_dims,
    split_chunks,
)

__all__ = ["VECTOR_WIDTH", "cascade_sum", "TORCH_THREADS"]

# Lanes of Vectorized<float> / Vectorized<double> in the kernel torch 2.13 runs on x86-64. The sum
# kernel is registered without an AVX512 variant, so an AVX512 machine (this one:
# torch.backends.cpu.get_cpu_capability() == "AVX512") runs the AVX2 one: 256-bit vectors.
VECTOR_WIDTH = {np.dtype(np.float32): 8, np.dtype(np.float64): 4}

# at::get_num_threads() assumed for the torch being matched: its default is the number of physical
# cores, 2 on the machine these results were checked on. It only matters from GRAIN_SIZE elements.
TORCH_THREADS = 2


# Below this many values one np.add.accumulate call beats a Python loop of vector adds.
_ACCUMULATE_BELOW = 8192


def _fold(y: np.ndarray, axis: int = 0) -> np.ndarray | None:
    """((y[0] + y[1]) + y[2]) + ...: a running sum along axis 0 or 1, vectorised over the rest.

    None when there is nothing to add: adding 0 would change nothing but the sign of a zero,
    and every sum is finished with ``+ 0`` (torch starts each accumulator at +0).
    """
    n = y.shape[axis]
    if n == 0:
        return None
    if n == 1:
        return y[0] if axis == 0 else y[:, 0]
    if y.size < _ACCUMULATE_BELOW:
        running = np.add.accumulate(y, axis=axis)
        return running[-1] if axis == 0 else running[:, -1]
    if axis == 0:
        acc = y[0] + y[1]
        for r in range(2, n):
            acc += y[r]
    else:
        acc = y[:, 0] + y[:, 1]
        for r in range(2, n):
            acc += y[:, r]
    return acc


def _add(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _level_step(n: int) -> int:
    ceil_log2 = (n - 1).bit_length() if n > 1 else 0
    return 1 << max(4, ceil_log2 // 4)


def _multi_row_sum(y: np.ndarray) -> np.ndarray | None:
    """multi_row_sum along axis 0: four levels of runs of ``step`` values."""
    n = y.shape[0]
    step = _level_step(n)
    cols = y.shape[1:]
    full = n // step
    total = _fold(y[full * step :])
    if full == 0:
        return total
    level = _fold(y[: full * step].reshape((full, step, *cols)), 1)
    # levels 1 and 2 keep their partial run; level 3 runs to the end
    for _ in range(2):
        groups = level.shape[0] // step
        total = _add(total, _fold(level[groups * step :]))
        if groups == 0:
            return total
        level = _fold(level[: groups * step].reshape((groups, step, *cols)), 1)
    return _add(total, _fold(level))


def _row_sum(y: np.ndarray) -> np.ndarray | None:
    """row_sum along axis 0: four interleaved streams, each a multi_row_sum."""
    n = y.shape[0]
    quads = n // 4
    if quads == 0:
        return _fold(y)
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
    return _fold(np.concatenate((y[vectors * width :], lanes)))


def _outer_columns(y: np.ndarray, group: int) -> np.ndarray | None:
    """Columns (last axis) in whole groups of ``group`` take a plain cascade, the rest row_sum."""
    ncols = y.shape[-1]
    split = (ncols // group) * group
    if split == ncols:
        return _multi_row_sum(y)
    if split == 0:
        return _row_sum(y)
    return np.concatenate((_multi_row_sum(y[..., :split]), _row_sum(y[..., split:])), axis=-1)


def _kernel(data: np.ndarray, red: IterDim, col: IterDim, width: int) -> np.ndarray:
    """One 2-d loop of cascade_sum on ``data[..., col, red]``: the value of every column."""
    itemsize = data.dtype.itemsize
    y = np.moveaxis(data, -1, 0)
    if red.in_stride == itemsize and red.size >= width:
        return _inner_vectorized(y, width)
    if col.in_stride == itemsize and col.size >= width:
        return _outer_columns(y, 4 * width)
    if red.in_stride < col.in_stride:
        return _row_sum(y)
    return _outer_columns(y, 4)


def _slab_contributions(
    view: np.ndarray, dims: list[IterDim], width: int
) -> tuple[np.ndarray, list[int]]:
    """Every value the kernel adds into the output, axes in program order, with their out strides.

    ``view`` has the iterator's dims slowest first: ``view[..., i1, i0]``.
    """
    d0, d1 = dims[0], dims[1]
    outer_strides = [d.out_stride for d in reversed(dims[2:])]
    if d0.out_stride != 0 and d1.out_stride != 0:
        # not a reduction in the 2-d slab: out = 0 + in
        return view + view.dtype.type(0), [*outer_strides, d1.out_stride, d0.out_stride]
    if d0.out_stride != 0:
        # the kernel moves the reduced dim first
        view = np.swapaxes(view, -1, -2)
        d0, d1 = d1, d0
    return _kernel(view, d0, d1, width), [*outer_strides, d1.out_stride]


def _fold_into_outputs(
    values: np.ndarray, strides: list[int], out_itemsize: int
) -> tuple[np.ndarray, np.ndarray]:
    """Add each output's contributions from 0 in program order: (values, element offsets)."""
    kept = [a for a, s in enumerate(strides) if s != 0]
    summed = [a for a, s in enumerate(strides) if s == 0]
    ordered = np.transpose(values, kept + summed)
    n_kept = int(np.prod([values.shape[a] for a in kept], dtype=np.int64))
    flat = ordered.reshape(n_kept, -1)
    folded = _fold(flat, 1) + values.dtype.type(0)
    offsets = np.zeros((), np.int64)
    for a in kept:
        index = np.arange(values.shape[a], dtype=np.int64) * (strides[a] // out_itemsize)
        offsets = np.add.outer(offsets, index)
    return folded, offsets.reshape(-1)


_ONE = IterDim(1, 0, 0)


def _padded(dims: list[IterDim]) -> list[IterDim]:
    return list(dims) + [_ONE] * (2 - len(dims))


def _iterator_view(x: np.ndarray, dims: list[IterDim]) -> np.ndarray:
    shape = tuple(d.size for d in reversed(dims))
    strides = tuple(d.in_stride for d in reversed(dims))
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)


def _run_serial(x: np.ndarray, dims: list[IterDim], width: int, out: np.ndarray) -> None:
    """serial_for_each over the whole iterator: every slab at once."""
    dims = _padded(dims)
    values, strides = _slab_contributions(_iterator_view(x, dims), dims, width)
    folded, offsets = _fold_into_outputs(values, strides, out.itemsize)
    out[offsets] = folded


def _run_range(x: np.ndarray, dims: list[IterDim], width: int, begin: int, end: int):
    """One thread's share of a two-pass reduction to one value: its running total."""
    dims = _padded(dims)
    view = _iterator_view(x, dims)
    pieces = []
    for call in range_calls([d.size for d in dims], begin, end):
        index = tuple(reversed(call.start[2:]))
        i1, i0 = call.start[1], call.start[0]
        slab = view[(*index, slice(i1, i1 + call.size1), slice(i0, i0 + call.size0))]
        sub = [IterDim(call.size0, dims[0].out_stride, dims[0].in_stride)]
        sub.append(IterDim(call.size1, dims[1].out_stride, dims[1].in_stride))
        values, _ = _slab_contributions(slab, sub, width)
        pieces.append(values.reshape(-1))
    return _fold(np.concatenate(pieces)) + x.dtype.type(0)


def _run_split(
    x: np.ndarray, dims: list[IterDim], width: int, out: np.ndarray, threads: int
) -> None:
    """parallel_dim_reduction: kept columns cut between threads, each part run serially."""
    split = find_split_dim(dims, threads)
    cols = dims[split].size
    round_to = 128 // x.itemsize if dims[split].in_stride == x.itemsize else 1
    for begin, end in split_chunks(cols, 1, threads):
        begin -= begin % round_to
        if end != cols:
            end -= end % round_to
        if begin == end:
            continue
        part = list(dims)
        part[split] = IterDim(end - begin, dims[split].out_stride, dims[split].in_stride)
        part = _padded(part)
        view = _iterator_view(x, _padded(dims))
        index = [slice(None)] * view.ndim
        index[view.ndim - 1 - split] = slice(begin, end)
        values, strides = _slab_contributions(view[tuple(index)], part, width)
        folded, offsets = _fold_into_outputs(values, strides, out.itemsize)
        out[offsets + (dims[split].out_stride // out.itemsize) * begin] = folded


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
    width = VECTOR_WIDTH[x.dtype]
    ndim = x.ndim
    axes_set = frozenset(range(ndim) if axes is None else axes)
    if keepdim:
        out_shape = tuple(1 if d in axes_set else n for d, n in enumerate(x.shape))
    else:
        out_shape = tuple(n for d, n in enumerate(x.shape) if d not in axes_set)
    out = np.zeros(math.prod(out_shape), x.dtype)
    if x.size == 0:
        return out.reshape(out_shape)
    if ndim == 0:
        return (x + x.dtype.type(0)).reshape(out_shape)
    serial = x.size < GRAIN_SIZE or threads <= 1
    if serial and len(axes_set) == ndim and x.flags.c_contiguous:
        # the iterator of a whole contiguous tensor is one contiguous dim
        total = _kernel(x.reshape(1, -1), IterDim(x.size, 0, x.itemsize), _ONE, width)
        return (total + x.dtype.type(0)).reshape(out_shape)
    out_strides = output_strides(x.shape, axes_set, keepdim)
    dims = reduction_dims(x.shape, x.strides, tuple(out_strides), x.itemsize)
    if serial:
        _run_serial(x, dims, width, out)
    elif out.size == 1:
        chunks = split_chunks(x.size, GRAIN_SIZE, threads)
        # the per-thread partial sums are summed by the same kernel
        first_dims = reduction_dims(
            x.shape, x.strides, tuple(0 if n != 1 else 1 for n in x.shape), x.itemsize
        )
        partials = np.zeros(threads, x.dtype)
        for t, (begin, end) in enumerate(chunks):
            partials[t] = _run_range(x, first_dims, width, begin, end)
        out[:] = cascade_sum(partials, None, False, 1)
    else:
        _run_split(x, dims, width, out, threads)
    return out.reshape(out_shape)
