"""AccumulateGrad: how a leaf's ``.grad`` receives a gradient, with the leaf's hooks.

As PyTorch (the leaf's hooks have run in the engine by then): the first gradient becomes
``.grad`` (under ``create_graph`` a copy made by a ``CopyBackwards`` node, so the gradient
keeps its graph); later ones add into it — in place when no graph is being built (even
into a grad that has one), so a ``g = x.grad`` taken earlier sees the sum, out of place
(``AddBackward0``) otherwise.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.broadcast import Expanded
from gradcalc.autograd.inplace import bump_version
from gradcalc.autograd.node import Node
from gradcalc.autograd.tensor import Tensor, make_tensor, version_box


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


def accumulate_into(t: Tensor, g, create_graph: bool, shared: bool = False) -> None:
    """Add gradient ``g`` (an array, or a Tensor under create_graph) into ``t.grad``.

    ``shared``: someone else holds ``g`` (a seed, a gradient passed through unchanged), so
    the leaf keeps a copy. PyTorch's version counter of ``.grad`` shows what happened: a
    copy is written into a new tensor (version 1), an addition in place counts one more.
    """
    current = t._grad
    if type(g) is Tensor:
        if current is None:
            node = CopyBackwards(g) if g._requires_grad else None
            t._grad = make_tensor(g.array.copy(), node is not None, node)
            version_box(t._grad)[0] = 1
        else:
            t._grad = current + g
        return
    if type(g) is Expanded:
        _accumulate_expanded(t, g, shared)
        return
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if current is None:
        copied = shared or not g.flags.writeable or g.base is not None
        t._grad = make_tensor(g.copy() if copied else g)
        if copied:
            version_box(t._grad)[0] = 1
    elif current.array.shape != g.shape or not current.array.flags.writeable:
        t._grad = make_tensor(current.array + g)
    else:
        # in place, as PyTorch does without create_graph: a grad that has a graph (from an
        # earlier create_graph pass) keeps its grad_fn
        np.add(current.array, g, out=current.array, casting="unsafe")
        bump_version(current)


def _accumulate_expanded(t: Tensor, g: Expanded, shared: bool) -> None:
    """As for the array ``g`` stands for, a fresh one: stored as it is (its version says
    "copied" when it also reached another place), or added in place."""
    current = t._grad
    if current is None:
        t._grad = make_tensor(g.materialize())
        if shared:
            version_box(t._grad)[0] = 1
    elif current.array.shape != g.shape or not current.array.flags.writeable:
        t._grad = make_tensor(current.array + g.materialize())
    else:
        np.add(current.array, g.value, out=current.array, casting="unsafe")
        bump_version(current)
