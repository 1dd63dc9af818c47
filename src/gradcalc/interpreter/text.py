"""How values show as text: ``repr`` for echoes, ``str`` for ``print``, f-string fields.

Python's own ``repr``/``str``/``format`` are used on the values a program can hold (they
are Python numbers, strings, containers, tensors and the interpreter's own small types),
with bounds: a format spec cannot ask for a width beyond ``MAX_FORMAT_WIDTH``, an f-string
cannot grow beyond ``MAX_TEXT``.
"""

from __future__ import annotations

import re

from gradcalc.errors import ArgumentError, LimitError, ValueDomainError

MAX_FORMAT_WIDTH = 10_000
MAX_TEXT = 10_000_000

# [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
_SPEC = re.compile(r"(?:.?[<>=^])?[-+ ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[A-Za-z%]?", re.DOTALL)


def check_spec(spec: str) -> None:
    match = _SPEC.fullmatch(spec)
    if match is None:
        return  # Python's own format() says what is wrong with it
    for number in match.groups():
        if number and int(number) > MAX_FORMAT_WIDTH:
            raise LimitError(
                f"format width or precision {int(number):,} is over the limit of "
                f"{MAX_FORMAT_WIDTH:,}",
                hint="use a smaller width or precision",
            )


def format_value(value, spec: str) -> str:
    """``format(value, spec)`` with the spec bounded and PyTorch's error for tensors."""
    if spec:
        check_spec(spec)
    try:
        return format(value, spec)
    except ArgumentError as error:  # a tensor's own refusal
        if error.hint is None:
            error.hint = _spec_hint(value)
        raise
    except ValueError as error:
        raise ValueDomainError(str(error)) from None
    except TypeError as error:
        message = str(error).replace(
            f" passed to {type(value).__name__}.", f" passed to {_qualified_type(value)}."
        )
        raise ArgumentError(message, hint=_spec_hint(value)) from None


def _qualified_type(value) -> str:
    from gradcalc.autograd.values import Size

    return "torch.Size" if type(value) is Size else type_name(value)


def _spec_hint(value) -> str:
    from gradcalc.autograd.tensor import Tensor

    if type(value) is Tensor:
        return (
            "a format spec applies to a number: take it out of the tensor with .item(), as in "
            'f"{x.item():.4f}" (PyTorch formats only 0-d tensors this way)'
        )
    return f"a {type_name(value)} value takes no format spec: write {{value}} without one"


def joined(pieces: list) -> str:
    total = 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_TEXT:
            raise LimitError(
                f"f-string longer than {MAX_TEXT:,} characters",
                hint="print the values themselves, or fewer of them",
            )
    return "".join(pieces)


def show(value) -> str:
    """What an expression statement echoes (a notebook cell's output): ``repr``."""
    return repr(value)


def type_name(value) -> str:
    """The name Python and PyTorch give the type of ``value`` (in messages: 'Tensor' object)."""
    from gradcalc.autograd.node import Node
    from gradcalc.autograd.tensor import Tensor

    if type(value) is Tensor:
        return "Tensor"
    own = getattr(value, "language_type_name", None)
    if own is not None:
        return own
    if isinstance(value, Node):
        return value.name()
    t = type(value)
    found = _CORE_TYPE_NAMES.get(t.__name__)
    if found is not None:
        return found
    if t.__module__ == "builtins" or t.__module__.startswith("gradcalc"):
        return t.__name__
    return f"{t.__module__}.{t.__qualname__}"  # numpy.ndarray, as Python names it


# the core's value classes, by the names PyTorch gives them
_CORE_TYPE_NAMES = {
    "DType": "torch.dtype",
    "HookHandle": "RemovableHandle",
    "GeneratorValue": "torch._C.Generator",
    "Device": "torch.device",
}
