"""How each kind of op picks its result dtype, and the dtype it computes in.

A rule takes the op and its bound arguments and returns ``(compute, result)``: the numpy
dtype the promoted tensor inputs are cast to before the forward runs (None: leave them),
and the DType of the result. These are PyTorch's rules (``TensorIterator`` promotion, the
``dtype=`` argument of reductions, integer-to-float for ``exp``/``sin``/``/``).
"""

from __future__ import annotations

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.dtypes import BOOL, FLOATING, INTEGRAL, result_type
from gradcalc.errors import EvaluationError


def _operands(op, values) -> list:
    return [values[i] for i in op.promoted]


def _first(op, values):
    return values[op.promoted[0]] if op.promoted else values[0]


def same(op, values):
    """The dtype of the first tensor input (shape ops, indexing, ``neg``, ``clone``)."""
    d = dtypes.BY_NUMPY[_first(op, values).array.dtype]
    return None, d


def promote(op, values):
    """PyTorch's promotion over the tensor inputs and Python numbers (``+ - * maximum``)."""
    d = result_type(*_operands(op, values))
    return d.np, d


def promote_float(op, values):
    """Promotion, then integers and bools become the default float (``/``, the two-argument arctangent)."""
    d = result_type(*_operands(op, values))
    if d.category != FLOATING:
        d = dtypes.DEFAULTS.float
    return d.np, d


def to_float(op, values):
    """Integers and bools become the default float (``exp``, ``sin``, ``sigmoid``)."""
    d = dtypes.BY_NUMPY[_first(op, values).array.dtype]
    if d.category != FLOATING:
        d = dtypes.DEFAULTS.float
    return d.np, d


def compare(op, values):
    """Promoted to compare, bool out (``== < >=``)."""
    d = result_type(*_operands(op, values))
    return d.np, dtypes.bool_


def boolean(op, values):
    """Bool out, inputs as they are (``logical_and``, ``isnan``, ``all``)."""
    return None, dtypes.bool_


def int64(op, values):
    """int64 out (``argmax``, ``argsort``)."""
    return None, dtypes.int64


def _given_dtype(op, values):
    i = op.schema.index.get("dtype")
    return values[i] if i is not None else None


def accumulate(op, values):
    """``sum``/``prod``/running sums: integers and bools accumulate in int64; ``dtype=`` wins."""
    given = _given_dtype(op, values)
    if given is not None:
        return given.np, given
    d = dtypes.BY_NUMPY[_first(op, values).array.dtype]
    if d.category != FLOATING:
        d = dtypes.int64
    return d.np, d


def floating_only(op, values):
    """``mean``/``var``/``std``: PyTorch refuses integer input unless ``dtype=`` is given."""
    given = _given_dtype(op, values)
    if given is not None:
        return given.np, given
    d = dtypes.BY_NUMPY[_first(op, values).array.dtype]
    if d.category != FLOATING:
        raise EvaluationError(
            f"{op.name}(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {d.kind_name}",
            hint=f"convert first: x.float().{op.name}()",
        )
    return None, d


def from_forward(op, values):
    """The forward decides (constructors with ``dtype=``, ``to``); None means: its array's."""
    return None, None


__all__ = [
    "BOOL",
    "FLOATING",
    "INTEGRAL",
    "accumulate",
    "boolean",
    "compare",
    "floating_only",
    "from_forward",
    "int64",
    "promote",
    "promote_float",
    "same",
    "to_float",
]
