"""Double-float arithmetic and exact float32 FMAs for the SLEEF replays in ``sleef.py``.

Source (read, not copied): shibatch/sleef ``src/libm/df.h`` (the ``ENABLE_FMA_SP`` variants, which
torch's x86-64 build of SLEEF uses) and the AVX512 helpers of ``src/arch/helperavx512f.h``
(``vgetexp``, ``vgetmant``). A double-float is an unevaluated sum ``hi + lo`` of two float32 arrays.

numpy has no fused multiply-add, so ``fma32`` computes one in float64 (the product of two float32
is exact there) and rounds the sum to float32. That double rounding can only go wrong when the
float64 sum lands exactly on a float32 tie (or in float32's subnormal range); those few elements
are redone with the sum rounded to odd (Boldo and Melquiond: an inexact sum moves to its odd
neighbour on the side of the true value, known from TwoSum's exact error), which then rounds to
float32 correctly since 53 >= 24 + 2 bits: the result is the true FMA.
"""

from __future__ import annotations

import numpy as np

_F32 = np.float32
_F64 = np.float64


_LOW29 = np.uint64((1 << 29) - 1)
_TIE29 = np.uint64(1 << 28)
_FLT_MIN = 2.0**-126


def _fma32_round_to_odd(product, addend) -> np.ndarray:
    """The float64 sum rounded to odd (TwoSum's exact error says where the true value is)."""
    with np.errstate(invalid="ignore", over="ignore"):
        total = product + addend
        back = total - product
        error = (product - (total - back)) + (addend - back)
        # an inexact sum whose last bit is 0 moves one step toward the true value: it can
        # never sit on a float32 tie, so rounding it again is rounding the true value
        even = (total.view(np.int64) & 1) == 0
        nudge = np.isfinite(error) & (error != 0) & even
        toward = np.where(error > 0, np.inf, -np.inf)
        return np.where(nudge, np.nextafter(total, toward), total).astype(_F32)


def fma32(a, b, c) -> np.ndarray:
    """float32 ``a * b + c`` with a single rounding."""
    a = np.asarray(a, _F32)
    b = np.asarray(b, _F32)
    c = np.asarray(c, _F32)
    with np.errstate(invalid="ignore", over="ignore"):
        product = np.multiply(a, b, dtype=_F64)
        addend = c.astype(_F64)
        total = product + addend
        result = total.astype(_F32)
        # only a float64 sum that sits exactly on a float32 tie (low 29 bits 100...0), or one in
        # float32's subnormal range, may round differently from the true sum
        suspicious = ((total.view(np.uint64) & _LOW29) == _TIE29) | (np.abs(total) < _FLT_MIN)
        if np.any(suspicious):
            product, addend = np.broadcast_arrays(product, addend)
            result = np.array(result, copy=True) if result.ndim else result
            if result.ndim:
                result[suspicious] = _fma32_round_to_odd(product[suspicious], addend[suspicious])
            else:
                result = _fma32_round_to_odd(product, addend)
        return result


def _c(value: float) -> np.float32:
    return _F32(value)


class _DF:
    """A double-float: the pair (hi, lo) of float32 arrays."""

    __slots__ = ("hi", "lo")

    def __init__(self, hi, lo) -> None:
        self.hi = hi
        self.lo = lo


def _add_f_f(x, y) -> _DF:  # dfadd_vf2_vf_vf, |x| >= |y|
    hi = x + y
    return _DF(hi, (x - hi) + y)


def _add2_f_f(x, y) -> _DF:  # dfadd2_vf2_vf_vf
    hi = x + y
    v = hi - x
    return _DF(hi, (x - (hi - v)) + (y - v))


def _add_df_f(x: _DF, y) -> _DF:  # dfadd_vf2_vf2_vf
    hi = x.hi + y
    return _DF(hi, ((x.hi - hi) + y) + x.lo)


def _add2_df_f(x: _DF, y) -> _DF:  # dfadd2_vf2_vf2_vf
    hi = x.hi + y
    v = hi - x.hi
    lo = (x.hi - (hi - v)) + (y - v)
    return _DF(hi, lo + x.lo)


def _add_f_df(x, y: _DF) -> _DF:  # dfadd_vf2_vf_vf2
    hi = x + y.hi
    return _DF(hi, ((x - hi) + y.hi) + y.lo)


def _add_df_df(x: _DF, y: _DF) -> _DF:  # dfadd_vf2_vf2_vf2, |x| >= |y|
    hi = x.hi + y.hi
    return _DF(hi, (((x.hi - hi) + y.hi) + x.lo) + y.lo)


def _add2_df_df(x: _DF, y: _DF) -> _DF:  # dfadd2_vf2_vf2_vf2
    hi = x.hi + y.hi
    v = hi - x.hi
    lo = (x.hi - (hi - v)) + (y.hi - v)
    return _DF(hi, lo + (x.lo + y.lo))


def _sub_df_df(x: _DF, y: _DF) -> _DF:  # dfsub_vf2_vf2_vf2
    hi = x.hi - y.hi
    lo = x.hi - hi
    lo = lo - y.hi
    lo = lo + x.lo
    return _DF(hi, lo - y.lo)


def _neg(x: _DF) -> _DF:
    return _DF(-x.hi, -x.lo)


def _scale(x: _DF, s) -> _DF:
    return _DF(x.hi * s, x.lo * s)


def _mul_f_f(x, y) -> _DF:  # dfmul_vf2_vf_vf
    hi = x * y
    return _DF(hi, fma32(x, y, -hi))


def _mul_df_f(x: _DF, y) -> _DF:  # dfmul_vf2_vf2_vf
    hi = x.hi * y
    return _DF(hi, fma32(x.lo, y, fma32(x.hi, y, -hi)))


def _mul_df_df(x: _DF, y: _DF) -> _DF:  # dfmul_vf2_vf2_vf2
    hi = x.hi * y.hi
    return _DF(hi, fma32(x.hi, y.lo, fma32(x.lo, y.hi, fma32(x.hi, y.hi, -hi))))


def _square(x: _DF) -> _DF:  # dfsqu_vf2_vf2
    hi = x.hi * x.hi
    return _DF(hi, fma32(x.hi + x.hi, x.lo, fma32(x.hi, x.hi, -hi)))


def _div(n: _DF, d: _DF) -> _DF:  # dfdiv_vf2_vf2_vf2
    t = _c(1) / d.hi
    hi = n.hi * t
    u = fma32(t, n.hi, -hi)
    lo = fma32(-d.lo, t, fma32(-d.hi, t, _c(1)))
    return _DF(hi, fma32(hi, lo, fma32(n.lo, t, u)))


def _reciprocal(d: _DF) -> _DF:  # dfrec_vf2_vf2
    hi = _c(1) / d.hi
    return _DF(hi, hi * fma32(-d.lo, hi, fma32(-d.hi, hi, _c(1))))


def _pow2i(q: np.ndarray) -> np.ndarray:
    return ((q.astype(np.int32) + 0x7F) << 23).astype(np.int32).view(_F32)


def _ldexp2(d, q: np.ndarray) -> np.ndarray:
    # in two halves so that 2**q never overflows on its own
    half = q >> 1
    return d * _pow2i(half) * _pow2i(q - half)


def _rint_int(x: np.ndarray) -> np.ndarray:
    """vrint_vi2_vf: round half to even, to int32 (out of range values are masked later)."""
    return np.clip(np.rint(x), -(2**30), 2**30).astype(np.int32)


def _getexp(x: np.ndarray) -> np.ndarray:
    """AVX512 vgetexp: floor(log2|x|) as a float (-inf at 0, +inf at inf)."""
    with np.errstate(divide="ignore"):
        _, exponent = np.frexp(x)
    e = (exponent - 1).astype(_F32)
    e = np.where(x == 0, _F32(-np.inf), e)
    return np.where(np.isinf(x), _F32(np.inf), e)


def _array(d) -> np.ndarray:
    return np.asarray(d, dtype=_F32)


def _zeros_like(d: np.ndarray) -> np.ndarray:
    return np.zeros(d.shape, _F32)


def _with_sign(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """vmulsign: flip y's sign where x's sign bit is set."""
    return np.where(np.signbit(x), -y, y)


def _normalize(t: _DF) -> _DF:  # dfnormalize_vf2_vf2
    hi = t.hi + t.lo
    return _DF(hi, (t.hi - hi) + t.lo)


def _sub_df_f(x: _DF, y) -> _DF:  # dfsub_vf2_vf2_vf
    hi = x.hi - y
    return _DF(hi, ((x.hi - hi) - y) + x.lo)


def _getmant(d: np.ndarray) -> np.ndarray:
    """AVX512 vgetmant (normalised to [0.75, 1.5), sign dropped)."""
    mantissa, _ = np.frexp(np.abs(d))
    m = (mantissa * 2).astype(_F32)
    return np.where(m >= _c(1.5), m * _c(0.5), m)


def _ldexp(x, q: np.ndarray) -> np.ndarray:
    """vldexp_vf_vf_vi2: x * 2**q for any q, in steps that never overflow early."""
    q = q.astype(np.int32)
    m = q >> 31
    m = (((m + q) >> 6) - m) << 4
    q = q - (m << 2)
    m = m + 0x7F
    m = np.where(m > 0, m, 0)
    m = np.where(m > 0xFF, 0xFF, m)
    u = (m << 23).astype(np.int32).view(_F32)
    x = x * u * u * u * u
    return x * ((q + 0x7F) << 23).astype(np.int32).view(_F32)


def _reciprocal_f(d) -> _DF:  # dfrec_vf2_vf
    hi = _c(1) / d
    return _DF(hi, hi * fma32(-d, hi, _c(1)))


def _sqrt_df(d: _DF) -> _DF:  # dfsqrt_vf2_vf2 without a reciprocal square root estimate
    t = np.sqrt(d.hi + d.lo)
    return _scale(_mul_df_df(_add2_df_df(d, _mul_f_f(t, t)), _reciprocal_f(t)), _c(0.5))
