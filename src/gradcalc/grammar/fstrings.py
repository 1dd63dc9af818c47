"""Split an f-string token into its text and its ``{expression!conversion:spec}`` fields.

The lexer hands the whole f-string over as one ``FSTRING`` token; this module finds its
fields the way Python 3.11 does (``{{``/``}}`` escapes, brackets and quoted strings inside a
field, ``!=``/``==``/``<=``/``>=`` that do not end one, ``{x=}``) and has each field's
expression parsed by gradcalc's own grammar, in place in the source text, so that every
span, and every error inside a field, points at the right line and column. Nothing here
evaluates anything: ``gradcalc.interpreter.fstrings`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from gradcalc.errors import GradcalcSyntaxError, Span
from gradcalc.grammar import ast
from gradcalc.grammar.build import decode_escapes

ParseField = Callable[[int, int, int, int, str, int], tuple]
"""``(start, end, line, column, terminator, max_depth) -> (expression, depth)``."""

_PREFIX = re.compile(r"[A-Za-z]*")
_CLOSING = {"(": ")", "[": "]", "{": "}"}
_SPACE = " \t\f\v\r\n"
_EXAMPLE = 'f"loss {loss.item():.4f}"'


def build_fstring(
    token, source: str, max_depth: int, parse_field: ParseField
) -> tuple[ast.FString, int]:
    """The ``ast.FString`` of an ``FSTRING`` token of ``source``, and how deep it nests."""
    return _Splitter(token, source, max_depth, parse_field).split()


class _Splitter:
    def __init__(self, token, source: str, max_depth: int, parse_field: ParseField):
        self.token = token
        self.source = source
        self.max_depth = max_depth
        self.parse_field = parse_field
        value = token[1]
        prefix = _PREFIX.match(value).group()
        self.raw = "r" in prefix.lower()
        quote = value[len(prefix)]
        self.quote = quote * 3 if value.startswith(quote * 3, len(prefix)) else quote
        self.start = token[2] + len(prefix) + len(self.quote)  # the first character inside
        self.end = token[7] - len(self.quote)  # the closing quote
        if len(self.quote) == 3 and (
            not value.endswith(self.quote) or len(value) < len(prefix) + 6
        ):
            raise self._unterminated()

    def _unterminated(self) -> GradcalcSyntaxError:
        """The error for a triple-quoted f-string that the text ends inside (the lexer
        makes it a token all the same): more lines may close it, in the REPL."""
        token = self.token
        line_end = token[1].find("\n")
        end = token[7] if line_end < 0 else token[2] + line_end
        error = GradcalcSyntaxError(
            "unterminated triple-quoted f-string",
            hint=f"end it with {self.quote}",
            span=self.span(token[2], end),
        )
        error.needs_more_input = True
        return error

    # ---- positions -----------------------------------------------------------------------

    def position(self, pos: int) -> tuple[int, int]:
        """(line, column) of the offset ``pos`` in the source, which lies in the token."""
        token = self.token
        offset = pos - token[2]
        newline = token[1].rfind("\n", 0, offset)
        if newline < 0:
            return token[3], token[4] + offset
        return token[3] + token[1].count("\n", 0, offset), offset - newline

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column, start, end)

    def error(self, message: str, start: int, end: int | None = None, hint: str | None = None):
        end = min(start + 1, self.token[7]) if end is None else end
        return GradcalcSyntaxError(message, hint=hint, span=self.span(start, end))

    # ---- the text between fields ---------------------------------------------------------

    def split(self) -> tuple[ast.FString, int]:
        source, end = self.source, self.end
        parts: list = []
        text: list[str] = []  # undecoded pieces of the current run of text
        depth = 0
        chunk = pos = self.start
        while pos < end:
            char = source[pos]
            if char == "\\" and not self.raw:
                if source.startswith("N{", pos + 1):
                    raise self.error(
                        "\\N{...} escapes are not supported in gradcalc strings",
                        pos,
                        pos + 2,
                        "write the character itself",
                    )
                # An escaped character is text, but an escaped brace is a brace (as in Python).
                pos += 1 if source[pos + 1 : pos + 2] in ("{", "}", "") else 2
                continue
            if char not in "{}":
                pos += 1
                continue
            if source[pos + 1 : pos + 2] == char and pos + 1 < end:  # {{ or }}
                text.append(source[chunk : pos + 1])
                pos += 2
                chunk = pos
                continue
            if char == "}":
                raise self.error(
                    "f-string: single '}' is not allowed",
                    pos,
                    hint="write '}}' for a literal '}'",
                )
            text.append(source[chunk:pos])
            self._add_text(parts, text)
            field, field_depth, pos = self._field(pos)
            parts.append(field)
            depth = max(depth, field_depth)
            chunk = pos
        text.append(source[chunk:end])
        self._add_text(parts, text)
        token = self.token
        span = Span(token[3], token[4], token[5], token[6], token[2], token[7])
        return ast.FString(span, tuple(parts)), depth

    def _add_text(self, parts: list, text: list[str]) -> None:
        joined = "".join(text)
        text.clear()
        if joined:
            parts.append(joined if self.raw else decode_escapes(joined))

    # ---- one field -----------------------------------------------------------------------

    def _field(self, opening: int) -> tuple[ast.FormattedValue, int, int]:
        """The field whose ``{`` is at ``opening``, its depth and the position after its ``}``."""
        source = self.source
        expr_end = self._expression_end(opening)
        terminator = source[expr_end]
        if not source[opening + 1 : expr_end].strip(_SPACE):
            raise self.error(
                "f-string: empty expression not allowed",
                opening,
                expr_end + 1,
                f"put an expression between the braces, as in {_EXAMPLE}; write '{{{{' for "
                "a literal '{'",
            )
        expression, depth = self.parse_field(
            opening + 1, expr_end, *self.position(opening + 1), terminator, self.max_depth
        )
        pos = expr_end
        debug_text = None
        if terminator == "=":
            pos += 1
            while pos < self.end and source[pos] in _SPACE:
                pos += 1
            debug_text = source[opening + 1 : pos]
        conversion = None
        if source[pos : pos + 1] == "!" and pos < self.end:
            conversion = source[pos + 1 : pos + 2] if pos + 1 < self.end else ""
            if conversion not in ("r", "s", "a"):
                raise self.error(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                    pos,
                    pos + 1 + (conversion not in ("", "}", ":")),
                    '!r shows repr(), !s str() and !a ascii(), as in f"{x!r}"',
                )
            pos += 2
        spec = spec_span = None
        if source[pos : pos + 1] == ":" and pos < self.end:
            spec_start = pos = pos + 1
            while pos < self.end and source[pos] not in "{}":
                escaped = source[pos] == "\\" and source[pos + 1 : pos + 2] not in ("{", "}")
                pos += 2 if escaped and not self.raw else 1
            pos = min(pos, self.end)
            if pos < self.end and source[pos] == "{":
                raise self.error(
                    "nested replacement fields in a format spec are not supported in gradcalc",
                    pos,
                    hint='write the spec out, as in f"{x:>10.4f}"',
                )
            spec_text = source[spec_start:pos]
            spec = spec_text if self.raw else decode_escapes(spec_text)
            spec_span = self.span(spec_start, pos)
        if pos >= self.end or source[pos] != "}":
            raise self._expecting_brace(opening, pos)
        field = ast.FormattedValue(
            self.span(opening, pos + 1), expression, conversion, spec, debug_text, spec_span
        )
        return field, depth + 1, pos + 1

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
        source, end = self.source, self.end
        brackets: list[int] = []
        pos = opening + 1
        while pos < end:
            char = source[pos]
            if char == "\\":
                raise self.error(
                    "f-string expression part cannot include a backslash",
                    pos,
                    hint="compute the value outside the f-string and name it",
                )
            if char in "'\"":
                pos = self._string_end(pos, opening)
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
                if _CLOSING[source[opened]] != char:
                    raise self.error(
                        f"f-string: closing parenthesis '{char}' does not match opening "
                        f"parenthesis '{source[opened]}'",
                        pos,
                        hint=f"the '{source[opened]}' at column "
                        f"{self.position(opened)[1]} is still open",
                    )
            elif not brackets and char in "!:=<>":
                if source[pos + 1 : pos + 2] == "=" and pos + 1 < end and char != ":":
                    pos += 2  # != == <= >= are operators
                    continue
                if char not in "<>":
                    return pos
            pos += 1
        if brackets:
            opened = brackets[-1]
            raise self.error(
                f"f-string: '{source[opened]}' was never closed",
                opened,
                hint=f"close it with '{_CLOSING[source[opened]]}' before the field's '}}'",
            )
        raise self._expecting_brace(opening, end)

    def _string_end(self, pos: int, opening: int) -> int:
        """The position after the string literal that starts at ``pos`` inside a field."""
        source, end = self.source, self.end
        quote = source[pos]
        if source.startswith(quote * 3, pos):
            quote *= 3
        closing = source.find(quote, pos + len(quote), end)
        backslash = source.find("\\", pos, end if closing < 0 else closing)
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
