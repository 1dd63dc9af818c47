"""``load("path")`` and ``--set NAME=@path``: read numeric data files, never code or pickles.

Formats, picked by suffix: ``.npy`` (read by ``npyfile``, never ``np.load``), ``.csv`` (comma
separated, an optional header row), ``.txt`` (whitespace or comma separated, ``#`` comments),
``.json`` (a number or a nested list of numbers). The file is opened through
``gradcalc.files`` (confined to the policy's directories, size-bounded, regular files only).
Every failure is a ``DataFileError`` (``LimitError`` for too many values) that names the file
and says what is wrong with it; a message about the content gives a line or byte position and
at most a short quoted cell, never a whole line.
"""

from __future__ import annotations

from array import array
from pathlib import PurePath

import numpy as np

from gradcalc.autograd.settings import get_max_elements
from gradcalc.errors import DataFileError, LimitError
from gradcalc.files import FilePolicy, byte_position, open_data, short_quote, show_path
from gradcalc.interpreter.jsonnumbers import parse_json_numbers
from gradcalc.interpreter.npyfile import read_npy

SUFFIXES = (".npy", ".csv", ".txt", ".json")
_BINARY_PROBE = 65536
_BLOCK = 1 << 20


def load_array(
    path_text: str, *, policy: FilePolicy | None = None, max_elements: int | None = None
) -> np.ndarray:
    """The file's numbers as a float64 array (0-d for a single number).

    ``policy`` says where files may be read and how large they may be; ``max_elements`` bounds
    the values a file may hold. Callers should pass both (the session's policy and
    ``settings.get_max_elements()``); without them the file must be under the working directory,
    at most ``files.DEFAULT_MAX_FILE_BYTES``, with the core's current element limit.
    """
    if policy is None:
        policy = FilePolicy.for_run()
    if max_elements is None:
        max_elements = get_max_elements()
    shown = show_path(path_text) if isinstance(path_text, str) else repr(path_text)
    suffix = PurePath(path_text).suffix.lower() if isinstance(path_text, str) else ""
    if suffix not in SUFFIXES:
        raise DataFileError(
            f"cannot load '{shown}': unsupported file type {short_quote(suffix or '(none)')}",
            hint="load() reads .npy, .csv, .txt and .json files",
        )
    with open_data(path_text, policy) as opened:
        if suffix == ".npy":
            return read_npy(opened, shown, max_elements)
        raw = opened.read_all()
    text = _decode_text(raw, shown)
    del raw  # the text alone is enough; a 64 MiB file need not be held twice
    if suffix == ".json":
        return parse_json_numbers(text, shown, max_elements)
    return _read_numeric_table(text, shown, comma_only=suffix == ".csv", max_elements=max_elements)


def _decode_text(raw: bytes, shown: str) -> str:
    zero = raw.find(b"\x00", 0, _BINARY_PROBE)
    if zero >= 0:
        raise DataFileError(
            f"cannot load '{shown}': it looks like a binary file, not text "
            f"(a zero byte at {byte_position(raw, zero)})",
            hint="text formats (.csv, .txt, .json) must be UTF-8 text; use .npy for binary arrays",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"cannot load '{shown}': it is not UTF-8 text "
            f"(an invalid byte at {byte_position(raw, exc.start)})",
            hint="save the file as UTF-8",
        ) from None


def _blocks(text: str):
    """(number of its first line, text) for blocks of whole lines of about 1 MiB: never a list
    of every line at once (a 64 MiB file of short lines would be millions of string objects)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    number, start, end_of_text = 1, 0, len(text)
    while start < end_of_text:
        end = text.find("\n", min(start + _BLOCK, end_of_text))
        if end < 0:
            end = end_of_text
        block = text[start:end]
        yield number, block
        number += block.count("\n") + 1
        start = end + 1


def _read_numeric_table(
    text: str, shown: str, *, comma_only: bool, max_elements: int
) -> np.ndarray:
    table = _Table(shown, comma_only, max_elements)
    for first_number, block in _blocks(text):
        if not table.read_block(block):
            for number, line in enumerate(block.split("\n"), start=first_number):
                table.read_line(number, line)
    return table.result()


class _Table:
    """Rows of numbers gathered into one flat buffer (8 bytes a value, not a Python float)."""

    def __init__(self, shown: str, comma_only: bool, max_elements: int):
        self.shown = shown
        self.comma_only = comma_only
        self.max_elements = max_elements
        self.values = array("d")
        self.width = 0
        self.first_line = 0
        self.seen_content = False

    def read_block(self, block: str) -> bool:
        """A block of plain rows of the known width, read at once; False (nothing read) for
        anything else (a header, a comment, quotes, a blank line, a bad cell), which the
        line-by-line path then reads or reports with its line number."""
        block = block.rstrip("\n")  # blank lines at the end of the file
        if not self.first_line or not block or "\n\n" in block:
            return False
        lines = block.split("\n")
        if self.comma_only:
            commas = self.width - 1
            if '"' in block or any(line.count(",") != commas for line in lines):
                return False
            cells = block.replace("\n", ",").split(",")
        else:
            if "#" in block:
                return False
            cells = block.replace(",", " ").split()
            if len(cells) != self.width * len(lines) or any(
                len(line.replace(",", " ").split()) != self.width for line in lines
            ):
                return False
        try:
            # float() strips the whitespace around a cell and refuses an empty or blank one.
            values = array("d", map(float, cells))
        except ValueError:
            return False
        self._add(values)
        return True

    def read_line(self, number: int, line: str) -> None:
        if not self.comma_only and "#" in line:
            line = line.split("#", 1)[0]
        stripped = line.strip()
        if not stripped:
            return
        cells = stripped.split(",") if self.comma_only else stripped.replace(",", " ").split()
        if not cells:
            return  # a .txt line of nothing but commas holds no values
        try:
            row = list(map(float, cells))  # float() strips whitespace itself; nan, inf, 1e-3
        except ValueError:
            if self.comma_only:  # quoted cells, as spreadsheets write them
                cells = [c.strip().strip('"').strip() for c in cells]
            row = _parse_row(cells)
        if isinstance(row, int):
            if self.comma_only and not self.seen_content:
                self.seen_content = True
                return  # a header row
            raise DataFileError(
                f"cannot load '{self.shown}': line {number}: {short_quote(cells[row])} "
                f"is not a number (value {row + 1} on the line)"
            )
        self.seen_content = True
        if self.first_line and len(row) != self.width:
            raise DataFileError(
                f"cannot load '{self.shown}': line {number} has {len(row)} values, "
                f"line {self.first_line} has {self.width}",
                hint="every row must have the same number of values",
            )
        if not self.first_line:
            self.first_line, self.width = number, len(row)
        self._add(row)

    def _add(self, row) -> None:
        if len(self.values) + len(row) > self.max_elements:
            raise _too_many(self.shown, self.max_elements)
        self.values.extend(row)

    def result(self) -> np.ndarray:
        if not self.first_line:
            raise DataFileError(f"cannot load '{self.shown}': the file holds no numbers")
        # A view of the buffer (writeable, kept alive by the array): no second copy.
        result = np.frombuffer(self.values, dtype=np.float64).reshape(-1, self.width)
        # As np.loadtxt: a single row or a single column reads as a 1-D array.
        if result.shape[0] == 1 or result.shape[1] == 1:
            result = result.reshape(-1)
            if result.size == 1:
                result = result.reshape(())
        return result


def _parse_row(cells: list[str]) -> list[float] | int:
    """The row's numbers, or the index of the first cell that is not a number."""
    row = []
    for index, cell in enumerate(cells):
        try:
            row.append(float(cell))  # accepts nan, inf, 1e-3
        except ValueError:
            return index
    return row


def _too_many(shown: str, max_elements: int) -> LimitError:
    return LimitError(
        f"cannot load '{shown}': it holds more than {max_elements:,} values, the element limit",
        hint="raise the limit with --max-elements",
    )


MAX_DIMENSIONS = 64
"""numpy's limit on the number of dimensions of an array (PyTorch's too)."""


def nested_numbers_to_array(data, *, what: str, error=DataFileError) -> np.ndarray:
    """A number or a regular nested list of numbers as a float64 array, else ``error``."""
    shape = _regular_shape(data, what, error)
    flat: list[float] = []
    stack = [data]
    while stack:  # iterative: deeply nested input must not hit the recursion limit
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        else:
            flat.append(float(item))
    return np.array(flat, dtype=np.float64).reshape(shape)


def _regular_shape(data, what: str, error) -> tuple[int, ...]:
    shape: list[int] = []
    level = [data]
    while True:
        if all(isinstance(item, list) for item in level):
            lengths = {len(item) for item in level}
            if len(lengths) > 1:
                raise error(
                    f"cannot make a tensor from {what}: ragged nested lists "
                    f"(lengths {sorted(lengths)} at depth {len(shape)})",
                    hint="every row must have the same length",
                )
            length = lengths.pop()
            shape.append(length)
            if len(shape) > MAX_DIMENSIONS:
                raise error(
                    f"cannot make a tensor from {what}: more than {MAX_DIMENSIONS} "
                    "nested levels of lists",
                    hint=f"a tensor has at most {MAX_DIMENSIONS} dimensions",
                )
            level = [x for item in level for x in item]
            if length == 0:
                return tuple(shape)
            continue
        if any(isinstance(item, list) for item in level):
            raise error(
                f"cannot make a tensor from {what}: numbers and lists mixed at depth {len(shape)}",
                hint="every row must have the same length",
            )
        for item in level:
            if isinstance(item, bool) or not isinstance(item, int | float):
                raise error(f"cannot make a tensor from {what}: {_describe(item)} is not a number")
            if isinstance(item, int) and item.bit_length() > 1000:
                raise error(f"cannot make a tensor from {what}: an integer is too large")
        return tuple(shape)


def _describe(item) -> str:
    if item is None:
        return "null"
    if isinstance(item, str):
        return repr(item[:40])
    if isinstance(item, bool):
        return repr(item).lower()
    if isinstance(item, dict):
        return "an object"
    return type(item).__name__
