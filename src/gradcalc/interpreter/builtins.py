"""The one table of builtins: name -> the function it runs.

Function calls (``mean(z)``, ``torch.mean(z)``, ``F.relu(x)``, ``np.exp(x)``) and method
calls (``z.mean()``) look up the same entry; a module prefix only selects the table, it
never changes what runs. An entry names an autograd function (resolved lazily from
``gradcalc.autograd``, so ``import gradcalc.interpreter`` stays cheap) or one of the
interpreter-level functions below that need the session (``backward``, ``print``, ``load``).

Arguments are checked with ``inspect.signature(func).bind``; ``dim``/``axis`` and
``keepdim``/``keepdims`` are accepted for one another.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradcalc.errors import (
    ArgumentError,
    AutogradError,
    GradcalcError,
    ShapeError,
    ValueDomainError,
)
from gradcalc.interpreter import core
from gradcalc.interpreter.values import DType, Size, did_you_mean


@dataclass(frozen=True)
class Builtin:
    name: str
    kind: str  # "op" | "constructor" | "autograd" | "tensor" | "python" | "io"
    method: bool  # callable as ``x.name(...)`` (PyTorch has the method)
    doc: str
    local: Callable | None = None  # interpreter-level implementation, first parameter ``rt``
    core_name: str | None = None  # name in the autograd core (default: ``name``)
    method_local: Callable | None = None  # when the method differs from the function

    def function(self, rt) -> Callable:
        if self.local is not None:
            return functools.partial(self.local, rt)
        return core.function(self.core_name or self.name)

    def method_function(self, rt) -> Callable:
        if self.method_local is not None:
            return functools.partial(self.method_local, rt)
        return self.function(rt)


# ---- interpreter-level builtins --------------------------------------------------------------


def _print(rt, *values, sep=" ", end="\n"):
    if not isinstance(sep, str) or not isinstance(end, str):
        raise ArgumentError("print() sep and end must be strings")
    text = sep.join(rt.str_value(v) for v in values) + end
    rt.emit("print", text[:-1] if text.endswith("\n") else text)


def _load(rt, path):
    if not isinstance(path, str):
        raise ArgumentError(f"load() expects a file path string, got {rt.type_name(path)}")
    from gradcalc.interpreter.loading import load_array

    return rt.new_tensor(load_array(path))


def _backward(rt, tensor, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    tensor = rt.expect_tensor(tensor, "backward()")
    if gradient is not None:
        gradient = rt.to_tensor(gradient, "gradient")
    if inputs is not None:
        inputs = rt.tensor_list(inputs, "inputs")
    rt.differentiated = True
    rt.run_backward(tensor, gradient, _flag(retain_graph), bool(create_graph), inputs)
    return None


def _flag(value):
    return None if value is None else bool(value)


def _grad(
    rt,
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=False,
):
    rt.differentiated = True
    single = core.is_tensor(inputs)
    outs = rt.tensor_list(outputs, "outputs")
    ins = rt.tensor_list(inputs, "inputs")
    gouts = None if grad_outputs is None else rt.tensor_list(grad_outputs, "grad_outputs")
    result = core.grad(
        outs, ins, gouts, _flag(retain_graph), bool(create_graph), bool(allow_unused)
    )
    result = tuple(result)
    if single and not rt.calling_as_tuple:
        return result[0]
    return result


def _jacobian(rt, output, input):
    rt.differentiated = True
    return core.jacobian(
        rt.expect_tensor(output, "jacobian()"), rt.expect_tensor(input, "jacobian()")
    )


def _hessian(rt, output, input):
    rt.differentiated = True
    return core.hessian(rt.expect_tensor(output, "hessian()"), rt.expect_tensor(input, "hessian()"))


def _detach(rt, tensor):
    return core.detach(rt.expect_tensor(tensor, "detach()"))


def _zero_grad(rt):
    """Zero the ``.grad`` of every named leaf (``optimizer.zero_grad()`` for the session)."""
    for value in rt.variables.values():
        if core.is_tensor(value) and core.grad_of(value) is not None:
            core.zero_grad_(value)
    rt.note_grads_zeroed()
    return None


def _manual_seed(rt, seed):
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ArgumentError(f"manual_seed() expects a non-negative integer, got {seed!r}")
    core.reseed(seed)


_IN_PLACE = {
    "add_": np.add,
    "sub_": np.subtract,
    "mul_": np.multiply,
    "div_": np.divide,
    "copy_": lambda _, src: src,
    "fill_": lambda _, value: value,
}


def _in_place(name: str) -> Callable:
    """``x.add_(y)`` and friends: change a tensor's values where gradients cannot notice,
    i.e. on ``w.data``, on a ``.grad``, on a tensor that does not require grad, or on a leaf
    inside ``with torch.no_grad():`` (PyTorch's SGD step)."""
    combine = _IN_PLACE[name]

    def method(rt, tensor, other):
        tensor = rt.expect_tensor(tensor, f"{name}()")
        leaf_update = core.is_leaf(tensor) and not core.is_grad_enabled()
        if core.requires_grad(tensor) and not leaf_update:
            if core.is_leaf(tensor):
                raise AutogradError(
                    "a leaf Variable that requires grad is being used in an in-place operation.",
                    hint=f"update it inside `with torch.no_grad():`, or through .data, e.g. "
                    f"w.data.{name}(...)",
                )
            raise ArgumentError(
                f"{name}() on a tensor inside a graph is not supported: gradcalc records no "
                "in-place operations",
                hint="bind a new value instead, e.g. y = y + 1",
            )
        array = core.data(tensor)
        operand = core.data(rt.to_tensor(other, f"{name}()"))
        try:
            fits = np.broadcast_shapes(operand.shape, array.shape) == array.shape
        except ValueError:
            fits = False
        if not fits:
            raise ShapeError(
                f"{name}(): a value of shape {tuple(operand.shape)} cannot be written into a "
                f"tensor of shape {tuple(array.shape)}"
            )
        with np.errstate(all="ignore"):
            result = np.asarray(combine(array, operand), dtype=array.dtype)
        rt.write_into(tensor, result)
        return tensor

    method.__name__ = name
    return method


def _zero_(rt, tensor):
    tensor = _in_place("fill_")(rt, tensor, 0.0)
    rt.note_grads_zeroed()
    return tensor


def _retain_grad(rt, tensor):
    core.retain_grad(rt.expect_tensor(tensor, "retain_grad()"))
    return None


def _requires_grad_(rt, tensor, requires_grad=True):
    tensor = rt.expect_tensor(tensor, "requires_grad_()")
    core.set_requires_grad(tensor, bool(requires_grad))
    return tensor


def _item(rt, tensor):
    if isinstance(tensor, int | float | bool):
        return tensor
    tensor = rt.expect_tensor(tensor, "item()")
    data = core.data(tensor)
    if data.size != 1:
        raise ValueDomainError(
            f"a Tensor with {data.size} elements cannot be converted to Scalar",
            hint="item() needs a one-element tensor; reduce it first, e.g. sum(...)",
        )
    return data.reshape(()).item()


def _size(rt, tensor, dim=None):
    tensor = rt.expect_tensor(tensor, "size()")
    shape = Size(int(n) for n in core.data(tensor).shape)
    if dim is None:
        return shape
    return shape[_dim_index(dim, len(shape))]


def _dim_index(dim, ndim: int) -> int:
    if not isinstance(dim, int) or isinstance(dim, bool):
        raise ArgumentError(f"dim must be an integer, got {dim!r}")
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        raise ArgumentError(
            f"Dimension out of range (expected to be in range of "
            f"[{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {dim})"
        )
    return dim % max(ndim, 1)


def _dim(rt, tensor):
    return int(core.data(rt.expect_tensor(tensor, "dim()")).ndim)


def _numel(rt, tensor):
    return int(core.data(rt.expect_tensor(tensor, "numel()")).size)


def _tolist(rt, tensor):
    return core.data(rt.expect_tensor(tensor, "tolist()")).tolist()


def _len(rt, value):
    if core.is_tensor(value):
        data = core.data(value)
        if data.ndim == 0:
            raise ArgumentError("len() of a 0-d tensor")
        return int(data.shape[0])
    if isinstance(value, str | tuple | list):
        return len(value)
    raise ArgumentError(f"object of type '{rt.type_name(value)}' has no len()")


def _python_float(rt, value):
    if core.is_tensor(value):
        return float(_item(rt, value))
    if isinstance(value, bool | int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            raise ValueDomainError(f"could not convert string to float: {value!r}") from None
    raise ArgumentError(
        f"float() argument must be a number or a tensor, not '{rt.type_name(value)}'"
    )


def _python_int(rt, value):
    number = _python_float(rt, value) if not isinstance(value, int) else value
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueDomainError(f"cannot convert float {number} to integer")
    return int(number)


def _round(rt, value, ndigits=None, *, decimals=None):
    """Python's ``round`` on numbers; on tensors ``torch.round`` (``RoundBackward0``, or
    ``RoundBackward1`` with ``decimals=`` / ``ndigits``), whose gradient is zero."""
    if ndigits is not None and decimals is not None:
        raise ArgumentError("round() takes ndigits or decimals, not both")
    if decimals is not None:
        ndigits = decimals
    if ndigits is not None:
        if isinstance(ndigits, float) and ndigits.is_integer():
            ndigits = int(ndigits)
        if isinstance(ndigits, bool) or not isinstance(ndigits, int):
            raise ArgumentError(
                f"round() ndigits must be an integer, got {rt.type_name(ndigits)}",
                hint="e.g. round(x, 2)",
            )
    if core.is_tensor(value):
        if ndigits is None:
            return core.function("round")(value)
        return core.function("round")(value, decimals=ndigits)
    if isinstance(value, bool | int | float):
        if ndigits is None and isinstance(value, float) and not math.isfinite(value):
            raise ValueDomainError(f"cannot round {value!r} to an integer")
        return round(value) if ndigits is None else round(value, ndigits)
    raise ArgumentError(f"round() expects a number or a tensor, not '{rt.type_name(value)}'")


def _python_bool(rt, value):
    if core.is_tensor(value):
        data = core.data(value)
        if data.size != 1:
            raise ValueDomainError(
                "Boolean value of Tensor with more than one value is ambiguous",
                hint="reduce it first: x.all() or x.any(); x.bool() makes a bool tensor",
            )
        return bool(data.reshape(()).item())
    return bool(value)


def _abs(rt, value):
    if isinstance(value, bool | int | float) and not core.is_tensor(value):
        return abs(value)
    return core.function("abs")(rt.to_tensor(value, "abs()"))


def _to_dtype(name):
    def convert(rt, tensor):
        return core.astype(rt.expect_tensor(tensor, f"{name}()"), name)

    return convert


def _out_of_graph(method: str, core_name: str):
    """``x.int()``/``x.bool()``: the tensor method behind a Python builtin's name."""

    def convert(rt, tensor):
        return core.function(core_name)(rt.expect_tensor(tensor, f"{method}()"))

    return convert


# ---- the table -------------------------------------------------------------------------------

_ENTRIES: list[Builtin] = []


def _add(names: str, kind: str, method: bool, doc: str, **extra) -> None:
    for name in names.split():
        _ENTRIES.append(Builtin(name, kind, method, doc, **extra))


_add("exp log log1p sqrt sin cos tan tanh sigmoid relu erf reciprocal", "op", True, "elementwise")
_add("leaky_relu elu gelu softplus silu", "op", False, "elementwise activation")
_add("clamp pow maximum minimum", "op", True, "elementwise")
_add("sign floor ceil trunc", "op", True, "elementwise, piecewise constant (zero gradient)")
_add("square", "op", True, "elementwise x ** 2")
_add("remainder fmod floor_divide", "op", True, "elementwise remainder / floor division")
_add("cumsum", "op", True, "running sum along dim")
_add("argmax argmin", "op", True, "index of the largest / smallest element (int64)")
_add("all any", "op", True, "whether all / any elements are nonzero (bool)")
_add("repeat masked_fill", "op", True, "shape")
_add("addmm", "op", True, "beta * input + alpha * mat1 @ mat2")
_add("einsum", "op", False, "Einstein summation over subscripts")
_add("linear", "op", False, "input @ weight.T + bias (F.linear)")
_add("where", "op", False, "where(cond, x, y): x where cond is true, else y")
_add("sum mean prod max min var std norm logsumexp softmax log_softmax", "op", True, "reduction")
_add("reshape view flatten squeeze unsqueeze transpose permute expand", "op", True, "shape")
_add("broadcast_to cat stack", "op", False, "shape")
_add("dot outer matmul mm trace", "op", True, "linear algebra")
_add("mse_loss l1_loss binary_cross_entropy cross_entropy", "op", False, "loss")
_add(
    "tensor ones zeros full eye arange linspace rand randn randint ones_like zeros_like full_like",
    "constructor",
    False,
    "constructor",
)
_add("abs", "op", True, "elementwise absolute value", local=_abs)
_add("add sub mul div neg", "op", True, "arithmetic, as the operators + - * / and unary -")
_add("t", "op", True, "transpose of a matrix (<= 2-D)", core_name="t")
_add("backward", "autograd", True, "accumulate gradients into the leaves", local=_backward)
_add("grad", "autograd", False, "gradients of outputs w.r.t. inputs", local=_grad)
_add("jacobian", "autograd", False, "d output / d input, shape out+in", local=_jacobian)
_add("hessian", "autograd", False, "second derivatives of a scalar", local=_hessian)
_add("detach", "autograd", True, "the same values, cut from the graph", local=_detach)
_add("zero_grad", "autograd", False, "zero every named leaf's .grad", local=_zero_grad)
_add("manual_seed", "python", False, "restart rand/randn from a seed", local=_manual_seed)
_add("retain_grad", "tensor", True, "keep .grad of a non-leaf", local=_retain_grad)
_add("requires_grad_", "tensor", True, "make a leaf require grad", local=_requires_grad_)
_add("zero_", "tensor", True, "fill with zeros in place", local=_zero_)
for _name in _IN_PLACE:
    _add(
        _name,
        "tensor",
        True,
        "in place, on .data / .grad / no-grad tensors",
        local=_in_place(_name),
    )
_add("item", "tensor", True, "the number in a one-element tensor", local=_item)
_add("size", "tensor", True, "shape (or one dimension of it)", local=_size)
_add("dim", "tensor", True, "number of dimensions", local=_dim)
_add("numel", "tensor", True, "number of elements", local=_numel)
_add("tolist", "tensor", True, "values as nested Python lists", local=_tolist)
_add("clone", "tensor", True, "a copy (in the graph)")
_add("double", "tensor", True, "as float64")
_add("long", "tensor", True, "as int64 indices, without gradient")
_add("print", "python", False, "print values as Python/PyTorch do", local=_print)
_add("len", "python", False, "length of the first dimension", local=_len)
_add(
    "float",
    "python",
    True,
    "a Python float",
    local=_python_float,
    method_local=_to_dtype("float32"),
)
_add(
    "int",
    "python",
    True,
    "a Python int",
    local=_python_int,
    method_local=_out_of_graph("int", "int32"),
)
_add(
    "bool",
    "python",
    True,
    "a Python bool",
    local=_python_bool,
    method_local=_out_of_graph("bool", "bool_"),
)
_add("round", "python", True, "round to ndigits", local=_round)
_add("load", "io", False, "read .npy/.csv/.txt/.json data", local=_load)

BUILTINS: dict[str, Builtin] = {b.name: b for b in _ENTRIES}

# Other spellings of the same builtins (numpy's and PyTorch's names).
ALIASES: dict[str, str] = {
    "array": "tensor",
    "asarray": "tensor",
    "concatenate": "cat",
    "concat": "cat",
    "power": "pow",
    "absolute": "abs",
    "multiply": "mul",
    "subtract": "sub",
    "divide": "div",
    "true_divide": "div",
    "negative": "neg",
    "clip": "clamp",
    "mod": "remainder",
    "fix": "trunc",
}

# Keyword synonyms: the spelling a user wrote -> the other one the function may use.
KEYWORD_SYNONYMS = {"axis": "dim", "dim": "axis", "keepdims": "keepdim", "keepdim": "keepdims"}

CONSTRUCTORS = frozenset(b.name for b in _ENTRIES if b.kind == "constructor") | {"load"}
DIFFERENTIATING = frozenset({"backward", "grad", "jacobian", "hessian"})


def lookup(name: str) -> Builtin | None:
    entry = BUILTINS.get(ALIASES.get(name, name))
    if entry is None or not entry_available(entry):
        return None
    return entry


def entry_available(entry: Builtin) -> bool:
    return entry.local is not None or core.has_function(entry.core_name or entry.name)


def function_names() -> list[str]:
    """Every callable name (for suggestions and completion)."""
    names = [b.name for b in _ENTRIES if entry_available(b)]
    names += [
        a
        for a, target in ALIASES.items()
        if target in BUILTINS and entry_available(BUILTINS[target])
    ]
    return sorted(set(names))


def method_names() -> list[str]:
    names = [b.name for b in _ENTRIES if b.method and entry_available(b)]
    names += [
        a for a, target in ALIASES.items() if BUILTINS.get(target) and BUILTINS[target].method
    ]
    return sorted(set(names))


# ---- calling ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _signature(func) -> inspect.Signature | None:
    try:
        return inspect.signature(func)
    except (TypeError, ValueError):
        return None


def signature_of(func: Callable) -> inspect.Signature | None:
    if isinstance(func, functools.partial):
        sig = _signature(func.func)
        if sig is None:
            return None
        params = list(sig.parameters.values())[len(func.args) :]
        return sig.replace(parameters=params)
    return _signature(func)


def bind_arguments(display: str, func: Callable, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Check ``args``/``kwargs`` against ``func``; return them adjusted (synonyms, packing).

    Raises ArgumentError with Python's wording (``mean() got an unexpected keyword argument
    'axs'``) and a did-you-mean hint.
    """
    sig = signature_of(func)
    if sig is None:
        return args, kwargs
    params = sig.parameters
    accepts_var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
    kwargs = dict(kwargs)
    for key in list(kwargs):
        if key not in params and not accepts_var_kw:
            other = KEYWORD_SYNONYMS.get(key)
            if other in params and other not in kwargs:
                kwargs[other] = kwargs.pop(key)
    args = _pack_shape_arguments(sig, args)
    try:
        sig.bind(*args, **kwargs)
    except TypeError as exc:
        raise _argument_error(display, sig, str(exc)) from None
    return args, kwargs


_SHAPE_PARAMS = ("shape", "size", "sizes", "dims")


def _pack_shape_arguments(sig: inspect.Signature, args: tuple) -> tuple:
    """``reshape(x, 2, 3)`` -> ``reshape(x, (2, 3))`` and the reverse, whichever ``func`` takes."""
    params = list(sig.parameters.values())
    for i, p in enumerate(params):
        if p.name not in _SHAPE_PARAMS or i >= len(args):
            continue
        if p.kind is p.VAR_POSITIONAL:
            if len(args) == i + 1 and isinstance(args[i], tuple | list):
                return args[:i] + tuple(args[i])
            return args
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            rest = args[i:]
            if len(rest) > 1 and all(_is_int_like(a) for a in rest):
                return args[:i] + (tuple(rest),)
            if len(rest) == 1 and _is_int_like(rest[0]):
                return args[:i] + ((rest[0],),)
        return args
    return args


def _is_int_like(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _argument_error(display: str, sig: inspect.Signature, text: str) -> ArgumentError:
    names = [
        p.name for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    hint = None
    if text.startswith("got an unexpected keyword argument"):
        bad = text.split("'")[1] if "'" in text else ""
        known = names + [k for k, v in KEYWORD_SYNONYMS.items() if v in names]
        hint = did_you_mean(bad, known)
    if text == "too many positional arguments":
        positional = [
            p
            for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        text = f"takes at most {len(positional)} positional argument{'s' * (len(positional) != 1)}"
    if hint is None:
        hint = f"usage: {display}({', '.join(_describe_param(p) for p in sig.parameters.values())})"
    return ArgumentError(f"{display}() {text}", hint=hint)


def _describe_param(p: inspect.Parameter) -> str:
    if p.kind is p.VAR_POSITIONAL:
        return f"*{p.name}"
    if p.kind is p.VAR_KEYWORD:
        return f"**{p.name}"
    if p.default is inspect.Parameter.empty:
        return p.name
    return f"{p.name}={p.default!r}"


def usage(entry: Builtin, rt=None) -> str:
    try:
        func = entry.function(rt)
    except GradcalcError:
        return f"{entry.name}(...)"
    sig = signature_of(func)
    if sig is None:
        return f"{entry.name}(...)"
    return f"{entry.name}({', '.join(_describe_param(p) for p in sig.parameters.values())})"


def coerce_dtype(value: Any) -> str:
    """``torch.float32``, ``"float32"`` or ``float`` -> the core's dtype name."""
    from gradcalc.interpreter.values import DTYPE_NAMES

    if isinstance(value, DType):
        return value.name
    if isinstance(value, str) and value in DTYPE_NAMES:
        return DTYPE_NAMES[value]
    raise ArgumentError(
        f"unsupported dtype {value!r}", hint="use torch.float64 (the default) or torch.float32"
    )


__all__ = [
    "ALIASES",
    "BUILTINS",
    "Builtin",
    "AutogradError",
    "bind_arguments",
    "lookup",
]
