"""``parse(..., recover=True)``: a program split into its top-level statements, each parsed
on its own, so that one that does not parse leaves the others intact.

The split follows Python's tokenizer closely enough to find statement boundaries without
parsing: a line at column 0 starts a statement unless it continues a compound one
(``elif``/``else``/``except``/``finally``) or follows a decorator; indented lines belong to
the statement above; brackets, strings (triple-quoted ones across lines) and backslash
continuations hold a statement together; ``;`` separates simple statements on one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import gradcalc.grammar.ast as ast
from gradcalc.errors import GradcalcSyntaxError

ParsePart = Callable[..., list]
"""``(text, origin, max_depth, bom=False) -> statements``, raising ``GradcalcSyntaxError``."""

_CLAUSES = frozenset({"elif", "else", "except", "finally"})
_COMPOUND = frozenset(
    {"if", "for", "while", "def", "class", "with", "try", "async", "match"} | _CLAUSES
)
_INTERESTING = re.compile(r"[#'\"\\\n;()\[\]{}]")
_BLANKS = re.compile(r"[ \t\f]*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Where a string may end or be escaped: (quote, triple-quoted) -> the characters to stop at.
_STOPS = {
    (quote, triple): re.compile("[\\\\" + quote + ("]" if triple else "\n]"))
    for quote in "'\""
    for triple in (False, True)
}


def parse_units(text: str, bom: bool, max_depth: int, parse_part: ParsePart) -> list:
    """The statements of ``text``, with an ``ast.Invalid`` for each part that fails."""
    body: list = []
    lines = _Lines(text)
    for start, end in split_units(text, bom):
        body.extend(_parse_unit(lines, start, end, bom and start == 0, max_depth, parse_part))
    return body


class _Lines:
    """Line numbers of offsets asked for in increasing order, counted once."""

    def __init__(self, text: str):
        self.text = text
        self.line = 1
        self.offset = 0

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        self.line += text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _parse_unit(lines: _Lines, start, end, bom, max_depth, parse_part, resplit=True) -> list:
    text = lines.text
    line, column = lines.position(start)
    try:
        return parse_part(text[start:end], (line - 1, column - 1, start), max_depth, bom=bom)
    except GradcalcSyntaxError as error:
        if resplit:
            # A bracket left open holds everything after it together: split again at every
            # line that starts a statement, brackets aside, so one bad line stays one.
            parts = split_units(text[start:end], bom, brackets=False)
            if len(parts) > 1:
                return [
                    statement
                    for part_start, part_end in parts
                    for statement in _parse_unit(
                        lines, start + part_start, start + part_end, bom and not part_start,
                        max_depth, parse_part, resplit=False,
                    )
                ]  # fmt: skip
        return [ast.Invalid(error, _trimmed_loc(text, start, end, line, column))]


def _trimmed_loc(text: str, start: int, end: int, line: int, column: int) -> tuple:
    """The position of ``text[start:end]`` without the blanks and ``;`` it ends with."""
    stripped = text[start:end].rstrip(" \t\f\r\n")
    if stripped.endswith(";"):
        stripped = stripped[:-1].rstrip(" \t\f")
    end = start + max(len(stripped), 1)
    end_line = line + text.count("\n", start, end)
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return (line, column, end_line, end_column, start, end)


def split_units(text: str, bom: bool = False, brackets: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each top-level statement of ``text``, in order, covering it all but
    blank lines before the first. ``brackets=False``: a line end inside brackets ends a
    line all the same."""
    units: list[tuple[int, int]] = []
    size = len(text)
    unit_start: int | None = None
    depth = 0  # brackets open
    splittable = False  # ';' ends a statement on this line: a simple statement at column 0
    after_decorator = False
    pos = 0
    at_line_start = True
    while pos < size:
        if at_line_start:
            at_line_start = False
            first = _BLANKS.match(text, pos).end()
            if first >= size or text[first] in "#\r\n":  # a blank or comment line
                newline = text.find("\n", first)
                if newline < 0:
                    break
                pos = newline + 1
                at_line_start = True
                continue
            indented = first > pos + (bom and pos == 0)
            word_match = _WORD.match(text, first)
            word = word_match.group() if word_match else ""
            if not indented and word not in _CLAUSES and not after_decorator:
                if unit_start is not None:
                    units.append((unit_start, pos))
                unit_start = pos
            elif unit_start is None:
                unit_start = pos
            if not indented:
                after_decorator = text[first] == "@"
            splittable = not indented and word not in _COMPOUND and text[first] != "@"
            pos = first
        match = _INTERESTING.search(text, pos)
        if match is None:
            break
        pos = match.start()
        char = text[pos]
        if char == "#":
            newline = text.find("\n", pos)
            pos = size if newline < 0 else newline
            continue
        if char in "'\"":
            pos = _string_end(text, pos)
            continue
        if char == "\\":  # a continued line is no line start; an escaped character is text
            pos += 3 if text.startswith("\r\n", pos + 1) else 2
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        elif char == ";" and not depth and splittable:
            units.append((unit_start, pos + 1))
            rest = _BLANKS.match(text, pos + 1).end()
            unit_start = rest if rest < size and text[rest] not in "#\r\n" else None
        elif char == "\n" and (not depth or not brackets):
            at_line_start = True
        pos += 1
    if unit_start is not None and unit_start < size:
        units.append((unit_start, size))
    return units


def _string_end(text: str, pos: int) -> int:
    """Where the string starting at the quote ``text[pos]`` ends: after its closing quote, at
    the end of its line if a one-line string is not closed, at the end of the text if a
    triple-quoted one is not."""
    quote = text[pos]
    triple = text.startswith(quote * 3, pos)
    stops = _STOPS[quote, triple]
    index = pos + (3 if triple else 1)
    while True:
        match = stops.search(text, index)
        if match is None:
            return len(text)
        index = match.start()
        char = text[index]
        if char == "\\":
            index += 3 if text.startswith("\r\n", index + 1) else 2
        elif char == "\n":
            return index
        elif not triple:
            return index + 1
        elif text.startswith(quote * 3, index):
            return index + 3
        else:
            index += 1
