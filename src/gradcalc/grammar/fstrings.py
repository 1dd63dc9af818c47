"""Split an f-string token into text and ``{expression!conversion:format_spec}`` fields.

The lexer hands an f-string over as one ``STRING`` token, as Python 3.11's tokenizer does;
this module finds its fields by Python 3.11's rules (``{{``/``}}`` escapes, brackets and
quoted strings inside a field, ``!=``/``==``/``<=``/``>=`` that do not end one, ``{x=}``,
replacement fields inside a format spec one level deep) and has each field's expression
parsed by gradcalc's own grammar, through ``parse_field``, in place in the source, so that
every span and every error inside a field points at the right line and column.
Reference: https://docs.python.org/3.11/reference/lexical_analysis.html#f-strings
"""

from __future__ import annotations

from collections.abc import Callable

import gradcalc.grammar.ast as ast
from gradcalc.errors import GradcalcSyntaxError, Span
from gradcalc.grammar.literals import decode_escapes, split_prefix

ParseField = Callable[[str, tuple, str], ast.expr]
"""``(expression text, (line, column, offset) of the '{' before it, the character that ends
it: '}', '!', ':' or '=') -> expression``."""

_CLOSING = {"(": ")", "[": "]", "{": "}"}
_SPACE = " \t\f\n\r"
_EXAMPLE = 'f"loss {loss.item():.4f}"'
_MAX_SPEC_NESTING = 1  # f"{x:{width}}" is allowed, f"{x:{y:{z}}}" is not, as in Python 3.11


def fstring_parts(text: str, loc: tuple, parse_field: ParseField) -> list[ast.expr]:
    """The ``Constant`` texts and ``FormattedValue`` fields of the f-string token ``text``
    at ``loc``, in order (empty texts left out)."""
    return _Splitter(text, loc, parse_field).parts()


class _Splitter:
    def __init__(self, text: str, loc: tuple, parse_field: ParseField):
        self.text = text
        self.loc = loc
        self.parse_field = parse_field
        prefix, quote, body = split_prefix(text)
        self.raw = "r" in prefix.lower()
        self.start = len(prefix) + len(quote)  # the first character inside the quotes
        self.end = self.start + len(body)  # the closing quote

    # ---- positions -----------------------------------------------------------------------

    def position(self, index: int) -> tuple[int, int, int]:
        """(line, column, offset) in the source of the token's character ``index``."""
        line, column, offset = self.loc[0], self.loc[1], self.loc[4]
        newline = self.text.rfind("\n", 0, index)
        if newline < 0:
            return line, column + index, offset + index
        return line + self.text.count("\n", 0, index), index - newline, offset + index

    def loc_of(self, start: int, end: int) -> tuple:
        line, column, offset = self.position(start)
        end_line, end_column, end_offset = self.position(end)
        return (line, column, end_line, end_column, offset, end_offset)

    def error(self, message: str, start: int, end: int | None = None, hint: str | None = None):
        end = min(start + 1, len(self.text)) if end is None else end
        return GradcalcSyntaxError(message, hint=hint, span=Span(*self.loc_of(start, end)))

    # ---- text and fields -----------------------------------------------------------------

    def parts(self) -> list[ast.expr]:
        parts, _ = self._parts(self.start, nesting=0)
        return parts

    def _parts(self, pos: int, nesting: int) -> tuple[list, int]:
        """The parts from ``pos`` to the closing quote or, in a format spec (``nesting`` > 0),
        to the ``}`` that ends its field; and where they stop."""
        text, end = self.text, self.end
        parts: list = []
        pieces: list[str] = []  # undecoded text since ``text_start``
        text_start = chunk = pos
        while pos < end:
            char = text[pos]
            if char == "\\" and not self.raw:
                if text.startswith("N{", pos + 1):  # \N{NAME}: its braces are not a field
                    close = text.find("}", pos, end)
                    pos = end if close < 0 else close + 1
                    continue
                # An escaped character is text, but an escaped brace is a brace (as in Python).
                pos += 1 if text[pos + 1 : pos + 2] in ("{", "}", "") else 2
                continue
            if char not in "{}":
                pos += 1
                continue
            if nesting and char == "}":
                break
            if text[pos + 1 : pos + 2] == char and pos + 1 < end:  # {{ or }}
                pieces.append(text[chunk : pos + 1])
                pos += 2
                chunk = pos
                continue
            if char == "}":
                raise self.error(
                    "f-string: single '}' is not allowed", pos, hint="write '}}' for a literal '}'"
                )
            pieces.append(text[chunk:pos])
            self._add_text(parts, pieces, text_start, pos)
            if nesting > _MAX_SPEC_NESTING:
                raise self.error(
                    "f-string: expressions nested too deeply",
                    pos,
                    hint="a format spec may hold {fields}, but theirs may not: compute the "
                    "inner spec first, as in spec = f'{w}.{p}f'",
                )
            pos = self._field(pos, nesting, parts)
            text_start = chunk = pos
        pieces.append(text[chunk:pos])
        self._add_text(parts, pieces, text_start, pos)
        return parts, pos

    def _add_text(self, parts: list, pieces: list[str], start: int, end: int) -> None:
        joined = "".join(pieces)
        pieces.clear()
        if not joined:
            return
        if "\r" in joined:
            joined = joined.replace("\r\n", "\n")
        loc = self.loc_of(start, end)
        if not self.raw and "\\" in joined:
            joined = decode_escapes(joined, loc[4], self.loc)
        parts.append(ast.Constant(joined, None, loc))

    def _field(self, opening: int, nesting: int, parts: list) -> int:
        """Add the field whose ``{`` is at ``opening`` to ``parts`` (after the ``x=`` text of
        ``{x=}``); return the position after its ``}``."""
        text = self.text
        expr_end = self._expression_end(opening)
        terminator = text[expr_end]
        if not text[opening + 1 : expr_end].strip(_SPACE):
            raise self.error(
                "f-string: empty expression not allowed",
                opening,
                expr_end + 1,
                f"put an expression between the braces, as in {_EXAMPLE}; write '{{{{' for "
                "a literal '{'",
            )
        expression = self.parse_field(
            text[opening + 1 : expr_end], self.position(opening), terminator
        )
        depth = expression._depth
        pos = expr_end
        if terminator == "=":
            pos += 1
            while pos < self.end and text[pos] in _SPACE:
                pos += 1
            parts.append(ast.Constant(text[opening + 1 : pos], None, self.loc_of(opening + 1, pos)))
        conversion = None
        if text[pos : pos + 1] == "!" and pos < self.end:
            conversion = text[pos + 1 : pos + 2] if pos + 1 < self.end else ""
            if conversion not in ("r", "s", "a"):
                raise self.error(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    pos,
                    pos + 1 + (conversion not in ("", "}", ":")),
                    '!r shows repr(), !s str() and !a ascii(), as in f"{x!r}"',
                )
            pos += 2
        spec = None
        if text[pos : pos + 1] == ":" and pos < self.end:
            spec_parts, spec_end = self._parts(pos + 1, nesting + 1)
            spec_depth = max((part._depth for part in spec_parts), default=0) + 1
            spec = ast.JoinedStr(spec_parts, self.loc_of(pos + 1, spec_end), spec_depth)
            depth = max(depth, spec_depth)
            pos = spec_end
        if pos >= self.end or text[pos] != "}":
            raise self._expecting_brace(opening, pos)
        if terminator == "=" and conversion is None and spec is None:
            conversion = "r"  # {x=} shows repr(x), as in Python
        loc = self.loc_of(opening, pos + 1)
        parts.append(ast.FormattedValue(expression, conversion, spec, loc, depth + 1))
        return pos + 1

    def _expecting_brace(self, opening: int, pos: int) -> GradcalcSyntaxError:
        if pos >= self.end:
            return self.error(
                "f-string: expecting '}'",
                opening,
                hint="the '{' here is not closed; write '{{' for a literal '{'",
            )
        return self.error(
            "f-string: expecting '}'",
            pos,
            hint="after the expression may come !r, !s or !a, then ':' and a format spec, then '}'",
        )

    def _expression_end(self, opening: int) -> int:
        """Where the expression of the field opened at ``opening`` ends: at a ``}``, ``!``,
        ``:`` or ``=`` outside brackets and strings (Python's rules)."""
        text, end = self.text, self.end
        brackets: list[int] = []
        pos = opening + 1
        while pos < end:
            char = text[pos]
            if char == "\\":
                raise self.error(
                    "f-string expression part cannot include a backslash",
                    pos,
                    hint="compute the value outside the f-string and name it",
                )
            if char in "'\"":
                pos = self._string_end(pos)
                continue
            if char == "#":
                raise self.error(
                    "f-string expression part cannot include '#'",
                    pos,
                    hint="comments go after the statement, outside the string",
                )
            if char in "([{":
                brackets.append(pos)
            elif char in ")]}":
                if not brackets:
                    if char == "}":
                        return pos
                    raise self.error(
                        f"f-string: unmatched '{char}'",
                        pos,
                        hint="no bracket is open here for it to close",
                    )
                opened = brackets.pop()
                if _CLOSING[text[opened]] != char:
                    raise self.error(
                        f"f-string: closing parenthesis '{char}' does not match opening "
                        f"parenthesis '{text[opened]}'",
                        pos,
                        hint=f"the '{text[opened]}' at column {self.position(opened)[1]} is "
                        "still open",
                    )
            elif not brackets and char in "!:=<>":
                if text[pos + 1 : pos + 2] == "=" and pos + 1 < end and char != ":":
                    pos += 2  # != == <= >= are operators
                    continue
                if char not in "<>":
                    return pos
            pos += 1
        if brackets:
            opened = brackets[-1]
            raise self.error(
                f"f-string: '{text[opened]}' was never closed",
                opened,
                hint=f"close it with '{_CLOSING[text[opened]]}' before the field's '}}'",
            )
        raise self._expecting_brace(opening, end)

    def _string_end(self, pos: int) -> int:
        """The position after the string literal that starts at ``pos`` inside a field."""
        text, end = self.text, self.end
        quote = text[pos]
        if text.startswith(quote * 3, pos):
            quote *= 3
        closing = text.find(quote, pos + len(quote), end)
        backslash = text.find("\\", pos, end if closing < 0 else closing)
        if backslash >= 0:
            raise self.error(
                "f-string expression part cannot include a backslash",
                backslash,
                hint="compute the value outside the f-string and name it",
            )
        if closing < 0:
            raise self.error(
                "f-string: unterminated string",
                pos,
                hint=f"end the string with {quote} before the field's '}}'",
            )
        return closing + len(quote)
