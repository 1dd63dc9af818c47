"""Which computation an op's forward uses: PyTorch's own digits, or numpy's speed.

``numerics`` replays PyTorch 2.13's CPU kernels (SLEEF's vector code, its summation orders),
so a float32 program prints PyTorch's digits; it costs a few times numpy's time. Up to
``EXACT_LIMIT`` elements (every tutorial-sized tensor) that replay is used; beyond it numpy
computes, through float64 for float32 inputs, which agrees with PyTorch on 95-99.9% of
elements (the table in ``numerics/__init__.py``). docs/language.md lists the difference.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.numerics as numerics

EXACT_LIMIT = 1 << 17
_FLOAT64 = np.dtype(np.float64)


def _exact(x: np.ndarray) -> bool:
    return x.dtype.kind == "f" and x.size <= EXACT_LIMIT


def unary(name: str, x: np.ndarray, fast) -> np.ndarray:
    """``numerics.unary(name, x)`` on tutorial-sized tensors, else ``fast`` (a numpy
    function) computed in float64 and rounded back for smaller floats."""
    if _exact(x):
        return numerics.unary(name, x)
    if x.dtype.kind == "f" and x.dtype != _FLOAT64:
        return fast(x.astype(_FLOAT64)).astype(x.dtype)
    return fast(x)


def power(x, exponent):
    """``x ** exponent`` with PyTorch's special cases (``x ** 2`` is ``x * x``)."""
    if isinstance(x, np.ndarray) and _exact(x):
        if not isinstance(exponent, np.ndarray) or exponent.dtype == x.dtype:
            return numerics.pow(x, exponent)
    with np.errstate(all="ignore"):
        return np.power(x, exponent)


def binary(name: str, a, b, fast):
    """``numerics.<name>(a, b)`` (atan2, hypot, logaddexp) on tutorial sizes, else numpy."""
    if (
        isinstance(a, np.ndarray)
        and isinstance(b, np.ndarray)
        and a.dtype == b.dtype
        and _exact(a)
        and b.size <= EXACT_LIMIT
    ):
        return getattr(numerics, name)(a, b)
    return fast(a, b)


def _reduction_exact(x: np.ndarray) -> bool:
    """Float32 (and float16) always replay PyTorch; float64 up to ``EXACT_LIMIT`` elements."""
    return x.dtype.kind == "f" and x.size > 0 and (x.dtype != _FLOAT64 or x.size <= EXACT_LIMIT)


def total(x: np.ndarray, dim, keepdim: bool) -> np.ndarray:
    """``torch.sum``: PyTorch's cascade order on floats, numpy's otherwise."""
    if _reduction_exact(x):
        return np.asarray(numerics.reduce_sum(x, dim, keepdim))
    return np.sum(x, axis=dim, keepdims=keepdim)


def average(x: np.ndarray, dim, keepdim: bool) -> np.ndarray:
    """``torch.mean`` (the sum divided by the count in the tensor's dtype)."""
    if _reduction_exact(x):
        return np.asarray(numerics.reduce_mean(x, dim, keepdim))
    return np.mean(x, axis=dim, keepdims=keepdim)


def product(x: np.ndarray, dim, keepdim: bool) -> np.ndarray:
    if _reduction_exact(x):
        return np.asarray(numerics.reduce_prod(x, dim, keepdim))
    return np.prod(x, axis=dim, keepdims=keepdim)


def running_total(x: np.ndarray, dim: int) -> np.ndarray:
    if _reduction_exact(x):
        return np.asarray(numerics.cumulative_sum(x, dim))
    return np.cumsum(x, axis=dim)


def softmax(x: np.ndarray, dim: int, log: bool) -> np.ndarray | None:
    """PyTorch's softmax/log_softmax kernels, or None (the caller's numpy way)."""
    if x.dtype == np.float32 and _reduction_exact(x) and x.ndim:
        return np.asarray((numerics.log_softmax if log else numerics.softmax)(x, dim))
    return None


def log_sum_exp(x: np.ndarray, dim, keepdim: bool) -> np.ndarray | None:
    if _reduction_exact(x) and x.ndim:
        return np.asarray(numerics.logsumexp(x, dim, keepdim))
    return None
