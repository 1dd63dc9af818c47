"""``--plot 'y = tanh(x)' --range -3:3``: a function of one variable and its derivative,
drawn in the terminal (``--plot-out FILE.svg|png`` writes a file, ``plotfile.py``).

The program runs once per sample point with ``x`` a scalar leaf, and one backward gives
``dy/dx`` there, so any program works, elementwise or not, with PyTorch's conventions at
kinks. The terminal drawing uses Unicode braille (2×4 dots a cell) and falls back to ASCII
marks where the stream cannot encode braille.

Why Rich and not a plotting library: the maintained terminal plotters on PyPI (plotext,
plotille, uniplot) would be a new dependency for ~150 lines of drawing, none writes SVG or
PNG (so a file would still need code of our own or matplotlib, a large one), and none knows
Rich's console: its width, colour settings, ``--export`` recording and the ASCII fallback
all come for free when the plot is a Rich ``Text``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rich.text import Text

from gradcalc.errors import GradcalcError, UsageError

HEIGHT = 16  # rows of the terminal plot
_BRAILLE_BASE = 0x2800
_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] of a cell


@dataclass
class Samples:
    name: str  # the function's name (y)
    expression: str  # its program text
    x: np.ndarray
    y: np.ndarray
    dy: np.ndarray  # dy/dx at each x


def parse_range(text: str) -> tuple[float, float]:
    """``"-3:3"`` -> (-3.0, 3.0)."""
    left, sep, right = str(text).partition(":")
    try:
        low, high = float(left), float(right)
    except ValueError:
        raise UsageError(
            f"--range expects A:B, got {text!r}", hint="e.g. --range -3:3 (or --range=-3:3)"
        ) from None
    if not sep or not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        raise UsageError(f"--range {text}: need finite A < B", hint="e.g. --range -3:3")
    return low, high


def sample(program: str, low: float, high: float, count: int, session_factory) -> Samples:
    """Run ``program`` at ``count`` points of [low, high] with ``x`` bound there."""
    xs = np.linspace(low, high, count)
    ys = np.full(count, np.nan)
    dys = np.full(count, np.nan)
    source = f"x = {low!r}\n{program}"
    session = session_factory()
    name = None
    for i, value in enumerate(xs):
        result = session.run(source, filename="--plot", after_bind={"x": np.array(value)})
        if not result.ok:
            error = result.errors[0]
            error.span = None  # the program is --plot's text with x = ... before it
            raise error
        name = session.output_name
        output = session.output
        if name == "x" or not hasattr(output, "shape"):
            raise UsageError(
                "--plot needs a program that computes a tensor from x, e.g. 'y = tanh(x)'"
            )
        if math.prod(output.shape) != 1:
            raise UsageError(
                f"--plot draws a scalar function of x, but {name or 'the output'} has shape "
                f"{tuple(output.shape)}",
                hint="reduce it, e.g. 'y = sum(tanh(x))'",
            )
        ys[i] = float(np.asarray(output.array).reshape(-1)[0])
        x = session.globals.get("x")
        try:
            session.implicit_backward(1, False)
        except GradcalcError:
            continue
        if x is not None and x._grad is not None:
            dys[i] = float(np.asarray(x._grad.array).reshape(-1)[0])
    return Samples(name or "y", program, xs, ys, dys)


def _bounds(*series: np.ndarray) -> tuple[float, float]:
    values = np.concatenate([s[np.isfinite(s)] for s in series])
    if values.size == 0:
        return -1.0, 1.0
    low, high = float(values.min()), float(values.max())
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    return low - pad, high + pad


def terminal_plot(samples: Samples, width: int, *, fancy: bool = True) -> Text:
    """The curves of y (cyan) and dy/dx (magenta) on one set of axes, with labels."""
    label_width = 10
    columns = max(width - label_width - 1, 20)
    rows = HEIGHT
    dots_x, dots_y = (2, 4) if fancy else (1, 1)
    low, high = _bounds(samples.y, samples.dy)
    grid = np.zeros((rows, columns), dtype=np.int32)  # braille bits
    owner = np.zeros((rows, columns), dtype=np.int8)  # 1: y, 2: dy/dx, 3: axis
    xs = np.linspace(samples.x[0], samples.x[-1], columns * dots_x)
    x0, x1 = samples.x[0], samples.x[-1]

    def plot(series, tag):
        values = np.interp(xs, samples.x, series)
        for i, value in enumerate(values):
            if not math.isfinite(value):
                continue
            dot_row = int(round((high - value) / (high - low) * (rows * dots_y - 1)))
            if not 0 <= dot_row < rows * dots_y:
                continue
            row, sub_row = divmod(dot_row, dots_y)
            column, sub_column = divmod(i, dots_x)
            grid[row, column] |= _DOTS[sub_row][sub_column] if fancy else 1
            owner[row, column] = tag

    plot(samples.dy, 2)
    plot(samples.y, 1)
    zero_row = int(round(high / (high - low) * (rows * dots_y - 1))) // dots_y
    zero_column = int(round(-x0 / (x1 - x0) * (columns - 1))) if x0 < 0 < x1 else None
    text = Text()
    for row in range(rows):
        value = high - (high - low) * row / (rows - 1)
        text.append(
            f"{value:>{label_width}.3g} " if row in (0, rows - 1) else " " * (label_width + 1),
            style="dim",
        )
        for column in range(columns):
            bits, tag = grid[row, column], owner[row, column]
            if bits:
                char = chr(_BRAILLE_BASE + bits) if fancy else ("*" if tag == 1 else "+")
                text.append(char, style="cyan" if tag == 1 else "magenta")
            elif row == zero_row and 0 <= zero_row < rows:
                text.append("─" if fancy else "-", style="dim")
            elif column == zero_column:
                text.append("│" if fancy else "|", style="dim")
            else:
                text.append(" ")
        text.append("\n")
    left, right = f"{x0:g}", f"{x1:g}"
    text.append(" " * (label_width + 1) + left, style="dim")
    text.append(right.rjust(columns - len(left)), style="dim")
    text.append("\n" + " " * (label_width + 1))
    mark_y, mark_dy = ("⣿", "⣿") if fancy else ("*", "+")
    text.append(
        f"{mark_y} {samples.name} = {samples.expression.split('=', 1)[-1].strip()}", style="cyan"
    )
    text.append("    ")
    text.append(f"{mark_dy} d{samples.name}/dx", style="magenta")
    return text
