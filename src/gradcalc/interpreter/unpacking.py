"""``a, b = value`` and ``a, *rest = value``: Python's unpacking and its messages."""

from __future__ import annotations

from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ValueDomainError

ZERO_D_HINT = "it holds one value; for values and indices give a dim, e.g. x.max(dim=0)"


def iterate(value):
    """``iter(value)`` as a ``for`` loop, a comprehension or unpacking starts it."""
    if type(value) is Tensor and value.array.ndim == 0:
        raise ArgumentError("iteration over a 0-d tensor")
    return iter(value)


def unpack_values(value, n: int, star: int | None, span) -> list:
    if type(value) is Tensor and value.array.ndim == 0:
        raise ArgumentError("iteration over a 0-d tensor", hint=ZERO_D_HINT, span=span)
    try:
        items = list(value)
    except TypeError:
        from gradcalc.interpreter.text import type_name

        raise ArgumentError(
            f"cannot unpack non-iterable {type_name(value)} object",
            hint=f"the right side is one {type_name(value)}: give as many values as names",
            span=span,
        ) from None
    if star is None:
        if len(items) < n:
            raise ValueDomainError(
                f"not enough values to unpack (expected {n}, got {len(items)})",
                hint=f"the right side has {len(items)} value{'s' if len(items) != 1 else ''}",
                span=span,
            )
        if len(items) > n:
            raise ValueDomainError(
                f"too many values to unpack (expected {n})",
                hint=f"the right side has {len(items)} values",
                span=span,
            )
        return items
    after = n - star - 1
    if len(items) < n - 1:
        raise ValueDomainError(
            f"not enough values to unpack (expected at least {n - 1}, got {len(items)})",
            span=span,
        )
    return items[:star] + [items[star : len(items) - after]] + items[len(items) - after :]
