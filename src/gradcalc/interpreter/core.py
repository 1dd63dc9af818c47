"""The interpreter's one door into the autograd core.

Everything the interpreter asks of ``gradcalc.autograd`` goes through these small functions,
so the evaluator reads in the language's terms and a change in the core touches one file.
The core is imported lazily: ``import gradcalc.interpreter`` costs nothing until a program
runs.
"""

from __future__ import annotations

import contextlib
import functools
import warnings
from typing import Any

import numpy as np


@functools.cache
def _ag():
    import gradcalc.autograd as autograd

    return autograd


@functools.cache
def _functions():
    """The core's function table (``gradcalc.autograd.functional``), else the package."""
    try:
        import gradcalc.autograd.functional as functional
    except ImportError:
        return _ag()
    return functional


@functools.cache
def _tensor_type():
    from gradcalc.autograd.tensor import Tensor

    return Tensor


def _engine():
    from gradcalc.autograd import engine

    return engine


def _settings():
    from gradcalc.autograd import settings

    return settings


def is_tensor(value: Any) -> bool:
    return isinstance(value, _tensor_type())


def has_function(name: str) -> bool:
    return callable(getattr(_functions(), name, None))


def function(name: str):
    return getattr(_functions(), name)


def make_tensor(array: np.ndarray, *, requires_grad: bool = False):
    tensor = _tensor_type()._make(np.asarray(array))
    if requires_grad:
        tensor.requires_grad = True
    return tensor


@contextlib.contextmanager
def settings(*, dtype: str, max_elements: int, rng, record_output_grads: bool):
    """Install a session's dtype, size limit, random generator and graph recording in the
    core's process-wide state for the duration of a run, then restore the previous ones.
    A run starts recording gradients, whatever mode the embedding program left on."""
    state = _settings().STATE
    saved = (
        state.default_dtype,
        state.max_elements,
        state.rng,
        state.record_output_grads,
        state.grad_enabled,
    )
    state.grad_enabled = True
    state.default_dtype = np.dtype(dtype)
    state.max_elements = max_elements
    state.rng = rng
    state.record_output_grads = record_output_grads
    try:
        # Python warnings (numpy's "Mean of empty slice", ...) would reach the user's terminal
        # as a source path and line of numpy; non-finite results get the interpreter's own
        # "warning: y contains NaN" instead.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            yield state
    finally:
        (
            state.default_dtype,
            state.max_elements,
            state.rng,
            state.record_output_grads,
            state.grad_enabled,
        ) = saved


def is_grad_enabled() -> bool:
    return _settings().is_grad_enabled()


@contextlib.contextmanager
def grad_mode(enabled: bool):
    """Record gradients (``enable_grad``) or not (``no_grad``) inside, then restore the mode."""
    with _settings().enable_grad() if enabled else _settings().no_grad():
        yield


def reseed(seed: int) -> None:
    from gradcalc.autograd import manual_seed

    manual_seed(seed)


def make_generator(seed: int):
    return np.random.default_rng(seed)


def data(t) -> np.ndarray:
    return t.data


def is_leaf(t) -> bool:
    return t.grad_fn is None


def requires_grad(t) -> bool:
    return t.requires_grad


def is_floating(t) -> bool:
    return t.data.dtype.kind == "f"


def set_requires_grad(t, flag: bool) -> None:
    t.requires_grad = flag


def grad_of(t):
    g = t.grad
    if g is not None and not is_tensor(g):
        # A 0-d gradient can come back from the core as a numpy scalar; give the leaf a
        # real Tensor (once, so ``x.grad.zero_()`` acts on the leaf's own gradient).
        g = _tensor_type()._make(np.asarray(g))
        t.grad = g
    return g


def set_grad(t, value) -> None:
    t.grad = value


def set_data(t, array: np.ndarray) -> None:
    t.data = array


def mark_modified(t) -> None:
    """``t``'s values changed in place: a backward that needs the old ones will refuse."""
    from gradcalc.autograd.node import mark_modified as mark

    mark(t)


def grad_fn(t):
    return t.grad_fn


def op_name(t) -> str | None:
    node = t.grad_fn
    return None if node is None else node.name


def dtype_name(t) -> str:
    return t.data.dtype.name


def astype(t, name: str):
    if t.data.dtype.name == name:
        return t
    for candidate in ("to", "astype", "type"):
        fn = getattr(_functions(), candidate, None)
        if callable(fn):
            return fn(t, name)
    return make_tensor(t.data.astype(name), requires_grad=False)


def detach(t):
    return t.detach()


def retains_grad(t) -> bool:
    flag = getattr(t, "retains_grad", False)
    return bool(flag() if callable(flag) else flag)


def retain_grad(t) -> None:
    t.retain_grad()


def zero_grad_(t) -> None:
    t.grad.zero_()


def transpose_all(t):
    return t.T


def index(t, key):
    return t[key]


def backward(t, gradient, retain_graph, create_graph, inputs, on_node=None) -> None:
    _engine().backward(t, gradient, retain_graph, create_graph, inputs, on_node=on_node)


def grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    return _engine().grad(
        outputs,
        inputs,
        grad_outputs=grad_outputs,
        retain_graph=retain_graph,
        create_graph=create_graph,
        allow_unused=allow_unused,
    )


def jacobian(y, x):
    return _engine().jacobian(y, x)


def hessian(y, x):
    return _engine().hessian(y, x)


# ---- the graph ---------------------------------------------------------------------------------


def is_accumulator(node) -> bool:
    from gradcalc.autograd.node import AccumulateGrad

    return type(node) is AccumulateGrad


def node_children(node) -> tuple:
    """The nodes a node's gradient flows to (None for inputs that need no gradient)."""
    return node.next_nodes


def node_output_grad(node) -> np.ndarray | None:
    g = getattr(node, "output_grad", None)
    if g is None:
        return None
    return np.asarray(g.data if is_tensor(g) else g)


def node_formula(node) -> str:
    return getattr(node, "formula", "") or ""


def node_input_shapes(node) -> tuple:
    return getattr(node, "in_shapes", ())


def unbroadcast(grad, shape):
    from gradcalc.autograd.registry import unbroadcast as core_unbroadcast

    return core_unbroadcast(grad, shape)


def format(t, *, dtype_name: str | None, precision: int) -> str:
    from gradcalc.autograd.printing import format_tensor

    node = t.grad_fn
    return format_tensor(
        t.data,
        dtype_name=dtype_name,
        grad_fn_name=None if node is None else node.name,
        requires_grad=node is None and t.requires_grad,
        precision=precision,
    )
