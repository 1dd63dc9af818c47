"""In-place operations (``x.mul_(2)``, ``x += 1``, ``x[0] = 5``) with PyTorch's rules.

The op runs out of place (recording its node as usual), its result is written into the
tensor's array, and the tensor's version counter goes up. Autograd then follows:
- a leaf that requires grad, or a view of one, is refused while grad mode is on;
- a tensor that is not a view takes the new node as its ``grad_fn`` (the node keeps a copy
  of the old values if its derivative reads them);
- a view's base gets a ``CopySlices`` node, which runs the op's derivative on the view's part
  of the base's gradient, and every live view of the base is re-derived from it
  (``AsStridedBackward0``);
- a value saved for backward and changed since is caught by the version counter when the
  backward pass reaches the node that saved it.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F
from gradcalc.autograd.node import Node
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError, ShapeError

LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_ERROR = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
MULTI_OUTPUT_VIEW_ERROR = (
    "Output {nr} of {name} is a view and is being modified inplace. This view is the output of "
    "a function that returns multiple views. Such functions do not allow the output views to "
    "be modified inplace. You should replace the inplace operation by an out-of-place one."
)
INFERENCE_INPLACE = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)
_HINT = (
    "change a leaf's values inside 'with torch.no_grad():' (as an SGD step does), or "
    "compute into a new tensor: y = x * 2"
)


def check_writable(t: Tensor, name: str = "copy_") -> None:
    """PyTorch's refusals before an in-place change of ``t`` by the op ``name``."""
    if STATE.inplace_guard is not None:
        STATE.inplace_guard(t, name)
    if t._inference and not STATE.inference:
        raise AutogradError(INFERENCE_INPLACE, hint="clone() the tensor first")
    if STATE.grad_enabled:
        if t.grad_fn is None and t._requires_grad:
            raise AutogradError(LEAF_ERROR, hint=_HINT)
        if t._base is not None and getattr(t.grad_fn, "op", None) is not None:
            if t.grad_fn.op.multi_output_views:
                raise AutogradError(
                    MULTI_OUTPUT_VIEW_ERROR.format(
                        nr=t._output_nr, name=t.grad_fn.name().removesuffix("Backward0")
                    ),
                    hint="compute into a new tensor (y = piece * 3), or clone() the piece first",
                )
        base = t._base
        if base is not None and base.grad_fn is None and base._requires_grad:
            raise AutogradError(VIEW_OF_LEAF_ERROR, hint=_HINT)
    if not t.array.flags.writeable:
        raise AutogradError(
            "unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation.",
            hint="an expanded tensor repeats memory: clone() it first",
        )


def apply_inplace(op, values: list) -> Tensor:
    """``op_``: ``values[0]`` is the tensor written to (bound values of the op)."""
    t = values[0]
    check_writable(t, inplace_name(op))
    result = op.apply(values)
    return write_result(t, result)


def inplace_name(op) -> str:
    """ATen's name of the in-place op (``mul_``, ``fill_.Scalar``, ``copy_``)."""
    if type(op.inplace) is str:
        return op.inplace
    base, dot, overload = op.name.partition(".")
    second = op.schema.params[1:2]
    if not dot and second and not second[0].optional:
        # PyTorch wraps a number given for a tensor (add_.Tensor); a Scalar stays (fill_.Scalar)
        overload = {"Tensor|Scalar": "Tensor", "Scalar": "Scalar"}.get(second[0].kind, "")
        dot = "." if overload else ""
    return f"{base}_{dot}{overload}"


def write_result(t: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` (computed out of place from ``t``) into ``t`` and rebase its history."""
    out = result.array
    target = t.array
    if out.shape != target.shape:
        if np.broadcast_shapes(out.shape, target.shape) != target.shape:
            raise ShapeError(
                f"output with shape [{', '.join(map(str, target.shape))}] doesn't match the "
                f"broadcast shape [{', '.join(map(str, out.shape))}]"
            )
    if out.dtype is not target.dtype:
        source = dtypes.BY_NUMPY[out.dtype]
        destination = dtypes.BY_NUMPY[target.dtype]
        if not dtypes.can_cast(source, destination):
            raise dtypes.cast_error(source, destination)
    node = result.grad_fn
    if node is not None:
        node.snapshot("self", t)
    target[...] = out  # np.copyto(casting="unsafe") without its Python-level wrapper
    bump_version(t)
    if node is not None:
        node.adopt_result(t)
        rebase_history(t, node)
    return t


def bump_version(t: Tensor) -> None:
    STATE.inplace_seen = True
    vc = t._vc
    if vc is None:
        vc = t._vc = [0]  # version_box(t)
    vc[0] += 1


def rebase_history(t: Tensor, node) -> None:
    """``t`` was changed in place by ``node``: it (or its base, through CopySlices) now
    gets its gradient through that node, and every live view is re-derived."""
    base = t._base
    if base is None:
        _set_history(t, node)
        _rederive_views(t, skip=None)
        return
    base_edge = base._edge() if base._requires_grad else (None, 0)
    base_meta = (base.array.shape, base.array.dtype)
    _set_history(base, CopySlices(base_edge, base_meta, t._view_fn, node))
    _rederive_views(base, skip=None)


def _set_history(t: Tensor, node) -> None:
    """``t`` now comes out of ``node``; ``retain_grad()`` follows it, as in PyTorch (the
    tensor hooks registered before stay with the old node: they see the old value's
    gradient)."""
    old = t.grad_fn
    if (
        t._retains_grad
        and old is not None
        and old._hook_tables is not None
        and old._hook_tables.retained
    ):
        old._hook_tables.retained.pop(t._output_nr, None)
    t.grad_fn = node
    t._requires_grad = True
    t._output_nr = 0
    if t._retains_grad:
        node.retain(0, t)


def _rederive_views(base: Tensor, skip) -> None:
    """Every live view of ``base`` now gets its gradient through ``base``'s new node."""
    views = base._views
    if not views:
        return
    alive = []
    for ref in views:
        w = ref()
        if w is None:
            continue
        alive.append(ref)
        if w is skip:
            continue
        _set_history(w, AsStridedNode(base, w._view_fn))
    base._views = alive


def replay(view_fn: tuple, x):
    """The view ``view_fn`` describes, taken of ``x`` (an array, or a Tensor)."""
    for op, params in view_fn:
        x = op.raw(x, *params)
    return x


class AsStridedNode(Node):
    """A view re-derived from its base after an in-place change (``AsStridedBackward0``)."""

    __slots__ = ("base_meta", "view_fn")

    def __init__(self, base: Tensor, view_fn: tuple) -> None:
        meta = (base.array.shape, base.array.dtype)
        super().__init__((base._edge(),), (meta,))
        self.base_meta = meta
        self.view_fn = view_fn

    def name(self) -> str:
        return "AsStridedBackward0"

    def apply(self, grads: list, create_graph: bool) -> list:
        g = grads[0]
        shape, dtype = self.base_meta
        if create_graph:
            return [F.view_scatter(make_tensor(np.zeros(shape, dtype=dtype)), g, self.view_fn)]
        out = np.zeros(shape, dtype=dtype)
        replay(self.view_fn, out)[...] = g
        return [out]


class CopySlices(Node):
    """A base after an in-place change through one of its views (PyTorch's ``CopySlices``)."""

    __slots__ = ("fn", "view_fn")

    def __init__(self, base_edge, base_meta, view_fn: tuple, fn) -> None:
        super().__init__(
            (base_edge, *fn.next_functions[1:]),
            ((base_meta if base_edge[0] is not None else None), *fn.input_meta[1:]),
        )
        self.view_fn = view_fn
        self.fn = fn

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def check_saved(self) -> None:
        self.fn.check_saved()

    def release(self) -> None:
        self.fn.release()

    def apply(self, grads: list, create_graph: bool) -> list:
        g = grads[0]
        if create_graph:
            part = replay(self.view_fn, g)
            inner = self.fn.apply([part], True)
            first = inner[0] if inner else None
            if first is None:
                first = part * 0
            return [F.view_scatter(g, first, self.view_fn), *inner[1:]]
        result = np.array(g, copy=True)
        part = replay(self.view_fn, result)
        inner = self.fn.apply([part.copy()], False)
        first = inner[0] if inner else None
        if first is None:
            part[...] = 0
        else:
            part[...] = first.array if type(first) is Tensor else first
        return [result, *inner[1:]]
