"""Variables as the Values table and ``--json`` show them."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.tensor import Tensor
from gradcalc.autograd.values import ReturnTuple, Size
from gradcalc.interpreter.results import Shown


def plain_value(value):
    """A tensor as its array, a number or string as itself, other values as their repr;
    None for what is not a value to show (functions, modules, classes)."""
    if type(value) is Tensor:
        return np.asarray(value.array)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Size):
        return np.array(list(value), dtype=np.int64)
    if isinstance(value, ReturnTuple):
        return Shown(repr(value))
    if isinstance(value, list | tuple | dict | set):
        return Shown(repr(value))
    if callable(value) or type(value).__name__ in ("Module", "FunctionClass", "PyType"):
        return None
    return Shown(repr(value))
