"""The float64 error function and its complement for numpy arrays, and float32 results rounded once from float64.

Source of the method and its coefficients: FreeBSD msun's error function (Sun's fdlibm), as
carried by bminor/musl's ``src/math``. Rewritten for whole arrays: every interval is computed with masks.

Where torch's float32 function is MKL's "high accuracy" VML routine or the C library's float
function, both within about half an ulp, the float32 rounding of a float64 result is the closest
numpy gets: ``rounded`` does that.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["erf64", "erfc64", "rounded"]

_ERX = 8.45062911510467529297e-01
_EFX = 1.28379167095512586316e-01
_PP = (
    1.28379167095512558561e-01,
    -3.25042107247001499370e-01,
    -2.84817495755985104766e-02,
    -5.77027029648944159157e-03,
    -2.37630166566501626084e-05,
)
_QQ = (
    1.0,
    3.97917223959155352819e-01,
    6.50222499887672944485e-02,
    5.08130628187576562776e-03,
    1.32494738004321644526e-04,
    -3.96022827877536812320e-06,
)
_PA = (
    -2.36211856075265944077e-03,
    4.14856118683748331666e-01,
    -3.72207876035701323847e-01,
    3.18346619901161753674e-01,
    -1.10894694282396677476e-01,
    3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
)
_QA = (
    1.0,
    1.06420880400844228286e-01,
    5.40397917702171048937e-01,
    7.18286544141962662868e-02,
    1.26171219808761642112e-01,
    1.36370839120290507362e-02,
    1.19844998467991074170e-02,
)
_RA = (
    -9.86494403484714822705e-03,
    -6.93858572707181764372e-01,
    -1.05586262253232909814e01,
    -6.23753324503260060396e01,
    -1.62396669462573470355e02,
    -1.84605092906711035994e02,
    -8.12874355063065934246e01,
    -9.81432934416914548592e00,
)
_SA = (
    1.0,
    1.96512716674392571292e01,
    1.37657754143519042600e02,
    4.34565877475229228821e02,
    6.45387271733267880336e02,
    4.29008140027567833386e02,
    1.08635005541779435134e02,
    6.57024977031928170135e00,
    -6.04244152148580987438e-02,
)
_RB = (
    -9.86494292470009928597e-03,
    -7.99283237680523006574e-01,
    -1.77579549177547519889e01,
    -1.60636384855821916062e02,
    -6.37566443368389627722e02,
    -1.02509513161107724954e03,
    -4.83519191608651397019e02,
)
_SB = (
    1.0,
    3.03380607434824582924e01,
    3.25792512996573918826e02,
    1.53672958608443695994e03,
    3.19985821950859553908e03,
    2.55305040643316442583e03,
    4.74528541206955367215e02,
    -2.24409524465858183362e01,
)


def _poly(z: np.ndarray, coefficients: tuple[float, ...]) -> np.ndarray:
    """c0 + z*(c1 + z*(c2 + ...)), evaluated as fdlibm nests it."""
    result = np.full(z.shape, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        result = c + z * result
    return result


def _tail(ax: np.ndarray) -> np.ndarray:
    """erfc(|x|) for 1.25 <= |x| < 28: exp(-x*x - 0.5625 + R/S) / |x|, the square split exactly."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        s = 1.0 / (ax * ax)
        near = ax < 1 / 0.35
        ratio = np.where(near, _poly(s, _RA) / _poly(s, _SA), _poly(s, _RB) / _poly(s, _SB))
        # z: |x| with the low 32 bits of its float64 cleared, so that z*z is exact
        z = (ax.view(np.int64) & np.int64(-(2**32))).view(np.float64)
        return np.exp(-z * z - 0.5625) * np.exp((z - ax) * (z + ax) + ratio) / ax


def erf64(x: np.ndarray) -> np.ndarray:
    """The error function in float64 (fdlibm's method, under 1 ulp)."""
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    sign = np.where(np.signbit(x), -1.0, 1.0)
    z = x * x
    small = x + x * (_poly(z, _PP) / _poly(z, _QQ))
    tiny = x + _EFX * x
    s = ax - 1.0
    middle = sign * (_ERX + _poly(s, _PA) / _poly(s, _QA))
    large = sign * (1.0 - _tail(np.clip(ax, 1.25, 28.0)))
    result = np.where(ax < 0.84375, np.where(ax < 2.0**-28, tiny, small), middle)
    result = np.where(ax >= 1.25, large, result)
    result = np.where(ax >= 6.0, sign, result)
    return np.where(np.isnan(x), x, result)


def erfc64(x: np.ndarray) -> np.ndarray:
    """erfc in float64 (fdlibm's method, under 1 ulp)."""
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    z = x * x
    y = _poly(z, _PP) / _poly(z, _QQ)
    small = np.where(x < 0.25, 1.0 - (x + x * y), 0.5 - (x * y + (x - 0.5)))
    s = ax - 1.0
    ratio = _poly(s, _PA) / _poly(s, _QA)
    middle = np.where(x > 0, (1.0 - _ERX) - ratio, 1.0 + (_ERX + ratio))
    tail = _tail(np.clip(ax, 1.25, 28.0))
    large = np.where(x > 0, tail, 2.0 - tail)
    result = np.where(ax < 0.84375, np.where(ax < 2.0**-56, 1.0 - x, small), middle)
    result = np.where(ax >= 1.25, large, result)
    result = np.where((ax >= 28.0) | ((x < 0) & (ax >= 6.0)), np.where(x > 0, 0.0, 2.0), result)
    return np.where(np.isnan(x), x, result)


def rounded(function: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """``function`` computed in float64 on float32 ``x`` and rounded once to float32."""
    with np.errstate(all="ignore"):
        return function(x.astype(np.float64)).astype(np.float32)
