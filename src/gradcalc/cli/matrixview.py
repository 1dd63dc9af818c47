"""Jacobians and Hessians as labelled matrices: a row per output element (``∂y₀ ∂y₁ …``), a
column per input element (``∂x₀ ∂x₁ …``), under a heading such as ``J = ∂y/∂x (Jacobian,
3×3)``; a Hessian's cells are ``∂²f/∂xᵢ∂xⱼ``. Elements of a many-dimensional output or input
are flattened row-major and named by their multi-index (``∂y[0,1]``).

The session says which variables hold such a matrix and of what
(``Session.derivative_origins``); this module writes the labels for the terminal and the
``--json`` document. A stream that cannot encode ``∂`` and subscripts gets ASCII labels
(``dy[0]``, ``dx[1]``). Only a matrix of at most ``MAX_ROWS`` × ``MAX_COLS`` is labelled: a
bigger one is the plain tensor of the Values table alone. The numbers are formatted together,
as PyTorch prints the tensor, and the columns are split into blocks that fit the width, so
Rich never has to re-wrap a row. Rich is imported only to draw (``--json`` never loads it).
"""

from __future__ import annotations

import math

import numpy as np

MAX_ROWS = 50
MAX_COLS = 12
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
UNICODE_PROBE = "∂²×₀₁₂₃₄₅₆₇₈₉ᵢⱼ"  # what a stream must encode for the Unicode labels
# A table's frame: a border left and right of every column, one space of padding each side.
_BORDER = 1
_PADDING = 2


def matrix_size(origin) -> tuple[int, int]:
    return math.prod(origin.row_shape), math.prod(origin.col_shape)


def labelled(origin, value) -> bool:
    """Whether ``value`` (the variable's array) is shown as a labelled matrix."""
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
        return False
    rows, cols = matrix_size(origin)
    return value.size == rows * cols and 0 < rows <= MAX_ROWS and 0 < cols <= MAX_COLS


def element_label(name: str, index: tuple, ascii_only: bool = False) -> str:
    """``∂y₁``, ``∂y[0,1]``, ``∂y`` (a scalar); ``dy[1]``, ``dy[0,1]``, ``dy`` in ASCII."""
    mark = "d" if ascii_only else "∂"
    if not index:
        return f"{mark}{name}"
    if len(index) == 1 and not ascii_only:
        return f"{mark}{name}{str(index[0]).translate(_SUBSCRIPTS)}"
    return f"{mark}{name}[{','.join(str(i) for i in index)}]"


def axis_labels(name: str, shape: tuple, ascii_only: bool = False) -> list[str]:
    """One label per element of a tensor of ``shape``, in row-major order."""
    return [element_label(name, tuple(index), ascii_only) for index in np.ndindex(*shape)]


def heading(variable: str, origin, ascii_only: bool = False) -> str:
    rows, cols = matrix_size(origin)
    times = "x" if ascii_only else "×"
    if origin.kind == "hessian":
        if ascii_only:
            math_text = f"d2{origin.of}/d{origin.row_name}[i]d{origin.col_name}[j]"
        else:
            math_text = f"∂²{origin.of}/∂{origin.row_name}ᵢ∂{origin.col_name}ⱼ"
        what = "Hessian"
    else:
        mark = "d" if ascii_only else "∂"
        math_text = f"{mark}{origin.of}/{mark}{origin.col_name}"
        what = "Jacobian"
    return f"{variable} = {math_text} ({what}, {rows}{times}{cols})"


def json_section(origins: dict, values: dict) -> dict:
    """name -> ``json_labels`` of each variable shown as a labelled matrix."""
    return {
        name: json_labels(origin)
        for name, origin in origins.items()
        if labelled(origin, values.get(name))
    }


def json_labels(origin) -> dict:
    """The ``--json`` document's entry for a labelled matrix (Unicode labels: JSON is UTF-8)."""
    rows, cols = matrix_size(origin)
    return {
        "kind": origin.kind,
        "of": origin.of,
        "wrt": origin.col_name,
        "shape": [rows, cols],
        "rows": axis_labels(origin.row_name, origin.row_shape),
        "cols": axis_labels(origin.col_name, origin.col_shape),
    }


def _cells(matrix: np.ndarray, precision: int) -> list[list[str]]:
    """Each number as PyTorch prints it in this tensor: one format and width for them all."""
    from gradcalc.autograd.printing import _Formatter, _Options

    options = _Options(precision, math.inf, 3, 80, None)
    formatter = _Formatter(matrix, options)
    return [[formatter.format(v).strip() for v in row] for row in matrix.tolist()]


def _column_blocks(label_width: int, cell_width: int, count: int, width: int | None) -> list:
    """Ranges of columns, each as many as fit in ``width`` beside the row labels."""
    if width is None:
        return [range(count)]
    room = width - (label_width + _PADDING + 2 * _BORDER)
    fitting = max(1, room // (cell_width + _PADDING + _BORDER))
    per_block = math.ceil(count / math.ceil(count / fitting))  # blocks of even widths
    return [range(start, min(start + per_block, count)) for start in range(0, count, per_block)]


def matrix_view(
    variable: str,
    value: np.ndarray,
    origin,
    precision: int,
    *,
    width: int | None = None,
    ascii_only: bool = False,
):
    """The heading, then the matrix as a table (several, by columns, when it is wider than
    ``width``): a Rich ``Group``."""
    from rich.cells import cell_len
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    rows, cols = matrix_size(origin)
    cells = _cells(np.asarray(value).reshape(rows, cols), precision)
    row_labels = axis_labels(origin.row_name, origin.row_shape, ascii_only)
    col_labels = axis_labels(origin.col_name, origin.col_shape, ascii_only)
    label_width = max(cell_len(label) for label in row_labels)
    cell_width = max(cell_len(text) for text in [*col_labels, *(c for row in cells for c in row)])
    blocks = _column_blocks(label_width, cell_width, cols, width)
    parts: list = [Text(heading(variable, origin, ascii_only), style="bold", no_wrap=True)]
    for block in blocks:
        if len(blocks) > 1:
            parts.append(Text(f"columns {block[0]} to {block[-1]}", style="dim", no_wrap=True))
        table = Table(show_header=True, pad_edge=True)
        table.add_column("", style="bold", no_wrap=True, min_width=label_width)
        for j in block:
            table.add_column(
                Text(col_labels[j]), justify="right", no_wrap=True, min_width=cell_width
            )
        for label, row in zip(row_labels, cells):
            table.add_row(Text(label), *(Text(row[j]) for j in block))
        parts.append(table)
    return Group(*parts)
