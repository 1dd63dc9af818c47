"""``torch.Tensor([1, 2])``, ``torch.FloatTensor(2, 3)``: PyTorch's legacy constructors."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.constructors import data_array
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError


def legacy_tensor(dtype, args: tuple) -> Tensor:
    """Data (a list or a tensor) gives a copy of it; sizes give a tensor of that shape."""
    if len(args) == 1 and isinstance(args[0], list | tuple | Tensor):
        return make_tensor(data_array(args[0], dtype))
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
        # PyTorch leaves the memory uninitialised; zeros are one of its possible values.
        return make_tensor(np.zeros(args, dtype=dtype.np))
    shown = ", ".join(type(a).__name__ for a in args)
    raise ArgumentError(
        f"new() received an invalid combination of arguments - got ({shown}, )",
        hint="torch.Tensor(data) takes a list; prefer torch.tensor(data)",
    )
