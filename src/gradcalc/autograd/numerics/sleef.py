"""SLEEF's vectorised float32 functions, replayed with numpy, for the values torch's SIMD loops make.

Sources (read, not copied): shibatch/sleef ``src/libm/sleefsimdsp.c`` (``xexpf``, ``xexpm1f``,
``xlog1pf``, ``xtanhf``, ``xsinhf``, ``xcoshf``, ``expk2f``) and ``src/libm/df.h`` (the FMA
variants of the double-float helpers); the AVX512 ``Vectorized<float>`` of pytorch/pytorch
``aten/src/ATen/cpu/vec/vec512/vec512_float.h``, which maps ``exp`` to ``Sleef_expf16_u10``,
``expm1`` to ``Sleef_expm1f16_u10`` and so on.

Torch's build of SLEEF fuses multiply-adds; ``sleef_df.py`` holds the exact FMA and the
double-float helpers.

"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.numerics.sleef_df import (
    _DF,
    _add2_df_df,
    _add2_df_f,
    _add2_f_f,
    _add_df_df,
    _add_df_f,
    _add_f_df,
    _add_f_f,
    _array,
    _c,
    _div,
    _getexp,
    _getmant,
    _ldexp,
    _ldexp2,
    _mul_df_df,
    _mul_df_f,
    _neg,
    _normalize,
    _pow2i,
    _reciprocal,
    _rint_int,
    _scale,
    _sqrt_df,
    _square,
    _sub_df_df,
    _with_sign,
    _zeros_like,
    fma32,
)

__all__ = [
    "atan2f_u10",
    "atanhf_u10",
    "coshf_u10",
    "expf_u10",
    "expm1f_u10",
    "fma32",
    "hypotf_u05",
    "log1pf_u10",
    "logf_u10",
    "powf_u10",
    "sinhf_u10",
    "tanhf_u10",
]

_F32 = np.float32
_F64 = np.float64


# 1/ln 2, and ln 2 split into a high part exact in float32 and a low part
_R_LN2 = _c(1.442695040888963407359924681001892137426645954152985934135449406931)
_L2U = _c(0.693145751953125)
_L2L = _c(1.428606765330187045e-06)
_EXP_POLY = tuple(
    _c(v)
    for v in (
        0.000198527617612853646278381,
        0.00139304355252534151077271,
        0.00833336077630519866943359,
        0.0416664853692054748535156,
        0.166666671633720397949219,
        0.5,
    )
)


def expf_u10(d) -> np.ndarray:
    """Sleef_expf16_u10: torch's vectorised ``exp``."""
    d = _array(d)
    with np.errstate(over="ignore", invalid="ignore"):
        q = _rint_int(d * _R_LN2)
        qf = q.astype(_F32)
        s = fma32(qf, -_L2U, d)
        s = fma32(qf, -_L2L, s)
        u = np.full(d.shape, _EXP_POLY[0], _F32)
        for coefficient in _EXP_POLY[1:]:
            u = fma32(u, s, coefficient)
        u = _c(1) + fma32(s * s, u, s)
        u = _ldexp2(u, q)
        u = np.where(d < _c(-104), _c(0), u)
        u = np.where(d > _c(100), _c(np.inf), u)
        return np.where(np.isnan(d), d, u)


def _expk2(d: _DF) -> _DF:
    """SLEEF's expk2f: exp of a double-float, as a double-float."""
    q = _rint_int((d.hi + d.lo) * _R_LN2)
    qf = q.astype(_F32)
    s = _add2_df_f(d, qf * -_L2U)
    s = _add2_df_f(s, qf * -_L2L)
    u = np.full(s.hi.shape, _c(0.1980960224e-3), _F32)
    for coefficient in (0.1394256484e-2, 0.8333456703e-2, 0.4166637361e-1):
        u = fma32(u, s.hi, _c(coefficient))
    t = _add2_df_f(_mul_df_f(s, u), _c(0.166666659414234244790680580464e0))
    t = _add2_df_f(_mul_df_df(s, t), _c(0.5))
    t = _add2_df_df(s, _mul_df_df(_square(s), t))
    t = _add_f_df(_c(1), t)
    hi = _ldexp2(t.hi, q)
    lo = _ldexp2(t.lo, q)
    underflow = d.hi < _c(-104)
    return _DF(np.where(underflow, _c(0), hi), np.where(underflow, _c(0), lo))


def expm1f_u10(a) -> np.ndarray:
    """Sleef_expm1f16_u10: torch's vectorised ``expm1`` (used by ELU)."""
    a = _array(a)
    with np.errstate(over="ignore", invalid="ignore"):
        d = _add2_df_f(_expk2(_DF(a, _zeros_like(a))), _c(-1))
        x = d.hi + d.lo
        x = np.where(a > _c(88.72283172607421875), _c(np.inf), x)
        x = np.where(a < _c(-16.635532333438687426013570), _c(-1), x)
        x = np.where((a == 0) & np.signbit(a), _c(-0.0), x)
        return np.where(np.isnan(a), a, x)


def log1pf_u10(d) -> np.ndarray:
    """Sleef_log1pf16_u10 (its AVX512 branch): torch's vectorised ``log1p``."""
    d = _array(d)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        dp1 = d + _c(1)
        e = _getexp(dp1 * _c(1.0 / 0.75))
        e = np.where(e == np.inf, _c(128), e)
        # 2**-e by adding to the exponent bits of 1.0
        shift = -_rint_int(e)
        t = (np.full(d.shape, 0x3F800000, np.int32) + (shift << 23)).view(_F32)
        m = fma32(d, t, t - _c(1))
        s = _mul_df_f(_DF(_c(0.69314718246459960938), _c(-1.904654323148236017e-09)), e)
        x = _div(_DF(m, _zeros_like(m)), _add_f_f(_c(2), m))
        x2 = x.hi * x.hi
        p = np.full(d.shape, _c(0.3027294874), _F32)
        p = fma32(p, x2, _c(0.3996108174))
        p = fma32(p, x2, _c(0.6666694880))
        s = _add_df_df(s, _scale(x, _c(2)))
        s = _add_df_f(s, (x2 * x.hi) * p)
        r = s.hi + s.lo
        r = np.where(d > _c(1e38), _c(np.inf), r)
        r = np.where(d < _c(-1), _c(np.nan), r)
        r = np.where(d == _c(-1), _c(-np.inf), r)
        r = np.where((d == 0) & np.signbit(d), _c(-0.0), r)
        return np.where(np.isnan(d), d, r)


def tanhf_u10(x) -> np.ndarray:
    """Sleef_tanhf16_u10: torch's vectorised ``tanh`` (used by GELU's tanh form)."""
    x = _array(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = np.abs(x)
        d = _expk2(_DF(y, _zeros_like(y)))
        e = _reciprocal(d)
        d = _div(_add_df_df(d, _neg(e)), _add_df_df(d, e))
        y = d.hi + d.lo
        y = np.where((np.abs(x) > _c(8.664339742)) | np.isnan(y), _c(1), y)
        y = _with_sign(y, x)
        return np.where(np.isnan(x), x, y)


def _sinh_cosh(x: np.ndarray, sinh: bool) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = np.abs(x)
        d = _expk2(_DF(y, _zeros_like(y)))
        d = _sub_df_df(d, _reciprocal(d)) if sinh else _add_df_df(d, _reciprocal(d))
        y = (d.hi + d.lo) * _c(0.5)
        y = np.where((np.abs(x) > _c(89)) | np.isnan(y), _c(np.inf), y)
        if sinh:
            y = _with_sign(y, x)
        return np.where(np.isnan(x), x, y)


def sinhf_u10(x) -> np.ndarray:
    """Sleef_sinhf16_u10: torch's vectorised ``sinh``."""
    return _sinh_cosh(_array(x), True)


def coshf_u10(x) -> np.ndarray:
    """Sleef_coshf16_u10: torch's vectorised ``cosh``."""
    return _sinh_cosh(_array(x), False)


def _log2_parts(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The exponent and mantissa logkf/logk2f use on AVX512 (getexp of d/0.75, getmant)."""
    e = _getexp(d * _c(1.0 / 0.75))
    return np.where(e == np.inf, _c(128), e), _getmant(d)


_LN2_DF = (_c(0.69314718246459960938), _c(-1.904654323148236017e-09))


def _logk(d: np.ndarray) -> _DF:
    """SLEEF's logkf: log of a float32, as a double-float."""
    e, m = _log2_parts(d)
    x = _div(_add2_f_f(_c(-1), m), _add2_f_f(_c(1), m))
    x2 = _square(x)
    t = np.full(d.shape, _c(0.240320354700088500976562), _F32)
    t = fma32(t, x2.hi, _c(0.285112679004669189453125))
    t = fma32(t, x2.hi, _c(0.400007992982864379882812))
    c = _DF(_c(0.66666662693023681640625), _c(3.69183861259614332084311e-09))
    s = _mul_df_f(_DF(*_LN2_DF), e)
    s = _add_df_df(s, _scale(x, _c(2)))
    return _add_df_df(s, _mul_df_df(_mul_df_df(x2, x), _add2_df_df(_mul_df_f(x2, t), c)))


def _logk2(d: _DF) -> _DF:
    """SLEEF's logk2f: log of a double-float."""
    e = _rint_int(_getexp(d.hi * _c(1.0 / 0.75)))
    m = _scale(d, _pow2i(-e))
    x = _div(_add2_df_f(m, _c(-1)), _add2_df_f(m, _c(1)))
    x2 = _square(x)
    t = np.full(d.hi.shape, _c(0.2392828464508056640625), _F32)
    for coefficient in (0.28518211841583251953125, 0.400005877017974853515625):
        t = fma32(t, x2.hi, _c(coefficient))
    t = fma32(t, x2.hi, _c(0.666666686534881591796875))
    s = _mul_df_f(_DF(*_LN2_DF), e.astype(_F32))
    s = _add_df_df(s, _scale(x, _c(2)))
    return _add_df_df(s, _mul_df_f(_mul_df_df(x2, x), t))


def _expk(d: _DF) -> np.ndarray:
    """SLEEF's expkf: exp of a double-float, as a float32."""
    q = _rint_int((d.hi + d.lo) * _R_LN2)
    qf = q.astype(_F32)
    s = _add2_df_f(d, qf * -_L2U)
    s = _add2_df_f(s, qf * -_L2L)
    s = _normalize(s)
    u = np.full(s.hi.shape, _c(0.00136324646882712841033936), _F32)
    for coefficient in (
        0.00836596917361021041870117,
        0.0416710823774337768554688,
        0.166665524244308471679688,
        0.499999850988388061523438,
    ):
        u = fma32(u, s.hi, _c(coefficient))
    t = _add_df_df(s, _mul_df_f(_square(s), u))
    t = _add_f_df(_c(1), t)
    u = _ldexp(t.hi + t.lo, q)
    return np.where(d.hi < _c(-104), _c(0), u)


def powf_u10(x, y) -> np.ndarray:
    """Sleef_powf16_u10: torch's vectorised ``pow`` for exponents it does not special-case."""
    x, y = np.broadcast_arrays(_array(x), _array(y))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        yisint = (np.trunc(y) == y) | (np.abs(y) > _c(1 << 24))
        truncated = np.where(np.abs(y) < _c(1 << 24), np.trunc(y), 0).astype(np.int32)
        yisodd = ((truncated & 1) == 1) & yisint & (np.abs(y) < _c(1 << 24))
        result = _expk(_mul_df_f(_logk(np.abs(x)), y))
        result = np.where(np.isnan(result), _c(np.inf), result)
        sign = np.where(yisint, np.where(yisodd, _c(-1), _c(1)), _c(np.nan))
        result = result * np.where(x > 0, _c(1), sign)
        efx = _with_sign(np.abs(x) - _c(1), y)
        at_inf_y = np.where(efx < 0, _c(0), np.where(efx == 0, _c(1), _c(np.inf)))
        result = np.where(np.isinf(y), at_inf_y, result)
        base = np.where(yisodd, np.where(np.signbit(x), _c(-1), _c(1)), _c(1))
        flip = np.where(x == 0, -y, y) < 0
        at_zero_inf_x = base * np.where(flip, _c(0), _c(np.inf))
        result = np.where(np.isinf(x) | (x == 0), at_zero_inf_x, result)
        result = np.where(np.isnan(x) | np.isnan(y), _c(np.nan), result)
        return np.where((y == 0) | (x == 1), _c(1), result)


def atanhf_u10(x) -> np.ndarray:
    """Sleef_atanhf16_u10: torch's vectorised ``atanh``."""
    x = _array(x)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        y = np.abs(x)
        d = _logk2(_div(_add2_f_f(_c(1), y), _add2_f_f(_c(1), -y)))
        y = np.where(y > _c(1), _c(np.nan), np.where(y == 1, _c(np.inf), (d.hi + d.lo) * _c(0.5)))
        y = np.where(np.isinf(x) | np.isnan(y), _c(np.nan), y)
        y = _with_sign(y, x)
        return np.where(np.isnan(x), x, y)


_ATAN2_POLY = (
    0.0107900900766253471374512,
    -0.0309564601629972457885742,
    0.0577365085482597351074219,
    -0.0838950723409652709960938,
    0.109463557600975036621094,
    -0.142626821994781494140625,
    0.199983194470405578613281,
)


def _atan2k(y: _DF, x: _DF) -> _DF:
    """SLEEF's atan2kf_u1 (y >= 0)."""
    q = np.where(x.hi < 0, -2, 0).astype(np.int32)
    negative = x.hi < 0
    x = _DF(np.where(negative, -x.hi, x.hi), np.where(negative, -x.lo, x.lo))
    q = np.where(x.hi < y.hi, q + 1, q)
    p = x.hi < y.hi
    s = _DF(np.where(p, -x.hi, y.hi), np.where(p, -x.lo, y.lo))
    t = _DF(np.where(p, y.hi, x.hi), np.where(p, y.lo, x.lo))
    s = _div(s, t)
    t = _normalize(_square(s))
    u = np.full(t.hi.shape, _c(-0.00176397908944636583328247), _F32)
    for coefficient in _ATAN2_POLY:
        u = fma32(u, t.hi, _c(coefficient))
    t = _mul_df_df(t, _add_f_f(_c(-0.333332866430282592773438), u * t.hi))
    t = _mul_df_df(s, _add_f_df(_c(1), t))
    half_pi = _DF(_c(1.5707963705062866211), _c(-4.3711388286737928865e-08))
    return _add_df_df(_mul_df_f(half_pi, q.astype(_F32)), t)


def _inf_pattern(d: np.ndarray, m: np.ndarray) -> np.ndarray:
    """visinf2_vf_vf_vf: m with d's sign where d is infinite, else 0."""
    bits = np.where(np.isinf(d), (m.view(np.int32) | (d.view(np.int32) & np.int32(-(2**31)))), 0)
    return bits.astype(np.int32).view(_F32)


def atan2f_u10(y, x) -> np.ndarray:
    """Sleef_atan2f16_u10 (SLEEF's xatan2f_u1): torch's vectorised two-argument arctangent."""
    y, x = np.broadcast_arrays(_array(y), _array(x))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        tiny = np.abs(x) < _c(2.9387372783541830947e-39)
        x = np.where(tiny, x * _c(1 << 24), x)
        y = np.where(tiny, y * _c(1 << 24), y)
        zeros = np.zeros(x.shape, _F32)
        d = _atan2k(_DF(np.abs(y), zeros), _DF(x, zeros))
        r = _with_sign(d.hi + d.lo, x)
        half_pi = np.full(x.shape, _c(np.pi / 2), _F32)
        quarter_pi = np.full(x.shape, _c(np.pi / 4), _F32)
        r = np.where(np.isinf(x) | (x == 0), half_pi - _inf_pattern(x, _with_sign(half_pi, x)), r)
        r = np.where(np.isinf(y), half_pi - _inf_pattern(x, _with_sign(quarter_pi, x)), r)
        r = np.where(y == 0, np.where(np.signbit(x), _c(np.pi), _c(0)), r)
        r = _with_sign(r, y)
        return np.where(np.isnan(x) | np.isnan(y), _c(np.nan), r)


def hypotf_u05(x, y) -> np.ndarray:
    """Sleef_hypotf16_u05: torch's vectorised ``hypot``."""
    x, y = np.broadcast_arrays(_array(x), _array(y))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ax, ay = np.abs(x), np.abs(y)
        small, large = np.minimum(ax, ay), np.maximum(ax, ay)
        n, d = small, large
        tiny = large < _c(np.finfo(np.float32).tiny)
        n = np.where(tiny, n * _c(1 << 24), n)
        d = np.where(tiny, d * _c(1 << 24), d)
        zeros = np.zeros(x.shape, _F32)
        t = _div(_DF(n, zeros), _DF(d, zeros))
        t = _mul_df_f(_sqrt_df(_add2_df_f(_square(t), _c(1))), large)
        r = t.hi + t.lo
        r = np.where(np.isnan(r), _c(np.inf), r)
        r = np.where(small == 0, large, r)
        r = np.where(np.isnan(x) | np.isnan(y), _c(np.nan), r)
        return np.where(np.isinf(x) | np.isinf(y), _c(np.inf), r)


def logf_u10(d) -> np.ndarray:
    """Sleef_logf16_u10 (SLEEF's xlogf_u1, AVX512 branch): torch's vectorised ``log``."""
    d = _array(d)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e, m = _log2_parts(d)
        s = _mul_df_f(_DF(*_LN2_DF), e)
        x = _div(_add2_f_f(_c(-1), m), _add2_f_f(_c(1), m))
        x2 = x.hi * x.hi
        t = np.full(d.shape, _c(0.3027294874), _F32)
        t = fma32(t, x2, _c(0.3996108174))
        t = fma32(t, x2, _c(0.6666694880))
        s = _add_df_df(s, _scale(x, _c(2)))
        s = _add_df_f(s, (x2 * x.hi) * t)
        r = s.hi + s.lo
        # vfixupimm: log(0) = -inf, log(inf) = inf, log(negative or -inf) = nan
        r = np.where(d == 0, _c(-np.inf), r)
        r = np.where(d == np.inf, _c(np.inf), r)
        r = np.where(d < 0, _c(np.nan), r)
        return np.where(np.isnan(d), d, r)
