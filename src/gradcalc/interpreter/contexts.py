"""``with torch.no_grad():`` and its kin, also as decorators (``@torch.no_grad()``).

``set_grad_enabled(False)`` and ``set_detect_anomaly(True)`` take effect when called, as in
PyTorch, and restore the previous mode when used as a ``with`` block.
"""

from __future__ import annotations

from gradcalc.autograd import settings
from gradcalc.autograd.settings import STATE


class Mode:
    """A grad, inference or anomaly mode: a context manager and a decorator."""

    context_manager = True
    __slots__ = ("_pending", "_saved", "kind", "mode", "name")

    def __init__(self, name: str, kind: str, mode: bool, immediate: bool = False) -> None:
        self.name = name
        self.kind = kind  # "grad" | "inference" | "anomaly"
        self.mode = mode
        self._saved: list = []
        # set_grad_enabled(False) acts when called; a with block then restores on exit
        self._pending = immediate
        if immediate:
            self._saved.append(self._current())
            self._apply()

    def _current(self):
        return (STATE.grad_enabled, STATE.inference, STATE.anomaly, STATE.anomaly_check_nan)

    def _apply(self) -> None:
        if self.kind == "grad":
            STATE.grad_enabled = self.mode
        elif self.kind == "inference":
            if self.mode:
                STATE.grad_enabled = False
                STATE.inference = True
        else:
            STATE.anomaly = self.mode

    def __enter__(self):
        if self._pending:
            self._pending = False
        else:
            self._saved.append(self._current())
        self._apply()
        return None

    def __exit__(self, *exc) -> bool:
        if self._saved:
            (STATE.grad_enabled, STATE.inference, STATE.anomaly, STATE.anomaly_check_nan) = (
                self._saved.pop()
            )
        return False

    def __call__(self, fn):
        """``@torch.no_grad()`` on a function: run it in this mode."""
        mode = self

        def in_mode(*args, **kwargs):
            fresh = Mode(mode.name, mode.kind, mode.mode)
            fresh.__enter__()
            try:
                return fn(*args, **kwargs)
            finally:
                fresh.__exit__(None, None, None)

        return in_mode

    def __repr__(self) -> str:
        return f"<torch.autograd.grad_mode.{self.name} object at {id(self):#x}>"


def no_grad():
    return Mode("no_grad", "grad", False)


def enable_grad():
    return Mode("enable_grad", "grad", True)


def set_grad_enabled(mode):
    return Mode("set_grad_enabled", "grad", bool(mode), immediate=True)


def inference_mode(mode=True):
    return Mode("inference_mode", "inference", bool(mode))


def detect_anomaly(check_nan=True):
    m = Mode("detect_anomaly", "anomaly", True)
    STATE.anomaly_check_nan = bool(check_nan)
    return m


def set_detect_anomaly(mode, check_nan=True):
    m = Mode("set_detect_anomaly", "anomaly", bool(mode), immediate=True)
    STATE.anomaly_check_nan = bool(check_nan)
    return m


is_grad_enabled = settings.is_grad_enabled
is_inference_mode_enabled = settings.is_inference_mode_enabled
is_anomaly_enabled = settings.is_anomaly_enabled
