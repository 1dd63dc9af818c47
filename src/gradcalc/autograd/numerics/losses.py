"""nll_loss, cross_entropy and mse_loss with the float32 values torch 2.13 computes on the CPU.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/native/LossNLL.cpp``
(``nll_loss_out_frame``: its own four-level cascade over the batch), ``aten/src/ATen/native/Loss.cpp``
(``cross_entropy_loss`` = log_softmax + nll_loss, the probability-target form, ``mse_loss`` =
squared difference then mean or sum).

nll_loss's cascade differs from torch.sum's: it checks the level boundaries after adding sample
``b`` using ``b`` itself, so sample 0 goes straight to the top level and the runs of
``2**k`` samples are 1-16, 17-32, ...; it keeps eight levels, and the loss
subtracts ``input[b, target[b]] * weight`` (product rounded first).
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.driver import TORCH_THREADS, fold
from gradcalc.autograd.numerics.reductions import reduce_mean, reduce_sum
from gradcalc.autograd.numerics.softmax import log_softmax
from gradcalc.errors import ArgumentError, ValueDomainError

__all__ = ["cross_entropy", "mse_loss", "nll_loss"]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ArgumentError(f"{reduction} is not a valid value for reduction")


_LEVELS = 8  # cascade_sum_num_levels in LossNLL.cpp


def _step(batch: int) -> int:
    ceil_log2 = (batch - 1).bit_length() if batch > 1 else 0
    return 1 << max(4, ceil_log2 // _LEVELS)


def _nll_cascade(terms: np.ndarray, batch: int):
    """Sum ``terms`` (one per sample, in order) the way nll_loss_out_frame's cascade does.

    Regular case: every sample is kept, or no ignored sample sits on a level boundary (an
    ignored sample skips the boundary check, which moves the boundary; that case is replayed
    one sample at a time by ``_nll_cascade_slow``).
    """
    dtype = terms.dtype.type
    step = _step(batch)
    rest = terms[1:]
    full = len(rest) // step
    levels = [fold(rest[full * step :])]
    level = fold(rest[: full * step].reshape(full, step), axis=1) if full else rest[:0]
    for _ in range(_LEVELS - 2):
        groups = len(level) // step
        levels.append(fold(level[groups * step :]))
        level = fold(level[: groups * step].reshape(groups, step), axis=1) if groups else level[:0]
    # sample 0 is pushed through every level at b == 0: it opens the top one
    top = terms[0]
    for value in level:
        top = top + value
    levels.append(top)
    total = dtype(0)
    for value in levels:
        if value is not None:
            total = total + value
    return total


def _nll_cascade_slow(terms: np.ndarray, kept: np.ndarray, batch: int):
    dtype = terms.dtype.type
    step = _step(batch)
    mask = step - 1
    power = step.bit_length() - 1
    partial = [dtype(0)] * _LEVELS
    for b in range(batch):
        if not kept[b]:
            continue
        partial[0] = partial[0] + terms[b]
        for j in range(_LEVELS - 1):
            if b & (mask << (j * power)):
                break
            partial[j + 1] = partial[j + 1] + partial[j]
            partial[j] = dtype(0)
    total = dtype(0)
    for value in partial:
        total = total + value
    return total


def _batch_total(terms: np.ndarray, kept: np.ndarray):
    batch = len(terms)
    boundary = (np.arange(batch) % _step(batch)) == 0
    if np.any(boundary & ~kept):
        return _nll_cascade_slow(terms, kept, batch)
    return _nll_cascade(np.where(kept, terms, terms.dtype.type(0)), batch)


def nll_loss(
    log_probs: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> np.ndarray:
    """F.nll_loss for (C,) or (N, C) inputs (more dims: classes on dim 1, a close stand-in)."""
    _check_reduction(reduction)
    x = np.asarray(log_probs)
    t = np.asarray(target).astype(np.int64)
    dtype = x.dtype.type
    if x.ndim > 2:
        moved = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
        flat = nll_loss(moved, t.reshape(-1), weight, "none" if reduction == "none" else reduction,
                        ignore_index)  # fmt: skip
        return flat.reshape(t.shape) if reduction == "none" else flat
    single = x.ndim == 1
    rows = x[None] if single else x
    targets = t.reshape(-1)
    classes = rows.shape[1]
    kept = targets != ignore_index
    bad = kept & ((targets < 0) | (targets >= classes))
    if np.any(bad):
        raise ValueDomainError(f"Target {int(targets[bad][0])} is out of bounds.")
    safe = np.where(kept, targets, 0)
    picked = rows[np.arange(len(rows)), safe]
    w = np.ones(classes, x.dtype) if weight is None else np.asarray(weight, x.dtype)
    sample_w = np.where(kept, w[safe], dtype(0))
    if reduction == "none":
        losses = np.where(kept, -picked * sample_w, dtype(0)).astype(x.dtype)
        return losses[0] if single else losses
    if single:
        total = np.where(kept, -picked * sample_w, dtype(0))[0]
        total_weight = sample_w[0]
    else:
        if weight is None:
            total = _batch_total(-picked, kept)
            total_weight = dtype(int(kept.sum()))
        else:
            total = _batch_total(-(picked * sample_w), kept)
            total_weight = _batch_total(sample_w, kept)
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            total = dtype(total) / dtype(total_weight)
    return np.asarray(total, dtype=x.dtype)


def cross_entropy(
    logits: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    reduction: str = "mean",
    ignore_index: int = -100,
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """F.cross_entropy: class indices (log_softmax on dim 1, then nll_loss) or probabilities."""
    _check_reduction(reduction)
    x = np.asarray(logits)
    t = np.asarray(target)
    class_dim = 0 if x.ndim == 1 else 1
    log_p = log_softmax(x, class_dim, threads=threads)
    if t.dtype.kind == "f":
        product = log_p * t if weight is None else log_p * t * _class_shape(weight, x, class_dim)
        if reduction == "none":
            return -reduce_sum(product, class_dim, threads=threads)
        total = -reduce_sum(product, threads=threads)
        if reduction == "sum":
            return total
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(total / x.dtype.type(x.size // x.shape[class_dim]))
    return nll_loss(log_p, t, weight, reduction, ignore_index)


def _class_shape(weight, x: np.ndarray, class_dim: int) -> np.ndarray:
    shape = [1] * x.ndim
    shape[class_dim] = x.shape[class_dim]
    return np.asarray(weight, x.dtype).reshape(shape)


def mse_loss(
    prediction: np.ndarray,
    target: np.ndarray,
    reduction: str = "mean",
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """F.mse_loss: (a - b) ** 2 elementwise, then torch's mean or sum."""
    _check_reduction(reduction)
    diff = np.asarray(prediction) - np.asarray(target)
    squared = diff * diff
    if reduction == "none":
        return squared
    if reduction == "sum":
        return reduce_sum(squared, threads=threads)
    return reduce_mean(squared, threads=threads)
