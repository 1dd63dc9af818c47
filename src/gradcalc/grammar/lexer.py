"""Split source text into tokens, using the terminals that ``gradcalc.lark`` defines.

Lark's own basic lexer spends about as long per token as the whole parse step; this one builds
a single regular expression from the same terminal definitions, tried in the same order Lark
uses (priority, then longest possible match, then longest pattern, then name), and resolves
keywords the way Lark does (``import`` matches NAME first, then is looked up). The grammar file
stays the one place the tokens are defined. One ``finditer`` walks the text (a last catch-all
alternative marks a character no terminal matches), whitespace is matched as an optional prefix
of the token after it, and the tokens come back as a list rather than one generator step each.
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


class NestedTooDeep(Exception):
    """``token`` opens a bracket deeper than the parse allows."""

    def __init__(self, token: Token):
        super().__init__(token.type)
        self.token = token


_NO_MATCH = "_NO_MATCH"  # the group that catches any character no terminal matches


class Lexer:
    """The tokens of a program, with newlines inside brackets dropped and nesting bounded.

    ``openers``/``closers`` are the bracket terminals and ``newline`` the terminal that ends a
    statement, which inside brackets is dropped so that a matrix can span lines.
    """

    def __init__(
        self,
        terminals,
        ignore: list[str],
        *,
        openers=frozenset(),
        closers=frozenset(),
        newline: str | None = None,
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
        # Most tokens need none of the checks below: one test sends them down a short path.
        ordinary = {
            terminal.name
            for terminal in ordered
            if terminal.name not in self.ignore
            and terminal.name not in self.spans_lines
            and terminal.name not in self.openers
            and terminal.name not in self.closers
            and terminal.name != newline
        }
        self.plain = frozenset(ordinary - set(self.keywords))
        self.word_keywords = {name: self.keywords[name] for name in ordinary & set(self.keywords)}

    def tokenize(self, source: str, max_depth: int) -> tuple[list[Token], Exception | None]:
        """The tokens the parser sees, and the error (or None) that stopped lexing early.

        The error is ``UnexpectedCharacter`` where no terminal matches, or ``NestedTooDeep``
        at a bracket that would nest more than ``max_depth`` deep. It is returned rather than
        raised so that the parser reports whatever is wrong earlier in the text first.
        """
        tokens: list[Token] = []
        append = tokens.append
        make = tuple.__new__
        plain, ignore, keywords = self.plain, self.ignore, self.keywords
        spans_lines, openers, closers = self.spans_lines, self.openers, self.closers
        newline, word_keywords, skip = self.newline, self.word_keywords, self.skip
        line, line_start, depth = 1, 0, 0
        for match in self.pattern.finditer(source):
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
            line = end_line
            if kind in openers:
                if depth >= max_depth:
                    return tokens, NestedTooDeep(token)
                depth += 1
            elif kind in closers and depth:
                depth -= 1
            append(token)
        return tokens, None


def _may_match_newline(regexp: str) -> bool:
    """Whether a terminal's regexp might match text with a newline (erring towards yes, as
    Lark's own lexer does)."""
    return any(marker in regexp for marker in ("\n", "\\n", "\\s", "[^")) or (
        "(?s" in regexp and "." in regexp
    )
