"""Replays ``TensorIteratorBase::parallel_reduce`` for a reduction kernel given as numpy code.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/TensorIteratorReduce.cpp`` and
``aten/src/ATen/TensorIterator.cpp`` (``serial_for_each``, ``DimCounter``).

A kernel sees 2-d slabs ``data[..., column, reduced]`` (every outer slab at once, as leading
axes) and returns, for every column, the values it folds into that column's output, in the order
it does: ``out = op(out, value)``. The driver walks the iterator as torch does (one thread below
``GRAIN_SIZE`` elements, else cut between threads) and folds everything in program order, which is
all torch's result depends on.
"""

from __future__ import annotations

import math
from typing import Protocol

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

__all__ = ["ReductionKernel", "fold", "reduction_rows", "run_reduction"]

# at::get_num_threads() assumed for the torch being matched: its default is the number of physical
# cores, 2 on the machine these results were checked on. It only matters from GRAIN_SIZE elements.
TORCH_THREADS = 2

# Below this many values one ufunc.accumulate call beats a Python loop of vector operations.
_ACCUMULATE_BELOW = 8192


class ReductionKernel(Protocol):
    op: np.ufunc
    identity: float

    def columns(self, data: np.ndarray, red: IterDim, col: IterDim) -> np.ndarray:
        """Fold values for ``data[..., col, red]``: shape ``data.shape[:-1] + (k,)``."""

    def finish(self, values: np.ndarray) -> np.ndarray:
        """The output value from the folded values (e.g. sum's ``+ 0``)."""


def fold(y: np.ndarray, op: np.ufunc = np.add, axis: int = 0) -> np.ndarray | None:
    """op(op(y[0], y[1]), y[2])...: a left fold along axis 0 or 1, vectorised over the rest.

    None when there is nothing to fold. The identity is left out: op(identity, v) == v, except
    for the sign of a zero sum, which ``finish`` repairs.
    """
    n = y.shape[axis]
    if n == 0:
        return None
    if n == 1:
        return y[0] if axis == 0 else y[:, 0]
    # one C loop when the arrays are small or their rows are: a Python loop pays per row
    if y.size < _ACCUMULATE_BELOW or y.ndim == 1 or y.size // n < 256:
        running = op.accumulate(y, axis=axis)
        return running[-1] if axis == 0 else running[:, -1]
    if axis == 0:
        acc = op(y[0], y[1])
        for r in range(2, n):
            op(acc, y[r], out=acc)
    else:
        acc = op(y[:, 0], y[:, 1])
        for r in range(2, n):
            op(acc, y[:, r], out=acc)
    return acc


_ONE = IterDim(1, 0, 0)


def _padded(dims) -> list[IterDim]:
    return list(dims) + [_ONE] * (2 - len(dims))


def _iterator_view(x: np.ndarray, dims: list[IterDim]) -> np.ndarray:
    shape = tuple(d.size for d in reversed(dims))
    strides = tuple(d.in_stride for d in reversed(dims))
    return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=False)


def _slab_values(view: np.ndarray, dims: list[IterDim], kernel) -> tuple[np.ndarray, list[int]]:
    """Every value folded into an output, axes in program order, with their output strides.

    ``view`` has the iterator's dims slowest first: ``view[..., i1, i0]``. The last axis of the
    result holds one column's values in the order they are folded.
    """
    d0, d1 = dims[0], dims[1]
    outer = [d.out_stride for d in reversed(dims[2:])]
    if d0.out_stride != 0 and d1.out_stride != 0:
        # nothing reduced inside the slab: out = op(identity, in)
        return view[..., None], [*outer, d1.out_stride, d0.out_stride, 0]
    if d0.out_stride != 0:
        # the kernels move the reduced dim first
        view = np.swapaxes(view, -1, -2)
        d0, d1 = d1, d0
    return kernel.columns(view, d0, d1), [*outer, d1.out_stride, 0]


def _fold_into_outputs(values, strides, out_itemsize, kernel):
    """Fold each output's values from the identity in program order: (values, element offsets)."""
    kept = [a for a, s in enumerate(strides) if s != 0]
    folded_axes = [a for a, s in enumerate(strides) if s == 0]
    ordered = np.transpose(values, kept + folded_axes)
    n_kept = math.prod(values.shape[a] for a in kept)
    flat = ordered.reshape(n_kept, -1)
    result = kernel.finish(fold(flat, kernel.op, 1))
    offsets = np.zeros((), np.int64)
    for a in kept:
        index = np.arange(values.shape[a], dtype=np.int64) * (strides[a] // out_itemsize)
        offsets = np.add.outer(offsets, index)
    return result, offsets.reshape(-1)


def _run_serial(x, dims, kernel, out) -> None:
    dims = _padded(dims)
    values, strides = _slab_values(_iterator_view(x, dims), dims, kernel)
    folded, offsets = _fold_into_outputs(values, strides, out.itemsize, kernel)
    out[offsets] = folded


def _run_range(x, dims, kernel, begin: int, end: int):
    """One thread's share of a two-pass reduction to one value."""
    dims = _padded(dims)
    view = _iterator_view(x, dims)
    pieces = []
    for call in range_calls([d.size for d in dims], begin, end):
        index = tuple(reversed(call.start[2:]))
        i1, i0 = call.start[1], call.start[0]
        slab = view[(*index, slice(i1, i1 + call.size1), slice(i0, i0 + call.size0))]
        sub = [
            IterDim(call.size0, dims[0].out_stride, dims[0].in_stride),
            IterDim(call.size1, dims[1].out_stride, dims[1].in_stride),
        ]
        values, _ = _slab_values(slab, sub, kernel)
        pieces.append(values.reshape(-1))
    return kernel.finish(fold(np.concatenate(pieces), kernel.op))


def _run_split(x, dims, kernel, out, threads: int) -> None:
    """parallel_dim_reduction: kept columns cut between threads, each part run serially."""
    split = find_split_dim(dims, threads)
    cols = dims[split].size
    round_to = 128 // x.itemsize if dims[split].in_stride == x.itemsize else 1
    view = _iterator_view(x, _padded(dims))
    for begin, end in split_chunks(cols, 1, threads):
        begin -= begin % round_to
        if end != cols:
            end -= end % round_to
        if begin == end:
            continue
        part = list(dims)
        part[split] = IterDim(end - begin, dims[split].out_stride, dims[split].in_stride)
        part = _padded(part)
        index = [slice(None)] * view.ndim
        index[view.ndim - 1 - split] = slice(begin, end)
        values, strides = _slab_values(view[tuple(index)], part, kernel)
        folded, offsets = _fold_into_outputs(values, strides, out.itemsize, kernel)
        out[offsets + (dims[split].out_stride // out.itemsize) * begin] = folded


def run_reduction(
    x: np.ndarray,
    axes: tuple[int, ...] | None,
    keepdim: bool,
    threads: int,
    kernel: ReductionKernel,
) -> np.ndarray:
    """Reduce ``x`` over ``axes`` (non-negative dims; None: all) as torch's CPU loop does.

    The strides of ``x`` are taken to be the strides the tensor has in torch.
    """
    ndim = x.ndim
    axes_set = frozenset(range(ndim) if axes is None else axes)
    if keepdim:
        out_shape = tuple(1 if d in axes_set else n for d, n in enumerate(x.shape))
    else:
        out_shape = tuple(n for d, n in enumerate(x.shape) if d not in axes_set)
    out = np.full(math.prod(out_shape), kernel.identity, x.dtype)
    if x.size == 0:
        return out.reshape(out_shape)
    if ndim == 0:
        return kernel.finish(kernel.op(x.dtype.type(kernel.identity), x)).reshape(out_shape)
    serial = x.size < GRAIN_SIZE or threads <= 1
    if serial and len(axes_set) == ndim and x.flags.c_contiguous:
        # the iterator of a whole contiguous tensor is one contiguous dim
        values = kernel.columns(x.reshape(1, -1), IterDim(x.size, 0, x.itemsize), _ONE)
        total = kernel.finish(fold(values.reshape(-1), kernel.op))
        return np.asarray(total, x.dtype).reshape(out_shape)
    out_strides = tuple(output_strides(x.shape, axes_set, keepdim))
    dims = reduction_dims(x.shape, x.strides, out_strides, x.itemsize)
    if serial:
        _run_serial(x, dims, kernel, out)
    elif out.size == 1:
        # two-pass: each thread folds its range into its own slot, then the slots are reduced
        first = reduction_dims(
            x.shape, x.strides, tuple(0 if n != 1 else 1 for n in x.shape), x.itemsize
        )
        partials = np.full(threads, kernel.identity, x.dtype)
        for t, (begin, end) in enumerate(split_chunks(x.size, GRAIN_SIZE, threads)):
            partials[t] = _run_range(x, first, kernel, begin, end)
        out[:] = run_reduction(partials, None, False, 1, kernel)
    else:
        _run_split(x, dims, kernel, out, threads)
    return out.reshape(out_shape)


def reduction_rows(x: np.ndarray, axes: tuple[int, ...] | None, keepdim: bool):
    """Every output's reduced elements in the iterator's order (dim 0 fastest), for kernels that
    walk them one by one: (rows of shape (outputs, reduced), output offsets, output shape)."""
    axes_set = frozenset(range(x.ndim) if axes is None else axes)
    if keepdim:
        out_shape = tuple(1 if d in axes_set else n for d, n in enumerate(x.shape))
    else:
        out_shape = tuple(n for d, n in enumerate(x.shape) if d not in axes_set)
    out_strides = tuple(output_strides(x.shape, axes_set, keepdim))
    dims = _padded(reduction_dims(x.shape, x.strides, out_strides, x.itemsize))
    view = _iterator_view(x, dims)
    strides = [d.out_stride for d in reversed(dims)]
    kept = [a for a, s in enumerate(strides) if s != 0]
    reduced = [a for a, s in enumerate(strides) if s == 0]
    rows = np.transpose(view, kept + reduced).reshape(math.prod(view.shape[a] for a in kept), -1)
    offsets = np.zeros((), np.int64)
    for a in kept:
        offsets = np.add.outer(offsets, np.arange(view.shape[a]) * (strides[a] // x.itemsize))
    return rows, offsets.reshape(-1), out_shape
