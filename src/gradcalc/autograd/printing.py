"""Tensor ``repr`` strings, digit for digit as PyTorch 2.13 prints them.

A numpy port of ``torch/_tensor_str.py`` (the strided, real-valued, CPU path): the
``_Formatter`` that chooses integer / fixed / scientific mode and the column width,
summarisation past ``threshold`` elements, the elements-per-line wrapping of the last
dimension, the indentation of nested dimensions and the wrapping of the suffixes.
Keeping the structure of the original makes it checkable line by line against it.

Float values are formatted as Python floats with ``"{:.{p}f}"`` / ``"{:.{p}e}"``, exactly
as PyTorch does after ``.item()`` / ``.tolist()``, so float64 data prints as a float64
torch tensor would.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

__all__ = ["format_size", "format_tensor"]

# PyTorch's default print options (torch.set_printoptions(profile="default")).
DEFAULT_PRECISION = 4
DEFAULT_THRESHOLD = 1000
DEFAULT_EDGEITEMS = 3
DEFAULT_LINEWIDTH = 80

_PREFIX = "tensor("
# torch shows no dtype for these even when it is not the default float dtype.
_DTYPES_SHOWN_IMPLICITLY = ("torch.int64", "torch.bool")


class _Options:
    __slots__ = ("edgeitems", "linewidth", "precision", "sci_mode", "threshold")

    def __init__(
        self,
        precision: int,
        threshold: float,
        edgeitems: int,
        linewidth: int,
        sci_mode: bool | None,
    ) -> None:
        self.precision = precision
        self.threshold = threshold
        self.edgeitems = edgeitems
        self.linewidth = linewidth
        self.sci_mode = sci_mode


class _Formatter:
    """Decides one format and one width for every element of a tensor (torch's _Formatter)."""

    def __init__(self, values: np.ndarray, opts: _Options) -> None:
        self.floating = values.dtype.kind == "f"
        self.precision = opts.precision
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        flat = values.reshape(-1)
        if not self.floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        nonzero_finite = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero_finite.size == 0:
            return

        # torch computes the thresholds in double, whatever the tensor's dtype.
        magnitudes = np.abs(nonzero_finite.astype(np.float64))
        smallest = magnitudes.min()
        largest = magnitudes.max()

        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))

        if opts.sci_mode is None:
            with np.errstate(over="ignore"):
                ratio = largest / smallest
            self.sci_mode = bool(ratio > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4)
        else:
            self.sci_mode = opts.sci_mode

        p = self.precision
        for value in nonzero_finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{p}e}")
            elif self.int_mode:
                # the "+ 1" leaves room for the "." that marks a float in int mode
                width = len(f"{value:.0f}") + 1
            else:
                width = len(f"{value:.{p}f}")
            self.max_width = max(self.max_width, width)

    def width(self) -> int:
        return self.max_width

    def format(self, value: float | int | bool) -> str:
        if self.floating:
            p = self.precision
            if self.sci_mode:
                text = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{p}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _vector_str(
    values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter, opts: _Options
) -> str:
    # an element takes its width plus ", "
    element_length = fmt.width() + 2
    elements_per_line = max(1, math.floor((opts.linewidth - indent) / element_length))
    edge = opts.edgeitems

    if summarize and not edge:
        data = ["..."]
    elif summarize and values.shape[0] > 2 * edge:
        data = (
            [fmt.format(v) for v in values[:edge].tolist()]
            + [" ..."]
            + [fmt.format(v) for v in values[-edge:].tolist()]
        )
    else:
        data = [fmt.format(v) for v in values.tolist()]

    lines = [
        ", ".join(data[i : i + elements_per_line]) for i in range(0, len(data), elements_per_line)
    ]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(
    values: np.ndarray, indent: int, summarize: bool, fmt: _Formatter, opts: _Options
) -> str:
    dim = values.ndim
    if dim == 0:
        return fmt.format(values.item())
    if dim == 1:
        return _vector_str(values, indent, summarize, fmt, opts)

    edge = opts.edgeitems
    size = values.shape[0]
    if summarize and size > 2 * edge:
        slices = (
            [
                _tensor_str_with_formatter(values[i], indent + 1, summarize, fmt, opts)
                for i in range(edge)
            ]
            + ["..."]
            + [
                _tensor_str_with_formatter(values[i], indent + 1, summarize, fmt, opts)
                for i in range(size - edge, size)
            ]
        )
    else:
        slices = [
            _tensor_str_with_formatter(values[i], indent + 1, summarize, fmt, opts)
            for i in range(size)
        ]

    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(values: np.ndarray, edge: int) -> np.ndarray:
    """The elements a summarised print shows: the formatter sizes its columns on these only."""
    dim = values.ndim
    if dim == 0:
        return values
    if dim == 1:
        if values.shape[0] > 2 * edge:
            # values[-0:] is the whole vector, in torch as here: kept for edgeitems=0.
            return np.concatenate((values[:edge], values[-edge:]))
        return values
    if not edge:
        return np.empty((0,) * dim, dtype=values.dtype)
    size = values.shape[0]
    if size > 2 * edge:
        rows = [values[i] for i in range(edge)] + [values[i] for i in range(size - edge, size)]
    else:
        rows = [values[i] for i in range(size)]
    return np.stack([_summarized_data(row, edge) for row in rows])


def _tensor_str(values: np.ndarray, indent: int, opts: _Options) -> str:
    if values.size == 0:
        return "[]"
    summarize = values.size > opts.threshold
    fmt = _Formatter(_summarized_data(values, opts.edgeitems) if summarize else values, opts)
    return _tensor_str_with_formatter(values, indent, summarize, fmt, opts)


def _add_suffixes(
    tensor_str: str, suffixes: list[str], indent: int, force_newline: bool, linewidth: int
) -> str:
    parts = [tensor_str]
    # rfind gives -1 on a single line, so this counts two more than the line: as torch does
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last_line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _torch_dtype_name(dtype: np.dtype) -> str:
    if dtype.kind == "b":
        return "torch.bool"
    return f"torch.{dtype.name}"


def format_tensor(
    data: np.ndarray,
    *,
    dtype_name: str | None = None,
    grad_fn_name: str | None = None,
    requires_grad: bool = False,
    precision: int = DEFAULT_PRECISION,
    threshold: float = DEFAULT_THRESHOLD,
    edgeitems: int = DEFAULT_EDGEITEMS,
    linewidth: int = DEFAULT_LINEWIDTH,
    sci_mode: bool | None = None,
) -> str:
    """``repr(tensor)`` as PyTorch prints it, for a tensor holding ``data``.

    The dtype of ``data`` decides the mode: floating (``1.``, ``0.3333``, ``1.0000e+09``),
    integer (``1``) or bool (`` True``). ``dtype_name`` (e.g. ``"torch.float32"``) is the
    suffix of a float tensor whose dtype is not the default one; pass it only when it
    should be shown. Integer and bool data carry their torch dtype themselves: like torch,
    no suffix for int64 and bool unless the tensor is empty, a suffix for other widths.
    ``grad_fn_name`` (e.g. ``"MeanBackward0"``) wins over ``requires_grad``, as in torch.
    The remaining keywords are ``torch.set_printoptions``'s, with its defaults.
    """
    values = np.asarray(data)
    if values.dtype.kind not in "biuf":
        raise TypeError(f"cannot print a tensor of numpy dtype {values.dtype}")
    opts = _Options(precision, threshold, edgeitems, linewidth, sci_mode)
    indent = len(_PREFIX)
    suffixes: list[str] = []

    if values.dtype.kind == "f":
        shown_dtype = dtype_name
    else:
        shown_dtype = _torch_dtype_name(values.dtype)

    if values.size == 0:
        # torch prints the shape unless it is (0,), and the dtype whenever it is not the
        # default float one, since no element shows it.
        if values.ndim != 1:
            suffixes.append("size=" + str(tuple(int(n) for n in values.shape)))
        if shown_dtype is not None:
            suffixes.append("dtype=" + shown_dtype)
        tensor_str = "[]"
    else:
        if not edgeitems:
            suffixes.append("size=" + str(tuple(int(n) for n in values.shape)))
        if shown_dtype is not None and shown_dtype not in _DTYPES_SHOWN_IMPLICITLY:
            suffixes.append("dtype=" + shown_dtype)
        tensor_str = _tensor_str(values, indent, opts)

    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(_PREFIX + tensor_str, suffixes, indent, False, linewidth)


def format_size(shape: Iterable[int]) -> str:
    """``torch.Size`` as PyTorch prints it: ``torch.Size([2, 3])``, ``torch.Size([])``."""
    return "torch.Size([" + ", ".join(str(int(n)) for n in shape) + "])"


class PrintOptions:
    """``torch.set_printoptions``: what every tensor repr uses."""

    __slots__ = ("edgeitems", "linewidth", "precision", "sci_mode", "threshold")

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.precision = DEFAULT_PRECISION
        self.threshold = DEFAULT_THRESHOLD
        self.edgeitems = DEFAULT_EDGEITEMS
        self.linewidth = DEFAULT_LINEWIDTH
        self.sci_mode = None


PRINT_OPTIONS = PrintOptions()


def tensor_repr(t) -> str:
    """``repr(t)`` for a Tensor, as PyTorch prints it with the current print options."""
    import gradcalc.autograd.dtypes as dtypes

    array = t.array
    dtype_name = None
    if array.dtype.kind == "f" and dtypes.BY_NUMPY[array.dtype] is not dtypes.DEFAULTS.float:
        dtype_name = repr(dtypes.BY_NUMPY[array.dtype])
    node = t.grad_fn
    o = PRINT_OPTIONS
    return format_tensor(
        array,
        dtype_name=dtype_name,
        grad_fn_name=node.short_name() if node is not None else None,
        requires_grad=node is None and t._requires_grad,
        precision=o.precision,
        threshold=o.threshold,
        edgeitems=o.edgeitems,
        linewidth=o.linewidth,
        sci_mode=o.sci_mode,
    )
