"""Split source text into tokens, using the terminals that ``gradcalc.lark`` defines.

Lark's own basic lexer spends about as long per token as the whole parse step; this one builds
a single regular expression from the same terminal definitions, tried in the same order Lark
uses (priority, then longest possible match, then longest pattern, then name), and resolves
keywords the way Lark does (``import`` matches NAME first, then is looked up). The grammar file
stays the one place the tokens are defined.
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


class Lexer:
    def __init__(self, terminals, ignore: list[str]):
        def order(terminal):
            pattern = terminal.pattern
            return (-terminal.priority, -pattern.max_width, -len(pattern.value), terminal.name)

        ordered = sorted(terminals, key=order)
        regex_terminals = [t for t in ordered if t.pattern.type == "re"]
        self.keywords: dict[str, dict[str, str]] = {}  # regex terminal -> text -> keyword
        groups = []
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
            groups.append(f"(?P<{terminal.name}>{terminal.pattern.to_regexp()})")
        self.pattern = re.compile("|".join(groups))
        self.ignore = frozenset(ignore)

    def lex(self, source: str):
        """Yield tokens; raise ``UnexpectedCharacter`` where no terminal matches."""
        match_at = self.pattern.match
        keywords = self.keywords
        ignore = self.ignore
        line, line_start, pos, end = 1, 0, 0, len(source)
        while pos < end:
            match = match_at(source, pos)
            if match is None:
                raise UnexpectedCharacter(source, pos, line, pos - line_start + 1)
            kind = match.lastgroup
            value = match.group()
            stop = match.end()
            if stop == pos:  # pragma: no cover - no terminal of the grammar matches ""
                raise UnexpectedCharacter(source, pos, line, pos - line_start + 1)
            newlines = value.count("\n")
            if kind not in ignore:
                if kind in keywords:
                    kind = keywords[kind].get(value, kind)
                if newlines:
                    end_line = line + newlines
                    end_column = stop - (source.rfind("\n", pos, stop) + 1) + 1
                else:
                    end_line, end_column = line, stop - line_start + 1
                yield Token(
                    kind, value, pos, line, pos - line_start + 1, end_line, end_column, stop
                )
            if newlines:
                line += newlines
                line_start = source.rfind("\n", pos, stop) + 1
            pos = stop
