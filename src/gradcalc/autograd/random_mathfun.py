"""Floating-point arithmetic exactly as PyTorch 2.13's CPU random kernels round it.

Sources read (PyTorch, BSD-3-Clause): ATen/native/cpu/DistributionTemplates.h as installed
with torch 2.13.0 (``NormalFill16``, the AVX2 Box-Muller on 16 floats), its
ATen/native/cpu/avx_mathfun.h (Cephes-style ``log256_ps`` and ``sincos256_ps`` by G. Garberoglio after J. Pommier's
sse_mathfun, zlib licence; the polynomial constants below are those published constants),
and aten/src/ATen/native/cpu/DistributionKernels.cpp from github.com/pytorch/pytorch and the
newer copy in github.com/cyyever/pytorch (a mirror of it).

Three facts found by comparing with torch 2.13 on x86-64, not visible in the sources:
- ``normal_`` on float tensors of 16+ elements runs the AVX2 kernel even on AVX-512 machines,
  so its float32 results come from ``log256_ps``/``sincos256_ps``, not from the C library.
- The AVX2 kernels were compiled with floating-point contraction: GCC fused each
  ``a * b + c`` of the intrinsics (and of ``x * (to - from) + from`` in ``uniform_``, and of
  ``val * std + mean`` in the double normal sampler) into one FMA with a single rounding. Which
  products fused was matched term by term against torch's output (``_log_avx2`` comments).
- Double-precision results come from glibc's ``log``/``log1p``: numpy's own SIMD versions
  differ in the last bit for some inputs, Python's ``math`` module calls glibc itself.
  numpy's float64 ``sin``/``cos`` do give glibc's results (test_random.py checks that), so
  the vectorised ones are used where speed matters.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

F32 = np.float32
_F32_DROPPED_BITS = np.uint64((1 << 29) - 1)  # bits of a double's mantissa float32 drops
_F32_MIDPOINT = np.uint64(1 << 28)  # ... and their pattern when it lies halfway between floats


# ------------------------------------------------------------------------------- exact FMAs


def _two_sum(a, b):
    """``s + e == a + b`` exactly, ``s`` the rounded sum (Knuth)."""
    s = a + b
    b_virtual = s - a
    e = (a - (s - b_virtual)) + (b - b_virtual)
    return s, e


def fma32(a, b, c) -> np.ndarray:
    """``a * b + c`` on float32 values rounded once, as the FMA instruction does.

    The product of two floats is exact in double; their sum with ``c`` is rounded to double,
    then to float. Rounding twice differs from rounding once only when the double lands
    exactly halfway between two floats while the exact sum does not; those (rare) elements are
    nudged one double step towards the exact value before the final rounding.
    """
    product = np.multiply(a, b, dtype=np.float64)
    total = np.add(product, c, dtype=np.float64)
    result = total.astype(np.float32)
    halfway = (total.view(np.uint64) & _F32_DROPPED_BITS) == _F32_MIDPOINT
    if halfway.any():
        where = np.nonzero(halfway)
        c64 = np.broadcast_to(np.asarray(c, np.float64), total.shape)[where]
        s, error = _two_sum(np.broadcast_to(product, total.shape)[where], c64)
        nudged = np.where(error == 0, s, np.nextafter(s, np.where(error > 0, np.inf, -np.inf)))
        result[where] = nudged.astype(np.float32)
    return result


def fma32_in_box_muller(a, b, c) -> np.ndarray:
    """``fma32`` without the halfway repair, for the multiply-adds inside ``_log_avx2`` and
    ``_sincos_avx2`` only: their inputs come from 24-bit uniforms, so there are exactly 2**24
    of each, and running the checked ``fma32`` on all of them never needed a repair
    (test_random.py::test_box_muller_fma_never_needs_the_halfway_repair).

    Arrays may be float32 or (faster, when reused) float64 copies of float32 values; numpy's
    mixed-dtype loops are several times slower than converting once.
    """
    if isinstance(a, np.ndarray):
        total = a.astype(np.float64)
        total *= b
    else:
        total = np.multiply(b, np.float64(a), dtype=np.float64)
    total += c.astype(np.float64, copy=False) if isinstance(c, np.ndarray) else np.float64(c)
    return total.astype(np.float32)


_SPLITTER = float(2**27 + 1)


def _two_product(a, b):
    """``p + e == a * b`` exactly (Dekker's product with Veltkamp's splitting)."""
    p = a * b
    t = _SPLITTER * a
    a_high = t - (t - a)
    a_low = a - a_high
    t = _SPLITTER * b
    b_high = t - (t - b)
    b_low = b - b_high
    e = ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
    return p, e


def fma64(a, b, c) -> np.ndarray:
    """``a * b + c`` on doubles rounded once (Boldo and Melquiond's emulation through rounding
    to odd, "Emulation of FMA and correctly rounded sums", IEEE Trans. Computers 2008)."""
    if np.ndim(b) == 0 and float(b) == 1.0:
        return np.add(a, c, dtype=np.float64)  # a * 1 is exact: a single rounding of a + c
    a, b, c = np.broadcast_arrays(
        np.asarray(a, np.float64), np.asarray(b, np.float64), np.asarray(c, np.float64)
    )
    product_high, product_low = _two_product(a, b)
    sum_high, sum_low = _two_sum(c, product_high)
    odd, rest = _two_sum(sum_low, product_low)
    # Round ``odd + rest`` to odd: keep odd mantissas, step even ones towards the exact value.
    needs_step = (rest != 0) & ((odd.view(np.uint64) & np.uint64(1)) == 0)
    odd = np.where(needs_step, np.nextafter(odd, np.where(rest > 0, np.inf, -np.inf)), odd)
    return sum_high + odd


# --------------------------------------------------------------- glibc through Python's math


def libm(function: Callable[[float], float], values: np.ndarray) -> np.ndarray:
    """``function`` (a ``math`` function, i.e. glibc's) on every element, as float64."""
    # frompyfunc's object loop is the fastest way numpy offers to call Python per element.
    return np.asarray(np.frompyfunc(function, 1, 1)(np.asarray(values, np.float64)), np.float64)


def round_to_float32(approximate: np.ndarray, exact: Callable[[np.ndarray], np.ndarray]):
    """float32 of a double result, computed with numpy but equal to rounding glibc's result.

    ``approximate`` came from numpy's vectorised functions, which may differ from glibc's in
    the last few bits of the double. That only changes the float32 when the double is within a
    few steps of a float32 rounding boundary, so just those elements (and tiny values, where
    float32 is subnormal) are recomputed with ``exact(indices)``.
    """
    result = approximate.astype(np.float32)
    low_bits = (approximate.view(np.uint64) & _F32_DROPPED_BITS).astype(np.int64)
    near_boundary = np.abs(low_bits - int(_F32_MIDPOINT)) <= 64
    near_boundary |= np.abs(approximate) < 2.0**-120
    if near_boundary.any():
        where = np.nonzero(near_boundary)
        result[where] = exact(where).astype(np.float32)
    return result


# ------------------------------------------------------- avx_mathfun.h, fused as compiled


_SQRT_HALF = F32(0.707106781186547524)
_LOG_POLY = [
    F32(c)
    for c in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
_LOG_Q1 = F32(-2.12194440e-4)
_LOG_Q2 = F32(0.693359375)


def _log_avx2(x: np.ndarray) -> np.ndarray:
    """``log256_ps`` for floats in (0, 1] (the Box-Muller ``1 - u``: never zero, never
    subnormal, so the kernel's clamp and NaN mask change nothing and are left out)."""
    bits = x.view(np.int32)
    exponent = (bits >> 23) - 0x7F
    mantissa = ((bits & ~0x7F800000) | 0x3F000000).view(np.float32)  # in [0.5, 1)
    small = mantissa < _SQRT_HALF
    e = (exponent + 1 - small).astype(np.float32)  # small integers: exact either way
    x = mantissa - F32(1)
    x += mantissa * small  # mantissa where small, else +0 (the kernel's and-mask)
    z = x * x
    x64 = x.astype(np.float64)
    y = _LOG_POLY[0]
    for coefficient in _LOG_POLY[1:]:
        y = fma32_in_box_muller(y, x64, coefficient)
    y *= x
    # Of the two products feeding this add, GCC fused y*z (computed first); e*q1 is rounded.
    y = fma32_in_box_muller(y, z.astype(np.float64), e * _LOG_Q1)
    y = y - z * F32(0.5)  # z * 0.5 is exact, so fused or not it rounds once
    x = x + y
    return fma32_in_box_muller(e, _LOG_Q2, x)


_FOUR_OVER_PI = F32(1.27323954473516)
_MINUS_DP = (F32(-0.78515625), F32(-2.4187564849853515625e-4), F32(-3.77489497744594108e-8))
_SIN_POLY = (F32(-1.9515295891e-4), F32(8.3321608736e-3), F32(-1.6666654611e-1))
_COS_POLY = (F32(2.443315711809948e-005), F32(-1.388731625493765e-003), F32(4.166664568298827e-002))


def _sincos_avx2(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sincos256_ps`` for floats in [0, 2*pi] (Box-Muller angles ``2*pi*u``)."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)  # truncation, as _mm256_cvttps_epi32
    octant = (octant + 1) & ~1
    y = octant.astype(np.float64)  # small integers, exact
    for minus_dp in _MINUS_DP:  # Cody-Waite reduction, each step one fused multiply-add
        x = fma32_in_box_muller(minus_dp, y, x)
    z = x * x
    z64 = z.astype(np.float64)
    cos_poly = fma32_in_box_muller(_COS_POLY[0], z64, _COS_POLY[1])
    cos_poly = fma32_in_box_muller(cos_poly, z64, _COS_POLY[2])
    cos_poly *= z
    cos_poly = fma32_in_box_muller(cos_poly, z64, -(z * F32(0.5)))
    cos_poly += F32(1)
    sin_poly = fma32_in_box_muller(_SIN_POLY[0], z64, _SIN_POLY[1])
    sin_poly = fma32_in_box_muller(sin_poly, z64, _SIN_POLY[2])
    sin_poly *= z
    x64 = x.astype(np.float64)
    sin_poly = fma32_in_box_muller(sin_poly, x64, x64)
    # The kernel picks a polynomial by and-masks and an add (so -0 becomes +0), then flips
    # signs by xor. Multiplying by 0/1 masks and by -1/+1 signs does the same exactly (the
    # polynomials are finite), and is much faster in numpy than where() or fancy indexing.
    use_sin_poly = ((octant & 2) == 0).astype(np.float32)
    use_cos_poly = F32(1) - use_sin_poly
    sine = sin_poly * use_sin_poly
    sine += cos_poly * use_cos_poly
    sine += F32(0)
    sine *= (1 - ((octant & 4) >> 1)).astype(np.float32)
    cosine = cos_poly * use_sin_poly
    cosine += sin_poly * use_cos_poly
    cosine += F32(0)
    cosine *= (1 - ((~(octant - 2) & 4) >> 1)).astype(np.float32)
    return sine, cosine


_TWO_PI_F32 = F32(2.0 * math.pi)


def box_muller_float32(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    """``NormalFill16<float>`` (AVX2) on rows of 16 uniforms: the first 8 of a row give the
    radii, the last 8 the angles; cosines fill the first half, sines the second."""
    u1 = F32(1) - uniforms[:, :8]
    u2 = uniforms[:, 8:]
    radius = np.sqrt(F32(-2) * _log_avx2(u1))
    sine, cosine = _sincos_avx2(_TWO_PI_F32 * u2)
    out = np.empty_like(uniforms)
    mean32, std32 = F32(mean), F32(std)
    for half, trig in ((slice(0, 8), cosine), (slice(8, 16), sine)):
        scaled = radius * trig
        # _mm256_fmadd_ps(n, std, mean); with std == 1 the product is exact, a plain add
        out[:, half] = scaled + mean32 if std32 == 1 else fma32(scaled, std32, mean32)
    return out


def box_muller_float64(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    """The scalar ``NormalFill16<double>`` on rows of 16 uniforms, with glibc's ``log``."""
    radius = np.sqrt(-2.0 * libm(math.log, 1.0 - uniforms[:, :8]))
    theta = (2.0 * math.pi) * uniforms[:, 8:]
    out = np.empty_like(uniforms)
    out[:, :8] = fma64(radius * np.cos(theta), std, mean)
    out[:, 8:] = fma64(radius * np.sin(theta), std, mean)
    return out
