"""Argument checks shared by the op families: dims, operands, broadcast shapes."""

from __future__ import annotations

import numbers

import numpy as np

from gradcalc.autograd.settings import check_elements
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ShapeError


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, np.ndarray)


def normalize_dim(dim, ndim: int, *, extra: int = 0) -> int:
    """A dim in ``[-ndim, ndim)`` (``extra=1`` for unsqueeze's one-past-the-end) -> ``>= 0``."""
    if not is_int(dim):
        raise ArgumentError(f"dim must be an integer, got {dim!r}")
    span = max(ndim + extra, 1)
    if not -span <= dim < span:
        raise ArgumentError(
            f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], "
            f"but got {dim})"
        )
    return int(dim) % span


def normalize_dims(dim, ndim: int) -> tuple | None:
    """``None`` (every dim), an int or a tuple/list of ints -> sorted tuple of dims >= 0."""
    if dim is None:
        return None
    if isinstance(dim, tuple | list):
        dims = [normalize_dim(d, ndim) for d in dim]
        for d in dims:
            if dims.count(d) > 1:
                raise ArgumentError(f"dim {d} appears multiple times in the list of dims")
        return tuple(sorted(d for d in dims if d < max(ndim, 1))) if ndim else ()
    d = normalize_dim(dim, ndim)
    return (d,) if ndim else ()


def as_tensor(value, what: str = "input") -> Tensor:
    """A Tensor operand; numbers, lists and arrays become constants of the default dtype."""
    if type(value) is Tensor:
        return value
    if isinstance(value, str) or value is None:
        raise ArgumentError(f"{what} must be a tensor or a number, not {type(value).__name__}")
    from gradcalc.autograd.ops.constructors import tensor

    return tensor(value)


def operand(value, what: str = "other"):
    """A binary op's operand: Tensors stay, Python numbers stay numbers (no promotion)."""
    if type(value) is Tensor or type(value) is float:
        return value
    if type(value) is int or isinstance(value, bool | np.bool_):
        return float(value)
    if isinstance(value, numbers.Real):
        return float(value) if not isinstance(value, float) else value
    return as_tensor(value, what)


def shape_of(value) -> tuple:
    return value.data.shape if type(value) is Tensor else ()


def broadcast_pair(a: tuple, b: tuple) -> tuple | None:
    """The broadcast shape of ``a`` and ``b``, or None when they do not broadcast.

    In Python: ``np.broadcast_shapes`` stops at 32 dims, arrays go up to 64.
    """
    if len(a) < len(b):
        a, b = b, a
    lead = len(a) - len(b)
    shape = list(a)
    for i, m in enumerate(b):
        n = a[lead + i]
        if n == 1:
            shape[lead + i] = m
        elif m != 1 and m != n:
            return None
    return tuple(shape)


def broadcast_shapes(a: tuple, b: tuple, verb: str) -> tuple:
    """The broadcast result shape, or ShapeError ``cannot add tensors of shapes ...``."""
    if a == b:
        return a
    if not a:
        return b
    if not b:
        return a
    shape = broadcast_pair(a, b)
    if shape is None:
        raise ShapeError(
            f"cannot {verb} tensors of shapes {a} and {b}",
            hint="shapes must match or broadcast: trailing dimensions equal or 1",
        )
    if len(shape) > max(len(a), len(b)) or shape not in (a, b):
        check_elements(shape, "result")
    return shape


def size_argument(size: tuple, fname: str) -> tuple:
    """``ones(2, 3)`` and ``ones((2, 3))`` -> ``(2, 3)``, checked."""
    if len(size) == 1 and isinstance(size[0], tuple | list):
        size = tuple(size[0])
    for n in size:
        if not is_int(n):
            raise ArgumentError(
                f"{fname}(): size must be integers, got {type(n).__name__} {n!r}",
                hint=f"e.g. {fname}(2, 3)",
            )
    size = tuple(int(n) for n in size)
    if any(n < 0 for n in size):
        first = next(n for n in size if n < 0)
        raise ShapeError(f"Trying to create tensor with negative dimension {first}: {list(size)}")
    check_elements(size, "tensor")
    return size


def run_rule(rule, *inputs, **params):
    """A rule applied inside a VJP: its numpy ``forward`` on arrays, the recorded rule when an
    input is a Tensor (``create_graph=True``), so a VJP built on another rule runs in both."""
    if any(type(x) is Tensor for x in inputs):
        return rule(*inputs, **params)
    return np.asarray(rule.forward(*inputs, **params))
