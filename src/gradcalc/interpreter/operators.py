"""The language's operators: Python's own, with bounds on what they can build.

``2 ** 10**9``, ``1 << 10**9`` and ``[0] * 10**12`` are refused before Python computes them;
``"%.4f" % x`` is Python's printf-style formatting, bounded (``strformat.py``).
"""

from __future__ import annotations

import operator

BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "@": operator.matmul,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
    "<<": operator.lshift,
    ">>": operator.rshift,
}
INPLACE = {
    "+": operator.iadd,
    "-": operator.isub,
    "*": operator.imul,
    "/": operator.itruediv,
    "//": operator.ifloordiv,
    "%": operator.imod,
    "**": operator.ipow,
    "@": operator.imatmul,
    "&": operator.iand,
    "|": operator.ior,
    "^": operator.ixor,
    "<<": operator.ilshift,
    ">>": operator.irshift,
}
COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "is": operator.is_,
    "is not": operator.is_not,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "not": operator.not_}


MAX_INT_BITS = 1_000_000  # a Python int result larger than this is refused
MAX_SEQUENCE = 50_000_000  # elements of a repeated list, tuple or string


def bounded(symbol: str):
    """The function for binary operator ``symbol``."""
    op = BINARY[symbol]
    if symbol == "%":
        return modulo
    if symbol == "**":
        return _power
    if symbol == "<<":
        return _shift
    if symbol == "*":
        return _times
    return op


def _int_too_large(bits) -> None:
    if bits > MAX_INT_BITS:
        from gradcalc.errors import LimitError

        raise LimitError(
            f"integer result of about {int(bits):,} bits is over gradcalc's limit of "
            f"{MAX_INT_BITS:,}",
            kind="OverflowError",
            hint="use floats (2.0 ** 100) or tensors for large values",
        )


def _power(a, b):
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        _int_too_large(b * abs(a).bit_length())
    return a**b


def _shift(a, b):
    if type(a) is int and type(b) is int and b > 0:
        _int_too_large(b + a.bit_length())
    return a << b


def _times(a, b):
    if type(a) is int:
        if type(b) is int:
            _int_too_large(a.bit_length() + b.bit_length())
        elif isinstance(b, str | list | tuple):
            _sequence_limit(a, b)
    elif type(b) is int and isinstance(a, str | list | tuple):
        _sequence_limit(b, a)
    return a * b


def _sequence_limit(n: int, seq) -> None:
    if n > 0 and len(seq) * n > MAX_SEQUENCE:
        from gradcalc.errors import LimitError

        raise LimitError(
            f"a sequence of {len(seq) * n:,} elements is over the limit of {MAX_SEQUENCE:,}",
            kind="MemoryError",
        )


def modulo(a, b):
    if type(a) is str:
        from gradcalc.interpreter.strformat import percent_format

        return percent_format(a, b)
    if isinstance(a, int) and isinstance(b, int) and b == 0:
        # Python 3.11's wording on every Python (3.10 says "integer division or modulo")
        raise ZeroDivisionError("integer modulo by zero")
    return a % b
