"""The modules a program can import: ``torch`` and its submodules, ``math``, a small
``numpy``. Each is a table of names generated from the op declarations plus the
interpreter's own functions; ``import os`` is ``ModuleNotFoundError``.
"""

from __future__ import annotations

import math as _math

import numpy as _np

import gradcalc.autograd.dtypes as dtypes
import gradcalc.autograd.multigradhook as multigradhook
import gradcalc.autograd.registry as registry
import gradcalc.autograd.savedhooks as savedhooks
import gradcalc.interpreter.contexts as contexts
from gradcalc.autograd.api import backward, grad
from gradcalc.autograd.gradcheck import gradcheck, gradgradcheck
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.autograd.values import CPU, Device, Size
from gradcalc.errors import ArgumentError, AttributeLookupError, AutogradError, NameLookupError
from gradcalc.interpreter.suggest import did_you_mean


class Module:
    """A module value: ``torch``, ``torch.nn.functional``, ``math``."""

    context_manager = False
    __slots__ = ("name", "table")
    language_type_name = "module"

    def __init__(self, name: str, table: dict) -> None:
        self.name = name
        self.table = table

    def language_attribute(self, name: str):
        found = self.table.get(name)
        if found is None:
            hint = did_you_mean(name, self.table)
            if hint is None:
                hint = _elsewhere(name, self.name)
            raise AttributeLookupError(f"module '{self.name}' has no attribute '{name}'", hint=hint)
        return found

    def language_names(self):
        return self.table.keys()

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


def _elsewhere(name: str, module: str) -> str | None:
    for other in ("torch", "F"):
        if name in registry.FUNCTIONS[other]:
            spelled = "torch" if other == "torch" else "torch.nn.functional"
            if spelled != module:
                return f"{spelled}.{name} exists"
    return None


class TensorType:
    """``torch.Tensor``: for ``isinstance`` checks, and the legacy constructor."""

    context_manager = False
    instance_type = Tensor
    type_name = "torch.Tensor"

    def __init__(self, name: str = "Tensor", dtype=None) -> None:
        self.name = name
        self.dtype = dtype

    def __call__(self, *args):
        from gradcalc.interpreter.legacy import legacy_tensor

        return legacy_tensor(self.dtype or dtypes.float32, args)

    def language_attribute(self, name: str):
        spelling = registry.METHODS.get(name)
        if spelling is not None:
            return lambda tensor, *a, **k: spelling.call_method(tensor, *a, **k)
        raise AttributeLookupError(f"type object 'Tensor' has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"<class 'torch.{self.name}'>"


def _manual_seed(seed):
    import gradcalc.autograd.random as random

    random.manual_seed(seed)
    return random.default_generator_value()


def _from_numpy(array):
    """``torch.from_numpy``: a tensor sharing the array's memory."""
    if type(array) is not _np.ndarray:
        from gradcalc.interpreter.text import type_name

        raise ArgumentError(f"expected np.ndarray (got {type_name(array)})")
    return make_tensor(array)


def _torch_extras() -> dict:
    import gradcalc.autograd.random as random

    extras = {
        "Tensor": TensorType(),
        "FloatTensor": TensorType("FloatTensor", dtypes.float32),
        "DoubleTensor": TensorType("DoubleTensor", dtypes.float64),
        "LongTensor": TensorType("LongTensor", dtypes.int64),
        "IntTensor": TensorType("IntTensor", dtypes.int32),
        "BoolTensor": TensorType("BoolTensor", dtypes.bool_),
        "Size": Size,
        "device": Device,
        "no_grad": contexts.no_grad,
        "enable_grad": contexts.enable_grad,
        "set_grad_enabled": contexts.set_grad_enabled,
        "inference_mode": contexts.inference_mode,
        "is_grad_enabled": contexts.is_grad_enabled,
        "is_inference_mode_enabled": contexts.is_inference_mode_enabled,
        "get_default_dtype": dtypes.get_default_dtype,
        "set_default_dtype": dtypes.set_default_dtype,
        "manual_seed": _manual_seed,
        "initial_seed": random.initial_seed,
        "seed": random.seed,
        "set_printoptions": _set_printoptions,
        "vmap": _vmap,
        "is_tensor": lambda obj: type(obj) is Tensor,
        "from_numpy": _from_numpy,
        "is_floating_point": lambda t: t.array.dtype.kind == "f",
        "pi": _math.pi,
        "e": _math.e,
        "inf": _math.inf,
        "nan": _math.nan,
    }
    for name, dtype in dtypes.BY_NAME.items():
        extras[name] = dtype
    return extras


def _vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    from gradcalc.interpreter.functorch import vmap

    return vmap(func, in_dims, out_dims, randomness, chunk_size=chunk_size)


def _set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    from gradcalc.autograd.printing import PRINT_OPTIONS as o

    if profile is not None:
        o.reset()
        if profile == "short":
            o.precision, o.threshold, o.edgeitems = 2, 1000, 2
        elif profile == "full":
            o.threshold = _math.inf
    if precision is not None:
        o.precision = precision
    if threshold is not None:
        o.threshold = threshold
    if edgeitems is not None:
        o.edgeitems = edgeitems
    if linewidth is not None:
        o.linewidth = linewidth
    o.sci_mode = sci_mode


def _autograd_table() -> dict:
    from gradcalc.interpreter.custom import FUNCTION_BASE

    return {
        "grad": grad,
        "backward": backward,
        "Function": FUNCTION_BASE,
        "Variable": lambda data, requires_grad=False: (
            data.requires_grad_(requires_grad) if requires_grad else data
        ),
        "gradcheck": gradcheck,
        "gradgradcheck": gradgradcheck,
        "detect_anomaly": contexts.detect_anomaly,
        "set_detect_anomaly": contexts.set_detect_anomaly,
        "set_grad_enabled": contexts.set_grad_enabled,
        "no_grad": contexts.no_grad,
        "enable_grad": contexts.enable_grad,
        "inference_mode": contexts.inference_mode,
        **registry.FUNCTIONS["autograd"],
    }


class NodeType:
    """``torch.autograd.graph.Node``: for ``isinstance(x.grad_fn, Node)``."""

    context_manager = False

    def __init__(self) -> None:
        from gradcalc.autograd.node import Node

        self.instance_type = Node

    def __repr__(self) -> str:
        return "<class 'torch.autograd.graph.Node'>"


def _once_differentiable(fn):
    """``@once_differentiable``: a backward that is not itself differentiated (as written)."""
    return fn


def _functional_table() -> dict:
    from gradcalc.interpreter.derivatives import recording_functional
    from gradcalc.interpreter.functional import TABLE

    table = dict(TABLE)
    for kind in ("jacobian", "hessian"):  # their results get labelled as matrices
        table[kind] = recording_functional(kind, TABLE[kind])
    return table


def _func_table() -> dict:
    from gradcalc.interpreter.derivatives import recording_func_transform
    from gradcalc.interpreter.functorch import TABLE

    table = dict(TABLE)
    for name, kind in (("jacrev", "jacobian"), ("jacfwd", "jacobian"), ("hessian", "hessian")):
        table[name] = recording_func_transform(kind, TABLE[name])
    return table


_MATH_REFUSED = frozenset({"factorial", "comb", "perm", "prod"})


def _math_table() -> dict:
    table = {
        name: getattr(_math, name)
        for name in dir(_math)
        if not name.startswith("_") and name not in _MATH_REFUSED
    }

    def factorial(n):
        if isinstance(n, int) and n > 10_000:
            from gradcalc.errors import LimitError

            raise LimitError("factorial of a number over 10,000 is over gradcalc's limit")
        return _math.factorial(n)

    table["factorial"] = factorial
    return table


_NUMPY_NAMES = (
    "exp log sqrt abs sin cos tan tanh sinh cosh arcsin arccos arctan maximum minimum where "
    "sum mean max min dot matmul zeros ones arange linspace eye floor ceil round sign square "
    "log1p expm1 clip stack concatenate reshape transpose"
).split()
_NUMPY_RENAMED = {
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "concatenate": "cat",
    "clip": "clamp",
    "power": "pow",
    "mod": "remainder",
}


class _OnTensors:
    """A torch function standing in for numpy's: numpy arrays given to it become tensors."""

    __slots__ = ("fn", "name")
    language_type_name = "function"

    def __init__(self, name: str, fn) -> None:
        self.name = name
        self.fn = fn

    def __call__(self, *args, **kwargs):
        args = [make_tensor(a) if type(a) is _np.ndarray else a for a in args]
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<function {self.name}>"


def _numpy_array(data, dtype=None):
    """``np.array`` / ``np.asarray``: a numpy array with numpy's dtypes (float64 for floats),
    which ``torch.tensor`` copies without the warning it gives for a tensor."""
    from gradcalc.autograd.ops.constructors import data_array

    if type(data) is Tensor:
        if data.requires_grad:
            raise AutogradError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return data.array.copy()
    target = None if dtype is None else dtypes.as_dtype(dtype)
    array = data_array(data, target)
    if target is None and array.dtype.kind == "f" and type(data) is not _np.ndarray:
        array = data_array(data, dtypes.float64)
    return array


def _numpy_table() -> dict:
    """numpy's names that have the same meaning in torch, computing on tensors."""
    torch = registry.FUNCTIONS["torch"]
    table = {"array": _numpy_array, "asarray": _numpy_array, "ndarray": _np.ndarray}
    for name in (*_NUMPY_NAMES, *_NUMPY_RENAMED):
        found = torch.get(_NUMPY_RENAMED.get(name, name))
        if found is not None:
            table[name] = _OnTensors(name, found)
    table.update(pi=_math.pi, e=_math.e, inf=_math.inf, nan=_math.nan)
    table.update(float32=dtypes.float32, float64=dtypes.float64, int64=dtypes.int64)
    return table


def build_modules() -> dict[str, Module]:
    """Every importable module, by dotted name (one set per session)."""
    functional = Module("torch.nn.functional", dict(registry.FUNCTIONS["F"]))
    nn = Module("torch.nn", {"functional": functional})
    autograd_functional = Module("torch.autograd.functional", _functional_table())
    from gradcalc.interpreter.custom import FUNCTION_BASE

    graph = Module(
        "torch.autograd.graph",
        {
            "Node": NodeType(),
            "saved_tensors_hooks": savedhooks.SavedTensorsHooks,
            "allow_mutation_on_saved_tensors": savedhooks.AllowMutationOnSavedTensors,
            "register_multi_grad_hook": multigradhook.register_multi_grad_hook,
        },
    )
    function = Module(
        "torch.autograd.function",
        {"Function": FUNCTION_BASE, "once_differentiable": _once_differentiable},
    )
    autograd = Module(
        "torch.autograd",
        {
            **_autograd_table(),
            "functional": autograd_functional,
            "graph": graph,
            "function": function,
        },
    )
    linalg = Module("torch.linalg", dict(registry.FUNCTIONS["linalg"]))
    special = Module("torch.special", dict(registry.FUNCTIONS["special"]))
    func = Module("torch.func", _func_table())
    cuda = Module("torch.cuda", {"is_available": lambda: False, "device_count": lambda: 0})
    torch_table = dict(registry.FUNCTIONS["torch"])
    torch_table.update(_torch_extras())
    torch_table.update(
        nn=nn, autograd=autograd, linalg=linalg, special=special, func=func, cuda=cuda
    )
    torch = Module("torch", torch_table)
    math = Module("math", _math_table())
    numpy = Module("numpy", _numpy_table())
    return {
        "torch": torch,
        "torch.nn": nn,
        "torch.nn.functional": functional,
        "torch.autograd": autograd,
        "torch.autograd.functional": autograd_functional,
        "torch.autograd.graph": graph,
        "torch.autograd.function": function,
        "torch.linalg": linalg,
        "torch.special": special,
        "torch.func": func,
        "torch.cuda": cuda,
        "math": math,
        "numpy": numpy,
    }


def import_module(rt, dotted: str) -> Module:
    found = rt.modules.get(dotted)
    if found is None:
        raise NameLookupError(
            f"No module named '{dotted}'",
            kind="ModuleNotFoundError",
            hint="gradcalc's programs can import torch (and its autograd, nn.functional, func "
            "and linalg modules), math and numpy",
        )
    return found


def import_from(rt, module: str, name: str):
    found = rt.modules.get(f"{module}.{name}")
    if found is not None:
        return found
    parent = import_module(rt, module)
    try:
        return parent.language_attribute(name)
    except AttributeLookupError:
        raise NameLookupError(
            f"cannot import name '{name}' from '{module}'",
            kind="ImportError",
            hint=did_you_mean(name, parent.table),
        ) from None


__all__ = ["CPU", "Module", "build_modules", "import_from", "import_module"]
