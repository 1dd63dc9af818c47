"""``class Exp(torch.autograd.Function):`` — the only classes a program can define.

The class body runs like any block; its ``forward``/``backward`` (``@staticmethod``) and
optional ``setup_context`` become a ``FunctionClass`` whose ``apply`` goes through the
autograd core (``autograd/custom_function.py``). Any other class is refused with a clear
error, since ``nn.Module`` and friends are not part of gradcalc's language.
"""

from __future__ import annotations

from gradcalc.autograd.custom_function import apply_function
from gradcalc.errors import ArgumentError, AttributeLookupError


class StaticMethod:
    """``@staticmethod``: the function as it is, marked for the class body."""

    language_type_name = "staticmethod"

    __slots__ = ("fn",)

    def __init__(self, fn) -> None:
        self.fn = fn

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


class ClassMethod(StaticMethod):
    __slots__ = ()
    language_type_name = "classmethod"


class FunctionBase:
    """``torch.autograd.Function``: a base class to derive from, not to call."""

    context_manager = False
    language_type_name = "FunctionMeta"

    def __repr__(self) -> str:
        return "<class 'torch.autograd.function.Function'>"

    def __call__(self, *args, **kwargs):
        raise ArgumentError(
            "Legacy autograd function with non-static forward method is deprecated. Please "
            "use new-style autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)",
            kind="RuntimeError",
        )


FUNCTION_BASE = FunctionBase()


class FunctionClass:
    """A program's ``torch.autograd.Function`` subclass."""

    context_manager = False
    language_type_name = "FunctionMeta"

    def __init__(self, name: str, namespace: dict) -> None:
        self.name = name
        self.namespace = namespace

    def _method(self, name: str):
        found = self.namespace.get(name)
        if isinstance(found, StaticMethod):
            return found.fn
        return found

    def apply(self, *args, **kwargs):
        if kwargs:
            raise ArgumentError("apply() does not take keyword arguments", kind="TypeError")
        forward = self._method("forward")
        backward = self._method("backward")
        if forward is None:
            raise ArgumentError(
                "You must implement the forward function for custom autograd.Function.",
                kind="NotImplementedError",
            )
        if backward is None:
            backward = _missing_backward
        setup = self._method("setup_context")
        return apply_function(f"{self.name}Backward", forward, backward, args, setup)

    def language_attribute(self, name: str):
        if name == "apply":
            return self.apply
        if name in self.namespace:
            return self._method(name)
        raise AttributeLookupError(f"type object '{self.name}' has no attribute '{name}'")

    def language_names(self):
        return ["apply", *self.namespace]

    def __call__(self, *args, **kwargs):
        """``MyFunction()``: PyTorch warns, and the instance refuses to be called."""
        from gradcalc.autograd.settings import warn

        warn(
            f"{self!r} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            "DeprecationWarning",
        )
        return FunctionInstance(self)

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"


class FunctionInstance:
    """What ``MyFunction()`` gives: calling it is PyTorch's legacy-function error."""

    __slots__ = ("cls",)
    context_manager = False

    def __init__(self, cls: FunctionClass) -> None:
        self.cls = cls

    @property
    def language_type_name(self) -> str:
        return self.cls.name

    def language_attribute(self, name: str):
        return self.cls.language_attribute(name)

    def __call__(self, *args, **kwargs):
        return FUNCTION_BASE(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<__main__.{self.cls.name} object at {id(self):#x}>"


def _missing_backward(ctx, *grads):
    raise ArgumentError(
        "You must implement either the backward or vjp method for your custom "
        "autograd.Function to use it with backward mode AD.",
        kind="NotImplementedError",
    )


def make_class(name: str, bases: list, namespace: dict, span):
    from gradcalc.interpreter.pyerrors import ExceptionType, subclass

    if len(bases) == 1 and isinstance(bases[0], ExceptionType):
        return subclass(name, bases[0])  # class MyError(ValueError): pass
    if len(bases) != 1 or bases[0] is not FUNCTION_BASE:
        shown = ", ".join(repr(b) for b in bases) or "no base class"
        raise ArgumentError(
            f"gradcalc can only define subclasses of torch.autograd.Function (got {shown})",
            hint="write 'class Name(torch.autograd.Function):' with @staticmethod forward and "
            "backward (or derive an exception class); other classes such as nn.Module are not "
            "part of gradcalc's language",
            kind="TypeError",
            span=span,
        )
    return FunctionClass(name, namespace)
