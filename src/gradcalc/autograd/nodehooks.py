"""The hooks a backward pass runs around a node, and PyTorch's checks of what they return.

Tensor hooks (``register_hook``) and ``retain_grad`` before a node, node pre-hooks
(``grad_fn.register_prehook``), node post-hooks (``grad_fn.register_hook``) after it, and a
leaf's post-accumulate hooks; ``engine.py`` calls them in PyTorch's order.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F
from gradcalc.autograd.dtypes import BOOL
from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError

_ndarray = np.ndarray


def tensor_pre_hooks(node, grads: list) -> list:
    """Tensor hooks (a leaf's, or a non-leaf's by output), then retain_grad."""
    if type(node) is AccumulateGrad:
        hooks = node.variable._hooks
        return [_run_tensor_hooks(hooks, grads[0])] if hooks else grads
    tables = node._hook_tables
    if tables is None:
        return grads
    if tables.tensor:
        grads = list(grads)
        for nr, hooks in tables.tensor.items():
            grads[nr] = _run_tensor_hooks(hooks, grads[nr])
    retained = tables.retained
    if retained:
        for nr, ref in retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _retain(t, grads[nr])
    return grads


def node_pre_hooks(node, grads: list) -> list:
    """``grad_fn.register_prehook`` functions: ``hook(grad_outputs)``; a tuple returned
    replaces the gradients, None in it included (as PyTorch's unwrap_variables)."""
    pre = None if node._hook_tables is None else node._hook_tables.pre
    if not pre:
        return grads
    for hook in list(pre.values()):
        given = tuple(None if g is None else _as_tensor(g) for g in grads)
        replaced = hook(given)
        if replaced is not None:
            _check_hook_results(hook, given, replaced)
            grads = [None if r is None else _like(r, g) for r, g in zip(replaced, grads)]
    return grads


def node_post_hooks(node, outputs: list, grads: list) -> list:
    """``grad_fn.register_hook`` functions: ``hook(grad_inputs, grad_outputs)``."""
    grad_outputs = tuple(None if g is None else _as_tensor(g) for g in grads)
    for hook in list(node.post_hooks().values()):
        given = tuple(None if r is None else _as_tensor(r) for r in outputs)
        replaced = hook(given, grad_outputs)
        if replaced is not None:
            _check_hook_results(hook, given, replaced)
            outputs = [None if new is None else _like(new, r) for new, r in zip(replaced, outputs)]
    return outputs


def _run_tensor_hooks(hooks: dict, g):
    """``register_hook`` functions in order; a Tensor one returns replaces the gradient. As
    in PyTorch they also run, with None, for an output of a node that got no gradient."""
    for hook in list(hooks.values()):
        given = None if g is None else _as_tensor(g)
        replaced = hook(given)
        if replaced is not None:
            if given is None:
                raise AutogradError("can't replace a None gradient with a non-None value")
            _check_hook_result(hook, given, replaced)
            g = _like(replaced, g)
    return g


def check_post_accumulate(hook, tensor: Tensor, returned) -> None:
    """Such a hook returns None (or the tensor it was given, as PyTorch lets pass)."""
    if returned is None or returned is tensor:
        return
    _check_hook_result(hook, tensor, returned)
    raise AutogradError("Tensor post accumulate grad hooks should return None.")


def _hook_name(hook) -> str:
    name = getattr(hook, "__name__", None) or getattr(hook, "name", None)
    return name if isinstance(name, str) else "<unknown>"


def _check_hook_results(hook, given: tuple, replaced) -> None:
    """PyTorch's checks of what a node hook returned (python_hook.cpp's check_result)."""
    if not isinstance(replaced, tuple):
        raise ArgumentError(f"expected tuple, but hook returned '{_type_name(replaced)}'")
    if len(replaced) != len(given):
        raise AutogradError(
            f"hook '{_hook_name(hook)}' has returned an incorrect number of values (got "
            f"{len(replaced)}, but expected {len(given)})"
        )
    for original, result in zip(given, replaced):
        if result is None:
            continue
        if original is None:
            raise AutogradError("can't replace a None gradient with a non-None value")
        _check_hook_result(hook, original, result)


def _check_hook_result(hook, original: Tensor, result) -> None:
    """A hook's replacement gradient keeps the type and size of the one it replaces."""
    if type(result) is not Tensor:
        raise ArgumentError(f"expected Variable, but hook returned '{_type_name(result)}'")
    if result.array.dtype != original.array.dtype:
        raise AutogradError(
            f"hook '{_hook_name(hook)}' has changed the type of value (was "
            f"{_type_string(original)} got {_type_string(result)})"
        )
    if result.array.shape != original.array.shape:
        raise AutogradError(f"hook '{_hook_name(hook)}' has changed the size of value")


def _type_string(t: Tensor) -> str:
    """``Tensor.toString()``: ``torch.FloatTensor``, and ``CPUBoolType`` for bool."""
    d = t.dtype
    return "CPUBoolType" if d.category == BOOL else f"torch.{d.tensor_type}"


def _type_name(value) -> str:
    return "Tensor" if type(value) is Tensor else type(value).__name__


def _like(replaced, original):
    """A hook's Tensor in the form the pass carries gradients (arrays unless create_graph)."""
    if type(replaced) is Tensor and type(original) is _ndarray:
        return replaced.array
    return replaced


def _as_tensor(g):
    return g if type(g) is Tensor else make_tensor(g)


def _retain(t: Tensor, g) -> None:
    """``t.retain_grad()``: a copy of the gradient, added to what ``t.grad`` holds."""
    if type(g) is Tensor:
        g = F.clone(g) if g._requires_grad else make_tensor(g.array.copy())
    else:
        g = make_tensor(np.array(g, copy=True))
    if t._grad is None:
        t._grad = g
    else:
        t._grad = (
            t._grad + g
            if type(g) is Tensor and g._requires_grad
            else make_tensor(t._grad.array + g.array)
        )
