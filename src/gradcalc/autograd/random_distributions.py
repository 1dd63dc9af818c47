"""Continuous samplers of PyTorch 2.13's CPU generator: uniform, normal, exponential.

Sources read (PyTorch, BSD-3-Clause), the ATen headers installed with torch 2.13.0:
core/DistributionsHelper.h and core/TransformationHelper.h (how draws become numbers),
native/cpu/DistributionTemplates.h (which kernel runs: ``normal_fill`` for 16+ contiguous
elements, else one Box-Muller pair per two elements with the second value cached in the
generator), native/DistributionTemplates.h (argument checks and their messages, the
``torch.normal`` overloads).

Every function takes the ``MT19937Stream`` to draw from and returns a new C-ordered array.
Half precision is computed in float and rounded to half at the end, as PyTorch's ``opmath``;
a double that PyTorch turns into half goes through float first (``c10::Half`` has only a float
constructor), which rounds twice.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.random_engine import MT19937Stream
from gradcalc.autograd.random_mathfun import (
    box_muller_float32,
    box_muller_float64,
    fma32,
    fma64,
    libm,
    round_to_float32,
)
from gradcalc.errors import ArgumentError, ShapeError, ValueDomainError

FLOAT_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
INTEGER_DTYPES = tuple(
    np.dtype(t) for t in (np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_)
)
# PyTorch's ScalarType names (in "not implemented for 'Long'") and C++ type names (in the
# "out of bounds for signed char" messages of random_).
SCALAR_TYPE_NAMES = {
    "float16": "Half",
    "float32": "Float",
    "float64": "Double",
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
}
CPP_TYPE_NAMES = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}
_SMALL_NORMAL = 16  # below this many elements (or for strided targets) normal_ runs the scalar path
_BOX_MULLER_ROWS = 4096  # rows of 16 per numpy pass: big enough for numpy, small for the cache


def cpp_number(value: float) -> str:
    """A double as C++'s ``operator<<`` prints it in PyTorch's messages (``%g``)."""
    return format(float(value), "g")


def scalar_type_name(dtype) -> str:
    return SCALAR_TYPE_NAMES.get(np.dtype(dtype).name, np.dtype(dtype).name)


def not_implemented(kernel: str, dtype) -> ArgumentError:
    return ArgumentError(f"\"{kernel}\" not implemented for '{scalar_type_name(dtype)}'")


def check_shape(shape) -> tuple[int, ...]:
    shape = tuple(int(n) for n in shape)
    negative = [n for n in shape if n < 0]
    if negative:
        raise ShapeError(
            f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}"
        )
    return shape


def float_dtype(dtype, kernel: str) -> np.dtype:
    dtype = np.dtype(dtype)
    if dtype not in FLOAT_DTYPES:
        raise not_implemented(kernel, dtype)
    return dtype


def double_to(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``static_cast<scalar_t>(double)``: half goes through float, as ``c10::Half(float)``."""
    if dtype == np.float16:
        return values.astype(np.float32).astype(np.float16)
    return values.astype(dtype)


# ------------------------------------------------------------------------------ uniform


def uniform(stream: MT19937Stream, shape, low: float, high: float, dtype) -> np.ndarray:
    """``torch.empty(shape, dtype=dtype).uniform_(low, high)``; ``rand`` is ``(0, 1)``."""
    shape = check_shape(shape)
    dtype = float_dtype(dtype, "check_uniform_bounds")
    low, high = float(low), float(high)
    largest = float(np.finfo(dtype).max)
    type_name = CPP_TYPE_NAMES[dtype.name]
    for value, name in ((low, "from"), (high, "to")):
        if not -largest <= value <= largest:
            raise ValueDomainError(f"{name} is out of bounds for {type_name}")
    if not low <= high:
        raise ValueDomainError(
            f"uniform_ expects to return a [from, to) range, but found "
            f"from={cpp_number(low)} > to={cpp_number(high)}"
        )
    if not high - low <= largest:
        raise ValueDomainError(
            f"uniform_ expects to-from <= std::numeric_limits<{scalar_type_name(dtype)}>::max(), "
            f"but found to={cpp_number(high)} and from={cpp_number(low)} which result in "
            "to-from to exceed the limit"
        )
    count = math.prod(shape)
    if dtype == np.float64:
        if low == 0 and high == 1:
            # rand(): x * 1 + 0 is x, and x < 1 already (a value equal to ``to`` needs rounding)
            return stream.uniform53(count).reshape(shape)
        # uniform_real: x * (to - from) + from, contracted into one FMA by the compiler
        values = fma64(stream.uniform53(count), high - low, low)
        values[values == high] = low
        return values.reshape(shape)
    low32, high32 = np.float32(low), np.float32(high)
    span = high32 - low32
    x = stream.uniform24(count)
    if low32 == 0 and span == 1 and dtype == np.float32:
        return x.reshape(shape)  # as for doubles: x + 0 is x, below 1
    values = x + low32 if span == 1 else fma32(x, span, low32)  # x * 1 is exact: one rounding
    if dtype == np.float16:
        values = values.astype(np.float16)
        high32, low32 = np.float16(high32), np.float16(low32)
    # A value that rounded up to the excluded bound becomes the lower bound (uniform_kernel).
    values[values == high32] = low32
    return values.reshape(shape)


# ------------------------------------------------------------------------------- normal


def check_std(std: float) -> None:
    if not std >= 0.0:
        raise ValueDomainError(f"normal expects std >= 0.0, but found std {cpp_number(std)}")


def normal(
    stream: MT19937Stream, shape, mean: float, std: float, dtype, *, contiguous: bool = True
) -> np.ndarray:
    """``torch.empty(shape, dtype=dtype).normal_(mean, std)`` (``randn`` is ``(0, 1)``).

    ``contiguous=False`` is for filling a strided view in place: PyTorch then uses the scalar
    sampler whatever the size; the values come in the view's memory order.
    """
    shape = check_shape(shape)
    check_std(float(std))
    dtype = float_dtype(dtype, "normal_kernel_cpu")
    count = math.prod(shape)
    mean, std = float(mean), float(std)
    if count == 0:
        return np.empty(shape, dtype)
    if count < _SMALL_NORMAL or not contiguous:
        values = fma64(standard_normals_scalar(stream, count), std, mean)
        return double_to(values, dtype).reshape(shape)
    return _normal_fill(stream, count, mean, std, dtype).reshape(shape)


def standard_normals_scalar(stream: MT19937Stream, count: int) -> np.ndarray:
    """``count`` draws of ``normal_distribution<double>``: each Box-Muller pair gives
    ``r*cos`` now and leaves ``r*sin`` in the generator for the next draw, even the next call's."""
    values = np.empty(count)
    start = 0
    if stream.next_double_normal is not None and count:
        values[0] = stream.next_double_normal
        stream.next_double_normal = None
        start = 1
    pairs = (count - start + 1) // 2
    if pairs:
        draws = stream.uniform53(2 * pairs)
        u1, u2 = draws[0::2], draws[1::2]
        radius = np.sqrt(-2.0 * libm(math.log1p, -u2))
        theta = (2.0 * math.pi) * u1
        both = np.empty(2 * pairs)
        both[0::2] = radius * libm(math.cos, theta)
        both[1::2] = radius * libm(math.sin, theta)
        values[start:] = both[: count - start]
        if (count - start) % 2:
            stream.next_double_normal = float(both[-1])
    return values


def _normal_fill(stream: MT19937Stream, count: int, mean: float, std: float, dtype) -> np.ndarray:
    """``normal_fill``: Box-Muller on whole blocks of 16, then the last 16 elements again from
    16 fresh uniforms when the size is not a multiple of 16."""
    blocks = count // 16
    if dtype == np.float16:
        # Half goes block by block through a float buffer: it draws 16 per block only.
        uniforms = stream.uniform24(16 * blocks)
    elif dtype == np.float32:
        uniforms = stream.uniform24(count)  # float and double draw one uniform per element
    else:
        uniforms = stream.uniform53(count)
    fill = box_muller_float64 if dtype == np.float64 else _box_muller_float32_chunked
    out = np.empty(count, np.float64 if dtype == np.float64 else np.float32)
    out[: 16 * blocks] = fill(uniforms[: 16 * blocks].reshape(blocks, 16), mean, std).ravel()
    if count % 16:
        tail = stream.uniform53(16) if dtype == np.float64 else stream.uniform24(16)
        out[count - 16 :] = fill(tail.reshape(1, 16), mean, std).ravel()
    return out.astype(dtype, copy=False)


def _box_muller_float32_chunked(uniforms: np.ndarray, mean: float, std: float) -> np.ndarray:
    out = np.empty_like(uniforms)
    for start in range(0, uniforms.shape[0], _BOX_MULLER_ROWS):
        rows = slice(start, start + _BOX_MULLER_ROWS)
        out[rows] = box_muller_float32(uniforms[rows], mean, std)
    return out


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    """``at::infer_size`` with its message."""
    ndim = max(len(a), len(b))
    shape = []
    for i in range(ndim):
        dim = ndim - 1 - i
        size_a = a[len(a) - 1 - i] if i < len(a) else 1
        size_b = b[len(b) - 1 - i] if i < len(b) else 1
        if size_a != size_b and size_a != 1 and size_b != 1:
            raise ShapeError(
                f"The size of tensor a ({size_a}) must match the size of tensor b ({size_b}) "
                f"at non-singleton dimension {dim}"
            )
        shape.append(size_a if size_a != 1 else size_b)
    return tuple(reversed(shape))


def _in_place(out: np.ndarray, ufunc, other: np.ndarray) -> np.ndarray:
    """``out.mul_(other)``/``add_``: computed in the promoted dtype, stored in ``out``'s. A 0-d
    operand does not promote a dimensioned float one, as in PyTorch."""
    if other.ndim == 0 and out.ndim > 0:
        compute = out.dtype
    else:
        compute = np.result_type(out.dtype, other.dtype)
    return ufunc(out, other, dtype=compute).astype(out.dtype, copy=False)


def normal_tensor(stream: MT19937Stream, mean, std) -> np.ndarray:
    """``torch.normal(mean, std)`` where ``mean`` or ``std`` (or both) is an array; the result
    has the dtype of ``mean`` if it is an array, else that of ``std``.

    PyTorch draws standard normals (scaled by ``std`` when it is a number) into the result and
    then adds ``mean`` and multiplies by ``std`` as separate tensor operations; so does this.
    """
    mean_is_array = isinstance(mean, np.ndarray)
    std_is_array = isinstance(std, np.ndarray)
    if std_is_array:
        if std.size and not bool(np.all(std >= 0)):  # NaN fails too, as std.min().ge(0)
            raise ValueDomainError("normal expects all elements of std >= 0.0")
    else:
        check_std(float(std))
    if mean_is_array and not std_is_array:
        out = normal(stream, mean.shape, 0.0, float(std), mean.dtype)
        return _in_place(out, np.add, mean)
    if std_is_array and not mean_is_array:
        target = float_dtype(std.dtype, "normal_kernel_cpu")
        out = normal(stream, std.shape, 0.0, 1.0, target)
        out = _in_place(out, np.multiply, std)
        return out + np.asarray(float(mean), dtype=target).astype(target)
    if not (mean_is_array and std_is_array):
        raise ArgumentError("normal(): mean or std must be a tensor, or give a size")
    shape = _broadcast_shape(mean.shape, std.shape)
    out = normal(stream, shape, 0.0, 1.0, mean.dtype)
    out = _in_place(out, np.multiply, std)
    return _in_place(out, np.add, mean)


# -------------------------------------------------------------------------- exponential


def exponential(stream: MT19937Stream, shape, lambd: float, dtype) -> np.ndarray:
    """``torch.empty(shape, dtype=dtype).exponential_(lambd)``: ``-1/lambd * log1p(-u)``."""
    shape = check_shape(shape)
    lambd = float(lambd)
    if not lambd > 0.0:
        raise ValueDomainError(
            f"exponential_ expects lambda > 0.0, but found lambda={cpp_number(lambd)}"
        )
    dtype = np.dtype(dtype)
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype)
    if dtype not in FLOAT_DTYPES:
        raise ValueDomainError(
            "Exponential distribution is a continuous probability distribution. dtype must be "
            f"a floating point but you specified {scalar_type_name(dtype)}"
        )
    u = stream.uniform53(count)
    scale = -1.0 / lambd
    if dtype == np.float64:
        return (scale * libm(math.log1p, -u)).reshape(shape)
    with np.errstate(all="ignore"):
        approximate = scale * np.log1p(-u)
    values = round_to_float32(approximate, lambda where: scale * libm(math.log1p, -u[where]))
    return values.astype(dtype, copy=False).reshape(shape)
