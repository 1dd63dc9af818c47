"""gradcalc's own language: numbers and number lists where PyTorch wants a tensor.

``relu([-1., 2.])`` is a TypeError in PyTorch; in a calculator program the list is tensor
data in the default dtype, and a list of tensors is stacked (keeping their gradients). The
registry passes ``to_tensor`` to the binder only while a calculator program runs.
"""

from __future__ import annotations

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F
from gradcalc.autograd.ops.constructors import data_array
from gradcalc.autograd.tensor import Tensor, make_tensor


def to_tensor(value, kind: str):
    """A tensor (a tuple of them for ``Tensor[]``) for ``value``, or None."""
    if kind == "Tensor[]":
        if not isinstance(value, list | tuple):
            return None
        items = [v if type(v) is Tensor else to_tensor(v, "Tensor") for v in value]
        return None if any(v is None for v in items) else tuple(items)
    if isinstance(value, bool) or not isinstance(value, list | tuple | int | float):
        return None
    if isinstance(value, list | tuple) and any(type(v) is Tensor for v in value):
        items = [v if type(v) is Tensor else to_tensor(v, "Tensor") for v in value]
        if any(v is None for v in items):
            return None
        return F.stack(tuple(items), 0)
    try:
        array = data_array(value)
    except Exception:  # noqa: BLE001 - not tensor data: the binder's own type error follows
        return None
    if array.dtype.kind != "f":
        array = array.astype(dtypes.DEFAULTS.float.np)
    return make_tensor(array)
