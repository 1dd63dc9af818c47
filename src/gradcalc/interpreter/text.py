"""How values show as text: ``repr`` for echoes, ``str`` for ``print``, f-string fields.

Python's own ``repr``/``str``/``format`` are used on the values a program can hold (they
are Python numbers, strings, containers, tensors and the interpreter's own small types),
with bounds: a format spec cannot ask for a width beyond ``MAX_FORMAT_WIDTH``, an f-string
cannot grow beyond ``MAX_TEXT``.
"""

from __future__ import annotations

import re

from gradcalc.errors import ArgumentError, LimitError

MAX_FORMAT_WIDTH = 10_000
MAX_TEXT = 10_000_000

# [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[A-Za-z%]?", re.DOTALL)

PERCENT_HINT = (
    "printf-style '%' formatting is not supported: use an f-string, as in "
    'f"loss {loss.item():.4f}" (or print(a, b) with several values)'
)


def check_spec(spec: str) -> None:
    match = _SPEC.fullmatch(spec)
    if match is None:
        return  # Python's own format() says what is wrong with it
    for number in match.groups():
        if number and int(number) > MAX_FORMAT_WIDTH:
            raise LimitError(
                f"format width or precision {int(number):,} is over the limit of "
                f"{MAX_FORMAT_WIDTH:,}",
                hint="use a smaller width or precision",
            )


def format_value(value, spec: str) -> str:
    """``format(value, spec)`` with the spec bounded and PyTorch's error for tensors."""
    if spec:
        check_spec(spec)
    try:
        return format(value, spec)
    except (TypeError, ValueError) as error:
        raise ArgumentError(str(error), kind=type(error).__name__) from None


def joined(pieces: list) -> str:
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_TEXT:
            raise LimitError(
                f"text longer than {MAX_TEXT:,} characters",
                hint="print the values themselves, or fewer of them",
            )
    return "".join(pieces)


def show(value) -> str:
    """What an expression statement echoes (a notebook cell's output): ``repr``."""
    return repr(value)


def type_name(value) -> str:
    from gradcalc.autograd.tensor import Tensor

    if type(value) is Tensor:
        return "Tensor"
    return getattr(value, "language_type_name", None) or type(value).__name__
