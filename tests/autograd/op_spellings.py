"""Namespaces that op-case expressions use besides ``torch``: ``F`` (torch.nn.functional)
and ``LINALG`` (torch.linalg), passed to a case as inputs.

The same expression runs on real torch (to store expectations) and on gradcalc, whose
``torch`` namespace has no ``nn`` or ``linalg`` attribute; each function here calls
torch's or gradcalc's by the kind of tensor it is given.
"""

from __future__ import annotations

import importlib


class Spelled:
    """``F.softmax(x, 1)``: torch's function for torch tensors, gradcalc's for gradcalc's."""

    def __init__(self, torch_module: str, gradcalc_namespace: str) -> None:
        self.torch_module = torch_module
        self.gradcalc_namespace = gradcalc_namespace

    def __getattr__(self, name: str):
        def call(*args, **kwargs):
            first = args[0] if args else next(iter(kwargs.values()))
            if type(first).__module__.startswith("torch"):
                return getattr(importlib.import_module(self.torch_module), name)(*args, **kwargs)
            from gradcalc.autograd.registry import namespace

            return namespace(self.gradcalc_namespace)[name](*args, **kwargs)

        return call

    def __repr__(self) -> str:
        return f"<{self.torch_module} or gradcalc's {self.gradcalc_namespace}>"


F = Spelled("torch.nn.functional", "F")
LINALG = Spelled("torch.linalg", "linalg")
