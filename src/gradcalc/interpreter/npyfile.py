"""Read a ``.npy`` file without ``np.load``: the header is parsed here, never evaluated.

numpy reads the header dictionary with ``ast.literal_eval``, which parses arbitrary Python
before checking anything, and then allocates whatever shape the header claims. Here a tiny
parser accepts only the literal forms ``np.save`` writes (``{'descr': '<f8',
'fortran_order': False, 'shape': (2, 3), }``), the dtype must be a plain number type (no
objects, so no pickle; no strings, dates or structured records), and the claimed shape is
checked against the element limit and the claimed data size against the real file size
before any array is allocated.

Format reference: numpy.lib.format (https://numpy.org/devdocs/reference/generated/
numpy.lib.format.html): magic ``\\x93NUMPY``, version bytes, a 2-byte (v1) or 4-byte (v2, v3)
little-endian header length, a latin-1 (v1, v2) or UTF-8 (v3) header; numpy's own
``max_header_size`` default of 10,000 bytes.
"""

from __future__ import annotations

import math
import re

import numpy as np

from gradcalc.errors import DataFileError, LimitError
from gradcalc.files import OpenedFile, short_quote

MAGIC = b"\x93NUMPY"
MAX_HEADER_BYTES = 10_000
MAX_DIMENSIONS = 64
_MAX_NESTING = 8
_NUMBER_DESCR = re.compile(r"[<>|=]?[biuf]\d{1,2}")
_KEYS = {"descr", "fortran_order", "shape"}


class HeaderError(Exception):
    """The header is not a plain literal of the accepted form; ``offset`` is into the header."""

    def __init__(self, reason: str, offset: int):
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


def read_npy(opened: OpenedFile, shown: str, max_elements: int) -> np.ndarray:
    """The array in ``opened`` as float64. ``shown`` is the path as messages show it."""

    def invalid(reason: str, hint: str | None = None) -> DataFileError:
        return DataFileError(f"cannot load '{shown}': not a valid .npy file ({reason})", hint=hint)

    start = opened.read(len(MAGIC) + 2)
    if start[: len(MAGIC)] != MAGIC:
        hint = None
        if start[:1] == b"\x80":
            hint = "the file looks like a Python pickle; gradcalc never unpickles files"
        raise invalid("no NUMPY header", hint)
    if len(start) < len(MAGIC) + 2:
        raise invalid("it ends inside its header")
    major, minor = start[len(MAGIC)], start[len(MAGIC) + 1]
    if major not in (1, 2, 3):
        raise invalid(f"unknown format version {major}.{minor}")
    length_size = 2 if major == 1 else 4
    length_bytes = opened.read(length_size)
    if len(length_bytes) < length_size:
        raise invalid("it ends inside its header")
    header_length = int.from_bytes(length_bytes, "little")
    if header_length > MAX_HEADER_BYTES:
        raise invalid(
            f"its header claims {header_length:,} bytes; at most {MAX_HEADER_BYTES:,} are read"
        )
    raw_header = opened.read(header_length)
    if len(raw_header) < header_length:
        raise invalid("it ends inside its header")
    try:
        header_text = raw_header.decode("utf-8" if major == 3 else "latin-1")
    except UnicodeDecodeError as exc:
        raise invalid(f"its header is not UTF-8 text (byte {exc.start} of the header)") from None
    try:
        header = parse_header(header_text)
    except HeaderError as exc:
        raise invalid(
            f"its header is not a plain dictionary literal: {exc.reason} "
            f"at byte {exc.offset} of the header",
            hint="gradcalc reads .npy files written by np.save",
        ) from None
    dtype, fortran_order, shape = _check_header(header, shown, invalid)

    count = math.prod(shape)
    if count > max_elements:
        raise LimitError(
            f"cannot load '{shown}': its header claims shape {shape}, {count:,} elements, "
            f"over the limit of {max_elements:,}",
            hint="raise the limit with --max-elements",
        )
    data_offset = len(MAGIC) + 2 + length_size + header_length
    needed = count * dtype.itemsize
    available = max(opened.size - data_offset, 0)
    if available < needed:
        raise invalid(
            f"its header claims shape {shape} of {dtype.str}, {needed:,} bytes of data, "
            f"but the file holds {available:,}"
        )
    data = opened.read(needed)
    if len(data) < needed:
        raise invalid("the file shrank while it was being read")
    array = np.frombuffer(data, dtype=dtype, count=count)
    if dtype.kind == "b":
        array = array != 0  # any nonzero byte is True, as numpy reads it
    array = array.reshape(shape, order="F" if fortran_order else "C")
    return np.array(array, dtype=np.float64, order="C")


def _check_header(header, shown: str, invalid):
    if not isinstance(header, dict):
        raise invalid("its header is not a dictionary")
    if set(header) != _KEYS:
        raise invalid("its header needs exactly the keys 'descr', 'fortran_order' and 'shape'")
    descr = header["descr"]
    if not isinstance(descr, str):
        raise DataFileError(
            f"cannot load '{shown}': it holds a structured array (records with fields)",
            hint="save a plain float or int array",
        )
    if "O" in descr:
        raise DataFileError(
            f"refusing to load '{shown}': it holds pickled Python objects",
            hint="gradcalc never unpickles files; save plain numeric arrays "
            "(np.save with a float or int array)",
        )
    dtype = None
    if _NUMBER_DESCR.fullmatch(descr):
        try:
            dtype = np.dtype(descr)
        except TypeError:
            dtype = None
    if dtype is None or dtype.kind not in "biuf":
        raise DataFileError(
            f"cannot load '{shown}': its dtype {short_quote(descr)} is not numeric",
            hint="save a float or int array",
        )
    fortran_order = header["fortran_order"]
    if not isinstance(fortran_order, bool):
        raise invalid("'fortran_order' is not True or False")
    shape = header["shape"]
    if not isinstance(shape, tuple) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise invalid("'shape' is not a tuple of sizes")
    if len(shape) > MAX_DIMENSIONS:
        raise invalid(f"'shape' has {len(shape)} dimensions; at most {MAX_DIMENSIONS}")
    return dtype, fortran_order, shape


# ---- the header literal ----------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<punct>[{}()\[\]:,])
      | (?P<string>'[^'\\\n]*'|"[^"\\\n]*")
      | (?P<int>\d{1,19})L?
      | (?P<name>True|False|None)\b
    )""",
    re.VERBOSE,
)
_NAMES = {"True": True, "False": False, "None": None}


def parse_header(text: str):
    """The value of a header: dicts, tuples and lists of strings, integers, True/False/None.

    Anything else (a call, an operator, an escape, a float) is a ``HeaderError``; nesting is
    bounded so a header of 10,000 brackets cannot exhaust the stack."""
    parser = _HeaderParser(text)
    value = parser.value(0)
    parser.skip_space()
    if parser.position != len(text):
        raise HeaderError("unexpected text after the dictionary", parser.position)
    return value


class _HeaderParser:
    def __init__(self, text: str):
        self.text = text
        self.position = 0

    def skip_space(self) -> None:
        while self.position < len(self.text) and self.text[self.position].isspace():
            self.position += 1

    def token(self) -> tuple[str, str, int]:
        """(kind, text, offset) of the next token, consumed; kind ``end`` at the end."""
        self.skip_space()
        start = self.position
        if start >= len(self.text):
            return "end", "", start
        match = _TOKEN.match(self.text, start)
        if match is None:
            raise HeaderError("not a literal", start)
        self.position = match.end()
        kind = match.lastgroup or "end"
        return kind, match.group(kind), start

    def peek(self) -> str:
        saved = self.position
        try:
            _, text, _ = self.token()
        finally:
            self.position = saved
        return text

    def value(self, depth: int):
        if depth > _MAX_NESTING:
            raise HeaderError("nested too deeply", self.position)
        kind, text, offset = self.token()
        if kind == "string":
            return text[1:-1]
        if kind == "int":
            return int(text)
        if kind == "name":
            return _NAMES[text]
        if text == "{":
            return self._dict(depth)
        if text == "(":
            items, single = self._sequence(")", depth)
            return items[0] if single else tuple(items)
        if text == "[":
            return self._sequence("]", depth)[0]
        raise HeaderError("a value was expected", offset)

    def _sequence(self, closing: str, depth: int) -> tuple[list, bool]:
        """The items up to ``closing``, and whether it was one item without a comma (``(5)``)."""
        items: list = []
        while True:
            if self.peek() == closing:
                self.token()
                return items, False
            items.append(self.value(depth + 1))
            _, text, offset = self.token()
            if text == closing:
                return items, len(items) == 1
            if text != ",":
                raise HeaderError(f"',' or '{closing}' was expected", offset)

    def _dict(self, depth: int) -> dict:
        result: dict = {}
        while True:
            kind, text, offset = self.token()
            if text == "}":
                return result
            if kind != "string":
                raise HeaderError("a quoted key was expected", offset)
            _, colon, colon_offset = self.token()
            if colon != ":":
                raise HeaderError("':' was expected", colon_offset)
            result[text[1:-1]] = self.value(depth + 1)
            _, text, offset = self.token()
            if text == "}":
                return result
            if text != ",":
                raise HeaderError("',' or '}' was expected", offset)
