"""Runs gradcalc programs on the autograd core: ``from gradcalc.interpreter import Session``.

``Session`` is imported lazily so that importing the package (e.g. for the result types)
does not pull in the autograd core before it is needed.
"""

from __future__ import annotations

__all__ = ["DEFAULT_MAX_ELEMENTS", "Session"]


def __getattr__(name: str):
    if name == "Session":
        from gradcalc.interpreter.session import Session

        return Session
    if name == "DEFAULT_MAX_ELEMENTS":
        from gradcalc.autograd.settings import DEFAULT_MAX_ELEMENTS

        return DEFAULT_MAX_ELEMENTS
    raise AttributeError(f"module 'gradcalc.interpreter' has no attribute {name!r}")
