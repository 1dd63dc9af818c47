"""Python's exceptions in the language: raising, matching ``except`` clauses, and turning
Python's own errors from native operations (``1 / 0``, ``[][0]``) into gradcalc errors.

An exception a program sees is a ``LanguageException`` (``except RuntimeError as e``:
``e``); its class is an ``ExceptionType`` from a fixed tree of Python's and PyTorch's types,
so ``except Exception`` catches a PyTorch ``RuntimeError`` and ``except LookupError`` an
``IndexError``, as in Python.
"""

from __future__ import annotations

from gradcalc.errors import GradcalcError, RaisedError

# Python's exception tree, as far as programs need it: type -> its base.
_TREE = {
    "BaseException": None,
    "Exception": "BaseException",
    "KeyboardInterrupt": "BaseException",
    "ArithmeticError": "Exception",
    "ZeroDivisionError": "ArithmeticError",
    "OverflowError": "ArithmeticError",
    "FloatingPointError": "ArithmeticError",
    "AssertionError": "Exception",
    "AttributeError": "Exception",
    "LookupError": "Exception",
    "IndexError": "LookupError",
    "KeyError": "LookupError",
    "NameError": "Exception",
    "UnboundLocalError": "NameError",
    "RuntimeError": "Exception",
    "NotImplementedError": "RuntimeError",
    "RecursionError": "RuntimeError",
    "LinAlgError": "RuntimeError",
    "StopIteration": "Exception",
    "TypeError": "Exception",
    "ValueError": "Exception",
    "UnicodeError": "ValueError",
    "ImportError": "Exception",
    "ModuleNotFoundError": "ImportError",
    "OSError": "Exception",
    "FileNotFoundError": "OSError",
    "MemoryError": "Exception",
    "Warning": "Exception",
    "UserWarning": "Warning",
    "DeprecationWarning": "Warning",
    "RuntimeWarning": "Warning",
    "SyntaxError": "Exception",
    "IndentationError": "SyntaxError",
    # gradcalc's own bounds and files: Exception subclasses, so a broad except sees them
    "LimitError": "Exception",
    "FileError": "Exception",
    "UsageError": "Exception",
}


class ExceptionType:
    """An exception class a program can name, raise, subclass and catch."""

    __slots__ = ("base", "module", "name")
    language_type_name = "type"

    def __init__(self, name: str, base: ExceptionType | None, module: str = "") -> None:
        self.name = name
        self.base = base
        self.module = module  # "__main__" for a class the program defined

    def is_subclass_of(self, other: ExceptionType) -> bool:
        t: ExceptionType | None = self
        while t is not None:
            if t is other:
                return True
            t = t.base
        return False

    def __call__(self, *args):
        return LanguageException(self, args)

    def __repr__(self) -> str:
        return f"<class '{self.module}.{self.name}'>" if self.module else f"<class '{self.name}'>"


TYPES: dict[str, ExceptionType] = {}
for _name, _base in _TREE.items():
    TYPES[_name] = ExceptionType(_name, TYPES[_base] if _base else None)


def type_named(name: str) -> ExceptionType:
    """The type of an error kind; a kind outside the tree counts as a RuntimeError."""
    found = TYPES.get(name)
    if found is None:
        found = TYPES[name] = ExceptionType(name, TYPES["RuntimeError"])
    return found


class LanguageException:
    """An exception value: ``e`` in ``except ... as e``, or ``ValueError("bad")``."""

    __slots__ = ("args", "error", "type")

    def __init__(self, type_: ExceptionType, args: tuple, error: GradcalcError | None = None):
        self.type = type_
        self.args = tuple(args)
        self.error = error

    @property
    def language_type_name(self) -> str:
        return self.type.name

    def language_attribute(self, name: str):
        """``e.args``: what the exception was made with (PyTorch's errors: the message)."""
        if name == "args":
            return self.args
        from gradcalc.errors import AttributeLookupError

        raise AttributeLookupError(f"'{self.type.name}' object has no attribute '{name}'")

    def language_names(self):
        return ["args"]

    def __str__(self) -> str:
        if self.error is not None:
            return self.error.message
        if len(self.args) == 1:
            return str(self.args[0])
        return str(self.args) if self.args else ""

    def __repr__(self) -> str:
        if self.error is not None:
            return f"{self.type.name}({self.error.message!r})"
        inner = ", ".join(repr(a) for a in self.args)
        return f"{self.type.name}({inner})"


def exception_of(error: GradcalcError) -> LanguageException:
    """The value ``except ... as e`` binds for ``error``."""
    value = getattr(error, "value", None)
    if isinstance(value, LanguageException):
        return value
    return LanguageException(type_named(error.kind), (error.message,), error)


def to_error(value, span=None) -> GradcalcError:
    """``raise value``: the error that carries a language exception (or type)."""
    if isinstance(value, ExceptionType):
        value = value()
    if isinstance(value, LanguageException):
        if value.error is not None:
            return value.error
        return RaisedError(value.type.name, str(value), value=value, span=span)
    from gradcalc.errors import ArgumentError

    return ArgumentError("exceptions must derive from BaseException", span=span)


def matches(error: GradcalcError, wanted) -> bool:
    """Whether ``except wanted`` catches ``error`` (a type or a tuple of types)."""
    if isinstance(wanted, tuple):
        return any(matches(error, w) for w in wanted)
    if not isinstance(wanted, ExceptionType):
        from gradcalc.errors import ArgumentError

        raise ArgumentError(
            "catching classes that do not inherit from BaseException is not allowed"
        )
    return type_of(error).is_subclass_of(wanted)


def type_of(error: GradcalcError) -> ExceptionType:
    """The class of ``error`` as the program sees it (its own classes included)."""
    value = getattr(error, "value", None)
    if isinstance(value, LanguageException):
        return value.type
    return type_named(error.kind)


def subclass(name: str, base: ExceptionType) -> ExceptionType:
    """``class MyError(ValueError): ...`` in a program."""
    return ExceptionType(name, base, module="__main__")


NATIVE = (
    TypeError,
    ValueError,
    ZeroDivisionError,
    OverflowError,
    KeyError,
    IndexError,
    AttributeError,
    StopIteration,
    UnicodeError,
    NotImplementedError,
)


def from_native(error: BaseException, span=None) -> GradcalcError:
    """A Python exception raised by a native operation on program values, in our terms."""
    kind = type(error).__name__
    if isinstance(error, KeyError):
        message = repr(error.args[0]) if error.args else ""
    else:
        message = str(error)
    hint = None
    if isinstance(error, ZeroDivisionError):
        hint = "tensors divide by zero to inf or nan, as in PyTorch; plain numbers do not"
    category = _CLASSES.get(kind)
    if category is not None:
        return category(message, hint=hint, span=span, kind=kind)
    return RaisedError(kind, message, hint=hint, span=span)


def _classes() -> dict:
    from gradcalc.errors import (
        ArgumentError,
        AttributeLookupError,
        IndexOutOfRange,
        ValueDomainError,
    )

    return {
        "TypeError": ArgumentError,
        "ValueError": ValueDomainError,
        "IndexError": IndexOutOfRange,
        "KeyError": IndexOutOfRange,
        "AttributeError": AttributeLookupError,
    }


_CLASSES = _classes()


def guarded(fn, span):
    """``fn(env)`` with ``span`` on its errors and Python's own errors converted."""

    def run(env):
        try:
            return fn(env)
        except GradcalcError as error:
            if error.span is None:
                error.span = span
            raise
        except NATIVE as error:
            raise from_native(error, span) from None

    return run
