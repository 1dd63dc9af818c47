"""User-defined ``torch.autograd.Function``: the ctx object, the node, and ``apply``.

As PyTorch: ``forward`` runs without recording (grad mode off); if any input requires
grad, every floating output not marked non-differentiable gets a ``<Name>Backward`` node
whose backward calls the user's ``backward(ctx, *grad_outputs)`` and checks that it
returns one gradient per ``forward`` input.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import Node, freed_error, modified_error
from gradcalc.autograd.settings import STATE, grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError


class FunctionCtx:
    """``ctx``: what forward leaves for backward. Other attributes may be set freely."""

    context_manager = False
    language_type_name = "BackwardCFunction"

    def __init__(self) -> None:
        self._saved: tuple | None = None
        self._saved_versions: tuple = ()
        self._freed = False
        self.needs_input_grad: tuple = ()
        self._non_differentiable: set = set()
        self._dirty: set = set()
        self.materialize_grads = True
        self._attributes: dict = {}

    def save_for_backward(self, *tensors) -> None:
        for t in tensors:
            if t is not None and type(t) is not Tensor:
                raise ArgumentError(
                    "save_for_backward can only save variables, but argument 0 is of type "
                    f"{type(t).__name__}"
                )
        self._saved = tensors
        self._saved_versions = tuple(t._version if t is not None else 0 for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise freed_error()
        saved = self._saved or ()
        for t, version in zip(saved, self._saved_versions):
            if t is not None and t._version != version:
                producer = t.grad_fn.name() if t.grad_fn is not None else None
                raise modified_error(t.array, t._version, version, producer)
        return tuple(saved)

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_differentiable.update(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        self._dirty.update(id(t) for t in tensors)

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = bool(value)

    # the sandbox's attribute protocol (interpreter/attributes.py)
    _METHODS = frozenset(
        {
            "save_for_backward",
            "saved_tensors",
            "needs_input_grad",
            "mark_non_differentiable",
            "mark_dirty",
            "set_materialize_grads",
            "materialize_grads",
        }
    )

    def language_attribute(self, name: str):
        if name in self._METHODS:
            return getattr(self, name)
        if name in self._attributes:
            return self._attributes[name]
        from gradcalc.errors import AttributeLookupError

        raise AttributeLookupError(f"'BackwardCFunction' object has no attribute '{name}'")

    def set_language_attribute(self, name: str, value) -> None:
        if name in self._METHODS:
            from gradcalc.errors import AttributeLookupError

            raise AttributeLookupError(f"attribute '{name}' of ctx is not writable")
        self._attributes[name] = value

    def language_names(self):
        return [*self._METHODS, *self._attributes]


class CustomNode(Node):
    """``ExpBackward``: the node of one ``apply`` of a user-defined Function."""

    __slots__ = ("backward", "ctx", "label", "n_inputs", "n_out", "out_meta", "positions")

    def __init__(self, label, backward, ctx, edges, meta, positions, n_inputs, n_out, out_meta):
        super().__init__(edges, meta)
        self.label = label
        self.backward = backward
        self.ctx = ctx
        self.positions = positions  # forward argument index of each edge
        self.n_inputs = n_inputs
        self.n_out = n_out
        self.out_meta = out_meta

    @property
    def n_outputs(self) -> int:
        return self.n_out

    def name(self) -> str:
        return self.label

    def release(self) -> None:
        self.ctx._freed = True

    def apply(self, grads: list, create_graph: bool) -> list:
        if self.ctx.materialize_grads:
            grads = [
                g if g is not None else make_tensor(np.zeros(shape, dtype=dtype))
                for g, (shape, dtype) in zip(grads, self.out_meta)
            ]
        args = [g if g is None or type(g) is Tensor else make_tensor(g) for g in grads]
        with grad_mode(create_graph):
            result = self.backward(self.ctx, *args)
        results = result if isinstance(result, tuple) else (result,)
        if len(results) != self.n_inputs:
            if len(results) > self.n_inputs and all(r is None for r in results[self.n_inputs :]):
                results = results[: self.n_inputs]
            else:
                raise AutogradError(
                    f"function {self.label} returned an incorrect number of gradients "
                    f"(expected {self.n_inputs}, got {len(results)})"
                )
        out = []
        for position in self.positions:
            r = results[position]
            if r is not None and type(r) is not Tensor:
                raise AutogradError(
                    f"function {self.label} returned a gradient different than None at "
                    f"position {position + 1}, but the corresponding forward input was not a "
                    "Variable"
                )
            out.append(r if r is None or create_graph else r.array)
        return out


def apply_function(label: str, forward, backward, args: tuple, setup_context=None):
    """``MyFunction.apply(*args)``."""
    ctx = FunctionCtx()
    ctx.needs_input_grad = tuple(type(a) is Tensor and a._requires_grad for a in args)
    with grad_mode(False):
        if setup_context is None:
            outputs = forward(ctx, *args)
        else:
            outputs = forward(*args)
            setup_context(ctx, args, outputs)
    single = not isinstance(outputs, tuple)
    outs = (outputs,) if single else outputs
    record = STATE.grad_enabled and any(ctx.needs_input_grad)
    if record:
        edges, meta, positions = [], [], []
        for i, a in enumerate(args):
            if type(a) is Tensor:
                positions.append(i)
                if a._requires_grad:
                    edges.append(a._edge())
                    meta.append((a.array.shape, a.array.dtype))
                else:
                    edges.append((None, 0))
                    meta.append(None)
        out_meta = tuple(
            (o.array.shape, o.array.dtype) if type(o) is Tensor else ((), np.dtype(np.float32))
            for o in outs
        )
        node = CustomNode(
            label,
            backward,
            ctx,
            tuple(edges),
            tuple(meta),
            tuple(positions),
            len(args),
            len(outs),
            out_meta,
        )
        wrapped = []
        for nr, o in enumerate(outs):
            if type(o) is not Tensor:
                wrapped.append(o)
                continue
            if any(o is a for a in args):
                o = make_tensor(o.array)  # an input returned as it is: a new tensor, as torch
            if id(o) in ctx._non_differentiable or o.array.dtype.kind != "f":
                wrapped.append(o)
                continue
            o.grad_fn = node
            o._requires_grad = True
            o._output_nr = nr
            wrapped.append(o)
        outs = tuple(wrapped)
    return outs[0] if single else outs
