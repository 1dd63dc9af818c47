"""Which elements torch's elementwise CPU loops compute with SIMD code and which with scalar code.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/Loops.h``
(``VectorizedLoop2d``, ``vectorized_loop``, ``basic_loop``) and ``TensorIterator.cpp``.

``cpu_kernel_vec`` runs a vector lambda on pairs of vectors (``2 * lanes`` elements a step) along
the innermost iterator dim when every operand is contiguous there (or is one broadcast scalar),
and a scalar lambda on the rest of that run and on everything that is strided. The two lambdas
often round differently (SLEEF vs the C library), so a value depends on where it sits: this module
says where. Above ``GRAIN_SIZE`` elements the work is cut between threads at chunk boundaries,
each of which ends its own vector run.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.layout import GRAIN_SIZE, range_calls, split_chunks

__all__ = ["SIMD_LANES", "vector_mask"]

# Lanes of the AVX512 Vectorized<T> these kernels dispatch to on this machine
# (torch.backends.cpu.get_cpu_capability() == "AVX512"): an AVX2 machine has half as many.
SIMD_LANES = {np.dtype(np.float32): 16, np.dtype(np.float64): 8}


def _swap_order(s0: int, s1: int, n0: int, n1: int) -> int:
    """reorder_dimensions' comparison for one operand (the output is not allocated yet)."""
    if s0 == 0 or s1 == 0:
        return 0
    if s0 < s1:
        return -1
    if s0 > s1:
        return 1
    return 1 if n0 > n1 else 0


def _iteration_order(shape: tuple[int, ...], strides: list[tuple[int, ...]]) -> list[int]:
    """The input dims, fastest first, in the order the iterator walks them."""
    ndim = len(shape)
    perm = list(range(ndim - 1, -1, -1))
    for i in range(1, ndim):
        dim1 = i
        for dim0 in range(i - 1, -1, -1):
            a, b = perm[dim0], perm[dim1]
            comparison = 0
            for operand in strides:
                comparison = _swap_order(operand[a], operand[b], shape[a], shape[b])
                if comparison:
                    break
            if comparison > 0:
                perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
                dim1 = dim0
            elif comparison < 0:
                break
    return perm


def _inner_run(shape, strides, perm) -> tuple[int, bool]:
    """Length of the coalesced innermost dim, and whether every input is contiguous along it."""
    size0 = 1
    inner = [0] * len(strides)
    started = False
    for d in perm:
        n = shape[d]
        if n == 1:
            continue
        if not started:
            size0, inner, started = n, [s[d] for s in strides], True
            continue
        if all(s[d] == size0 * i for s, i in zip(strides, inner)):
            size0 *= n
        else:
            break
    return size0, inner


def vector_mask(
    shape: tuple[int, ...],
    strides: list[tuple[int, ...]],
    itemsize: int,
    lanes: int,
    threads: int,
) -> np.ndarray:
    """True where ``cpu_kernel_vec`` computes the output element with its vector lambda.

    ``strides`` holds the byte strides of each input broadcast to ``shape`` (0 along broadcast
    dims). The mask has ``shape`` and is indexed like the output.
    """
    numel = int(np.prod(shape, dtype=np.int64))
    if numel == 0 or len(shape) == 0:
        return np.zeros(shape, bool)
    perm = _iteration_order(shape, strides)
    size0, inner = _inner_run(shape, strides, perm)
    contiguous = [s == itemsize for s in inner]
    broadcast = [s == 0 for s in inner]
    # all contiguous, or exactly one operand a broadcast scalar and the rest contiguous
    vectorised = all(contiguous) or (
        sum(broadcast) == 1 and all(c or b for c, b in zip(contiguous, broadcast))
    )
    step = 2 * lanes
    flat = np.zeros(numel, bool)
    if vectorised:
        if numel < GRAIN_SIZE or threads <= 1:
            chunks = [(0, numel)]
        else:
            chunks = split_chunks(numel, GRAIN_SIZE, threads)
        rows = numel // size0
        for begin, end in chunks:
            for call in range_calls([size0, rows], begin, end):
                start = call.start[0] + call.start[1] * size0
                body = (call.size0 // step) * step
                block = flat[start : start + call.size0 * call.size1].reshape(
                    call.size1, call.size0
                )
                block[:, :body] = True
    # the iterator walks the dims in ``perm`` order: put its flags back at output positions
    order = [d for d in reversed(perm)]
    positions = np.arange(numel).reshape(shape).transpose(order).reshape(-1)
    mask = np.empty(numel, bool)
    mask[positions] = flat
    return mask.reshape(shape)
