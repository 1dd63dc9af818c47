"""Option values converted without pydantic, so that a one-liner starts fast.

Typer 0.29 converts every non-flag option through a pydantic ``TypeAdapter``: importing
pydantic and building one adapter per option costs ~90 ms on this machine, a third of a
one-liner's start-up budget. gradcalc's options are only ``str``, ``int`` (with bounds),
``Path``, ``bool``, ``Enum`` choices and ``list[str]``; this converts those directly, with Typer's
own error messages. Any other annotation, or a Typer without these internals, keeps
Typer's pydantic path: the hook can only make start-up slower, never change behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin


def install() -> bool:
    """Route the simple annotations around pydantic; returns whether the hook is in place."""
    try:
        from typer import BadParameter
        from typer._coercion import RuntimeParam
        from typer.core import _TyperParameter
    except ImportError:
        return False
    original = getattr(_TyperParameter, "get_runtime_param", None)
    if original is None or getattr(original, "_gradcalc_light", False):
        return original is not None

    @dataclass(frozen=True)
    class DirectRuntimeParam(RuntimeParam):
        convert: Callable[[Any], Any] = str

        def _coerce_value(self, value, param, ctx):
            try:
                return self.convert(value)
            except (TypeError, ValueError) as exc:
                raise BadParameter(str(exc), ctx=ctx, param=param) from None

    def get_runtime_param(self):
        if getattr(self, "_runtime_param", None) is None:
            descriptor = self.type_descriptor
            convert = converter(descriptor.annotation, descriptor.parameter_info)
            if convert is not None and descriptor.file_annotation is None:
                self._runtime_param = DirectRuntimeParam(
                    parameter_info=descriptor.parameter_info,
                    annotation=descriptor.annotation,
                    convert=convert,
                )
        return original(self)

    get_runtime_param._gradcalc_light = True
    _TyperParameter.get_runtime_param = get_runtime_param
    return True


def converter(annotation, info) -> Callable[[Any], Any] | None:
    """A converter for the annotations gradcalc uses; None for anything else."""
    if get_origin(annotation) is list:
        (item,) = get_args(annotation) or (None,)
        if item is not str:
            return None
        return lambda values: [_as_str(v) for v in values]
    if annotation is str:
        return _as_str
    if annotation is bool:
        return _as_bool
    if annotation is Path:
        return lambda value: value if isinstance(value, Path) else Path(_as_str(value))
    if annotation is int:
        low, high = getattr(info, "min", None), getattr(info, "max", None)
        if getattr(info, "clamp", False):
            return None
        return lambda value: _as_int(value, low, high)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return lambda value: _as_choice(annotation, value)
    return None


def _as_str(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode()
    raise TypeError(f"{value!r} is not a valid string.")


_TRUE = ("1", "true", "t", "yes", "y", "on")
_FALSE = ("0", "false", "f", "no", "n", "off")


def _as_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise ValueError(f"{value!r} is not a valid boolean.")


def _as_int(value, low, high) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a valid integer.")
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip(), 10)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid integer.") from None
    if low is not None and number < low:
        raise ValueError(f"{number} is not in the range {_range(low, high)}.")
    if high is not None and number > high:
        raise ValueError(f"{number} is not in the range {_range(low, high)}.")
    return number


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f"{low}<=x<={high}"
    return f"x>={low}" if low is not None else f"x<={high}"


def _as_choice(enum: type[Enum], value):
    if isinstance(value, enum):
        return value
    for member in enum:
        if member.value == value:
            return member
    choices = ", ".join(repr(m.value) for m in enum)
    raise ValueError(f"{value!r} is not one of {choices}.")
