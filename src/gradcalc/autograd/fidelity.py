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
