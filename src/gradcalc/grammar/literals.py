"""Number and string literals: their values, by Python's rules, without ``eval``.

The grammar's ``NUMBER`` matches a superset of Python's numeric literals so that a wrong one
(``0123``, ``1__0``, ``0b12``) gets Python's own message here rather than a vague "unexpected
token"; imaginary numbers are refused (gradcalc has no complex tensors). ``string_value``
decodes a string token (prefix and quotes included) as Python's tokenizer does: escapes, raw
strings, backslash-newline, ``\\N{NAME}``; bytes are refused.
Reference: https://docs.python.org/3.11/reference/lexical_analysis.html#literals
"""

from __future__ import annotations

import re

from gradcalc.errors import GradcalcSyntaxError, Span

_DIGITS = r"[0-9](?:_?[0-9])*"
_DECIMAL_INT = re.compile(r"[1-9](?:_?[0-9])*|0(?:_?0)*")
_FLOAT = re.compile(
    rf"(?:{_DIGITS}\.(?:{_DIGITS})?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?|{_DIGITS}[eE][+-]?{_DIGITS}"
)
_PREFIXED = {
    "x": ("hexadecimal", re.compile(r"0[xX](?:_?[0-9a-fA-F])+"), "0123456789abcdefABCDEF"),
    "o": ("octal", re.compile(r"0[oO](?:_?[0-7])+"), "01234567"),
    "b": ("binary", re.compile(r"0[bB](?:_?[01])+"), "01"),
}
_PREFIXED_EXAMPLE = {
    "x": "0xff (digits 0-9, a-f)",
    "o": "0o17 (digits 0-7)",
    "b": "0b101 (digits 0, 1)",
}
_LEADING_ZEROS = re.compile(r"0[0-9_]*[1-9][0-9_]*")
MAX_INT_DIGITS = 4300
"""Python's own limit on the digits of an int converted from text."""


def number_value(text: str, loc: tuple) -> int | float:
    """The value of the ``NUMBER`` token ``text`` at ``loc``, or a syntax error."""
    if _DECIMAL_INT.fullmatch(text):
        digits = len(text) - text.count("_")
        if digits > MAX_INT_DIGITS:
            raise _error(f"number too long ({digits} digits)", loc, "write a float, as in 1e5000")
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return _wrong_number(text, loc)


def _wrong_number(text: str, loc: tuple):
    kind = text[1:2].lower() if text[:1] == "0" else ""
    if kind in _PREFIXED:
        name, pattern, allowed = _PREFIXED[kind]
        if pattern.fullmatch(text):
            return int(text, 0)
        wrong = next((char for char in text[2:] if char not in allowed and char != "_"), None)
        hint = f"a {name} literal is written as {_PREFIXED_EXAMPLE[kind]}"
        if wrong is not None and wrong.isdigit():
            raise _error(f"invalid digit '{wrong}' in {name} literal", loc, hint)
        raise _error(f"invalid {name} literal", loc, hint)
    if text[-1:] in ("j", "J"):
        raise _error(
            "imaginary numbers are not supported in gradcalc",
            loc,
            "gradcalc's tensors are real: write a real number",
        )
    if _LEADING_ZEROS.fullmatch(text):
        raise _error(
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix "
            "for octal integers",
            loc,
            f"write {text.lstrip('0_') or '0'}",
        )
    raise _error("invalid decimal literal", loc, "underscores go between digits, as in 1_000")


# ---- strings -------------------------------------------------------------------------------

_SIMPLE_ESCAPES = {
    "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\n": "",
}  # fmt: skip
_ESCAPE = re.compile(
    r"\\(\r\n|[0-7]{1,3}|x[\s\S]{0,2}|u[\s\S]{0,4}|U[\s\S]{0,8}|N\{[^}]*\}?|[\s\S])"
)
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}


def string_kind(token_text: str) -> str:
    """ "str", "f-string" or "bytes", from a string literal's prefix."""
    if token_text[0] in "'\"":
        return "str"
    prefix = token_text[: 2 if token_text[1] not in "'\"" else 1].lower()
    if "f" in prefix:
        return "f-string"
    return "bytes" if "b" in prefix else "str"


def split_prefix(token_text: str) -> tuple[str, str, str]:
    """(prefix, quote, body) of a string literal's text: ``rb'''ab'''`` gives ``rb``,
    ``'''`` and ``ab``."""
    start = 0
    while token_text[start] not in "'\"":
        start += 1
    quote = token_text[start]
    if token_text.startswith(quote * 3, start) and len(token_text) - start >= 6:
        quote *= 3
    return token_text[:start], quote, token_text[start + len(quote) : len(token_text) - len(quote)]


def string_value(token_text: str, loc: tuple) -> str:
    """The value of a ``STRING`` token (a plain, raw or ``u`` string) at ``loc``."""
    prefix, quote, body = split_prefix(token_text)
    if "\r" in body:  # a line end in a triple-quoted string is "\n", as in Python
        body = body.replace("\r\n", "\n")
    if "r" in prefix.lower() or "\\" not in body:
        return body
    body_start = loc[4] + len(prefix) + len(quote)
    return decode_escapes(body, body_start, loc)


def decode_escapes(text: str, offset: int, loc: tuple) -> str:
    """``text`` (part of a string's body starting at source offset ``offset``, in the token
    at ``loc``) with its backslash escapes decoded."""

    def one(match: re.Match) -> str:
        code = match.group(1)
        first = code[0]
        if first in _SIMPLE_ESCAPES and len(code) == 1:
            return _SIMPLE_ESCAPES[first]
        if code == "\r\n":
            return ""
        if first in "01234567":
            return chr(int(code, 8))
        if first in _HEX_LENGTH:
            digits = code[1:]
            if len(digits) != _HEX_LENGTH[first] or not _is_hex(digits):
                shape = first + "X" * _HEX_LENGTH[first]
                raise _escape_error(match, offset, loc, f"truncated \\{shape} escape")
            value = int(digits, 16)
            if value > 0x10FFFF:
                raise _escape_error(match, offset, loc, "illegal Unicode character")
            return chr(value)
        if first == "N":
            return _named_character(match, offset, loc)
        # An unknown escape such as "\d" keeps its backslash, as in Python (einsum specs, paths).
        return match.group(0)

    return _ESCAPE.sub(one, text)


def _is_hex(digits: str) -> bool:
    return all(char in "0123456789abcdefABCDEF" for char in digits)


def _named_character(match: re.Match, offset: int, loc: tuple) -> str:
    import unicodedata

    code = match.group(1)
    if not code.startswith("N{") or not code.endswith("}") or len(code) < 4:
        raise _escape_error(match, offset, loc, "malformed \\N character escape")
    try:
        return unicodedata.lookup(code[2:-1])
    except KeyError:
        raise _escape_error(match, offset, loc, "unknown Unicode character name") from None


def _escape_error(match: re.Match, offset: int, loc: tuple, what: str) -> GradcalcSyntaxError:
    start, end = match.span()
    return GradcalcSyntaxError(
        f"(unicode error) 'unicodeescape' codec can't decode bytes in position "
        f"{start}-{end - 1}: {what}",
        span=_inner_span(loc, offset + start - loc[4], offset + end - loc[4]),
        hint="write a backslash itself as '\\\\', or put an r before the string (r'...')",
    )


def _inner_span(loc: tuple, start: int, end: int) -> Span:
    """The span of characters ``start:end`` of the token at ``loc``, on its first line when
    the token spans several (good enough for a caret)."""
    line, column = loc[0], loc[1]
    if loc[0] != loc[2]:
        return Span(line, column, line, column + 1, loc[4], loc[4] + 1)
    return Span(line, column + start, line, column + end, loc[4] + start, loc[4] + end)


def _error(message: str, loc: tuple, hint: str | None = None) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(message, span=Span(*loc), hint=hint)


def bytes_error(loc: tuple) -> GradcalcSyntaxError:
    return _error(
        "bytes literals are not supported in gradcalc",
        loc,
        "write a str literal: drop the b before the quote",
    )
