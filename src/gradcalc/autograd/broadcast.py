"""Broadcasting shapes as PyTorch checks them, with PyTorch's message."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.settings import check_elements
from gradcalc.errors import ShapeError


def broadcast_shapes(*shapes: tuple) -> tuple:
    """The shape ``shapes`` broadcast to, or PyTorch's error naming the first mismatch."""
    result: tuple = ()
    for shape in shapes:
        result = _pair(result, shape)
    return result


def _pair(a: tuple, b: tuple) -> tuple:
    if a == b or not b:
        return a
    if not a:
        return b
    n = max(len(a), len(b))
    out = [0] * n
    for i in reversed(range(n)):  # PyTorch reports the last dimension that does not fit
        x = a[i - n + len(a)] if i - n + len(a) >= 0 else 1
        y = b[i - n + len(b)] if i - n + len(b) >= 0 else 1
        if x == y or y == 1:
            out[i] = x
        elif x == 1:
            out[i] = y
        else:
            raise ShapeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {i}",
                hint="shapes must match or broadcast: trailing dimensions equal or 1",
            )
    shape = tuple(out)
    if shape != a and shape != b:
        check_elements(shape, "result")
    return shape


class Expanded:
    """A gradient that is one value at every position of ``shape`` (mean's and sum's gradient,
    and what a pointwise derivative makes of it), held as that value until it is stored in a
    ``.grad``, summed or read whole. Only the engine's plain loop makes and reads these:
    ``materialize`` gives exactly the array the general loop would have computed."""

    __slots__ = ("shape", "value")

    def __init__(self, value: np.ndarray, shape: tuple) -> None:
        self.value = value  # a 0-d array
        self.shape = shape

    @property
    def dtype(self) -> np.dtype:
        return self.value.dtype

    def materialize(self) -> np.ndarray:
        return np.full(self.shape, self.value, dtype=self.value.dtype)
