"""Activation functions with the float32 values torch 2.13's CPU kernels give.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/UnaryOpsKernel.cpp``
(sigmoid), ``aten/src/ATen/native/cpu/Activation.cpp`` (silu, elu, softplus, log_sigmoid, GELU's
kernel) and ``aten/src/ATen/native/cpu/Gelu.h``.

Every vector lambda is replayed with SLEEF's functions (``sleef.py``); where GCC fuses a multiply
and an add of the lambda into one FMA, so does the replay (GELU's tanh form). Scalar lambdas use
the C library's float functions, taken as correctly rounded. GELU's exact form on a contiguous
tensor of more than one element runs in oneDNN's JIT kernel, which is not replayed: the scalar
formula stands in for it (see the agreement table).
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.numerics.sleef as sleef
from gradcalc.autograd.numerics.driver import TORCH_THREADS
from gradcalc.autograd.numerics.elementwise import with_vector_paths
from gradcalc.autograd.numerics.libm import erf64, rounded

__all__ = ["elu", "gelu", "log_sigmoid", "sigmoid", "silu", "softplus"]

_F32 = np.float32
_ONE = _F32(1)


def _is_f32(x: np.ndarray) -> bool:
    return x.dtype == np.float32


def _exp32(x):
    return rounded(np.exp, x)


def sigmoid(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.sigmoid: 1 / (1 + exp(-x))."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            return 1.0 / (1.0 + np.exp(-x))
        return with_vector_paths(
            lambda v: _ONE / (_ONE + sleef.expf_u10(_F32(0) - v)),
            lambda v: _ONE / (_ONE + _exp32(-v)),
            x,
            threads=threads,
        )


def silu(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """F.silu: x / (1 + exp(-x))."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            return x / (1.0 + np.exp(-x))
        return with_vector_paths(
            lambda v: v / (_ONE + sleef.expf_u10(-v)),
            lambda v: v / (_ONE + _exp32(-v)),
            x,
            threads=threads,
        )


def elu(
    x: np.ndarray,
    alpha: float = 1.0,
    scale: float = 1.0,
    input_scale: float = 1.0,
    *,
    threads: int = TORCH_THREADS,
) -> np.ndarray:
    """F.elu (and selu/celu through ``scale``/``input_scale``): expm1 below 0, a line above."""
    x = np.asarray(x)
    dtype = x.dtype.type
    negcoef = dtype(alpha) * dtype(scale)
    poscoef = dtype(scale)
    negiptcoef = dtype(input_scale)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            return np.where(x > 0, x * poscoef, np.expm1(x * negiptcoef) * negcoef)
        return with_vector_paths(
            lambda v: np.where(v > 0, v * poscoef, sleef.expm1f_u10(v * negiptcoef) * negcoef),
            lambda v: np.where(v > 0, v * poscoef, rounded(np.expm1, v * negiptcoef) * negcoef),
            x,
            threads=threads,
        )


def softplus(
    x: np.ndarray, beta: float = 1.0, threshold: float = 20.0, *, threads: int = TORCH_THREADS
) -> np.ndarray:
    """F.softplus: log1p(exp(beta x)) / beta, and x itself where beta x > threshold."""
    x = np.asarray(x)
    dtype = x.dtype.type
    b, t = dtype(beta), dtype(threshold)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            return np.where(x * b > t, x, np.log1p(np.exp(x * b)) / b)
        return with_vector_paths(
            lambda v: np.where(v * b > t, v, sleef.log1pf_u10(sleef.expf_u10(v * b)) / b),
            lambda v: np.where(v * b > t, v, rounded(np.log1p, _exp32(v * b)) / b),
            x,
            threads=threads,
        )


def log_sigmoid(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """F.logsigmoid: min(x, 0) - log1p(exp(-|x|)); torch's loop is vector-only (masked tails)."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))
        return np.minimum(x, _F32(0)) - sleef.log1pf_u10(sleef.expf_u10(-np.abs(x)))


_GELU_BETA = _F32(math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5)
_GELU_KAPPA = _F32(0.044715)
_SQRT_HALF = _F32(math.sqrt(0.5))
_HALF = _F32(0.5)


def _gelu_erf_scalar(v):
    return v * _HALF * (_ONE + rounded(erf64, v * _SQRT_HALF))


def _gelu_tanh(tanh32, v):
    # GCC contracts ``x + kappa * x_cube`` into one FMA, in both lambdas
    inner = _GELU_BETA * sleef.fma32(_GELU_KAPPA, v * v * v, v)
    return _HALF * v * (_ONE + tanh32(inner))


def gelu(x: np.ndarray, approximate: str = "none", *, threads: int = TORCH_THREADS) -> np.ndarray:
    """F.gelu, exact (through the error function) or ``approximate="tanh"``."""
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        if not _is_f32(x):
            if approximate == "tanh":
                beta = math.sqrt(2) * (2 / math.sqrt(math.pi)) * 0.5
                return 0.5 * x * (1.0 + np.tanh(beta * (x + 0.044715 * x * x * x)))
            return x * 0.5 * (1.0 + erf64(x * math.sqrt(0.5)))
        if approximate == "tanh":
            return with_vector_paths(
                lambda v: _gelu_tanh(sleef.tanhf_u10, v),
                lambda v: _gelu_tanh(lambda t: rounded(np.tanh, t), v),
                x,
                threads=threads,
            )
        return _gelu_erf_scalar(x)
