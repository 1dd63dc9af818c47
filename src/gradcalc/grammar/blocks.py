"""Lines, blocks and brackets between the lexer and the parser, as Python's tokenizer has them.

``Blocks`` is the grammar's postlex, a subclass of lark's ``Indenter``. It drops line ends
inside brackets, turns indentation into ``_INDENT``/``_DEDENT`` tokens with Python's rules (a
tab moves to the next multiple of 8, a form feed resets the column, tabs and spaces must
agree at every level: TabError otherwise, at most 100 levels) and bounds bracket nesting.

The lexer makes one line end token of a line end, the blank and comment lines after it and
the next code line's indentation, which is read from it at once, so the block tokens are
passed on before the next line's first token. The line end goes to the parser before an
indentation error is raised, so that a syntax error on the line before is reported first.
The text's last line gets a line end even without one, and the blocks still open are closed
at its end.

The state of a parse lives in a ``ParseContext`` pushed by ``parser.py`` rather than on the
postlex, because parsing an f-string's field starts a parse inside another.
"""

from __future__ import annotations

from lark import Token
from lark.indenter import Indenter

from gradcalc.errors import GradcalcSyntaxError, Span

MAX_INDENT_LEVELS = 100
"""Most blocks open at once (Python's tokenizer has the same limit)."""

NEWLINE, INDENT, DEDENT = "_NEWLINE", "_INDENT", "_DEDENT"
OPENERS = frozenset({"LPAR", "LSQB", "LBRACE"})
CLOSERS = frozenset({"RPAR", "RSQB", "RBRACE"})
TAB_SIZE = 8


class ParseContext:
    """One parse of ``text``: its limits, where it sits in the whole source, what it left.

    ``origin`` is None for a whole program, else ``(lines, columns, offset)`` to add to the
    positions of ``text`` (columns only on its first line): every token is moved by it as it
    is read, so that the tree and the errors of a part parsed alone (an f-string's field, a
    statement under ``recover=True``) point into the whole source.
    """

    __slots__ = ("text", "max_depth", "origin", "bom", "closer", "blocks_open", "brackets_open")

    def __init__(
        self,
        text: str,
        max_depth: int,
        origin: tuple[int, int, int] | None = None,
        bom: bool = False,
        closer: str | None = None,
    ):
        self.text = text
        self.max_depth = max_depth
        self.origin = origin
        self.bom = bom  # the text started with a byte order mark, now a space
        self.closer = closer  # what the ')' ending an f-string field's text stands for
        self.blocks_open = 0  # indented blocks still open at the end of the text
        self.brackets_open = 0  # brackets still open at the end of the text


class Blocks(Indenter):
    """The postlex: see the module's docstring."""

    NL_type = NEWLINE
    OPEN_PAREN_types = sorted(OPENERS)
    CLOSE_PAREN_types = sorted(CLOSERS)
    INDENT_type = INDENT
    DEDENT_type = DEDENT
    tab_len = TAB_SIZE

    def __init__(self) -> None:
        super().__init__()
        self.contexts: list[ParseContext] = []

    def process(self, stream):
        context = self.contexts[-1]
        if context.origin is not None:
            stream = move(stream, *context.origin)
        return _lines_and_blocks(stream, context)


def move(stream, lines: int, columns: int, offset: int):
    """The tokens of ``stream`` moved by an origin (see ``ParseContext``), in place."""
    for token in stream:
        if token.line == 1:
            token.column += columns
        if token.end_line == 1:
            token.end_column += columns
        token.line += lines
        token.end_line += lines
        token.start_pos += offset
        token.end_pos += offset
        yield token


def _lines_and_blocks(stream, context: ParseContext):
    max_depth = context.max_depth
    levels = [0]  # the indentation of each open block, tabs to the next multiple of 8...
    alternate = [0]  # ...and with tabs as one column: the two must agree, as in Python
    depth = 0  # brackets open
    last = None  # the last token passed on
    text_start = context.origin[2] if context.origin else 0
    text_end = text_start + len(context.text)
    first = True
    for token in stream:
        kind = token.type
        if first:
            first = False
            if kind != NEWLINE and token.start_pos - text_start > context.bom:
                # Code indented on the text's first line: as Python, "unexpected indent".
                yield _token_at(INDENT, token.start_pos, token.line, token.column)
        if kind == NEWLINE:
            if depth:
                continue  # line ends inside brackets are free
            if last is not None and last.type != NEWLINE:
                last = token
                yield token
            # The token holds the blank and comment lines after the line end, and the next
            # code line's indentation; at the end of the text there is no next line.
            value = token.value
            indentation = value[value.rfind("\n") + 1 :]
            if token.end_pos < text_end and "#" not in indentation:
                yield from _indentation_changes(token, indentation, levels, alternate)
            continue
        if kind in OPENERS:
            if depth >= max_depth:
                raise too_deep(_token_loc(token), max_depth)
            depth += 1
        elif kind in CLOSERS and depth:
            depth -= 1  # a closer that matches nothing is the parser's to report
        last = token
        yield token
    context.brackets_open = depth
    context.blocks_open = len(levels) - 1
    if depth or last is None:
        return  # an open bracket: the parser reports it at the end of the text
    if last.type != NEWLINE:  # the last line's end, made up (with no text)
        yield Token.new_borrow_pos(NEWLINE, "", last)
    for _ in levels[1:]:
        yield Token.new_borrow_pos(DEDENT, "", last)


def _token_at(kind: str, offset: int, line: int, column: int):
    return Token(kind, "", offset, line, column, line, column, offset)


def _indentation_changes(newline, text: str, levels: list[int], alternate: list[int]):
    """The indent or dedent tokens for the line whose indentation is ``text``, which the
    line end token ``newline`` ends with."""
    where = (newline.end_pos, newline.end_line, newline.end_column)
    if "\t" in text or "\f" in text:
        column = alt_column = 0
        for char in text:
            if char == "\t":
                column = (column // TAB_SIZE + 1) * TAB_SIZE
                alt_column += 1
            elif char == "\f":  # a form feed resets the column, as in Python
                column = alt_column = 0
            else:
                column += 1
                alt_column += 1
    else:
        column = alt_column = len(text)
    if column == levels[-1]:
        if alt_column != alternate[-1]:
            raise _tab_error(where)
    elif column > levels[-1]:
        if alt_column <= alternate[-1]:
            raise _tab_error(where)
        if len(levels) > MAX_INDENT_LEVELS:
            raise _indentation_error(
                where,
                f"too many levels of indentation (more than {MAX_INDENT_LEVELS})",
                "move the innermost blocks into a function",
            )
        levels.append(column)
        alternate.append(alt_column)
        yield _token_at(INDENT, *where)
    else:
        while column < levels[-1]:
            levels.pop()
            alternate.pop()
            yield _token_at(DEDENT, *where)
        if column != levels[-1]:
            raise _indentation_error(
                where,
                "unindent does not match any outer indentation level",
                "line the statement up with the block it belongs to, or with the line that "
                "opened that block to end it",
            )
        if alt_column != alternate[-1]:
            raise _tab_error(where)


def _token_loc(token) -> tuple:
    return (
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.start_pos,
        token.end_pos,
    )


def too_deep(loc: tuple, max_depth: int) -> GradcalcSyntaxError:
    """The error for a tree or bracket nesting deeper than ``max_depth``, at ``loc``."""
    return GradcalcSyntaxError(
        f"expression nested too deeply (more than {max_depth} levels)",
        span=Span(*loc),
        hint="split it into smaller expressions assigned to names",
    )


def _indentation_error(where: tuple, message: str, hint: str) -> GradcalcSyntaxError:
    offset, line, column = where
    span = Span(line, column, line, column + 1, offset, offset + 1)
    return GradcalcSyntaxError(message, span=span, hint=hint)


def _tab_error(where: tuple) -> GradcalcSyntaxError:
    return _indentation_error(
        where,
        "inconsistent use of tabs and spaces in indentation",
        "indent with spaces only (4 per level), or with tabs only",
    )
