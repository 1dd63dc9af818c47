"""Split source text into tokens, using the terminals that ``gradcalc.lark`` defines.

Lark's own basic lexer spends about as long per token as the whole parse step; this one builds
a single regular expression from the same terminal definitions, tried in the same order Lark
uses (priority, then longest possible match, then longest pattern, then name), and resolves
keywords the way Lark does (``import`` matches NAME first, then is looked up). The grammar file
stays the one place the tokens are defined. One ``finditer`` walks the text (a last catch-all
alternative marks a character no terminal matches), whitespace is matched as an optional prefix
of the token after it, and the tokens come back as a list rather than one generator step each.

Blocks (``with torch.no_grad():``) are found here too, as Python's tokenizer finds them, but
only where one is opened: a ``:`` outside brackets at the end of a line opens an indented block
(an indent token replaces the newline), a ``:`` followed by more on its line opens a one-line
block that the end of the line closes. While a block is open, each newline looks ahead at the
indentation of the next line holding code, and dedent tokens close the blocks it leaves; a
line indented deeper than the lines of its block is an "unexpected indent", as in Python. With
no block open, indentation means nothing and newlines cost no look-ahead.

An f-string's fields are lexed here too, one at a time (``start``/``end``), when the parser
builds the f-string: ``FSTRING`` is one token until then.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    """A token with 1-based line/column (end column exclusive) and 0-based offsets."""

    type: str
    value: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int


class UnexpectedCharacter(Exception):
    """No terminal matches the text at ``pos``."""

    def __init__(self, source: str, pos: int, line: int, column: int):
        super().__init__(f"unexpected character at line {line}, column {column}")
        self.char = source[pos]
        self.pos = pos
        self.line = line
        self.column = column


class IndentationProblem(Exception):
    """The indentation at ``pos`` does not fit the blocks open there."""

    def __init__(
        self,
        message: str,
        hint: str,
        pos: int,
        line: int,
        column: int,
        *,
        needs_more_input: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.pos = pos
        self.line = line
        self.column = column
        self.needs_more_input = needs_more_input


class NestedTooDeep(Exception):
    """``token`` opens a bracket deeper than the parse allows."""

    def __init__(self, token: Token):
        super().__init__(token.type)
        self.token = token


_NO_MATCH = "_NO_MATCH"  # the group that catches any character no terminal matches

MAX_BLOCK_DEPTH = 100
"""Most blocks open at once (Python's own limit on indentation levels)."""

# From the start of a line: the blank and comment-only lines, then the indentation of the next
# line that holds code (group 1), or a last comment with no newline after it.
_NEXT_CODE_LINE = re.compile(r"(?:[ \t\f\r]*(?:#[^\r\n]*)?\r?\n)*([ \t\f]*)(?:#[^\r\n]*)?")
# From just after a ':': only blanks and a comment before the end of the line.
_REST_IS_BLANK = re.compile(r"[ \t\f\r]*(?:#[^\r\n]*)?(?:\r?\n|$)")


class Lexer:
    """The tokens of a program, with newlines inside brackets dropped and nesting bounded.

    ``openers``/``closers`` are the bracket terminals and ``newline`` the terminal that ends a
    statement, which inside brackets is dropped so that a matrix can span lines. ``blocks``
    names the terminal that opens a block (``:``) and the indent and dedent tokens to make;
    without it indentation is never looked at.
    """

    def __init__(
        self,
        terminals,
        ignore: list[str],
        *,
        openers=frozenset(),
        closers=frozenset(),
        newline: str | None = None,
        blocks: tuple[str, str, str] | None = None,
        fold_skipped: bool = True,
    ):
        def order(terminal):
            pattern = terminal.pattern
            return (-terminal.priority, -pattern.max_width, -len(pattern.value), terminal.name)

        ordered = sorted(terminals, key=order)
        regex_terminals = [t for t in ordered if t.pattern.type == "re"]
        self.keywords: dict[str, dict[str, str]] = {}  # regex terminal -> text -> keyword
        groups = []
        regexps = {}
        spans_lines = set()
        for terminal in ordered:
            text = terminal.pattern.value
            if terminal.pattern.type == "str":
                owner = next(
                    (r for r in regex_terminals if re.fullmatch(r.pattern.to_regexp(), text)),
                    None,
                )
                if owner is not None:
                    self.keywords.setdefault(owner.name, {})[text] = terminal.name
                    continue
            regexp = regexps[terminal.name] = terminal.pattern.to_regexp()
            groups.append(f"(?P<{terminal.name}>{regexp})")
            if _may_match_newline(regexp):
                spans_lines.add(terminal.name)
        # The last alternative takes any character the terminals do not, so that one
        # ``finditer`` walks the whole text and an unknown character still shows up, in place.
        groups.append(f"(?P<{_NO_MATCH}>[\\s\\S])")
        self.ignore = frozenset(ignore)
        self.spans_lines = frozenset(spans_lines)
        # Ignored terminals that stay on one line (whitespace) need no bookkeeping at all.
        self.skip = self.ignore - self.spans_lines
        alternatives = "|".join(groups)
        if fold_skipped and self.skip:
            # Matching them as an optional prefix of the next token, rather than on their own,
            # saves a match and a loop turn per run of spaces; the token starts where its
            # group does. Where no token follows (at the end), the terminal matches alone.
            skipped = "|".join(regexps[name] for name in sorted(self.skip))
            alternatives = f"(?:{skipped})?(?:{alternatives})"
        self.pattern = re.compile(alternatives)
        self.openers = frozenset(openers)
        self.closers = frozenset(closers)
        self.newline = newline
        self.colon, self.indent, self.dedent = blocks or (None, None, None)
        self.blocks_open_at_end = 0  # indented blocks the end of the last text closed
        # Most tokens need none of the checks below: one test sends them down a short path.
        ordinary = {
            terminal.name
            for terminal in ordered
            if terminal.name not in self.ignore
            and terminal.name not in self.spans_lines
            and terminal.name not in self.openers
            and terminal.name not in self.closers
            and terminal.name != newline
            and terminal.name != self.colon
        }
        self.plain = frozenset(ordinary - set(self.keywords))
        self.word_keywords = {name: self.keywords[name] for name in ordinary & set(self.keywords)}

    def tokenize(
        self,
        source: str,
        max_depth: int,
        *,
        start: int = 0,
        end: int | None = None,
        line: int = 1,
        column: int = 1,
        depth: int = 0,
    ) -> tuple[list[Token], Exception | None]:
        """The tokens the parser sees, and the error (or None) that stopped lexing early.

        The error is ``UnexpectedCharacter`` where no terminal matches, or ``NestedTooDeep``
        at a bracket that would nest more than ``max_depth`` deep. It is returned rather than
        raised so that the parser reports whatever is wrong earlier in the text first.

        ``start``/``end`` lex a part of ``source`` only (the ``{...}`` of an f-string), which
        begins at ``line`` and ``column``; ``depth`` brackets are taken as open already, so
        that newlines in it are dropped as inside brackets.
        """
        tokens: list[Token] = []
        append = tokens.append
        make = tuple.__new__
        plain, ignore, keywords = self.plain, self.ignore, self.keywords
        spans_lines, openers, closers = self.spans_lines, self.openers, self.closers
        newline, word_keywords, skip = self.newline, self.word_keywords, self.skip
        line_start = start - column + 1
        colon = self.colon
        blocks = _Blocks(self, source)
        levels = blocks.levels  # the indentation of each indented block open
        one_line = False  # a one-line block is open until the end of the line
        self.blocks_open_at_end = 0
        matches = self.pattern.finditer(source, start, len(source) if end is None else end)
        for match in matches:
            kind = match.lastgroup
            pos, stop = match.span(kind)
            if kind in plain:
                append(
                    make(
                        Token,
                        (
                            kind,
                            match.group(kind),
                            pos,
                            line,
                            pos - line_start + 1,
                            line,
                            stop - line_start + 1,
                            stop,
                        ),
                    )
                )
                continue
            if kind in skip:
                continue
            words = word_keywords.get(kind)
            if words is not None:
                value = match.group(kind)
                append(
                    make(
                        Token,
                        (
                            words.get(value, kind),
                            value,
                            pos,
                            line,
                            pos - line_start + 1,
                            line,
                            stop - line_start + 1,
                            stop,
                        ),
                    )
                )
                continue
            if kind == _NO_MATCH or stop == pos:
                return tokens, UnexpectedCharacter(source, pos, line, pos - line_start + 1)
            value = match.group(kind)
            column = pos - line_start + 1
            if kind in spans_lines and "\n" in value:
                end_line = line + value.count("\n")
                line_start = source.rfind("\n", pos, stop) + 1
            else:
                end_line = line
            if kind in ignore or (kind == newline and depth):
                line = end_line
                continue
            if kind in keywords:
                kind = keywords[kind].get(value, kind)
            token = make(
                Token,
                (kind, value, pos, line, column, end_line, stop - line_start + 1, stop),
            )
            if kind == newline and (levels or one_line or (tokens and tokens[-1][0] == colon)):
                problem = blocks.at_newline(token, tokens, one_line)
                one_line = False
                line = end_line
                if problem is not None:
                    return tokens, problem
                continue
            line = end_line
            if kind in openers:
                if depth >= max_depth:
                    return tokens, NestedTooDeep(token)
                depth += 1
            elif kind in closers and depth:
                depth -= 1
            elif kind == colon and not depth:
                append(token)
                if _REST_IS_BLANK.match(source, stop) is None:
                    # ``with torch.no_grad(): w -= lr * w.grad``: the rest of the line is the
                    # block, closed at the end of the line.
                    if one_line:
                        return tokens, blocks.nested_one_line(token)
                    one_line = True
                    append(make(Token, (self.indent, "", stop, line, column + 1, line,
                                        column + 1, stop)))  # fmt: skip
                continue
            append(token)
        self.blocks_open_at_end = len(levels)
        if one_line or levels:
            end = len(source)
            column = end - line_start + 1
            closing = make(Token, (self.dedent, "", end, line, column, line, column, end))
            tokens.extend([closing] * (len(levels) + one_line))
        return tokens, None


class _Blocks:
    """The indented blocks open in one text, and what each newline does to them."""

    def __init__(self, lexer: Lexer, source: str):
        self.lexer = lexer
        self.source = source
        self.levels: list[str] = []
        self.outer = ""  # the indentation of the line that opened the outermost block
        self.scanned_to = -1  # the look-ahead below holds for newlines before this position
        self.next_indent = ""
        self.next_at_end = False

    def at_newline(self, newline, tokens: list, one_line: bool) -> IndentationProblem | None:
        """Append what the newline ``newline`` (outside brackets) becomes: dedent tokens for
        the blocks it closes, then the newline itself, or an indent token where it ends a
        line opening a block. Returns the problem instead when the indentation is wrong."""
        lexer, levels = self.lexer, self.levels
        make = tuple.__new__
        pos, line, column = newline[2], newline[3], newline[4]
        dedent = make(Token, (lexer.dedent, "", pos, line, column, line, column + 1, pos + 1))
        if one_line:
            tokens.append(dedent)
        opens = not one_line and bool(tokens) and tokens[-1][0] == lexer.colon
        indent, at_end, code_pos = self._next_code_line(newline[7])
        if opens:
            header = self._statement_start(tokens)
            base = levels[-1] if levels else self._indentation_of(header)
            if at_end:
                last_line = self.source[self.source.rfind("\n") + 1 :]
                return self._expected_block(header, len(self.source), at_end=True,
                                            needs_more_input=bool(last_line.strip()))  # fmt: skip
            if indent.startswith(base) and len(indent) > len(base):
                if len(levels) >= MAX_BLOCK_DEPTH:
                    return self._problem(
                        f"too many nested blocks (more than {MAX_BLOCK_DEPTH})",
                        "nest fewer with blocks",
                        code_pos,
                    )
                if not levels:
                    self.outer = base
                levels.append(indent)
                tokens.append(make(Token, (lexer.indent, "", pos, line, column, line, column,
                                           pos)))  # fmt: skip
                return None
            if base.startswith(indent):
                return self._expected_block(header, code_pos)
            return self._mixed(code_pos)
        if at_end:
            lexer.blocks_open_at_end = len(levels)
            tokens.extend([dedent] * len(levels))
            levels.clear()
        elif levels:
            top = levels[-1]
            if indent != top and indent.startswith(top):  # deeper than the block's lines
                return self._problem(
                    "unexpected indent",
                    "the statements of a block line up with its first line; indent more only "
                    "after a line ending in ':' (a nested with block)",
                    code_pos,
                )
            if not indent.startswith(top):  # not the block's level, nor deeper inside it
                if not top.startswith(indent):
                    return self._mixed(code_pos)
                while levels and len(levels[-1]) > len(indent):
                    levels.pop()
                    tokens.append(dedent)
                now = levels[-1] if levels else self.outer
                if indent != now and (levels or not now.startswith(indent)):
                    return self._problem(
                        "unindent does not match any outer indentation level",
                        "line the statement up with the block it belongs to, or with its "
                        "'with' line to end the block",
                        code_pos,
                    )
        tokens.append(newline)
        return None

    def _next_code_line(self, start: int) -> tuple[str, bool, int]:
        """(indentation, at the end of the text, position) of the first line from ``start``
        that holds code; remembered, so a run of blank lines is scanned once."""
        if start > self.scanned_to:
            match = _NEXT_CODE_LINE.match(self.source, start)
            end = match.end()
            rest = self.source[end : end + 1]
            self.next_at_end = rest == "" or (
                rest in "\r\ufeff" and not self.source[end:].strip(" \t\f\r\ufeff")
            )
            self.scanned_to = match.end(1)
            self.next_indent = match.group(1)
        return self.next_indent, self.next_at_end, self.scanned_to

    def _statement_start(self, tokens: list):
        """The first token of the logical line that ends with ``tokens[-1]``."""
        index = len(tokens) - 1
        boundaries = (self.lexer.newline, self.lexer.indent, self.lexer.dedent)
        while index > 0 and tokens[index - 1][0] not in boundaries:
            index -= 1
        return tokens[index]

    def _indentation_of(self, token) -> str:
        start = token[2] - token[4] + 1
        return self.source[start : token[2]]

    def _position(self, pos: int) -> tuple[int, int]:
        line_start = self.source.rfind("\n", 0, pos) + 1
        return self.source.count("\n", 0, pos) + 1, pos - line_start + 1

    def _problem(self, message: str, hint: str, pos: int, **flags) -> IndentationProblem:
        line, column = self._position(pos)
        return IndentationProblem(message, hint, pos, line, column, **flags)

    def _expected_block(self, header, pos: int, **flags) -> IndentationProblem:
        flags.pop("at_end", None)
        return self._problem(
            f"expected an indented block after the '{header[1]}' on line {header[3]}",
            "indent the statements of the block (4 spaces, say), or write a short block on "
            "one line: with torch.no_grad(): w -= lr * w.grad",
            pos,
            **flags,
        )

    def _mixed(self, pos: int) -> IndentationProblem:
        return self._problem(
            "inconsistent use of tabs and spaces in indentation",
            "indent with spaces only, or with tabs only",
            pos,
        )

    def nested_one_line(self, colon) -> IndentationProblem:
        return self._problem(
            "a block written on one line cannot hold another block",
            "put the inner with on a line of its own, indented under the outer one",
            colon[2],
        )


def _may_match_newline(regexp: str) -> bool:
    """Whether a terminal's regexp might match text with a newline (erring towards yes, as
    Lark's own lexer does)."""
    return any(marker in regexp for marker in ("\n", "\\n", "\\s", "[^")) or (
        "(?s" in regexp and "." in regexp
    )
