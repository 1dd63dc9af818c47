"""Python's builtins as the sandbox offers them: the same behaviour, bounded.

The type names (``int``, ``list``, ...) are ``PyType`` wrappers: calling one builds the
value (counting the elements it consumes against the step budget), ``isinstance`` sees the
real type behind it, and no attribute of the real type object is reachable. Functions that
walk an iterable (``sum``, ``sorted``, ``max``) count one step per element, so
``sum(range(10**12))`` stops at ``--max-steps`` instead of running for hours.
"""

from __future__ import annotations

import builtins as _py
from types import FunctionType

import gradcalc.interpreter.pyerrors as pyerrors
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, LimitError, RaisedError
from gradcalc.interpreter.text import show
from gradcalc.interpreter.text import type_name as text_type_name
from gradcalc.interpreter.unpacking import iterate

_MAX_LIST = 50_000_000


class PyType:
    """A Python type as a value: callable, usable with ``isinstance``; no attributes."""

    language_type_name = "type"

    __slots__ = ("make", "python_type")
    context_manager = False

    def __init__(self, python_type: type, make) -> None:
        self.python_type = python_type
        self.make = make

    def __call__(self, *args, **kwargs):
        return self.make(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<class '{self.python_type.__name__}'>"


class Builtin:
    """One of Python's builtin functions as the sandbox implements it: prints as Python's."""

    __slots__ = ("fn", "name")
    language_type_name = "builtin_function_or_method"

    def __init__(self, name: str, fn) -> None:
        fn.__name__ = fn.__qualname__ = name  # Python's argument errors name the function
        self.name = name
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


class TypeOf:
    """What ``type(x)`` returns: prints as Python prints a class, compares by type."""

    language_type_name = "type"

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<class '{self.name}'>"

    def __eq__(self, other) -> bool:
        if isinstance(other, TypeOf):
            return other.name == self.name
        if isinstance(other, PyType):
            return other.python_type.__name__ == self.name
        return getattr(other, "type_name", None) == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def _counted(rt, iterable):
    """Iterate ``iterable`` counting one step per element."""
    size = getattr(iterable, "__len__", None)
    if size is not None and type(iterable) in (range, list, tuple, dict, set, str):
        n = len(iterable)
        if n > _MAX_LIST:
            raise LimitError(
                f"{n:,} elements are over the limit of {_MAX_LIST:,}",
                hint="use a smaller range or a tensor",
            )
        rt.steps_left -= n
        rt.step()
        return iterable
    return _stepping(rt, iterable)


def _stepping(rt, iterable):
    step = rt.step
    for item in iterate(iterable):
        step()
        yield item


def make_builtins(rt) -> dict:
    """The Python builtins of one runtime (``print`` writes to its outputs)."""

    def print_(*values, sep=" ", end="\n", file=None, flush=False):
        if sep is None:
            sep = " "
        if end is None:
            end = "\n"
        for name, value in (("sep", sep), ("end", end)):
            if not isinstance(value, str):
                raise ArgumentError(f"{name} must be None or a string, not {text_type_name(value)}")
        rt.emit("print", sep.join(str(v) for v in values) + end)

    def len_(obj):
        return _py.len(obj)

    def range_(*args):
        return _py.range(*[_index(a) for a in args])

    def sum_(iterable, /, start=0):
        total = start
        for item in _counted(rt, iterable):
            total = total + item
        return total

    def min_(*args, key=None, default=_NO_DEFAULT):
        return _extreme(_py.min, args, key, default)

    def max_(*args, key=None, default=_NO_DEFAULT):
        return _extreme(_py.max, args, key, default)

    def _extreme(fn, args, key, default):
        items = list(_counted(rt, args[0])) if len(args) == 1 else list(args)
        kwargs = {} if key is None else {"key": key}
        if default is not _NO_DEFAULT:
            kwargs["default"] = default
        return fn(items, **kwargs)

    def sorted_(iterable, /, *, key=None, reverse=False):
        return _py.sorted(list(_counted(rt, iterable)), key=key, reverse=reverse)

    def any_(iterable):
        return _py.any(_counted(rt, iterable))

    def all_(iterable):
        return _py.all(_counted(rt, iterable))

    def round_(number, ndigits=None):
        if type(number) is Tensor:
            from gradcalc.autograd.registry import FUNCTIONS

            found = FUNCTIONS["torch"].get("round")
            if found is not None:
                return found(number) if ndigits is None else found(number, decimals=ndigits)
        return _py.round(number) if ndigits is None else _py.round(number, ndigits)

    def isinstance_(obj, kinds):
        wanted = kinds if isinstance(kinds, tuple) else (kinds,)
        exceptions = [k for k in wanted if isinstance(k, pyerrors.ExceptionType)]
        if exceptions:
            if isinstance(obj, pyerrors.LanguageException) and any(
                obj.type.is_subclass_of(k) for k in exceptions
            ):
                return True
            wanted = tuple(k for k in wanted if k not in exceptions)
            if not wanted:
                return False
        return _py.isinstance(obj, _python_types(wanted))

    def type_(obj):
        if type(obj) is Tensor:
            return TypeOf("torch.Tensor")
        if isinstance(obj, pyerrors.LanguageException):
            return obj.type
        from gradcalc.interpreter.text import type_name

        return TypeOf(type_name(obj))

    def hasattr_(obj, name):
        from gradcalc.interpreter.attributes import get_attribute

        try:
            get_attribute(obj, name)
        except Exception:  # noqa: BLE001 - any failure means: no such attribute
            return False
        return True

    def getattr_(obj, name, *default):
        from gradcalc.errors import AttributeLookupError
        from gradcalc.interpreter.attributes import get_attribute

        try:
            return get_attribute(obj, name)
        except AttributeLookupError:
            if default:
                return default[0]
            raise

    def setattr_(obj, name, value):
        from gradcalc.interpreter.attributes import set_attribute

        set_attribute(obj, name, value)

    def iter_(obj):
        return _py.iter(obj)

    def next_(iterator, *default):
        try:
            return _py.next(iterator)
        except StopIteration:
            if default:
                return default[0]
            raise

    def list_(iterable=()):
        return _py.list(_counted(rt, iterable))

    def tuple_(iterable=()):
        return _py.tuple(_counted(rt, iterable))

    def set_(iterable=()):
        return _py.set(_counted(rt, iterable))

    def frozenset_(iterable=()):
        return _py.frozenset(_counted(rt, iterable))

    def dict_(*args, **kwargs):
        if args:
            return _py.dict(_counted(rt, args[0]), **kwargs)
        return _py.dict(**kwargs)

    def map_(fn, *iterables):
        return _py.map(fn, *[_stepping(rt, i) for i in iterables])

    def filter_(fn, iterable):
        return _py.filter(fn, _stepping(rt, iterable))

    def zip_(*iterables, strict=False):
        return _py.zip(*iterables, strict=strict)

    def enumerate_(iterable, start=0):
        return _py.enumerate(iterable, start)

    def reversed_(seq):
        if type(seq) is Tensor:
            from gradcalc.autograd.declare import F

            return _py.iter(F.unbind(F.flip(seq, (0,)), 0))
        return _py.reversed(seq)

    def format_(value, spec=""):
        from gradcalc.interpreter.text import format_value

        return format_value(value, spec)

    def help_(obj=None):
        from gradcalc.interpreter.help import help_text

        rt.emit("print", help_text(obj) + "\n")

    def input_(prompt=""):
        raise RaisedError(
            "OSError",
            "input() cannot read: a gradcalc program does not read from the terminal",
            hint="bind values with --set NAME=VALUE or load() them from a file",
        )

    def divmod_(a, b):
        return _py.divmod(a, b)

    def pow_(base, exp, mod=None):
        return _py.pow(base, exp) if mod is None else _py.pow(base, exp, mod)

    table = {
        "print": print_,
        "len": len_,
        "range": PyType(range, range_),
        "sum": sum_,
        "min": min_,
        "max": max_,
        "abs": _py.abs,
        "round": round_,
        "sorted": sorted_,
        "reversed": reversed_,
        "any": any_,
        "all": all_,
        "isinstance": isinstance_,
        "type": type_,
        "hasattr": hasattr_,
        "getattr": getattr_,
        "setattr": setattr_,
        "iter": iter_,
        "next": next_,
        "map": map_,
        "filter": filter_,
        "zip": PyType(zip, zip_),
        "enumerate": PyType(enumerate, enumerate_),
        "divmod": divmod_,
        "pow": pow_,
        "repr": show,
        "ascii": _py.ascii,
        "format": format_,
        "callable": _py.callable,
        "chr": _py.chr,
        "ord": _py.ord,
        "hex": _py.hex,
        "oct": _py.oct,
        "bin": _py.bin,
        "hash": _py.hash,
        "id": _py.id,
        "help": help_,
        "input": input_,
        "int": PyType(int, _int),
        "float": PyType(float, _float),
        "bool": PyType(bool, _py.bool),
        "str": PyType(str, _str),
        "complex": PyType(complex, _no_complex),
        "list": PyType(list, list_),
        "tuple": PyType(tuple, tuple_),
        "set": PyType(set, set_),
        "frozenset": PyType(frozenset, frozenset_),
        "dict": PyType(dict, dict_),
        "slice": PyType(slice, _py.slice),
        "object": PyType(object, _no_object),
        "staticmethod": _staticmethod,
        "classmethod": _classmethod,
        "NotImplemented": NotImplemented,
        "Ellipsis": Ellipsis,
        "__name__": "__main__",
    }
    for name, value in table.items():
        if isinstance(value, FunctionType):
            table[name] = Builtin(name, value)
    for name, exception_type in pyerrors.TYPES.items():
        if name not in ("LimitError", "FileError", "UsageError", "LinAlgError"):
            table[name] = exception_type
    return table


_NO_DEFAULT = object()


def _index(value):
    if isinstance(value, bool | int):
        return value
    return value.__index__()


def _int(value=0, base=None):
    if base is not None:
        return _py.int(value, base)
    return _py.int(value)


def _float(value=0.0):
    return _py.float(value)


def _str(value="", *args):
    return _py.str(value, *args) if args else _py.str(value)


def _no_complex(*args):
    raise ArgumentError("complex numbers are not supported by gradcalc")


def _no_object(*args):
    raise ArgumentError("object() is not available in gradcalc's language")


def _staticmethod(fn):
    from gradcalc.interpreter.custom import StaticMethod

    return StaticMethod(fn)


def _classmethod(fn):
    from gradcalc.interpreter.custom import ClassMethod

    return ClassMethod(fn)


def _python_types(kinds):
    if isinstance(kinds, tuple):
        return tuple(_python_type(k) for k in kinds)
    return _python_type(kinds)


def _python_type(kind):
    if isinstance(kind, PyType):
        return kind.python_type
    found = getattr(kind, "instance_type", None)
    if found is not None:
        return found
    raise ArgumentError("isinstance() arg 2 must be a type, a tuple of types, or a union")


__all__ = ["PyType", "make_builtins", "show"]
