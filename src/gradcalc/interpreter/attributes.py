"""The sandbox's attributes: which names each kind of value has, and which may be set.

Attribute access never falls through to Python's ``getattr``: each type has an allowlist
(a tensor's methods come from the op declarations), names with double underscores are
refused everywhere, and anything else is Python's ``AttributeError`` with a suggestion.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.registry as registry
from gradcalc.autograd.dtypes import DType
from gradcalc.autograd.node import HookHandle, Node
from gradcalc.autograd.tensor import Tensor
from gradcalc.autograd.values import Device, ReturnTuple, Size
from gradcalc.errors import AttributeLookupError
from gradcalc.interpreter.boundmethod import BoundMethod
from gradcalc.interpreter.strformat import bound_format
from gradcalc.interpreter.suggest import did_you_mean

TENSOR_PROPERTIES = frozenset(
    "grad requires_grad grad_fn is_leaf data shape dtype device ndim T mT _version _base "
    "retains_grad is_cuda output_nr".split()
)
TENSOR_METHODS = frozenset(
    "item tolist backward register_hook retain_grad requires_grad_ is_inference numpy "
    "register_post_accumulate_grad_hook".split()
)
TENSOR_SETTABLE = frozenset({"grad", "requires_grad", "data"})
NODE_ATTRIBUTES = frozenset(
    {"name", "next_functions", "register_hook", "register_prehook", "metadata"}
)

_PYTHON_METHODS = {
    str: "capitalize casefold center count endswith find index isalnum isalpha isdigit "
    "isidentifier islower isnumeric isspace istitle isupper join ljust lower lstrip partition "
    "removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip split "
    "splitlines startswith strip swapcase title upper zfill",
    list: "append extend insert pop remove index count sort reverse copy clear",
    dict: "keys values items get pop update setdefault copy clear popitem",
    set: "add remove discard pop union intersection difference symmetric_difference update "
    "copy clear issubset issuperset isdisjoint",
    frozenset: "union intersection difference issubset issuperset isdisjoint copy",
    tuple: "count index",
    int: "bit_length conjugate real imag numerator denominator is_integer",
    float: "is_integer conjugate real imag hex",
    bool: "conjugate real imag",
    range: "start stop step count index",
    slice: "start stop step",
    Size: "numel count index",
}
PYTHON_ATTRIBUTES = {t: frozenset(names.split()) for t, names in _PYTHON_METHODS.items()}
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


class TensorMethod:
    """``x.backward`` and the other tensor methods that are not ops, before the call."""

    __slots__ = ("name", "tensor")
    language_type_name = "builtin_function_or_method"

    def __init__(self, tensor, name: str) -> None:
        self.tensor = tensor
        self.name = name

    def __call__(self, *args, **kwargs):
        return getattr(self.tensor, self.name)(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of Tensor object at {id(self.tensor):#x}>"


# attributes of values that are not the language's own but a program can hold: a numpy array
# from x.numpy() and a dtype
_ARRAY_ATTRIBUTES = frozenset(
    "shape ndim size dtype T tolist item copy sum mean max min reshape flatten".split()
)
_DTYPE_ATTRIBUTES = frozenset({"is_floating_point", "is_signed", "itemsize", "is_complex"})


def getter(name: str):
    """``get_attribute`` for an attribute name known when the program is compiled: a
    tensor property (``p.grad``, read for every parameter of a training step) is read
    without the general checks."""
    if name in TENSOR_PROPERTIES and name not in registry.METHODS and not _dunder(name):
        return _get_tensor_property
    return get_attribute


def setter(name: str):
    """``set_attribute`` for an attribute name known when the program is compiled."""
    if name in TENSOR_SETTABLE and not _dunder(name):
        return _set_tensor_attribute
    return set_attribute


def _dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def _get_tensor_property(obj, name: str):
    if type(obj) is Tensor:
        return getattr(obj, name)
    return get_attribute(obj, name)


def _set_tensor_attribute(obj, name: str, value) -> None:
    if type(obj) is Tensor:
        setattr(obj, name, value)
    else:
        set_attribute(obj, name, value)


def get_attribute(obj, name: str):
    """``obj.name`` as the language allows it."""
    if name.startswith("__") and name.endswith("__"):
        lookup = getattr(obj, "language_attribute", None)
        if lookup is not None and getattr(obj, "language_type_name", "") == "module":
            lookup(name)  # a module's own message: module 'torch' has no attribute '__dict__'
        raise _missing(obj, name, ())
    t = type(obj)
    if t is Tensor:
        spelling = registry.METHODS.get(name)
        if spelling is not None:
            return BoundMethod(obj, spelling)
        if name in TENSOR_PROPERTIES:
            return getattr(obj, name)
        if name in TENSOR_METHODS:
            return TensorMethod(obj, name)
        raise _missing(obj, name, (*registry.METHODS, *TENSOR_PROPERTIES, *TENSOR_METHODS))
    if isinstance(obj, Node):
        if name in NODE_ATTRIBUTES and hasattr(obj, name):
            return getattr(obj, name)
        if name.startswith("_saved_") and hasattr(obj, "saved_value"):
            try:
                return obj.saved_value(name[len("_saved_") :])
            except AttributeError:
                pass
        raise _missing(obj, name, NODE_ATTRIBUTES)
    allowed = PYTHON_ATTRIBUTES.get(t)
    if allowed is not None:
        if name in allowed:
            value = getattr(obj, name)
            if t is str and name in _WIDTH_METHODS:
                return _bounded_width(value)
            if t is str and name in _GROWING:
                return _GROWING[name](obj)
            return value
        if t is str and name == "format":
            return bound_format(obj, get_attribute)
        raise _missing(obj, name, allowed)
    if isinstance(obj, ReturnTuple):
        if name in type(obj).fields or name in ("count", "index"):
            return getattr(obj, name)
        raise _missing(obj, name, type(obj).fields)
    if t is np.ndarray:
        if name in _ARRAY_ATTRIBUTES:
            return getattr(obj, name)
        raise _missing(obj, name, _ARRAY_ATTRIBUTES)
    if t is DType:
        if name == "is_complex":
            return False
        if name in _DTYPE_ATTRIBUTES:
            return getattr(obj, name)
        raise _missing(obj, name, _DTYPE_ATTRIBUTES)
    if t is HookHandle:
        if name == "remove":
            return obj.remove
        raise _missing(obj, name, ("remove",))
    if t is Device:
        if name in ("type", "index"):
            return obj.type if name == "type" else None
        raise _missing(obj, name, ("type", "index"))
    lookup = getattr(obj, "language_attribute", None)
    if lookup is not None:
        return lookup(name)
    raise _missing(obj, name, ())


def set_attribute(obj, name: str, value) -> None:
    """``obj.name = value`` as the language allows it."""
    if name.startswith("__") and name.endswith("__"):
        raise _missing(obj, name, ())
    if type(obj) is Tensor:
        if name in TENSOR_SETTABLE:
            setattr(obj, name, value)
            return
        if name in TENSOR_PROPERTIES or name in registry.METHODS:
            raise AttributeLookupError(
                f"attribute '{name}' of 'torch._C.TensorBase' objects is not writable"
            )
        raise AttributeLookupError(
            f"'Tensor' object has no attribute '{name}'",
            hint="only .grad, .requires_grad and .data can be set on a tensor",
        )
    setter = getattr(obj, "set_language_attribute", None)
    if setter is not None:
        setter(name, value)
        return
    from gradcalc.interpreter.text import type_name

    raise AttributeLookupError(f"'{type_name(obj)}' object has no attribute '{name}'")


def names_of(obj) -> list[str]:
    """The attributes ``obj`` offers (for completion)."""
    if type(obj) is Tensor:
        return sorted({*registry.METHODS, *TENSOR_PROPERTIES, *TENSOR_METHODS})
    allowed = PYTHON_ATTRIBUTES.get(type(obj))
    if allowed is not None:
        return sorted(allowed)
    names = getattr(obj, "language_names", None)
    return sorted(names()) if names is not None else []


def _missing(obj, name: str, known) -> AttributeLookupError:
    from gradcalc.interpreter.text import type_name

    kind = type_name(obj)
    hint = None
    if name.startswith("__") and name.endswith("__"):
        hint = "names that start and end with '__' are not part of gradcalc's language"
    else:
        hint = did_you_mean(name, known)
    if type(obj) is Tensor and hint is None:
        hint = "see the methods a tensor has with :help or help(x)"
    return AttributeLookupError(f"'{kind}' object has no attribute '{name}'", hint=hint)


def _text_limit(size: int) -> None:
    from gradcalc.interpreter.text import MAX_TEXT

    if size > MAX_TEXT:
        from gradcalc.errors import LimitError

        raise LimitError(f"a string of {size:,} characters is over the limit of {MAX_TEXT:,}")


def _bounded_replace(s: str):
    def replace(old, new, count=-1, /):
        if isinstance(old, str) and isinstance(new, str):
            found = s.count(old) if old else len(s) + 1
            if count >= 0:
                found = min(found, count)
            _text_limit(len(s) + found * (len(new) - len(old)))
        return s.replace(old, new, count)

    return replace


def _bounded_join(s: str):
    def join(iterable, /):
        items = list(iterable)
        if all(isinstance(i, str) for i in items):
            _text_limit(sum(map(len, items)) + len(s) * max(len(items) - 1, 0))
        return s.join(items)

    return join


_GROWING = {"replace": _bounded_replace, "join": _bounded_join}  # str methods that can grow


def _bounded_width(method):
    def call(width, *args):
        from gradcalc.interpreter.text import MAX_FORMAT_WIDTH

        if isinstance(width, int) and width > MAX_FORMAT_WIDTH:
            from gradcalc.errors import LimitError

            raise LimitError(f"width {width:,} is over the limit of {MAX_FORMAT_WIDTH:,}")
        return method(width, *args)

    return call
