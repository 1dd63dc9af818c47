"""How PyTorch's TensorIterator lays out a reduction, so its kernels' summation order can be replayed.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/TensorIterator.cpp``
(``reorder_dimensions``, ``coalesce_dimensions``, ``DimCounter``) and
``aten/src/ATen/TensorIteratorReduce.cpp`` (``parallel_reduce``, ``two_pass_reduction``,
``parallel_dim_reduction``, ``find_split_dim``, ``round_columns``), and
``aten/src/ATen/ParallelOpenMP.h`` (how ``parallel_for`` cuts a range into chunks).

A reduction's iterator has one output (strides 0 along reduced dims) and one input. Its dims are
sorted fastest first with the reduced dims in front, adjacent dims that walk memory as one are
merged, and the kernel is called on 2-d slabs ``(size0, size1)`` of the result. Below
``GRAIN_SIZE`` elements one thread does everything in order; above it the work is cut between
threads, which changes the order of the additions: the plan functions here say how.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

__all__ = [
    "GRAIN_SIZE",
    "IterDim",
    "Call",
    "contiguous_strides",
    "reduction_dims",
    "range_calls",
    "split_chunks",
    "find_split_dim",
]

# at::internal::GRAIN_SIZE: below this many elements a reduction runs on one thread.
GRAIN_SIZE = 32768


@dataclass(frozen=True)
class IterDim:
    """One iterator dim: its size and the byte strides of the output and of the input."""

    size: int
    out_stride: int
    in_stride: int

    @property
    def reduced(self) -> bool:
        # TensorIteratorBase::is_dim_reduced
        return self.out_stride == 0 and self.size > 1


@dataclass(frozen=True)
class Call:
    """One call of a 2-d kernel loop: where it starts (one index per dim) and its 2-d extent."""

    start: tuple[int, ...]
    size0: int
    size1: int


def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """c10's contiguous strides in elements (a size-0 or size-1 dim counts as 1)."""
    strides = [1] * len(shape)
    for d in range(len(shape) - 2, -1, -1):
        strides[d] = strides[d + 1] * max(shape[d + 1], 1)
    return tuple(strides)


def output_strides(shape: tuple[int, ...], axes: frozenset[int], keepdim: bool) -> list[int]:
    """Element strides of a fresh contiguous result, seen with the input's dims (0 = reduced).

    ``review_reduce_result`` inserts stride 0 for the dims keepdim=False drops, and
    ``compute_strides`` zeroes the stride of every size-1 output dim the input broadcasts.
    """
    if keepdim:
        kept = tuple(1 if d in axes else n for d, n in enumerate(shape))
        strides = list(contiguous_strides(kept))
        return [0 if (d in axes and shape[d] != 1) else s for d, s in enumerate(strides)]
    kept = tuple(n for d, n in enumerate(shape) if d not in axes)
    kept_strides = iter(contiguous_strides(kept))
    return [0 if d in axes else next(kept_strides) for d in range(len(shape))]


def _should_swap(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    """reorder_dimensions' comparison of two dims, each (size, out_stride, in_stride)."""
    # operand 0, the output: reduced dims go first
    out0, out1 = a[1], b[1]
    if (out0 == 0) != (out1 == 0):
        return 1 if out1 == 0 else -1
    for stride0, stride1 in ((out0, out1), (a[2], b[2])):
        if stride0 == 0 or stride1 == 0:
            continue
        if stride0 < stride1:
            return -1
        if stride0 > stride1:
            return 1
        if a[0] > b[0]:
            return 1
    return 0


def _reorder(dims: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    ndim = len(dims)
    if ndim <= 1:
        return list(dims)
    perm = list(range(ndim - 1, -1, -1))
    # insertion sort that stops at an unambiguous "keep", as torch's does
    for i in range(1, ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            comparison = _should_swap(dims[perm[dim0]], dims[perm[dim1]])
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    return [dims[p] for p in perm]


def _coalesce(dims: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    if len(dims) <= 1:
        return list(dims)
    shape = [d[0] for d in dims]
    outs = [d[1] for d in dims]
    ins = [d[2] for d in dims]
    prev = 0
    for dim in range(1, len(dims)):
        s0, s1 = shape[prev], shape[dim]
        if s0 == 1 or s1 == 1 or (s0 * outs[prev] == outs[dim] and s0 * ins[prev] == ins[dim]):
            if shape[prev] == 1:
                outs[prev], ins[prev] = outs[dim], ins[dim]
            shape[prev] *= shape[dim]
        else:
            prev += 1
            if prev != dim:
                outs[prev], ins[prev] = outs[dim], ins[dim]
                shape[prev] = shape[dim]
    return [(shape[d], outs[d], ins[d]) for d in range(prev + 1)]


@functools.lru_cache(maxsize=512)
def reduction_dims(
    shape: tuple[int, ...],
    in_strides: tuple[int, ...],
    out_strides: tuple[int, ...],
    itemsize: int,
) -> tuple[IterDim, ...]:
    """The coalesced iterator dims of a reduction, fastest first.

    ``in_strides`` are the input's byte strides (numpy's); ``out_strides`` the element strides
    of the result viewed with the input's dims (see ``output_strides``); ``itemsize`` the
    output's element size.
    """
    dims = [(n, o * itemsize, s) for n, o, s in zip(shape, out_strides, in_strides)]
    return tuple(IterDim(n, o, s) for n, o, s in _coalesce(_reorder(dims)))


def range_calls(sizes: list[int], begin: int, end: int) -> list[Call]:
    """The 2-d loop calls ``serial_for_each`` makes over the linear range [begin, end)."""
    if end <= begin:
        return []
    ndim = len(sizes)
    if ndim <= 1:
        start = (begin,) if ndim else ()
        return [Call(start, end - begin, 1)]
    values = [0] * ndim
    rest = begin
    for d in range(ndim):
        if sizes[d] > 0:
            values[d] = rest % sizes[d]
            rest //= sizes[d]
    calls = []
    offset = begin
    while offset < end:
        step0 = min(sizes[0] - values[0], end - offset)
        step1 = 1
        if step0 == sizes[0]:
            step1 = min(sizes[1] - values[1], (end - offset) // sizes[0])
        calls.append(Call(tuple(values), step0, step1))
        offset += step0 * step1
        overflow, d = step0, 0
        if step1 != 1:
            d, overflow = 1, step1
        while d < ndim and overflow > 0:
            value = values[d] + overflow
            if value >= sizes[d]:
                overflow, value = 1, value - sizes[d]
            else:
                overflow = 0
            values[d] = value
            d += 1
    return calls


def split_chunks(count: int, grain: int, threads: int) -> list[tuple[int, int]]:
    """The [begin, end) pieces ``at::parallel_for(0, count, grain)`` gives its threads (OpenMP)."""
    if count <= 0:
        return []
    if not (count > grain and count > 1 and threads > 1):
        return [(0, count)]
    used = min(threads, math.ceil(count / grain)) if grain > 0 else threads
    chunk = math.ceil(count / used)
    return [(b, min(count, b + chunk)) for b in range(0, count, chunk)][:used]


def find_split_dim(dims: list[IterDim], threads: int) -> int:
    """The outer-most kept dim with at least ``threads`` columns, else the largest kept one."""
    best = len(dims) - 1
    for d in range(best, -1, -1):
        if dims[d].reduced:
            break
        if dims[d].size >= threads:
            return d
        if dims[d].size > dims[best].size:
            best = d
    return best
