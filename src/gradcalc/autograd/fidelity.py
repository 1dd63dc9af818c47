"""Which computation an op's forward uses: PyTorch's own digits, or numpy's speed.

``numerics`` replays PyTorch 2.13's CPU kernels (SLEEF's vector code, its summation orders),
so a float32 program prints PyTorch's digits; it costs a few times numpy's time. Elementwise
functions use the replay up to ``EXACT_LIMIT`` elements (every tutorial-sized tensor) and
numpy beyond it (through float64 for float32 inputs: 95-99.9% of elements agree,
docs/numerics.md). Reductions replay PyTorch's order for every float32 tensor and for
float64 tensors up to ``EXACT_LIMIT`` elements. The op declarations pass the kernels; this
module names no op.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.numerics.elementwise as exact_elementwise

EXACT_LIMIT = 1 << 17
_FLOAT64 = np.dtype(np.float64)


def exact(x: np.ndarray) -> bool:
    """Whether an elementwise function of ``x`` replays PyTorch's kernel."""
    return x.dtype.kind == "f" and x.size <= EXACT_LIMIT


def unary(name: str, x: np.ndarray, fast) -> np.ndarray:
    """PyTorch's kernel ``name`` on tutorial-sized tensors, else ``fast`` (a numpy function)
    computed in float64 and rounded back for smaller floats."""
    if exact(x):
        return exact_elementwise.unary(name, x)
    if x.dtype.kind == "f" and x.dtype != _FLOAT64:
        return fast(x.astype(_FLOAT64)).astype(x.dtype)
    return fast(x)


def elementwise(kernel, fast, x: np.ndarray, *args) -> np.ndarray:
    """``kernel(x, *args)`` on tutorial-sized float tensors, else ``fast(x, *args)``."""
    if isinstance(x, np.ndarray) and exact(x):
        return kernel(x, *args)
    with np.errstate(all="ignore"):
        return fast(x, *args)


def binary(kernel, fast, a, b):
    """A function of two tensors of one dtype: PyTorch's kernel on tutorial sizes."""
    if (
        isinstance(a, np.ndarray)
        and isinstance(b, np.ndarray)
        and a.dtype == b.dtype
        and exact(a)
        and b.size <= EXACT_LIMIT
    ):
        return kernel(a, b)
    return fast(a, b)


def reduction_exact(x: np.ndarray) -> bool:
    """Float32 (and float16) always replay PyTorch; float64 up to ``EXACT_LIMIT`` elements."""
    return x.dtype.kind == "f" and x.size > 0 and (x.dtype != _FLOAT64 or x.size <= EXACT_LIMIT)


def reduction(kernel, fast, x: np.ndarray, *args) -> np.ndarray:
    """``kernel(x, *args)`` in PyTorch's order where ``reduction_exact``, else numpy's."""
    if reduction_exact(x):
        return np.asarray(kernel(x, *args))
    return fast(x, *args)
