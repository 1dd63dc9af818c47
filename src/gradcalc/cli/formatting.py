"""Text for numbers and arrays in tables, tree labels and graph exports.

Program output (``print``, expression values) is PyTorch's repr and is made by the
interpreter; this module writes values for the reports around it as PyTorch prints a
tensor's numbers: ``--precision`` digits, summarised with ``...`` only past PyTorch's
threshold of 1,000 elements (``--threshold N``, ``--full``), rows wrapped at the width the
caller has (PyTorch's ``linewidth``), so that Rich never has to re-wrap them.
"""

from __future__ import annotations

import math
import re

import numpy as np

from gradcalc.interpreter.results import Shown

THRESHOLD = 1000  # PyTorch's: a tensor of more elements is summarised
LINEWIDTH = 80  # PyTorch's, for text with no terminal to fit (graph files)
ONE_LINE_CHARS = 200
BLOCK_CHARS = 2000
_PREFIX = len("tensor(")
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


def format_value(
    value,
    precision: int = 4,
    *,
    one_line: bool = False,
    threshold: int | None = THRESHOLD,
    width: int | None = None,
) -> str:
    """A value as PyTorch prints a tensor's numbers, without ``tensor(...)`` around them:
    ``9.``, ``[5.0100, 2.5403]``; a tensor of more than ``threshold`` elements summarised
    with ``...`` (None: never), rows wrapped to ``width`` columns. A value with no array
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
    text = _tensor_text(array, precision, threshold, 10**9 if one_line else width or LINEWIDTH)
    if not one_line and width is not None:
        # PyTorch's linewidth counts elements, not the closing brackets: narrow it until
        # every line fits, so the caller's layout never has to break one.
        narrower = width
        while not fits(text, width) and narrower > 8:
            narrower -= 2
            text = _tensor_text(array, precision, threshold, narrower)
    if one_line:  # alignment padding means nothing on one line
        text = _PADDING.sub("", _SPACES_AFTER_NEWLINE.sub(" ", text))
        return _RUNS_OF_SPACES.sub(" ", text)
    return text.replace("\n" + " " * len("tensor("), "\n")


def _tensor_text(array, precision: int, threshold: int | None, width: int) -> str:
    from gradcalc.autograd.printing import format_tensor

    text = format_tensor(
        array,
        precision=precision,
        threshold=math.inf if threshold is None else threshold,
        edgeitems=3,
        linewidth=max(width, 8) + _PREFIX,
    )
    return text[len("tensor(") : -1].split(", size=")[0].split(", dtype=")[0]


def value_shape(value) -> str:
    if isinstance(value, np.ndarray):
        return format_shape(value.shape)
    if isinstance(value, bool | int | float) and not isinstance(value, bool):
        return "()"
    return ""


def fits(text: str, width: int) -> bool:
    """Whether every line of ``text`` fits in ``width`` terminal cells."""
    from rich.cells import cell_len

    return all(cell_len(line) <= width for line in text.split("\n"))


def threshold_of(options) -> int | None:
    """The summarising threshold the options ask for (None: ``--full``)."""
    if getattr(options, "full", False):
        return None
    return getattr(options, "threshold", THRESHOLD)
