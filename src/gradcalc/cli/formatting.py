"""Short text for numbers and arrays in tables, tree labels and graph exports.

Program output (``print``, expression values) is PyTorch's repr and is made by the
interpreter; this module only summarises values for the reports around it, with
``--precision`` digits and a bound on how many elements are written out.
"""

from __future__ import annotations

import re

import numpy as np

from gradcalc.interpreter.results import Shown

ONE_LINE_ELEMENTS = 8  # tree labels and graph nodes: past this, edge items and "..."
BLOCK_ELEMENTS = 60  # table cells
ONE_LINE_CHARS = 200
BLOCK_CHARS = 2000
_SPACES_AFTER_NEWLINE = re.compile(r"\n\s*")
_PADDING = re.compile(r"(?<=\[) +| +(?=[,\]])")
_RUNS_OF_SPACES = re.compile(r" {2,}")


def _cut(text: str, one_line: bool) -> str:
    """A long text (a string, a list's repr) cut for a cell; the program's own output is
    where it shows in full."""
    limit = ONE_LINE_CHARS if one_line else BLOCK_CHARS
    if len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text) - limit:,} more characters)"


def format_shape(shape) -> str:
    dims = tuple(int(n) for n in shape)
    return "(" + ", ".join(map(str, dims)) + ("," if len(dims) == 1 else "") + ")"


def format_value(value, precision: int = 4, *, one_line: bool = False) -> str:
    """A value as PyTorch prints a tensor's numbers, without ``tensor(...)`` around them:
    ``9.``, ``[5.0100, 2.5403]``; long tensors summarised with ``...``. A value with no array
    form (``torch.return_types.max(...)``) shows as PyTorch prints it, over several lines
    unless ``one_line``."""
    if isinstance(value, Shown):
        text = _cut(str(value), one_line)
        return " ".join(line.strip() for line in text.splitlines()) if one_line else text
    if value is None or isinstance(value, str | bool):
        return _cut(repr(value), one_line) if isinstance(value, str) else str(value)
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        return str(value)
    from gradcalc.autograd.printing import format_tensor

    text = format_tensor(
        array,
        precision=precision,
        threshold=ONE_LINE_ELEMENTS if one_line else BLOCK_ELEMENTS,
        edgeitems=(2 if array.ndim <= 1 else 1) if one_line else 3,
        linewidth=10**6 if one_line else 72,
    )
    text = text[len("tensor(") : -1].split(", size=")[0].split(", dtype=")[0]
    if one_line:  # alignment padding means nothing on one line
        text = _PADDING.sub("", _SPACES_AFTER_NEWLINE.sub(" ", text))
        return _RUNS_OF_SPACES.sub(" ", text)
    return text.replace("\n" + " " * len("tensor("), "\n")


def value_shape(value) -> str:
    if isinstance(value, np.ndarray):
        return format_shape(value.shape)
    if isinstance(value, bool | int | float) and not isinstance(value, bool):
        return "()"
    return ""
