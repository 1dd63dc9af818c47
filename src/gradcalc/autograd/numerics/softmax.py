"""softmax and log_softmax of float32 tensors with the bits torch 2.13's CPU kernels give.

Source (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/SoftMaxKernel.cpp``
(``_vec_softmax_lastdim``, ``_vec_log_softmax_lastdim``, ``_vec_softmax``, ``_vec_logsoftmax``)
and ``aten/src/ATen/cpu/vec/functional_base.h`` (``reduce_all``, ``map_reduce_all``, the AVX512
``vec_reduce_all`` that halves a vector four times).

Torch works on a contiguous copy. Along the last dim each row is summed as ``lanes`` running sums
(the last, partial vector only feeding its first lanes) that are then folded pairwise across
halves; exp and log are SLEEF's. softmax multiplies by ``1 / sum``; log_softmax subtracts the max
and then ``log(sum)``. Along another dim every position sums sequentially from 0; positions in
whole vectors use SLEEF's exp, the rest the C library's.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.numerics.sleef as sleef
from gradcalc.autograd.numerics.driver import TORCH_THREADS
from gradcalc.autograd.numerics.layout import GRAIN_SIZE, split_chunks
from gradcalc.autograd.numerics.libm import rounded

__all__ = ["log_softmax", "softmax"]

_LANES = 16  # AVX512 Vectorized<float>
_F32 = np.float32


def _halving_sum(acc: np.ndarray) -> np.ndarray:
    """The AVX512 vec_reduce_all: lane i + lane i+8, then +4, +2, +1."""
    while acc.shape[-1] > 1:
        half = acc.shape[-1] // 2
        acc = acc[..., :half] + acc[..., half:]
    return acc[..., 0]


def _row_reduce_sum(values: np.ndarray) -> np.ndarray:
    """vec::reduce_all / map_reduce_all with + over the last axis of already-mapped values."""
    n = values.shape[-1]
    if n < _LANES:
        running = np.add.accumulate(values, axis=-1)
        return running[..., -1]
    full = (n // _LANES) * _LANES
    blocks = values[..., :full].reshape(*values.shape[:-1], full // _LANES, _LANES)
    acc = np.add.accumulate(blocks, axis=-2)[..., -1, :].copy()
    if n > full:
        acc[..., : n - full] += values[..., full:]
    return _halving_sum(acc)


def _lastdim(x: np.ndarray, log: bool) -> np.ndarray:
    with np.errstate(all="ignore"):
        peak = x.max(axis=-1, keepdims=True)
        shifted = sleef.expf_u10(x - peak)
        total = _row_reduce_sum(shifted)[..., None]
        if log:
            return (x - peak) - sleef.logf_u10(total)
        return shifted * (_F32(1) / total)


def _vector_positions(outer: int, inner: int, dim_size: int, threads: int) -> np.ndarray:
    """_vec_softmax: which (outer, inner) positions are computed in whole vectors."""
    count = outer * inner
    grain = max(GRAIN_SIZE // (16 * dim_size), 1)
    mask = np.zeros(count, bool)
    for begin, end in split_chunks(count, grain, threads):
        idx = begin
        while idx < end:
            inner_idx = idx % inner
            if inner_idx + _LANES <= inner and idx + _LANES <= end:
                mask[idx : idx + _LANES] = True
                idx += _LANES
            else:
                idx += end - idx if idx + _LANES > end else inner - inner_idx
    return mask.reshape(outer, inner)


def _chunk_positions(inner: int, dim_size: int) -> np.ndarray:
    """_vec_logsoftmax: which inner positions of each chunk are in whole vectors."""
    chunk = max((128 * 1024) // dim_size // 4, _LANES) // _LANES * _LANES
    position = np.arange(inner)
    start = position - position % chunk
    size = np.minimum(chunk, inner - start)
    return (position - start) < size - size % _LANES


def _other_dim(x: np.ndarray, dim: int, log: bool, threads: int) -> np.ndarray:
    outer = math.prod(x.shape[:dim])
    inner = math.prod(x.shape[dim + 1 :])
    dim_size = x.shape[dim]
    v = x.reshape(outer, dim_size, inner)
    with np.errstate(all="ignore"):
        if log:
            vector = np.broadcast_to(_chunk_positions(inner, dim_size), (outer, inner))
        else:
            vector = _vector_positions(outer, inner, dim_size, threads)
        vector = vector[:, None, :]
        peak = v.max(axis=1, keepdims=True)
        # the vector max ignores a NaN (data > max is false), the scalar one keeps it
        if log:
            peak = np.fmax.reduce(v, axis=1, keepdims=True)
        diff = v - peak
        shifted = np.where(vector, sleef.expf_u10(diff), rounded(np.exp, diff))
        total = np.add.accumulate(shifted, axis=1)[:, -1:, :]
        if log:
            result = diff - sleef.logf_u10(total)
        else:
            result = shifted / total
    return result.reshape(x.shape)


def _normalised(x: np.ndarray, dim: int) -> tuple[np.ndarray, int]:
    x = np.ascontiguousarray(x)
    if x.ndim == 0:
        return x.reshape(1), 0
    return x, dim % x.ndim


def _float64(x: np.ndarray, dim: int, log: bool) -> np.ndarray:
    peak = x.max(axis=dim, keepdims=True)
    shifted = np.exp(x - peak)
    total = shifted.sum(axis=dim, keepdims=True)
    return (x - peak) - np.log(total) if log else shifted / total


def softmax(x: np.ndarray, dim: int, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.softmax(x, dim) of a float32 array (float64 arrays: numpy's own arithmetic)."""
    shape = np.shape(x)
    x, dim = _normalised(np.asarray(x), dim)
    if x.size == 0:
        return x.reshape(shape).copy()
    if x.dtype != np.float32:
        return _float64(x, dim, False).reshape(shape)
    if dim == x.ndim - 1:
        return _lastdim(x, False).reshape(shape)
    return _other_dim(x, dim, False, threads).reshape(shape)


def log_softmax(x: np.ndarray, dim: int, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.log_softmax(x, dim) of a float32 array (float64 arrays: numpy's own arithmetic)."""
    shape = np.shape(x)
    x, dim = _normalised(np.asarray(x), dim)
    if x.size == 0:
        return x.reshape(shape).copy()
    if x.dtype != np.float32:
        return _float64(x, dim, True).reshape(shape)
    if dim == x.ndim - 1:
        return _lastdim(x, True).reshape(shape)
    return _other_dim(x, dim, True, threads).reshape(shape)
