"""gradcalc's own language (a program that does not import torch): a calculator's rules.

- A number list is tensor data where a tensor is wanted: as an operand
  (``[[1, 2], [3, 4]] @ x``) or an argument (``relu([-1., 2.])``), in the calculator dtype
  (float64 unless ``--dtype``).
- The default dtype is float64 (``--dtype`` changes it): a calculator keeps its precision.
- A top-level ``name = <float, number list or bare constructor>`` binds a leaf that
  requires grad (``x = [1., 2.]``, ``w = randn(3, 3)``, ``x = 2.``), unless
  ``requires_grad=False``; an integer stays a number (``n = 10`` counts).
- The functions of ``torch`` are also bare names (``mean(z)``, ``exp(x)``); ``sum``,
  ``max``, ``min``, ``abs`` and ``round`` are torch's on tensors and Python's otherwise.
- ``torch``, ``F`` and ``np`` need no import.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
import gradcalc.autograd.registry as registry
from gradcalc.autograd.tensor import Tensor, make_tensor


class Settings:
    """The calculator dtype (``--dtype``), shared by every session of a process run."""

    dtype = dtypes.float64


CONSTRUCTORS = frozenset(
    "tensor ones zeros full eye arange linspace rand randn randint empty ones_like "
    "zeros_like full_like rand_like randn_like load".split()
)
# constructors whose numbers take the calculator dtype (arange(3) and full((2,), 1) give
# floats); randint keeps PyTorch's int64 and the *_like ones their input's dtype
_FLOAT_DATA = frozenset("tensor ones zeros full eye arange linspace rand randn empty".split())
# Python's on numbers, torch's on tensors (Python's round already turns into torch.round on a
# tensor, with round(x, n) as decimals=n)
_TENSOR_OR_PYTHON = ("sum", "max", "min", "abs", "pow", "all", "any")
# torch's functions that are not op declarations, also bare names in the calculator
_TORCH_EXTRAS = (
    "manual_seed initial_seed seed set_printoptions is_tensor is_floating_point "
    "get_default_dtype set_default_dtype is_grad_enabled is_inference_mode_enabled"
).split()


def literal_tensor(data) -> Tensor:
    from gradcalc.autograd.ops.constructors import data_array

    return make_tensor(data_array(data, Settings.dtype))


def leaf_rule(v, value):
    """For ``name = <v>`` at top level (``value`` computes ``v``): a closure making a leaf,
    or None."""
    kind = type(v).__name__
    if kind == "Call":
        func = v.func
        if type(func).__name__ != "Name" or func.id not in CONSTRUCTORS:
            return None
        if any(k.arg == "requires_grad" for k in v.keywords):
            return None
    elif not _number_or_list(v):
        return None

    def make_leaf(env):
        result = value(env)
        if type(result) is not Tensor:
            if isinstance(result, bool) or not isinstance(result, int | float | list):
                return result
            result = literal_tensor(result)
        if result.array.dtype.kind == "f" and result.grad_fn is None:
            result._requires_grad = True
        return result

    return make_leaf


def _number_or_list(node) -> bool:
    kind = type(node).__name__
    if kind == "Constant":
        return type(node.value) is float
    if kind == "UnaryOp" and node.op in "-+":
        return _number_or_list(node.operand)
    return kind == "List" and numeric_literal(node)


def _with_calculator_dtype(spelling):
    def make(*args, dtype=None, **kwargs):
        return spelling(*args, dtype=dtype or Settings.dtype, **kwargs)

    make.__name__ = spelling.name
    make.spelling = spelling  # for the usage hint of an argument error
    return make


def _holds_tensors(value) -> bool:
    if type(value) is Tensor:
        return True
    return isinstance(value, list | tuple) and any(_holds_tensors(v) for v in value)


def _either(name: str, python_fn, torch_fn):
    def call(*args, **kwargs):
        if any(_holds_tensors(a) for a in args):
            return torch_fn(*args, **kwargs)
        return python_fn(*args, **kwargs)

    call.__name__ = name
    return call


def _single_grad(grad):
    """``grad(m, x)``: one tensor for one input (PyTorch's ``autograd.grad`` gives a tuple)."""

    def calculator_grad(outputs, inputs, *args, **kwargs):
        found = grad(outputs, inputs, *args, **kwargs)
        return found[0] if type(inputs) is Tensor else found

    return calculator_grad


def _of_output(functional, of_tensor):
    """``jacobian(y, x)`` of an output tensor, or PyTorch's ``jacobian(func, inputs)``."""

    def transform(output, inputs, *args, **kwargs):
        if type(output) is Tensor:
            return of_tensor(output, inputs)
        return functional(output, inputs, *args, **kwargs)

    return transform


def _jacobian_of_tensor(y, x, create_graph=False):
    from gradcalc.autograd.api import grad
    from gradcalc.autograd.declare import F
    from gradcalc.autograd.settings import check_elements

    check_elements(tuple(y.shape) + tuple(x.shape), "jacobian")
    rows = []
    for k in range(y.array.size):
        seed = np.zeros(y.array.size, dtype=y.array.dtype)
        seed[k] = 1
        if y.requires_grad:
            (g,) = grad(
                [y],
                [x],
                [make_tensor(seed.reshape(y.array.shape))],
                retain_graph=True,
                create_graph=create_graph,
                allow_unused=True,
            )
        else:
            g = None
        rows.append(g if g is not None else make_tensor(np.zeros_like(x.array)))
    if not rows:
        return make_tensor(np.zeros(tuple(y.shape) + tuple(x.shape), dtype=x.array.dtype))
    stacked = F.stack(tuple(rows), 0)
    return F.reshape(stacked, tuple(y.shape) + tuple(x.shape))


def _hessian_of_tensor(f, x):
    from gradcalc.autograd.api import grad

    (g,) = grad([f], [x], create_graph=True, allow_unused=True)
    if g is None:
        return make_tensor(np.zeros(tuple(x.shape) * 2, dtype=x.array.dtype))
    return _jacobian_of_tensor(g, x)


def _zero_grad(rt):
    def zero_grad():
        """Zero the ``.grad`` of every leaf bound to a name (``optimizer.zero_grad()``)."""
        for value in rt.globals.values():
            if type(value) is Tensor and value._grad is not None:
                value._grad.array[...] = 0
        if rt.on_grads_reset is not None:
            rt.on_grads_reset()

    return zero_grad


def calculator_builtins(python: dict, modules: dict, rt) -> dict:
    """The bare names of gradcalc's own language, over Python's builtins."""
    table = dict(python)
    torch = registry.FUNCTIONS["torch"]
    for name, spelling in torch.items():
        if name == "round":
            continue  # Python's round, which is torch.round on a tensor
        if name in _TENSOR_OR_PYTHON and name in python:
            table[name] = _either(name, python[name], spelling)
        elif name in _FLOAT_DATA and "dtype" in spelling.overloads[0].schema.index:
            table[name] = _with_calculator_dtype(spelling)
        elif name not in python:
            table[name] = spelling
    for name, spelling in registry.FUNCTIONS["F"].items():
        table.setdefault(name, spelling)
    autograd = modules["torch.autograd"].table
    functional = modules["torch.autograd.functional"].table
    table.update(grad=_single_grad(autograd["grad"]), backward=autograd["backward"])
    from gradcalc.interpreter.derivatives import recording_calculator

    table.update(
        jacobian=recording_calculator(
            "jacobian", _of_output(functional["jacobian"], _jacobian_of_tensor)
        ),
        hessian=recording_calculator(
            "hessian", _of_output(functional["hessian"], _hessian_of_tensor)
        ),
    )
    table["zero_grad"] = _zero_grad(rt)
    table.update(torch=modules["torch"], F=modules["torch.nn.functional"], np=modules["numpy"])
    from gradcalc.interpreter.loading_builtin import make_load

    table["load"] = make_load(rt)
    torch_module = modules["torch"].table
    for name in ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode", *_TORCH_EXTRAS):
        table[name] = torch_module[name]
    table["true"] = True
    table["false"] = False
    return table


def numeric_literal(node) -> bool:
    """A list literal of numbers (nested, signed): tensor data in gradcalc's own language."""
    kind = type(node).__name__
    if kind == "List":
        return bool(node.elts) and all(numeric_literal(e) for e in node.elts)
    if kind == "UnaryOp" and node.op in "-+":
        return numeric_literal(node.operand) and type(node.operand).__name__ == "Constant"
    if kind == "Constant":
        return type(node.value) in (int, float, bool)
    return False


def literal_data(node):
    kind = type(node).__name__
    if kind == "List":
        return [literal_data(e) for e in node.elts]
    if kind == "UnaryOp":
        value = literal_data(node.operand)
        return -value if node.op == "-" else value
    return node.value
