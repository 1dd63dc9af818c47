"""Tensor constructors: data from Python values, filled tensors, ranges, random numbers."""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.ops.common import as_tensor, is_int, is_number, size_argument
from gradcalc.autograd.settings import STATE, as_dtype, check_elements, check_ndim
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ValueDomainError


def _plain(data):
    """Nested lists with Tensors replaced by their arrays (values only, no graph)."""
    if isinstance(data, Tensor):
        return data.data
    if isinstance(data, list | tuple):
        return [_plain(d) for d in data]
    return data


def _depth(data) -> int:
    """How deeply the first elements of ``data`` nest (its ndim if it is not ragged)."""
    depth = 0
    while isinstance(data, list | tuple) and data:
        depth += 1
        data = data[0]
    return depth


def as_array(data, dtype=None) -> np.ndarray:
    """Python numbers, (nested) lists, numpy arrays or Tensors -> a floating (or bool) array.

    Integers become the default float dtype: gradcalc's numeric data is always floating.
    """
    if isinstance(data, str | bytes) or data is None:
        raise ArgumentError(f"tensor() data must be numbers or lists of numbers, not {data!r}")
    try:
        array = np.array(_plain(data))
    except ValueError:
        check_ndim(_depth(data), "tensor")
        raise ValueDomainError(
            "tensor() data is ragged: every row must have the same length",
            hint="e.g. [[1, 2], [3, 4]]",
        ) from None
    if array.dtype.kind == "b" and dtype is None:
        return array
    if array.dtype.kind not in "biuf":
        raise ArgumentError(
            "tensor() data must be numbers or (nested) lists of numbers",
            hint="e.g. tensor([[1, 2], [3, 4]])",
        )
    check_elements(array.shape, "tensor")
    if dtype is None:
        from_array = isinstance(data, np.ndarray | Tensor) and array.dtype.kind == "f"
        target = array.dtype if from_array else STATE.default_dtype
    else:
        target = as_dtype(dtype)
    return array.astype(target, copy=False)


def _leaf(array: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, dtype=None, requires_grad: bool = False) -> Tensor:
    """A new leaf holding a copy of ``data``."""
    return _leaf(as_array(data, dtype), requires_grad)  # np.array copies its input


def ones(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return _leaf(np.ones(size_argument(size, "ones"), as_dtype(dtype)), requires_grad)


def zeros(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    return _leaf(np.zeros(size_argument(size, "zeros"), as_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, requires_grad: bool = False) -> Tensor:
    if is_int(size):
        size = (size,)
    if not isinstance(size, tuple | list):
        raise ArgumentError("full(): size must be a tuple of integers, e.g. full((2, 3), 7.0)")
    if not is_number(fill_value):
        raise ArgumentError(f"full(): fill_value must be a number, got {fill_value!r}")
    return _leaf(
        np.full(size_argument(tuple(size), "full"), fill_value, as_dtype(dtype)), requires_grad
    )


def eye(n, m=None, dtype=None, requires_grad: bool = False) -> Tensor:
    m = n if m is None else m
    for v in (n, m):
        if not is_int(v) or v < 0:
            raise ArgumentError(f"eye(): n and m must be non-negative integers, got {v!r}")
    check_elements((n, m), "tensor")
    return _leaf(np.eye(n, m, dtype=as_dtype(dtype)), requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad: bool = False) -> Tensor:
    if end is None:
        start, end = 0, start
    for v in (start, end, step):
        if not is_number(v):
            raise ArgumentError(f"arange(): start, end and step must be numbers, got {v!r}")
    if step == 0:
        raise ValueDomainError("step must be nonzero")
    if (end - start) * step < 0:
        raise ValueDomainError("upper bound and larger bound inconsistent with step sign")
    count = max(math.ceil((end - start) / step), 0)
    check_elements((count,), "tensor")
    values = start + step * np.arange(count, dtype=np.float64)
    return _leaf(values.astype(as_dtype(dtype)), requires_grad)


def linspace(start, end, steps, dtype=None, requires_grad: bool = False) -> Tensor:
    if not is_number(start) or not is_number(end):
        raise ArgumentError("linspace(): start and end must be numbers")
    if not is_int(steps):
        raise ArgumentError(
            f"linspace(): steps must be an integer, got {steps!r}", hint="e.g. linspace(0, 1, 5)"
        )
    if steps < 0:
        raise ValueDomainError("number of steps must be non-negative")
    steps = int(steps)
    check_elements((steps,), "tensor")
    return _leaf(np.linspace(start, end, steps, dtype=as_dtype(dtype)), requires_grad)


def rand(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform on [0, 1) from the seeded generator (``manual_seed``)."""
    shape = size_argument(size, "rand")
    return _leaf(STATE.rng.random(shape, dtype=as_dtype(dtype)), requires_grad)


def randn(*size, dtype=None, requires_grad: bool = False) -> Tensor:
    """Standard normal from the seeded generator (``manual_seed``)."""
    shape = size_argument(size, "randn")
    return _leaf(STATE.rng.standard_normal(shape, dtype=as_dtype(dtype)), requires_grad)


def randint(low=0, high=None, size=None, *, requires_grad: bool = False) -> Tensor:
    """Integers uniform on ``[low, high)`` from the seeded generator: ``randint(high, size)``
    or ``randint(low, high, size)``. An int64 tensor, as PyTorch's: like the indices ``max``
    returns, usable as an index or a class target, and never requiring grad."""
    if size is None and isinstance(high, tuple | list):
        low, high, size = 0, low, high
    if high is None or size is None:
        raise ArgumentError(
            "randint() needs high and size", hint="e.g. randint(0, 10, (2, 3)) or randint(10, (3,))"
        )
    for value, name in ((low, "low"), (high, "high")):
        if not is_int(value):
            raise ArgumentError(f"randint(): {name} must be an integer, got {value!r}")
    if low >= high:
        raise ValueDomainError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    if is_int(size):
        size = (size,)
    if not isinstance(size, tuple | list):
        raise ArgumentError(
            f"randint(): size must be a tuple of integers, got {size!r}",
            hint="e.g. randint(0, 10, (2, 3))",
        )
    shape = size_argument(tuple(size), "randint")
    t = Tensor._make(STATE.rng.integers(int(low), int(high), shape, dtype=np.int64))
    if requires_grad:
        t.requires_grad = True  # refused with PyTorch's message: integers have no gradient
    return t


def ones_like(input, *, dtype=None, requires_grad: bool = False) -> Tensor:
    x = as_tensor(input)
    return _leaf(np.ones(x.shape, as_dtype(dtype) if dtype is not None else x.dtype), requires_grad)


def zeros_like(input, *, dtype=None, requires_grad: bool = False) -> Tensor:
    x = as_tensor(input)
    return _leaf(
        np.zeros(x.shape, as_dtype(dtype) if dtype is not None else x.dtype), requires_grad
    )


def full_like(input, fill_value, *, dtype=None, requires_grad: bool = False) -> Tensor:
    x = as_tensor(input)
    if not is_number(fill_value):
        raise ArgumentError(f"full_like(): fill_value must be a number, got {fill_value!r}")
    dt = as_dtype(dtype) if dtype is not None else x.dtype
    return _leaf(np.full(x.shape, fill_value, dt), requires_grad)


__all__ = [
    "arange",
    "as_array",
    "eye",
    "full",
    "full_like",
    "linspace",
    "ones",
    "ones_like",
    "rand",
    "randn",
    "tensor",
    "zeros",
    "zeros_like",
]
