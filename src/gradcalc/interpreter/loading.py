"""``load("path")`` and ``--set NAME=@path``: read numeric data files, never code or pickles.

Formats, picked by suffix: ``.npy`` (``np.load(allow_pickle=False)``), ``.csv`` (comma
separated, an optional header row), ``.txt`` (whitespace or comma separated, ``#`` comments),
``.json`` (a number or a nested list of numbers). Every failure is a ``DataFileError`` that
names the file and says what is wrong with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gradcalc.errors import DataFileError

SUFFIXES = (".npy", ".csv", ".txt", ".json")


def load_array(path_text: str) -> np.ndarray:
    """The file's numbers as a float64 array (0-d for a single number)."""
    path = Path(path_text).expanduser()
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataFileError(
            f"cannot load '{path_text}': unsupported file type '{suffix or '(none)'}'",
            hint="load() reads .npy, .csv, .txt and .json files",
        )
    if not path.exists():
        raise DataFileError(f"cannot load '{path_text}': no such file")
    if path.is_dir():
        raise DataFileError(f"cannot load '{path_text}': it is a directory")
    try:
        if suffix == ".npy":
            return _load_npy(path, path_text)
        raw = path.read_bytes()
    except DataFileError:
        raise
    except OSError as exc:
        raise DataFileError(f"cannot load '{path_text}': {exc.strerror or exc}") from None
    text = _decode_text(raw, path_text)
    if suffix == ".json":
        return _parse_json(text, path_text)
    return _parse_table(text, path_text, comma_only=suffix == ".csv")


def _load_npy(path: Path, path_text: str) -> np.ndarray:
    with path.open("rb") as handle:
        magic = handle.read(6)
    if magic != b"\x93NUMPY":
        hint = None
        if magic[:1] == b"\x80":
            hint = "the file looks like a Python pickle; gradcalc never unpickles files"
        raise DataFileError(
            f"cannot load '{path_text}': not a valid .npy file (no NUMPY header)", hint=hint
        )
    try:
        array = np.load(path, allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise DataFileError(
                f"refusing to load '{path_text}': it holds pickled Python objects",
                hint="gradcalc never unpickles files; save plain numeric arrays "
                "(np.save with a float or int array)",
            ) from None
        raise DataFileError(f"cannot load '{path_text}': not a valid .npy file ({exc})") from None
    except (OSError, EOFError) as exc:
        raise DataFileError(f"cannot load '{path_text}': not a valid .npy file ({exc})") from None
    if not isinstance(array, np.ndarray):
        raise DataFileError(f"cannot load '{path_text}': not a single .npy array")
    if array.dtype.kind not in "biuf":
        raise DataFileError(
            f"cannot load '{path_text}': its dtype {array.dtype} is not numeric",
            hint="save a float or int array",
        )
    return np.array(array, dtype=np.float64)


def _decode_text(raw: bytes, path_text: str) -> str:
    if b"\x00" in raw[:65536]:
        raise DataFileError(
            f"cannot load '{path_text}': it looks like a binary file, not text",
            hint="text formats (.csv, .txt, .json) must be UTF-8 text; use .npy for binary arrays",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"cannot load '{path_text}': it is not UTF-8 text "
            f"(invalid byte {raw[exc.start]:#04x} at offset {exc.start})",
            hint="save the file as UTF-8",
        ) from None


def _parse_number(token: str) -> float:
    value = float(token)  # accepts nan, inf, 1e-3; raises ValueError otherwise
    return value


def _parse_table(text: str, path_text: str, *, comma_only: bool) -> np.ndarray:
    rows: list[list[float]] = []
    row_lines: list[int] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not comma_only:
            line = line.split("#", 1)[0]
        stripped = line.strip()
        if not stripped:
            continue
        if comma_only:
            cells = [c.strip().strip('"').strip() for c in stripped.split(",")]
        else:
            cells = stripped.replace(",", " ").split()
        try:
            values = [_parse_number(c) for c in cells]
        except ValueError:
            if not rows and comma_only and line_no == _first_content_line(text):
                continue  # a header row
            bad = next(c for c in cells if not _is_number(c))
            raise DataFileError(
                f"cannot load '{path_text}': line {line_no}: '{bad[:40]}' is not a number"
            ) from None
        if rows and len(values) != len(rows[0]):
            raise DataFileError(
                f"cannot load '{path_text}': line {line_no} has {len(values)} values, "
                f"line {row_lines[0]} has {len(rows[0])}",
                hint="every row must have the same number of values",
            )
        rows.append(values)
        row_lines.append(line_no)
    if not rows:
        raise DataFileError(f"cannot load '{path_text}': the file holds no numbers")
    array = np.array(rows, dtype=np.float64)
    # As np.loadtxt: a single row or a single column reads as a 1-D array.
    if array.shape[0] == 1 or array.shape[1] == 1:
        array = array.reshape(-1)
        if array.size == 1:
            array = array.reshape(())
    return array


def _first_content_line(text: str) -> int:
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            return line_no
    return 0


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _parse_json(text: str, path_text: str) -> np.ndarray:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        detail = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise DataFileError(f"cannot load '{path_text}': invalid JSON: {detail}{where}") from None
    return nested_numbers_to_array(data, what=f"'{path_text}'", error=DataFileError)


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
