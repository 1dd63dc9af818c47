"""Discrete samplers of PyTorch 2.13's CPU generator: random_, randint, randperm, bernoulli,
multinomial and the dropout noise.

Sources read (PyTorch, BSD-3-Clause): the ATen headers installed with torch 2.13.0 --
native/DistributionTemplates.h (``random_from_to_impl``, ``update_from``/``update_to``, the
bounds checks and messages), core/TransformationHelper.h and core/DistributionsHelper.h
(``val % range + base``; ranges of 2**28 or more take 64-bit draws),
native/cpu/DistributionTemplates.h (``bernoulli_kernel``) -- and, from github.com/cyyever/pytorch
(a recent mirror of pytorch/pytorch), aten/src/ATen/native/Distributions.cpp and
native/cpu/MultinomialKernel.cpp (``multinomial``). ``randperm`` (a front-to-back swap per
32-bit draw) and dropout (``bernoulli_(1 - p)``, no draws for p = 0 or 1) were recalled from
PyTorch's sources and confirmed against torch 2.13's output, not reread.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.random_distributions import (
    CPP_TYPE_NAMES,
    FLOAT_DTYPES,
    INTEGER_DTYPES,
    check_shape,
    cpp_number,
    exponential,
    not_implemented,
    scalar_type_name,
)
from gradcalc.autograd.random_engine import MT19937Stream
from gradcalc.errors import ArgumentError, LimitError, ShapeError, ValueDomainError

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
_WIDE_RANGE = 1 << 28  # from this range on, random_ draws 64 bits per element
_FLOAT_DIGITS = {"float16": 11, "float32": 24, "float64": 53}
# randperm switches to another algorithm (64-bit draws, inside-out shuffle) from this n on
_RANDPERM_SMALL_LIMIT = 0xFFFFFFFF // 20


def _as_int64(value, name: str) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueDomainError("Overflow when unpacking long long", hint=f"{name} is too large")
    return int(value)


def _cast_int64(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``static_cast<scalar_t>(int64_t)``; half goes through float, as ``c10::Half(float)``."""
    if dtype == np.bool_:
        return values != 0
    if dtype == np.float16:
        return values.astype(np.float32).astype(np.float16)
    return values.astype(dtype)


def _truncate_like_x86(value: float) -> int:
    """``static_cast<int64_t>(float)``; out of range gives what cvttsd2si gives."""
    if not math.isfinite(value) or not INT64_MIN <= value < 2.0**63:
        return INT64_MIN
    return int(value)


def _round_through(value: int, dtype: np.dtype) -> int:
    rounded = np.float32(value) if dtype != np.float64 else np.float64(value)
    if dtype == np.float16:
        with np.errstate(over="ignore"):
            rounded = np.float16(rounded)
    return _truncate_like_x86(float(rounded))


def _update_from(low: int, dtype: np.dtype) -> int:
    """Move ``from`` up to the first integer the float dtype keeps at or above ``from``."""
    plus_one = _round_through(low + 1, dtype)
    if plus_one < low:
        n = abs(low + 1).bit_length() - 1
        low = plus_one + (1 << (n - _FLOAT_DIGITS[dtype.name] + 1))
    return low


def _update_to(high: int, dtype: np.dtype) -> int:
    minus_one = _round_through(high - 1, dtype)
    if minus_one >= high:
        n = abs(high - 1).bit_length() - 1
        high = minus_one - (1 << (n - _FLOAT_DIGITS[dtype.name] + 1))
    return high


def _check_in_range(low: int, high_inclusive: int, dtype: np.dtype) -> None:
    if dtype in FLOAT_DTYPES:
        largest = float(np.finfo(dtype).max)
        smallest = -largest
    elif dtype == np.bool_:
        smallest, largest = 0, 1
    else:
        smallest, largest = int(np.iinfo(dtype).min), int(np.iinfo(dtype).max)
    type_name = CPP_TYPE_NAMES[dtype.name]
    if not smallest <= low <= largest:
        raise ValueDomainError(f"from is out of bounds for {type_name}")
    if not smallest <= high_inclusive <= largest:
        raise ValueDomainError(f"to - 1 is out of bounds for {type_name}")


def _from_to_kernel(stream: MT19937Stream, count: int, span: int, base: int) -> np.ndarray:
    """``uniform_int_from_to``: ``(draw % span) + base`` wrapped to int64."""
    draws = stream.random64(count) if span >= _WIDE_RANGE else stream.random32(count)
    values = draws % np.uint64(span) + np.uint64(base & 0xFFFFFFFFFFFFFFFF)
    return values.view(np.int64)


def _uniform_int_kernel(stream: MT19937Stream, count: int, dtype: np.dtype) -> np.ndarray:
    """``random_()`` without bounds: ``[0, max]`` of an integer type, ``[0, 2**digits]`` of a
    float one; double and int64 take 64-bit draws, everything else 32-bit ones."""
    if dtype == np.bool_:
        return (stream.random32(count) & np.uint64(1)) == 1
    if dtype in (np.float64, np.int64):
        draws = stream.random64(count)
    else:
        draws = stream.random32(count)
    if dtype.name in _FLOAT_DIGITS:
        modulus = (1 << _FLOAT_DIGITS[dtype.name]) + 1
    else:
        modulus = int(np.iinfo(dtype).max) + 1
    return (draws % np.uint64(modulus)).astype(dtype)


def random_(stream: MT19937Stream, shape, dtype, low=None, high=None) -> np.ndarray:
    """``torch.empty(shape, dtype=dtype).random_(...)``: no bounds (``low=high=None``),
    ``[low, max]`` (``high=None``) or ``[low, high)``. ``random_(to)`` is ``low=0, high=to``."""
    shape = check_shape(shape)
    dtype = np.dtype(dtype)
    if dtype not in FLOAT_DTYPES + INTEGER_DTYPES:
        raise not_implemented("random_", dtype)
    count = math.prod(shape)
    if low is None and high is None:
        return _uniform_int_kernel(stream, count, dtype).reshape(shape)
    low = 0 if low is None else _as_int64(low, "from")
    if high is not None:
        high = _as_int64(high, "to")
        if not low < high:
            raise ValueDomainError(
                f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
            )
        if dtype in FLOAT_DTYPES:
            low, high = _update_from(low, dtype), _update_to(high, dtype)
            if not low < high:
                raise ValueDomainError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                    f"dtype, but got from={low} >= to={high}"
                )
        _check_in_range(low, high - 1, dtype)
        span = high - low
    elif low != INT64_MIN:
        if dtype in FLOAT_DTYPES:
            high_inclusive = min(1 << _FLOAT_DIGITS[dtype.name], INT64_MAX)
            low = _update_from(low, dtype)
            if not low < high_inclusive:
                raise ValueDomainError(
                    "random_ expects 'from' casted to dtype to be less than or equal to 'to_inc' "
                    f"casted to dtype, but got from={low} > to_inc={high_inclusive}"
                )
        else:
            high_inclusive = 1 if dtype == np.bool_ else int(np.iinfo(dtype).max)
        _check_in_range(low, high_inclusive, dtype)
        span = high_inclusive - low + 1
    else:
        if count and dtype not in (np.int64, np.float32, np.float64):
            raise ArgumentError(
                "random_full_64_bits_range_kernel_cpu handles only int64, double, float and "
                "bfloat16"
            )
        return _cast_int64(stream.random64(count).view(np.int64), dtype).reshape(shape)
    if count == 0:
        return np.empty(shape, dtype)
    return _cast_int64(_from_to_kernel(stream, count, span, low), dtype).reshape(shape)


def randint(stream: MT19937Stream, low: int, high: int, shape, dtype=np.int64) -> np.ndarray:
    """``torch.randint(low, high, shape, dtype=dtype)``."""
    return random_(stream, shape, dtype, low, high)


_RANDPERM_INT_NAMES = {"int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "int32": "int32_t"}
_RANDPERM_FLOAT_LIMITS = {
    "float16": (2049, "2049", "Half"),
    "float32": (2**24 + 1, "2^24+1", "Float"),
}


def randperm(stream: MT19937Stream, n: int, dtype=np.int64) -> np.ndarray:
    """``torch.randperm(n, dtype=dtype)``: Fisher-Yates from the front, swapping ``i`` with
    ``i + draw % (n - i)`` for one 32-bit draw per position but the last."""
    n = int(n)
    if n < 0:
        raise ShapeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dtype = np.dtype(dtype)
    if dtype == np.bool_ or dtype not in FLOAT_DTYPES + INTEGER_DTYPES:
        raise not_implemented("randperm", dtype)
    if dtype.name in _RANDPERM_FLOAT_LIMITS:
        limit, shown, name = _RANDPERM_FLOAT_LIMITS[dtype.name]
        if n > limit:
            raise ValueDomainError(f"n cannot be greater than {shown} for {name} type.")
    elif dtype.name in _RANDPERM_INT_NAMES and n - 1 > int(np.iinfo(dtype).max):
        raise ValueDomainError(
            f"value cannot be converted to type {_RANDPERM_INT_NAMES[dtype.name]} without overflow"
        )
    if n >= _RANDPERM_SMALL_LIMIT:
        raise LimitError(f"randperm({n}) is too large to sample here")
    offsets = (stream.random32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
    permutation = list(range(n))
    for i, offset in enumerate(offsets):
        j = i + offset
        permutation[i], permutation[j] = permutation[j], permutation[i]
    return np.array(permutation, dtype=np.int64).astype(dtype)


# ---------------------------------------------------------------------------- bernoulli


def bernoulli_scalar(stream: MT19937Stream, shape, p: float, dtype) -> np.ndarray:
    """``torch.empty(shape, dtype=dtype).bernoulli_(p)`` (and ``torch.bernoulli(x, p)``):
    one 53-bit uniform per element, ``u < p``."""
    shape = check_shape(shape)
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueDomainError(f"bernoulli_ expects p to be in [0, 1], but got p={cpp_number(p)}")
    return (stream.uniform53(math.prod(shape)) < p).astype(dtype).reshape(shape)


_P_OUT_OF_RANGE = (
    "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
    "improved?  If so, please report an enhancement request to PyTorch.)"
)


def bernoulli_tensor(stream: MT19937Stream, p: np.ndarray, shape=None, dtype=None) -> np.ndarray:
    """``torch.bernoulli(p)`` (``shape=None``: ``p``'s shape and dtype), or
    ``torch.empty(shape, dtype=dtype).bernoulli_(p)`` with ``p`` broadcast to ``shape``.

    A double ``p`` is compared with a 53-bit uniform, a float or half one with a 24-bit one.
    """
    p = np.asarray(p)
    shape = p.shape if shape is None else check_shape(shape)
    dtype = p.dtype if dtype is None else np.dtype(dtype)
    if p.dtype not in FLOAT_DTYPES:
        raise not_implemented("bernoulli_tensor_cpu_p_", p.dtype)
    try:
        flat_p = np.broadcast_to(p, shape).ravel()
    except ValueError:
        raise ShapeError(_expand_message(shape, p.shape)) from None
    count = flat_p.size
    invalid = np.flatnonzero(~((flat_p >= 0) & (flat_p <= 1)))
    if invalid.size:
        # The check runs element by element while sampling: earlier elements used their draws.
        _draw_uniforms(stream, int(invalid[0]), p.dtype)
        raise ValueDomainError(_P_OUT_OF_RANGE)
    uniforms = _draw_uniforms(stream, count, p.dtype)
    compare_with = flat_p if p.dtype == np.float64 else flat_p.astype(np.float32)
    return (uniforms < compare_with).astype(dtype).reshape(shape)


def _draw_uniforms(stream: MT19937Stream, count: int, p_dtype: np.dtype) -> np.ndarray:
    return stream.uniform53(count) if p_dtype == np.float64 else stream.uniform24(count)


def _expand_message(target: tuple, current: tuple) -> str:
    for i in range(1, len(current) + 1):
        have = current[-i]
        want = target[-i] if i <= len(target) else None
        if have != 1 and have != want:
            return (
                f"The expanded size of the tensor ({want}) must match the existing size "
                f"({have}) at non-singleton dimension {len(target) - i}.  Target sizes: "
                f"{list(target)}.  Tensor sizes: {list(current)}"
            )
    return f"cannot expand a tensor of shape {list(current)} to {list(target)}"


def dropout_noise(stream: MT19937Stream, shape, p: float, dtype) -> np.ndarray | None:
    """What ``F.dropout(x, p)`` (training) multiplies ``x`` by: ``bernoulli_(1 - p)`` scaled
    by ``1 / (1 - p)`` in ``x``'s dtype. ``None`` when ``p == 0`` (PyTorch returns ``x``
    itself); zeros without drawing when ``p == 1``. For ``dropout2d`` pass the noise shape
    ``(N, C, 1, 1)``: one draw per channel."""
    p = float(p)
    if not 0 <= p <= 1:
        raise ValueDomainError(f"dropout probability has to be between 0 and 1, but got {p}")
    dtype = np.dtype(dtype)
    shape = check_shape(shape)
    if p == 0 or math.prod(shape) == 0:
        return None
    if p == 1:
        return np.zeros(shape, dtype)
    keep = bernoulli_scalar(stream, shape, 1 - p, np.float64)
    if dtype == np.float64:
        return keep / (1 - p)
    # float and half divide by the scalar as float (half's opmath); half rounds at the end
    return (keep.astype(np.float32) / np.float32(1 - p)).astype(dtype)


# -------------------------------------------------------------------------- multinomial


def multinomial(
    stream: MT19937Stream, probs: np.ndarray, num_samples: int, replacement: bool = False
) -> np.ndarray:
    """``torch.multinomial(probs, num_samples, replacement)`` as int64 indices.

    Without replacement (or for one sample) PyTorch takes the largest ``probs / q`` with
    ``q ~ Exponential(1)``; with replacement it inverts each row's cumulative sum with one
    53-bit uniform per sample.
    """
    probs = np.asarray(probs)
    if probs.ndim not in (1, 2):
        raise ShapeError("prob_dist must be 1 or 2 dim")
    if probs.dtype not in FLOAT_DTYPES:
        raise ArgumentError(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{scalar_type_name(probs.dtype)}"
        )
    num_samples = int(num_samples)
    if num_samples <= 0:
        raise ValueDomainError("cannot sample n_sample <= 0 samples")
    categories = probs.shape[-1]
    if not replacement and num_samples > categories:
        raise ValueDomainError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if categories > 1 << 24:
        raise ValueDomainError("number of categories cannot exceed 2^24")
    result_shape = (num_samples,) if probs.ndim == 1 else (probs.shape[0], num_samples)
    if math.prod(result_shape) == 0:
        return np.empty(result_shape, np.int64)
    if not replacement or num_samples == 1:
        return _multinomial_by_exponentials(stream, probs, num_samples)
    rows = probs.reshape(-1, categories)
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for i, row in enumerate(rows):
        out[i] = _sample_row_with_replacement(stream, row, num_samples)
    return out.reshape(result_shape)


def _multinomial_by_exponentials(stream, probs: np.ndarray, num_samples: int) -> np.ndarray:
    if not (np.isfinite(probs).all() and (probs >= 0).all()):
        raise ValueDomainError("probability tensor contains either `inf`, `nan` or element < 0")
    if not probs.any(axis=-1).all():
        raise ValueDomainError("invalid multinomial distribution (sum of probabilities <= 0)")
    ratios = probs / exponential(stream, probs.shape, 1.0, probs.dtype)
    if num_samples == 1:
        return np.argmax(ratios, axis=-1, keepdims=True).astype(np.int64)
    # topk: equal ratios (zero-probability categories) may come in another order than torch's
    order = np.argsort(-ratios, axis=-1, kind="stable")
    return order[..., :num_samples].astype(np.int64)


def _sample_row_with_replacement(stream, row: np.ndarray, num_samples: int) -> np.ndarray:
    # The kernel checks element by element: the first bad one decides the message (NaN fails
    # the ">= 0" test first).
    bad = np.flatnonzero(~((row >= 0) & np.isfinite(row)))
    if bad.size:
        if not row[bad[0]] >= 0:
            raise ValueDomainError(
                "invalid multinomial distribution (encountering probability entry < 0)"
            )
        raise ValueDomainError(
            "invalid multinomial distribution (encountering probability entry = infinity or NaN)"
        )
    # Sequential sums in the row's dtype (float for half), as the kernel's loop.
    cumulative = np.add.accumulate(row.astype(np.float32) if row.dtype == np.float16 else row)
    total = cumulative[-1]
    if not total > 0:
        raise ValueDomainError("invalid multinomial distribution (sum of probabilities <= 0)")
    cumulative = cumulative / total
    cumulative[-1] = 1
    uniforms = stream.uniform53(num_samples)
    return np.searchsorted(cumulative.astype(np.float64), uniforms, side="left")
