"""AccumulateGrad: how a leaf's ``.grad`` receives a gradient, with the leaf's hooks.

As PyTorch (the leaf's hooks have run in the engine by then): the first gradient becomes
``.grad`` (under ``create_graph`` a copy made by a ``CopyBackwards`` node, so the gradient
keeps its graph); later ones add into it — in place when no graph is being built, so a
``g = x.grad`` taken earlier sees the sum, out of place (``AddBackward0``) otherwise.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import Node
from gradcalc.autograd.tensor import Tensor, make_tensor


class CopyBackwards(Node):
    """The copy of a gradient that keeps its graph: PyTorch copies the first gradient into a
    fresh ``.grad`` (``new_grad.copy_(grad)``), hence two inputs, the destination first."""

    __slots__ = ()

    def __init__(self, source: Tensor) -> None:
        meta = (source.array.shape, source.array.dtype)
        super().__init__(((None, 0), source._edge()), (None, meta))

    def name(self) -> str:
        return "torch::autograd::CopyBackwards"

    def apply(self, grads: list, create_graph: bool) -> list:
        return [None, grads[0]]


def accumulate_into(t: Tensor, g, create_graph: bool) -> None:
    """Add gradient ``g`` (an array, or a Tensor under create_graph) into ``t.grad``."""
    current = t._grad
    if type(g) is Tensor:
        if current is None:
            if g._requires_grad:
                t._grad = make_tensor(g.array.copy(), True, CopyBackwards(g))
            else:
                t._grad = make_tensor(g.array.copy())
        else:
            t._grad = current + g
        return
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if current is None:
        if not g.flags.writeable or g.base is not None:
            g = g.copy()
        t._grad = make_tensor(g)
    elif current._requires_grad or current.array.shape != g.shape:
        t._grad = make_tensor(current.array + g)
    else:
        np.add(current.array, g, out=current.array, casting="unsafe")
