"""``--json``: one JSON document per program, strictly valid JSON.

Non-finite numbers become the strings "NaN", "Infinity" and "-Infinity" (JSON has no
literal for them); arrays become nested lists at full precision.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def jsonable(value: Any) -> Any:
    """``value`` (numpy arrays and scalars, floats, containers) as plain JSON-ready data."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            return _replace_non_finite(value.tolist())
        if value.dtype.kind in "biuf":
            return value.tolist()
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float):
        return value if math.isfinite(value) else _non_finite(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _non_finite(value: float) -> str:
    return "NaN" if math.isnan(value) else _NON_FINITE[value]


def _replace_non_finite(data: Any) -> Any:
    if isinstance(data, list):
        return [_replace_non_finite(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return _non_finite(data)
    return data


def dumps(document: dict) -> str:
    """Compact, strictly valid JSON.

    The fast path lets ``json`` walk the document and converts only numpy objects; a plain
    float that is NaN or infinite makes it raise (``allow_nan=False``), and the slow path
    then rewrites the whole document first.
    """
    try:
        return json.dumps(document, allow_nan=False, ensure_ascii=False, default=_numpy_default)
    except ValueError:
        return json.dumps(jsonable(document), allow_nan=False, ensure_ascii=False)


def _numpy_default(value: Any) -> Any:
    if isinstance(value, np.ndarray | np.generic):
        return jsonable(value)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def graph_document(graph) -> dict | None:
    """A ``results.Graph`` as ``{"root": id, "nodes": [...]}`` (the schema of ``--json``)."""
    if graph is None:
        return None
    return {
        "root": graph.root,
        "nodes": [
            {
                "id": node.id,
                "name": node.name,
                "op": node.op,
                "expr": node.expr,
                "shape": list(node.shape),
                "inputs": list(node.inputs),
                "requires_grad": node.requires_grad,
                "is_leaf": node.is_leaf,
                "is_constant": node.is_constant,
                "freed": node.freed,
                "value": node.value,
                "grad": node.grad,
            }
            for node in graph.nodes
        ],
    }


def error_document(error, *, line_offset: int = 0) -> dict:
    found = (
        error.to_dict()
        if hasattr(error, "to_dict")
        else {"type": "InternalError", "message": str(error)}
    )
    for key in ("line", "end_line"):
        if found.get(key) is not None:
            found[key] += line_offset
    return found
