"""Tensor constructors: data from Python values, filled tensors, ranges.

Dtypes are inferred as PyTorch infers them: bools give ``bool``, integers ``int64``, any
float the default dtype (``torch.get_default_dtype()``); ``dtype=`` wins.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import composite
from gradcalc.autograd.settings import check_elements, check_ndim, warn, warn_once
from gradcalc.autograd.tensor import SCALAR_CONVERSION_WARNING, Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError, EvaluationError, ValueDomainError

COPY_CONSTRUCT_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
    "or sourceTensor.detach().clone().requires_grad_(True), rather than "
    "torch.tensor(sourceTensor)."
)


def _scan(data, depth: int, shape: list, kinds: set) -> None:
    """Check ``data`` is rectangular (PyTorch's message otherwise) and note its kinds."""
    if isinstance(data, list | tuple):
        check_ndim(depth + 1, "tensor")
        if len(shape) <= depth:
            shape.append(len(data))
        elif shape[depth] != len(data):
            raise ValueDomainError(
                f"expected sequence of length {shape[depth]} at dim {depth} (got {len(data)})",
                hint="every row must have the same length",
            )
        for item in data:
            _scan(item, depth + 1, shape, kinds)
        return
    if len(shape) > depth:
        raise ArgumentError(
            "not a sequence", hint="every row must have the same nesting", kind="TypeError"
        )
    if isinstance(data, bool | np.bool_):
        kinds.add("b")
    elif isinstance(data, numbers.Integral):
        kinds.add("i")
    elif isinstance(data, numbers.Real):
        kinds.add("f")
    elif type(data) is Tensor:
        if data.array.size != 1:
            raise ValueDomainError("only one element tensors can be converted to Python scalars")
        kinds.add(data.array.dtype.kind if data.array.dtype.kind != "u" else "i")
    else:
        raise ArgumentError(f"new(): invalid data type '{type(data).__name__}'")


def _plain(data):
    if type(data) is Tensor:
        if data.requires_grad:
            warn_once(SCALAR_CONVERSION_WARNING)
        return data.array.reshape(()).item()
    if isinstance(data, list | tuple):
        return [_plain(d) for d in data]
    return data


def data_array(data, dtype: dtypes.DType | None = None) -> np.ndarray:
    """Python numbers, (nested) lists, numpy arrays or Tensors -> a new array of the right dtype."""
    if type(data) is Tensor:
        array = data.array
        target = dtype or dtypes.BY_NUMPY[array.dtype]
        return np.array(array, dtype=target.np, copy=True)
    if isinstance(data, np.ndarray):
        if data.dtype.kind not in "biuf":
            raise ArgumentError(
                "can't convert np.ndarray of type numpy.object_. The only supported types are: "
                "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                "uint64, uint32, uint16, uint8, and bool."
            )
        target = dtype or dtypes.BY_NUMPY.get(data.dtype, dtypes.float64)
        check_elements(data.shape)
        return np.array(data, dtype=target.np, copy=True)
    if isinstance(data, str | bytes) or data is None:
        raise ArgumentError(f"new(): invalid data type '{type(data).__name__}'")
    shape: list = []
    kinds: set = set()
    _scan(data, 0, shape, kinds)
    check_elements(shape, "tensor")
    if dtype is None:
        if "f" in kinds:
            dtype = dtypes.DEFAULTS.float
        elif "i" in kinds:
            dtype = dtypes.int64
        elif "b" in kinds:
            dtype = dtypes.bool_
        else:
            dtype = dtypes.DEFAULTS.float  # empty lists
    try:
        return np.array(_plain(data), dtype=dtype.np).reshape(shape)
    except OverflowError:
        raise EvaluationError("Overflow when unpacking long") from None
    except ValueError:  # a sequence where the first rows hold numbers ([1, [2]])
        name = type(_sequence_among_numbers(data)).__name__
        message = (
            f"must be real number, not {name}"
            if dtype.np.kind == "f"
            else f"'{name}' object cannot be interpreted as an integer"
        )
        raise ArgumentError(
            message, hint="every row must have the same nesting", kind="TypeError"
        ) from None


def _sequence_among_numbers(data):
    """The first list or tuple at or below the depth where the first number was found."""
    depth, first = 0, data
    while isinstance(first, list | tuple) and first:
        depth, first = depth + 1, first[0]
    stack = [(data, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, list | tuple):
            if level >= depth:
                return item
            stack.extend((child, level + 1) for child in reversed(item))
    return None


def leaf(array: np.ndarray, requires_grad: bool) -> Tensor:
    t = make_tensor(array)
    if requires_grad:
        if t.array.dtype.kind != "f":  # the factories' wording; requires_grad_() has its own
            raise AutogradError(
                "Only Tensors of floating point and complex dtype can require gradients",
                hint="make it a float tensor: pass dtype=torch.float32",
            )
        t.requires_grad = True
    return t


@composite(
    "tensor(Any data, *, ScalarType? dtype=None, Device? device=None, bool requires_grad=False, "
    "bool pin_memory=False) -> Tensor",
    method=False,
    example="torch.tensor([[1., 2.], [3., 4.]])",
)
def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new leaf holding a copy of ``data``."""
    if type(data) is Tensor:
        warn(COPY_CONSTRUCT_WARNING)
    return leaf(data_array(data, dtype), requires_grad)


def _filled(name: str, fill, example: str = ""):
    def make(size, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
        target = dtype or dtypes.DEFAULTS.float
        shape = _size(size)
        return leaf(fill(shape, target.np), requires_grad)

    make.__name__ = name
    make.__doc__ = f"A new tensor of {name} (``torch.{name}(2, 3)``)."
    return composite(
        f"{name}(int[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
        "bool requires_grad=False, bool pin_memory=False) -> Tensor",
        method=False,
        example=example or f"torch.{name}(2, 3)",
    )(make)


def _size(size: tuple) -> tuple:
    for n in size:
        if n < 0:
            raise EvaluationError(
                f"Trying to create tensor with negative dimension {n}: {list(size)}"
            )
    check_elements(size, "tensor")
    return tuple(size)


_ones = _filled("ones", np.ones)
_zeros = _filled("zeros", np.zeros)
_empty = _filled("empty", np.zeros, example="torch.empty(2, 3).shape")


def _filled_like(name: str, fill, example: str = ""):
    def make(self, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        target = dtype or dtypes.BY_NUMPY[self.array.dtype]
        return leaf(fill(self.array.shape, target.np), requires_grad)

    make.__name__ = name
    make.__doc__ = f"A new tensor of {name.split('_')[0]} with ``input``'s shape and dtype."
    return composite(
        f"{name}(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, "
        "bool requires_grad=False, MemoryFormat? memory_format=None) -> Tensor",
        method=False,
        example=example or f"torch.{name}(x)",
    )(make)


_ones_like = _filled_like("ones_like", np.ones)
_zeros_like = _filled_like("zeros_like", np.zeros)
_empty_like = _filled_like("empty_like", np.zeros, example="torch.empty_like(B).shape")


def _scalar_dtype(value) -> dtypes.DType:
    return dtypes.scalar_dtype(value)


@composite(
    "full(int[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False, bool pin_memory=False) -> Tensor",
    method=False,
    example="torch.full((2, 3), 7.0)",
)
def full(
    size, fill_value, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False
):
    """A new tensor of ``size`` filled with ``fill_value`` (its dtype inferred from it)."""
    target = dtype or _scalar_dtype(fill_value)
    return leaf(np.full(_size(size), fill_value, target.np), requires_grad)


@composite(
    "full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False, MemoryFormat? memory_format=None) -> Tensor",
    method=False,
    example="torch.full_like(x, 7.0)",
)
def full_like(
    self, fill_value, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None
):
    """A new tensor like ``input`` filled with ``fill_value``."""
    target = dtype or dtypes.BY_NUMPY[self.array.dtype]
    return leaf(np.full(self.array.shape, fill_value, target.np), requires_grad)


@composite(
    "arange(Scalar start, Scalar? end=None, Scalar step=1, *, ScalarType? dtype=None, "
    "Layout? layout=None, Device? device=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.arange(5)",
)
def arange(start, end=None, step=1, dtype=None, layout=None, device=None, requires_grad=False):
    """``start, start + step, ...`` up to ``end`` (excluded); ``arange(n)`` counts from 0."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise EvaluationError("step must be nonzero")
    if (end - start) * step < 0:
        raise EvaluationError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        floating = any(isinstance(v, float) for v in (start, end, step))
        dtype = dtypes.DEFAULTS.float if floating else dtypes.int64
    count = max(math.ceil((end - start) / step), 0)
    check_elements((count,), "tensor")
    if dtype.category == dtypes.FLOATING:
        values = (start + step * np.arange(count, dtype=np.float64)).astype(dtype.np)
    else:
        values = (start + step * np.arange(count, dtype=np.int64)).astype(dtype.np)
    return leaf(values, requires_grad)


@composite(
    "linspace(Scalar start, Scalar end, int steps, *, ScalarType? dtype=None, "
    "Layout? layout=None, Device? device=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.linspace(0, 1, 5)",
)
def linspace(start, end, steps, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` (both included)."""
    if steps < 0:
        raise EvaluationError("number of steps must be non-negative")
    check_elements((steps,), "tensor")
    target = dtype or dtypes.DEFAULTS.float
    return leaf(_linspace(start, end, steps, target.np), requires_grad)


def _linspace(start, end, steps: int, dtype: np.dtype) -> np.ndarray:
    """PyTorch's CPU linspace: from ``start`` up to the middle, from ``end`` down after it,
    each element one fused multiply-add (``start + step * i``), in the tensor's dtype."""
    if dtype.kind != "f" or steps < 2:
        return np.linspace(start, end, steps).astype(dtype)
    from gradcalc.autograd.random_mathfun import fma32, fma64

    first = dtype.type(start)
    last = dtype.type(end)
    step = dtype.type((last - first) / dtype.type(steps - 1))
    index = np.arange(steps)
    half = steps // 2
    fma = fma32 if dtype == np.float32 else fma64
    if dtype not in (np.float32, np.float64):
        return np.linspace(start, end, steps).astype(dtype)
    lower = fma(step, index[:half].astype(np.float64), first)
    upper = fma(-step, (steps - 1 - index[half:]).astype(np.float64), last)
    return np.concatenate([lower, upper]).astype(dtype)


@composite(
    "eye(int n, int? m=None, *, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.eye(3)",
)
def eye(n, m=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The identity matrix (``n`` by ``m``)."""
    m = n if m is None else m
    if n < 0 or m < 0:
        raise EvaluationError(f"n must be greater or equal to 0, got {min(n, m)}")
    check_elements((n, m), "tensor")
    target = dtype or dtypes.DEFAULTS.float
    return leaf(np.eye(n, m, dtype=target.np), requires_grad)
