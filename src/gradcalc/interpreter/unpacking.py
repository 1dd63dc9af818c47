"""``a, b = value`` and ``a, *rest = value``: Python's unpacking and its messages."""

from __future__ import annotations

from gradcalc.errors import ArgumentError, ValueDomainError


def unpack_values(value, n: int, star: int | None, span) -> list:
    try:
        items = list(value)
    except TypeError:
        from gradcalc.interpreter.text import type_name

        raise ArgumentError(
            f"cannot unpack non-iterable {type_name(value)} object", span=span
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
