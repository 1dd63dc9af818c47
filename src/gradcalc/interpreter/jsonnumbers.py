"""A ``.json`` data file -> float64 array, parsed as a stream of tokens into a flat buffer.

``json.loads`` builds a Python object for every number and every list before anything can be
checked: 64 MiB of ``[[1],[1],...]`` is 16 million lists and about 2.5 GB. Here the text is
scanned once, numbers go straight into an 8-byte-per-value buffer, the shape is checked as the
lists close (every list at one depth the same length, numbers and lists never mixed), and the
element limit is checked as values arrive. Only numbers and lists of numbers are data; the
first string, object, ``true``, ``false`` or ``null`` is an error with its line and column.

Grammar: RFC 8259 (numbers, arrays, whitespace), plus ``NaN`` and ``Infinity`` as Python's
``json`` module reads them.
"""

from __future__ import annotations

import json
import re
from array import array

import numpy as np

from gradcalc.errors import DataFileError, LimitError
from gradcalc.files import short_quote

MAX_DIMENSIONS = 64
_MAX_INTEGER_DIGITS = 300  # an integer beyond float64's range (1.8e308) is an error, not inf

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"
_TOKEN = re.compile(
    rf"""[ \t\n\r]*(?:
        (?P<number>{_NUMBER})
      | (?P<open>\[) | (?P<close>\]) | (?P<comma>,)
      | (?P<special>NaN|-?Infinity)
      | (?P<string>"(?:[^"\\\x00-\x1f]|\\.)*")
      | (?P<word>true|false|null)
      | (?P<object>\{{)
    )""",
    re.VERBOSE,
)
# Up to 4,096 plain numbers in a row inside a list, read with one regex match and split: a row
# of numbers costs one trip through the Python loop, not two per number. Bounded, so a match
# never has to remember a whole file's worth of repetitions.
_RUN = re.compile(rf"[ \t\n\r]*{_NUMBER}(?:[ \t\n\r]*,[ \t\n\r]*{_NUMBER}){{0,4095}}")
_FLAT = re.compile(rf"[ \t\n\r]*(?P<open>\[)(?P<run>{_RUN.pattern})?[ \t\n\r]*\]")
_ROW = rf"[ \t\n\r]*\[(?:{_RUN.pattern})[ \t\n\r]*\]"
# Up to 1,024 such rows in a row, as a 2-D JSON array is written: one trip through the loop.
_ROWS = re.compile(rf"{_ROW}(?:[ \t\n\r]*,{_ROW}){{0,1023}}")
_ROW_BODY = re.compile(r"\[([^\]]*)\]")
_SPECIAL = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def parse_json_numbers(text: str, shown: str, max_elements: int) -> np.ndarray:
    """The number or regular nested list of numbers in ``text`` as a float64 array."""
    return _JsonNumbers(text, shown, max_elements).parse()


class _JsonNumbers:
    def __init__(self, text: str, shown: str, max_elements: int):
        self.text = text
        self.shown = shown
        self.max_elements = max_elements
        self.values = array("d")
        self.kind_at: list[str] = []  # per depth: "list" or "number", set by the first element
        self.length_at: dict[int, int] = {}  # per depth: the length of every list there
        self.open_counts: list[int] = []  # items so far in each list still open

    def parse(self) -> np.ndarray:
        text = self.text
        end = len(text.rstrip(" \t\n\r"))
        position = 0
        expecting = "a value"
        while position < end:
            if expecting.startswith("a value"):
                rows = _ROWS.match(text, position) if self.open_counts else None
                if rows is not None and self._rows(rows.group(), rows.start()):
                    position = rows.end()
                    expecting = "',' or ']'"
                    continue
                flat = _FLAT.match(text, position)
                if flat is not None:  # a whole innermost list, such as one row
                    self._open(flat.start("open"))
                    if flat.group("run") is not None:
                        self._run(flat.group("run"), flat.start("run"))
                    self._close(flat.end() - 1)
                    position = flat.end()
                    expecting = self._after_value()
                    continue
                run = _RUN.match(text, position) if self.open_counts else None
                if run is not None:  # the start of a row too long for one match
                    self._run(run.group(), run.start())
                    position = run.end()
                    expecting = "',' or ']'"
                    continue
            match = _TOKEN.match(text, position)
            if match is None:
                where = position + len(text[position:end]) - len(text[position:end].lstrip())
                raise self._invalid(f"{expecting} was expected", where)
            kind = match.lastgroup
            start = match.start(kind)
            position = match.end()
            if expecting == "the end of the file":
                raise self._invalid("unexpected text after the value", start)
            if kind == "comma":
                if expecting != "',' or ']'":
                    raise self._invalid(f"{expecting} was expected", start)
                expecting = "a value"
            elif kind == "close":
                if expecting == "a value" or not self.open_counts:
                    raise self._invalid(f"{expecting} was expected", start)
                self._close(start)
                expecting = self._after_value()
            elif expecting == "',' or ']'":
                raise self._invalid("',' or ']' was expected", start)
            elif kind == "open":
                self._open(start)
                expecting = "a value or ']'"
            elif kind in ("number", "special"):
                self._element("number", start)
                self._number(match.group(kind), start)
                expecting = self._after_value()
            else:
                raise self._error(
                    f"{self._describe(kind, match.group(kind))} is not a number", start
                )
        if self.open_counts or not self.kind_at:
            raise self._invalid(f"{expecting} was expected", end)
        shape = tuple(self.length_at[depth] for depth in range(self._list_depths()))
        return np.frombuffer(self.values, dtype=np.float64).reshape(shape)

    def _after_value(self) -> str:
        return "',' or ']'" if self.open_counts else "the end of the file"

    def _list_depths(self) -> int:
        depths = 0
        while depths < len(self.kind_at) and self.kind_at[depths] == "list":
            depths += 1
        return depths

    def _element(self, kind: str, offset: int) -> None:
        depth = len(self.open_counts)
        if self.open_counts:
            self.open_counts[-1] += 1
        if depth == len(self.kind_at):
            self.kind_at.append(kind)
        elif self.kind_at[depth] != kind:
            raise self._error(
                f"numbers and lists mixed at depth {depth}",
                offset,
                hint="every row must have the same length",
            )

    def _close(self, offset: int) -> None:
        length = self.open_counts.pop()
        depth = len(self.open_counts)
        expected = self.length_at.setdefault(depth, length)
        if expected != length:
            lengths = sorted({expected, length})
            raise self._error(
                f"ragged nested lists (lengths {lengths} at depth {depth})",
                offset,
                hint="every row must have the same length",
            )

    def _rows(self, chunk: str, offset: int) -> bool:
        """Consecutive rows of numbers (``_ROWS``) of one width, read as one; False (nothing
        read) for anything irregular, which the row-by-row path then reports precisely."""
        rows = _ROW_BODY.findall(chunk)
        width = rows[0].count(",") + 1
        if any(r.count(",") + 1 != width or not r.strip() for r in rows):
            return False
        parts = ",".join(rows).split(",")
        if max(map(len, parts)) > _MAX_INTEGER_DIGITS:
            return False
        if len(self.values) + len(parts) > self.max_elements:
            raise self._too_many()
        first_open = chunk.index("[") + offset
        # The same checks as opening, filling and closing each row in turn.
        self._open(first_open)
        self._element("number", first_open + 1)
        self.open_counts[-1] = width
        self._close(chunk.index("]") + offset)
        self.open_counts[-1] += len(rows) - 1
        self.values.extend(map(float, parts))
        return True

    def _open(self, offset: int) -> None:
        self._element("list", offset)
        if len(self.open_counts) >= MAX_DIMENSIONS:
            raise self._error(
                f"more than {MAX_DIMENSIONS} nested levels of JSON lists",
                offset,
                hint=f"a tensor has at most {MAX_DIMENSIONS} dimensions",
            )
        self.open_counts.append(0)

    def _run(self, run: str, offset: int) -> None:
        """Numbers separated by commas (``_RUN``), the first of them at ``offset`` or after
        whitespace there."""
        parts = run.split(",")
        start = offset + len(parts[0]) - len(parts[0].lstrip())
        self._element("number", start)
        self.open_counts[-1] += len(parts) - 1
        if len(self.values) + len(parts) > self.max_elements:
            raise self._too_many()
        if max(map(len, parts)) > _MAX_INTEGER_DIGITS:
            for part in parts:
                self._check_digits(part.strip(), start)
        self.values.extend(map(float, parts))

    def _check_digits(self, token: str, offset: int) -> None:
        if len(token) > _MAX_INTEGER_DIGITS and token.lstrip("-").isdigit():
            raise self._error("an integer is too large", offset)

    def _too_many(self) -> LimitError:
        return LimitError(
            f"cannot load '{self.shown}': it holds more than {self.max_elements:,} values, "
            "the element limit",
            hint="raise the limit with --max-elements",
        )

    def _number(self, token: str, offset: int) -> None:
        if token in _SPECIAL:
            value = _SPECIAL[token]
        else:
            self._check_digits(token, offset)
            value = float(token)
        if len(self.values) >= self.max_elements:
            raise self._too_many()
        self.values.append(value)

    @staticmethod
    def _describe(kind: str, token: str) -> str:
        if kind == "object":
            return "an object"
        if kind == "string":
            try:
                return short_quote(json.loads(token))
            except ValueError:
                return "a string"
        return token

    def _position(self, offset: int) -> str:
        line_start = self.text.rfind("\n", 0, offset) + 1
        line = self.text.count("\n", 0, line_start) + 1
        return f"line {line}, column {offset - line_start + 1}"

    def _error(self, problem: str, offset: int, hint: str | None = None) -> DataFileError:
        return DataFileError(
            f"cannot load '{self.shown}': {problem} ({self._position(offset)})", hint=hint
        )

    def _invalid(self, problem: str, offset: int) -> DataFileError:
        return self._error(f"invalid JSON: {problem}", offset)
