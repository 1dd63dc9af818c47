"""Evaluate f-strings: ``f"step {t} loss {loss.item():.4f}"`` as Python and PyTorch print it.

A field's value is shown the way ``format(value, spec)`` shows it in Python with PyTorch: a
number or a string through Python's format mini-language; a 0-d tensor through its number,
as ``Tensor.__format__`` does (``f"{loss}"`` is ``0.25``, ``f"{loss:.3f}"`` is ``0.250``);
any other tensor, with no spec, as ``str(tensor)``. ``!r``/``!s``/``!a`` turn the value
into its repr/str/ascii text first. A spec on anything else is an error, as in Python.
Nothing is evaluated but the field's gradcalc expression, and widths, precisions and the
length of the result are bounded so that one string cannot take the memory.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from gradcalc.errors import ArgumentError, LimitError, ValueDomainError
from gradcalc.grammar import ast
from gradcalc.interpreter import core

MAX_FORMAT_WIDTH = 10_000
"""Largest width or precision a format spec may ask for."""

MAX_FSTRING_CHARS = 10_000_000
"""Longest text one f-string may make."""

# [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type] (Python 3.11).
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[A-Za-z%]?", re.DOTALL)

EXAMPLE = 'f"loss {loss.item():.4f}"'
PERCENT_HINT = (
    f"printf-style '%' formatting is not supported: use an f-string, as in {EXAMPLE} "
    "(or print(a, b) with several values)"
)
FORMAT_METHOD_HINT = (
    f"str.format() is not supported: use an f-string, as in {EXAMPLE} "
    "(or print(a, b) with several values)"
)


def evaluate_fstring(rt, node: ast.FString) -> str:
    """The text of ``node``; ``rt`` is the evaluator (its ``evaluate``, ``repr_value``,
    ``str_value`` and ``type_name``)."""
    pieces: list[str] = []
    length = 0
    for part in node.parts:
        if type(part) is str:
            text = part
        else:
            text = format_field(rt, rt.evaluate(part.value), part)
        length += len(text)
        if length > MAX_FSTRING_CHARS:
            raise LimitError(
                f"f-string longer than {MAX_FSTRING_CHARS:,} characters",
                hint="print the values themselves, or fewer of them",
                span=node.span,
            )
        pieces.append(text)
    return "".join(pieces)


def format_field(rt, value: Any, field: ast.FormattedValue) -> str:
    """The text of one ``{...}`` field whose expression gave ``value``."""
    conversion, spec = field.conversion, field.format_spec
    if conversion is None and spec is None and field.debug_text is not None:
        conversion = "r"  # f"{x=}" shows repr(x), unless a spec is given
    if conversion == "r":
        value = rt.repr_value(value)
    elif conversion == "s":
        value = rt.str_value(value)
    elif conversion == "a":
        value = ascii(value) if isinstance(value, str) else _ascii(rt.repr_value(value))
    text = _format(rt, value, spec or "", field)
    return text if field.debug_text is None else field.debug_text + text


def _format(rt, value: Any, spec: str, field: ast.FormattedValue) -> str:
    if core.is_tensor(value):
        data = core.data(value)
        if data.ndim == 0:
            # Tensor.__format__: a 0-d tensor formats as its number (.item()).
            value = data.item()
        elif spec:
            raise _unsupported(rt, value, field, tensor=True)
        else:
            return rt.str_value(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float | str):  # bool is an int, as in Python
        if spec:
            _check_spec(spec, field)
        try:
            return format(value, spec)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueDomainError(
                f"invalid format spec {spec!r} for {rt.type_name(value)}: {exc}",
                hint="Python's format mini-language, as in :.4f, :>8, :+.2e, :,d or :.1%",
                span=field.spec_span or field.span,
            ) from None
    if spec:
        raise _unsupported(rt, value, field)
    return rt.str_value(value)


def _check_spec(spec: str, field: ast.FormattedValue) -> None:
    match = _SPEC.fullmatch(spec)
    if match is None:
        return  # format() itself says what is wrong with it
    for number in match.groups():
        # Compared as text first: a width of thousands of digits is not worth converting.
        if number and (len(number) > 6 or int(number) > MAX_FORMAT_WIDTH):
            raise LimitError(
                f"format width or precision {number[:12]}{'...' if len(number) > 12 else ''} "
                f"is larger than {MAX_FORMAT_WIDTH:,}",
                span=field.spec_span or field.span,
            )


def _unsupported(rt, value: Any, field: ast.FormattedValue, tensor: bool = False):
    type_name = rt.type_name(value)
    if tensor:
        hint = (
            "a format spec applies to a single number, as for PyTorch: format a 0-d "
            "tensor or a number, e.g. {x.item():.4f}, {x.sum():.4f} or {x[0]:.4f}; "
            "{x} with no spec shows the whole tensor"
        )
    else:
        hint = "a format spec applies to numbers, strings and 0-d tensors; drop it ({x})"
    return ArgumentError(
        f"unsupported format string passed to {type_name}.__format__",
        hint=hint,
        span=field.spec_span or field.span,
    )


def _ascii(text: str) -> str:
    return text.encode("ascii", "backslashreplace").decode("ascii")


def string_operand_hint(op: str, left: Any, right: Any) -> str | None:
    """The hint for an operator applied to a string (``"%.4f" % x``, ``"a" + "b"``), or None
    when neither operand is one."""
    if op == "%" and isinstance(left, str):
        return PERCENT_HINT
    if isinstance(left, str) or isinstance(right, str):
        return (
            f"strings take no operators in gradcalc; build text with an f-string, as in {EXAMPLE}"
        )
    return None


def string_attribute_hint(name: str) -> str:
    """The hint for an attribute of a string (``"{:.4f}".format(x)``)."""
    if name == "format":
        return FORMAT_METHOD_HINT
    return f"strings have no methods in gradcalc; build text with an f-string, as in {EXAMPLE}"
