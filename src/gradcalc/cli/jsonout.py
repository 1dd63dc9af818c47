"""``--json``: one strictly valid JSON document per program, bounded in size.

Non-finite numbers become the strings "NaN", "Infinity" and "-Infinity" (JSON has no
literal for them); arrays become nested lists at full precision. Output is bounded
(``Bounds``): a tensor of more than ``--json-max-elements`` numbers is written as
``{"shape", "dtype", "summary", "truncated": true}``, the whole document holds at most
``JSON_DOCUMENT_FACTOR`` times as many numbers, text (printed lines, values shown as text)
at most ``MAX_TEXT_CHARS`` characters, and a graph at most ``--json-max-elements`` nodes.
Lone surrogates (``print('\\ud800')``) are written as ``\\ud800`` escapes, so the document
always encodes as UTF-8, and so are the characters other than ``\\n`` that end a line.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import numpy as np

from gradcalc.cli.options import DEFAULT_JSON_MAX_ELEMENTS, JSON_DOCUMENT_FACTOR

MAX_TEXT_CHARS = 10_000_000  # characters of text in one document (printed lines and the like)
MAX_MESSAGE_CHARS = 10_000  # an error's message or hint (a program may raise any text)
_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}
# Escaped although JSON allows them raw: lone surrogates cannot be encoded as UTF-8, and
# U+0085, U+2028 and U+2029 end a line for str.splitlines and JavaScript, which would cut a
# JSON Lines record (--batch --json) in two.
_ESCAPED = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


class Bounds:
    """How much one document may still hold: numbers per tensor, numbers and text in all."""

    def __init__(self, per_tensor: int = DEFAULT_JSON_MAX_ELEMENTS, precision: int = 4):
        self.per_tensor = per_tensor
        self.numbers_left = per_tensor * JSON_DOCUMENT_FACTOR
        self.text_left = MAX_TEXT_CHARS
        self.precision = precision

    def value(self, value: Any) -> Any:
        """``value`` (arrays, numpy scalars, floats, text, containers) as plain JSON data."""
        if isinstance(value, np.ndarray):
            return self._array(value)
        if isinstance(value, np.generic):
            return self._array(np.asarray(value))
        if isinstance(value, float):
            return value if math.isfinite(value) else _non_finite(value)
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, bool | int):
            return value
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            if len(value) > self.per_tensor or len(value) > self.numbers_left:
                return {"length": len(value), "truncated": True}
            self.numbers_left -= len(value)
            return [self.value(v) for v in value]
        return self.text(str(value))

    def text(self, text: str) -> str:
        if len(text) <= self.text_left:
            self.text_left -= len(text)
            return text
        kept = max(self.text_left, 0)
        self.text_left = 0
        return text[:kept] + f"… ({len(text) - kept:,} more characters not written)"

    def _array(self, array: np.ndarray) -> Any:
        if array.size > self.per_tensor or array.size > self.numbers_left:
            return self.summary(array)
        self.numbers_left -= array.size
        if array.dtype.kind in "biuf":
            return _array_data(array)
        return [self.value(v) for v in array.tolist()]

    def summary(self, array: np.ndarray) -> dict:
        from gradcalc.cli.formatting import format_value

        return {
            "shape": list(array.shape),
            "dtype": str(array.dtype),
            "summary": format_value(array, self.precision, one_line=True),
            "truncated": True,
        }


def jsonable(value: Any) -> Any:
    """``value`` (numpy arrays and scalars, floats, containers) as plain JSON-ready data,
    unbounded: for data already bounded, or known to be small."""
    if isinstance(value, np.ndarray):
        return _array_data(value)
    if isinstance(value, np.generic):
        return _array_data(np.asarray(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else _non_finite(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _array_data(array: np.ndarray):
    """Nested lists of an array's numbers. A float32 (or float16) number is written as the
    shortest decimal that reads back as the same float32, ``0.8`` rather than its exact
    value in double precision, ``0.800000011920929``, as the dtype's own repr does."""
    if array.dtype.kind == "f" and array.dtype.itemsize < 8:
        array = array.astype(str).astype(np.float64)
    if array.dtype.kind not in "biuf":
        return jsonable(array.tolist())
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        return _replace_non_finite(array.tolist())
    return array.tolist()


def _non_finite(value: float) -> str:
    return "NaN" if math.isnan(value) else _NON_FINITE[value]


def _replace_non_finite(data: Any) -> Any:
    if isinstance(data, list):
        return [_replace_non_finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return _non_finite(data)
    return data


def dumps(document: dict) -> str:
    """Compact, strictly valid JSON that encodes as UTF-8 whatever text it holds.

    The fast path lets ``json`` walk the document and converts only numpy objects; a plain
    float that is NaN or infinite makes it raise (``allow_nan=False``), and the slow path
    then rewrites the whole document first.
    """
    try:
        text = json.dumps(document, allow_nan=False, ensure_ascii=False, default=_numpy_default)
    except ValueError:
        text = json.dumps(jsonable(document), allow_nan=False, ensure_ascii=False)
    # These characters can only stand inside a JSON string, where their escape is valid JSON.
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _numpy_default(value: Any) -> Any:
    if isinstance(value, np.ndarray | np.generic):
        return jsonable(value)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def graph_document(graph, bounds: Bounds | None = None) -> dict | None:
    """A ``results.Graph`` as ``{"root": id, "nodes": [...]}`` (the schema of ``--json``);
    past ``bounds.per_tensor`` nodes only those nearest the output are written."""
    if graph is None:
        return None
    bounds = bounds or Bounds()
    nodes = graph.nodes
    document: dict = {"root": graph.root, "nodes": []}
    if len(nodes) > max(bounds.per_tensor, 1):
        nodes = nodes[-max(bounds.per_tensor, 1) :]  # topological order: the output is last
        document["truncated"] = True
        document["total_nodes"] = len(graph.nodes)
    document["nodes"] = [
        {
            "id": node.id,
            "name": node.name,
            "op": node.op,
            "expr": bounds.text(node.expr or ""),
            "shape": list(node.shape),
            "inputs": list(node.inputs),
            "requires_grad": node.requires_grad,
            "is_leaf": node.is_leaf,
            "is_constant": node.is_constant,
            "freed": node.freed,
            "value": bounds.value(node.value),
            "grad": bounds.value(node.grad),
        }
        for node in nodes
    ]
    return document


def error_document(error, *, line_offset: int = 0) -> dict:
    """An error as ``{"type", "category", "message", "line", "column", ..., "hint"}``; an
    error inside a function adds ``frames``, the call chain, outermost first."""
    if hasattr(error, "to_dict"):
        found = error.to_dict()
    else:
        found = {"type": "InternalError", "category": "internal", "message": str(error)}
    frames = getattr(error, "frames", None) or []
    elsewhere = frames[0][2] if frames else None  # the innermost function's other input
    if elsewhere is not None:  # the error's line is in that file, not in the lines that ran
        found["file"] = elsewhere[0]
    for key in ("line", "end_line"):
        if found.get(key) is not None and elsewhere is None:
            found[key] += line_offset
    for key in ("message", "hint"):
        if isinstance(found.get(key), str) and len(found[key]) > MAX_MESSAGE_CHARS:
            cut = len(found[key]) - MAX_MESSAGE_CHARS
            found[key] = found[key][:MAX_MESSAGE_CHARS] + f"… ({cut:,} more characters)"
    if len(frames) > 1:
        found["frames"] = [
            _frame(name, span, origin, line_offset) for name, span, origin in reversed(frames)
        ]
    return found


def _frame(name: str, span, origin, line_offset: int) -> dict:
    """One frame of the call chain; ``file`` is named when the function was defined in another
    input than the one that ran (an earlier REPL input, a loaded file)."""
    if origin is not None:
        line_offset = 0
    frame = {
        "function": name,
        "line": span.line + line_offset if span is not None else None,
        "column": span.column if span is not None else None,
    }
    if origin is not None:
        frame["file"] = origin[0]
    return frame
