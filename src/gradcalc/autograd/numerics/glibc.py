"""The C library's float32 sinh, cosh, asinh and acosh, rebuilt from correctly rounded pieces.

Source of the formulas (read, not copied): glibc ``sysdeps/ieee754/flt-32/e_sinhf.c``,
``e_coshf.c``, ``s_asinhf.c`` and ``e_acoshf.c`` (fdlibm's float versions). Torch calls these
through ``std::sinh`` etc. in its scalar lambdas (asinh and acosh have no vector lambda at all).

They combine ``expf``/``expm1f``/``logf``/``log1pf`` with a few float32 operations; those inner
functions are taken as correctly rounded (``expf`` and ``logf`` nearly are, ``expm1f`` and
``log1pf`` are within an ulp), which is why these agree with torch a little less than always.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.libm import rounded

__all__ = ["acoshf", "asinhf", "coshf", "sinhf"]

_F32 = np.float32
_ONE = _F32(1)
_HALF = _F32(0.5)
_LN2 = _F32(0.693147180559945286226764)


def _wide(function, v):
    """``function`` correctly rounded to v's dtype: via float64 for float32, long double else."""
    if v.dtype == np.float32:
        return rounded(function, v)
    with np.errstate(all="ignore"):
        return function(v.astype(np.longdouble)).astype(v.dtype)


def _exp(v):
    return _wide(np.exp, v)


def _expm1(v):
    return _wide(np.expm1, v)


def _log(v):
    return _wide(np.log, v)


def _log1p(v):
    return _wide(np.log1p, v)


def sinhf(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        h = np.where(np.signbit(x), -_HALF, _HALF)
        t = _expm1(ax)
        below_one = h * (_F32(2) * t - t * t / (t + _ONE))
        below_22 = h * (t + t / (t + _ONE))
        large = h * _exp(ax)
        # near the overflow threshold exp(|x|/2) is squared in two steps
        w = _exp(_HALF * ax)
        huge = (h * w) * w
        result = np.where(ax < 1, below_one, np.where(ax < 22, below_22, large))
        result = np.where(ax >= _F32(88.72168), huge, result)
        result = np.where(ax < _F32(2**-28), x, result)
        return np.where(np.isfinite(x), result, x + x)


def coshf(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, _F32)
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        t = _expm1(ax)
        w = _ONE + t
        tiny = _ONE + (t * t) / (w + w)
        e = _exp(ax)
        middle = _HALF * e + _HALF / e
        large = _HALF * e
        w = _exp(_HALF * ax)
        huge = (_HALF * w) * w
        result = np.where(ax < _F32(0.3465735902799726547086160), tiny, middle)
        result = np.where(ax >= 22, large, result)
        result = np.where(ax >= _F32(88.72168), huge, result)
        return np.where(np.isnan(x), x, np.where(np.isinf(x), np.abs(x), result))


def asinhf(x: np.ndarray) -> np.ndarray:
    """asinhf, or glibc's double asinh (same formulas, 2**28 for 2**14) for a float64 array."""
    x = np.asarray(x)
    if x.dtype != np.float64:
        x = x.astype(_F32)
    one, two = x.dtype.type(1), x.dtype.type(2)
    edge = x.dtype.type(2**28 if x.dtype == np.float64 else 2**14)
    with np.errstate(all="ignore"):
        ax = np.abs(x)
        large = _log(ax) + x.dtype.type(_LN2 if x.dtype == _F32 else 6.93147180559945286227e-01)
        middle = _log(two * ax + one / (np.sqrt(ax * ax + one) + ax))
        t = ax * ax
        small = _log1p(ax + t / (one + np.sqrt(one + t)))
        w = np.where(ax > edge, large, np.where(ax > two, middle, small))
        w = np.where(ax < one / edge, ax, w)
        w = np.where(np.signbit(x), -w, w)
        return np.where(np.isfinite(x), w, x + x)


def acoshf(x: np.ndarray) -> np.ndarray:
    """acoshf, or glibc's double acosh (the same formulas) for a float64 array."""
    x = np.asarray(x)
    if x.dtype != np.float64:
        x = x.astype(_F32)
    one, two = x.dtype.type(1), x.dtype.type(2)
    with np.errstate(all="ignore"):
        large = _log(x) + x.dtype.type(_LN2 if x.dtype == _F32 else 6.93147180559945286227e-01)
        # glibc's float version writes 2.0 (a double) here: the difference is taken in double
        wide = 2.0 * x.astype(np.float64) - (one / (x + np.sqrt(x * x - one))).astype(np.float64)
        middle = _log(wide.astype(x.dtype))
        t = x - one
        small = _log1p(t + np.sqrt(two * t + t * t))
        result = np.where(x >= 2**28, large, np.where(x > 2, middle, small))
        result = np.where(x == 1, x.dtype.type(0), result)
        result = np.where(x < 1, x.dtype.type(np.nan), result)
        return np.where(np.isfinite(x), result, x + x)
