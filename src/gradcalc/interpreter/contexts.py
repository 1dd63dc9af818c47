"""``with torch.no_grad():`` and its kin, also as decorators (``@torch.no_grad()``).

Modelled on PyTorch's ``torch/autograd/grad_mode.py``, ``torch/autograd/anomaly_mode.py`` and
``torch/utils/_contextlib.py`` (torch 2.13): ``no_grad`` and ``enable_grad`` also decorate
without parentheses (``@torch.no_grad``), ``inference_mode`` takes a bool or the function to
decorate, ``set_grad_enabled(False)`` and ``set_detect_anomaly(True)`` take effect when called
and restore the previous mode when used as a ``with`` block, and ``detect_anomaly()`` warns
that it slows things down, all as PyTorch does. A decorated function prints as the function
it wraps (PyTorch's decorator uses ``functools.wraps``).
"""

from __future__ import annotations

import gradcalc.autograd.settings as settings
from gradcalc.autograd.settings import STATE
from gradcalc.errors import ArgumentError

ANOMALY_WARNING = (
    "Anomaly Detection has been enabled. This mode will increase the runtime and should only "
    "be enabled for debugging."
)


class Mode:
    """A grad, inference or anomaly mode: a context manager and a decorator."""

    context_manager = True
    __slots__ = ("_pending", "_saved", "check_nan", "kind", "mode", "name")

    def __init__(
        self, name: str, kind: str, mode: bool, immediate: bool = False, check_nan: bool = True
    ) -> None:
        self.name = name
        self.kind = kind  # "grad" | "inference" | "anomaly"
        self.mode = mode
        self.check_nan = check_nan
        self._saved: list = []
        # set_grad_enabled(False) acts when called; a with block then restores on exit
        self._pending = immediate
        if immediate:
            self._saved.append(_current())
            self._apply()

    def _apply(self) -> None:
        if self.kind == "grad":
            STATE.grad_enabled = self.mode
        elif self.kind == "inference":
            if self.mode:
                STATE.grad_enabled = False
                STATE.inference = True
        else:
            STATE.anomaly = self.mode
            STATE.anomaly_check_nan = self.check_nan

    def __enter__(self):
        if self._pending:
            self._pending = False
        else:
            self._saved.append(_current())
        self._apply()
        return None

    def __exit__(self, *exc) -> bool:
        if self._saved:
            _restore(self._saved.pop())
        return False

    def __call__(self, fn):
        """``@torch.no_grad()`` on a function: run it in this mode."""
        if self._pending:
            # set_grad_enabled(False) used as a decorator: undo the call's immediate effect
            self._pending = False
            _restore(self._saved.pop())
        return ModeFunction(self, fn)

    @property
    def language_type_name(self) -> str:
        return self.name

    def fresh(self) -> Mode:
        return Mode(self.name, self.kind, self.mode, check_nan=self.check_nan)

    def __repr__(self) -> str:
        if self.name == "set_grad_enabled":
            return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"
        module = "anomaly_mode" if self.kind == "anomaly" else "grad_mode"
        return f"<torch.autograd.{module}.{self.name} object at {id(self):#x}>"


class ModeFunction:
    """A function decorated with a mode: each call runs inside a fresh copy of the mode."""

    __slots__ = ("fn", "mode")
    language_type_name = "function"

    def __init__(self, mode: Mode, fn) -> None:
        self.mode = mode
        self.fn = fn

    def __call__(self, *args, **kwargs):
        mode = self.mode.fresh()
        mode.__enter__()
        try:
            return self.fn(*args, **kwargs)
        finally:
            mode.__exit__(None, None, None)

    def __repr__(self) -> str:
        return repr(self.fn)


class ModeType:
    """``torch.no_grad`` itself: a class to call (or to decorate with directly)."""

    language_type_name = "type"

    context_manager = False
    __slots__ = ("make", "module", "name")
    instance_type = Mode

    def __init__(self, name: str, make, module: str = "grad_mode") -> None:
        self.name = name
        self.make = make
        self.module = module

    def __call__(self, *args, **kwargs):
        return self.make(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<class 'torch.autograd.{self.module}.{self.name}'>"


def _current() -> tuple:
    return (STATE.grad_enabled, STATE.inference, STATE.anomaly, STATE.anomaly_check_nan)


def _restore(saved: tuple) -> None:
    (STATE.grad_enabled, STATE.inference, STATE.anomaly, STATE.anomaly_check_nan) = saved


def _no_param(name: str, mode: bool):
    """``no_grad``/``enable_grad``: ``cls()`` or, given a function, ``cls()(function)``."""

    def make(orig_func=None):
        made = Mode(name, "grad", mode)
        return made if orig_func is None else made(orig_func)

    make.__name__ = make.__qualname__ = name  # Python's argument errors name the function
    return ModeType(name, make)


no_grad = _no_param("no_grad", False)
enable_grad = _no_param("enable_grad", True)


def _inference_mode(mode=True):
    if isinstance(mode, bool):
        return Mode("inference_mode", "inference", mode)
    return Mode("inference_mode", "inference", True)(mode)


def _set_grad_enabled(mode):
    if not isinstance(mode, bool):
        from gradcalc.interpreter.text import type_name

        raise ArgumentError(
            "set_grad_enabled(): argument 'enabled' (position 1) must be bool, not "
            f"{type_name(mode)}"
        )
    return Mode("set_grad_enabled", "grad", mode, immediate=True)


def _detect_anomaly(check_nan=True):
    settings.warn(ANOMALY_WARNING)
    return Mode("detect_anomaly", "anomaly", True, check_nan=bool(check_nan))


def _set_detect_anomaly(mode, check_nan=True):
    return Mode(
        "set_detect_anomaly", "anomaly", bool(mode), immediate=True, check_nan=bool(check_nan)
    )


for _make, _name in (
    (_inference_mode, "inference_mode"),
    (_set_grad_enabled, "set_grad_enabled"),
    (_detect_anomaly, "detect_anomaly"),
    (_set_detect_anomaly, "set_detect_anomaly"),
):
    _make.__name__ = _make.__qualname__ = _name

inference_mode = ModeType("inference_mode", _inference_mode)
set_grad_enabled = ModeType("set_grad_enabled", _set_grad_enabled)
detect_anomaly = ModeType("detect_anomaly", _detect_anomaly, "anomaly_mode")
set_detect_anomaly = ModeType("set_detect_anomaly", _set_detect_anomaly, "anomaly_mode")

is_grad_enabled = settings.is_grad_enabled
is_inference_mode_enabled = settings.is_inference_mode_enabled
is_anomaly_enabled = settings.is_anomaly_enabled
