"""Elementwise float32 math with the values torch 2.13's CPU kernels give, as far as numpy can.

Sources (read, not copied): pytorch/pytorch ``aten/src/ATen/native/cpu/UnaryOpsKernel.cpp``,
``BinaryOpsKernel.cpp``, ``PowKernel.cpp``, ``aten/src/ATen/cpu/vml.h`` and
``aten/src/ATen/cpu/vec/vec512/vec512_float.h``.

Three kinds of kernel, three ways to match them (measured agreement: numerics/__init__.py):

* MKL VML "high accuracy" routines (exp, log, sin, cos, tan, tanh, erf, erfc, atan, asin, acos,
  sqrt) are within about half an ulp but not always correctly rounded, and their code is not
  public: the float64 result rounded once to float32 agrees most often.
* SLEEF everywhere (log1p, expm1): replayed exactly (``sleef.py``).
* SIMD + scalar (sinh, cosh, atanh, atan2, hypot, logaddexp, pow): SLEEF on whole vector steps of
  contiguous data, the C library on the rest of a run and on strided data (``loops.py`` says
  which element is which); the C library part is taken as correctly rounded.

float64 tensors use numpy's float64 functions (torch's are MKL's or SLEEF's double versions).
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.numerics.glibc as glibc
import gradcalc.autograd.numerics.sleef as sleef
from gradcalc.autograd.numerics.driver import TORCH_THREADS
from gradcalc.autograd.numerics.libm import erf64, erfc64, rounded
from gradcalc.autograd.numerics.loops import SIMD_LANES, vector_mask

__all__ = [
    "UNARY",
    "acos",
    "acosh",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "cos",
    "cosh",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "hypot",
    "log",
    "log1p",
    "logaddexp",
    "pow",
    "reciprocal",
    "rsqrt",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "unary",
    "with_vector_paths",
]

_F32 = np.dtype(np.float32)


def with_vector_paths(vector, scalar, *operands: np.ndarray, threads: int = TORCH_THREADS):
    """Run a ``cpu_kernel_vec`` lookalike: ``vector`` where torch's SIMD lambda runs, else ``scalar``.

    Both take the (broadcast) operands and return float32 arrays of the broadcast shape; only the
    elements each path owns are kept. The scalar path only runs on its own elements.
    """
    arrays = np.broadcast_arrays(*operands)
    shape = arrays[0].shape
    mask = vector_mask(
        shape, [a.strides for a in arrays], arrays[0].itemsize, SIMD_LANES[_F32], threads
    )
    if mask.all():
        return np.asarray(vector(*arrays), dtype=np.float32).reshape(shape)
    out = np.empty(shape, np.float32)
    if mask.any():
        out[mask] = vector(*(a[mask] for a in arrays))
    rest = ~mask
    out[rest] = scalar(*(a[rest] for a in arrays))
    return out


def _extended(function64):
    """A float64 function computed in numpy's long double (x87 80-bit on x86-64 Linux, else
    float64) and rounded once: closer to torch's float64 tanh, sinh, cosh, atanh and pow."""

    def apply(x):
        return function64(np.asarray(x).astype(np.longdouble)).astype(np.float64)

    apply.__name__ = function64.__name__
    return apply


def _is_f32(x: np.ndarray) -> bool:
    return x.dtype == _F32


def _float64_or(function64, float32_impl, float64_impl=None):
    def apply(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
        x = np.asarray(x)
        if _is_f32(x):
            return float32_impl(x, threads)
        with np.errstate(all="ignore"):
            if float64_impl is not None and x.dtype == np.float64:
                return float64_impl(x)
            return function64(x)

    apply.__name__ = getattr(function64, "__name__", "function")
    return apply


def _via_float64(function64):
    """An MKL-backed op: float64 then one rounding."""
    return _float64_or(function64, lambda x, threads: rounded(function64, x))


def _sleef_everywhere(function64, function32):
    return _float64_or(function64, lambda x, threads: function32(x))


def _split(function64, function32, scalar32=None):
    """An op with a SLEEF vector lambda and a C library scalar lambda (default: rounded float64)."""
    if scalar32 is None:

        def scalar32(v):
            return rounded(function64, v)

    def float32_impl(x, threads):
        return with_vector_paths(function32, scalar32, x, threads=threads)

    return _float64_or(function64, float32_impl, _extended(function64))


exp = _via_float64(np.exp)
log = _via_float64(np.log)
sin = _via_float64(np.sin)
cos = _via_float64(np.cos)
tan = _via_float64(np.tan)
tanh = _float64_or(np.tanh, lambda x, threads: rounded(np.tanh, x), _extended(np.tanh))
atan = _via_float64(np.arctan)
asin = _via_float64(np.arcsin)
acos = _via_float64(np.arccos)
erf = _via_float64(erf64)
erfc = _via_float64(erfc64)
# torch has no vector lambda for these: glibc's float functions everywhere
asinh = _float64_or(np.arcsinh, lambda x, threads: glibc.asinhf(x), glibc.asinhf)
acosh = _float64_or(np.arccosh, lambda x, threads: glibc.acoshf(x), glibc.acoshf)
log1p = _sleef_everywhere(np.log1p, sleef.log1pf_u10)
expm1 = _sleef_everywhere(np.expm1, sleef.expm1f_u10)
sinh = _split(np.sinh, sleef.sinhf_u10, glibc.sinhf)
cosh = _split(np.cosh, sleef.coshf_u10, glibc.coshf)
atanh = _split(np.arctanh, sleef.atanhf_u10)


def sqrt(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.sqrt: MKL's float32 sqrt is within an ulp, numpy's is correctly rounded."""
    with np.errstate(invalid="ignore"):
        return np.sqrt(x)


def rsqrt(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.rsqrt: 1 / sqrt(x), two roundings, in every path."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(x).dtype.type(1) / np.sqrt(x)


def reciprocal(x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.asarray(x).dtype.type(1) / x


UNARY = {
    "exp": exp, "log": log, "sin": sin, "cos": cos, "tan": tan, "tanh": tanh, "atan": atan,
    "asin": asin, "acos": acos, "erf": erf, "erfc": erfc, "asinh": asinh, "acosh": acosh,
    "log1p": log1p, "expm1": expm1, "sinh": sinh, "cosh": cosh, "atanh": atanh, "sqrt": sqrt,
    "rsqrt": rsqrt, "reciprocal": reciprocal,
}  # fmt: skip


def unary(name: str, x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """The elementwise function ``name`` (a key of ``UNARY``) of ``x``."""
    return UNARY[name](x, threads=threads)


def _binary_split(function64, function32, a, b, threads):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype == _F32 and b.dtype == _F32:
        return with_vector_paths(
            function32,
            lambda u, v: function64(u.astype(np.float64), v.astype(np.float64)).astype(np.float32),
            a,
            b,
            threads=threads,
        )
    with np.errstate(all="ignore"):
        return function64(a, b)


def atan2(y: np.ndarray, x: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.atan2 of two arrays of one dtype (broadcast)."""
    with np.errstate(all="ignore"):
        return _binary_split(np.arctan2, sleef.atan2f_u10, y, x, threads)


def hypot(a: np.ndarray, b: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.hypot of two arrays of one dtype (broadcast)."""
    with np.errstate(all="ignore"):
        return _binary_split(np.hypot, sleef.hypotf_u05, a, b, threads)


def _logaddexp_parts(exp_, log1p_, a, b):
    with np.errstate(all="ignore"):
        m = np.maximum(a, b)
        result = m + log1p_(exp_(-np.abs(a - b)))
        return np.where(np.isinf(a) & (a == b), a, result)


def logaddexp(a: np.ndarray, b: np.ndarray, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.logaddexp: max + log1p(exp(-|a - b|)), equal infinities passed through."""
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype == _F32 and b.dtype == _F32:

        def scalar(u, v):
            return _logaddexp_parts(
                lambda t: rounded(np.exp, t), lambda t: rounded(np.log1p, t), u, v
            )

        def vector(u, v):
            return _logaddexp_parts(sleef.expf_u10, sleef.log1pf_u10, u, v)

        return with_vector_paths(vector, scalar, a, b, threads=threads)
    return _logaddexp_parts(np.exp, np.log1p, a, b)


def _power_float64(u, v):
    with np.errstate(all="ignore"):
        return np.power(u.astype(np.float64), v.astype(np.float64)).astype(np.float32)


def pow(x: np.ndarray, exponent, *, threads: int = TORCH_THREADS) -> np.ndarray:
    """torch.pow(x, exponent) for a float array and a Python number or an array of its dtype.

    A number exponent of 2, 3, -2, -1, 0.5 or -0.5 is computed as torch's special cases do
    (``x*x``, ``x*x*x``, ``1/(x*x)``, ``1/x``, sqrt, 1/sqrt); 0 and 1 give ones and a copy.
    """
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    if not isinstance(exponent, np.ndarray):
        e = float(exponent)
        # Outside numpy's errstate, which costs more than these on a tutorial-sized tensor:
        # ones and copies raise nothing; squares and cubes compute as ``mul`` does (a run
        # ignores numpy's warnings anyway).
        if e == 0:
            return np.ones_like(x)
        if e == 1:
            return x.copy()
        if e == 2:
            return x * x
        if e == 3:
            return x * x * x
    with np.errstate(all="ignore"):
        if not isinstance(exponent, np.ndarray):
            if e == -2:
                return x.dtype.type(1) / (x * x)
            if e == -1:
                return x.dtype.type(1) / x
            if e == 0.5:
                return sqrt(x, threads=threads)
            if e == -0.5:
                return rsqrt(x, threads=threads)
            exponent = np.asarray(e, dtype=x.dtype)
        if x.dtype == _F32:
            return with_vector_paths(
                sleef.powf_u10, _power_float64, x, exponent.astype(_F32), threads=threads
            )
        return _power_extended(x, exponent)


def _power_extended(x: np.ndarray, exponent) -> np.ndarray:
    if x.dtype == np.float64:
        wide = np.power(x.astype(np.longdouble), np.asarray(exponent).astype(np.longdouble))
        return wide.astype(np.float64)
    return np.power(x, exponent)
