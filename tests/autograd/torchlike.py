"""gradcalc's autograd core as a Python module shaped like ``torch``, for differential tests.

``gradcalc.autograd.torch`` holds the declared ops and dtypes; the rest of what the test
scenarios call (``torch.autograd.grad``, ``torch.no_grad()``, ``torch.autograd.Function``,
``torch.autograd.functional``, ``torch.func``) lives in separate modules (the last two
are the interpreter's, which programs call) and is gathered here, so that one scenario
function runs unchanged on real torch and on gradcalc.
"""

from __future__ import annotations

import types

import gradcalc.interpreter.functional as _autograd_functional
import gradcalc.interpreter.functorch as _functorch
from gradcalc.autograd import Tensor, api, dtypes, random, settings
from gradcalc.autograd import functional as _functional
from gradcalc.autograd import torch as _ops
from gradcalc.autograd.custom_function import apply_function
from gradcalc.autograd.gradcheck import gradcheck, gradgradcheck
from gradcalc.autograd.node import Node


class Function:
    """``torch.autograd.Function`` for Python subclasses with static forward/backward,
    applied by the core as the interpreter applies a program's Function classes."""

    @classmethod
    def apply(cls, *args):
        setup = cls.__dict__.get("setup_context")
        if isinstance(setup, staticmethod):
            setup = setup.__func__
        return apply_function(f"{cls.__name__}Backward", cls.forward, cls.backward, args, setup)


def _module(name: str, **members) -> types.SimpleNamespace:
    module = types.SimpleNamespace(**members)
    module.__name__ = name
    return module


torch = _module("torch", **{k: v for k, v in vars(_ops).items() if not k.startswith("__")})
torch.Tensor = Tensor
torch.__gradcalc__ = True
torch.no_grad = settings.no_grad
torch.enable_grad = settings.enable_grad
torch.set_grad_enabled = settings.set_grad_enabled
torch.is_grad_enabled = settings.is_grad_enabled
torch.inference_mode = settings.inference_mode
torch.is_inference_mode_enabled = settings.is_inference_mode_enabled
torch.get_default_dtype = dtypes.get_default_dtype
torch.set_default_dtype = dtypes.set_default_dtype
torch.promote_types = dtypes.promote_types
torch.result_type = dtypes.result_type
torch.autograd = _module(
    "torch.autograd",
    grad=api.grad,
    backward=api.backward,
    Function=Function,
    gradcheck=gradcheck,
    gradgradcheck=gradgradcheck,
    set_detect_anomaly=settings.set_detect_anomaly,
    detect_anomaly=settings.detect_anomaly,
    graph=_module("torch.autograd.graph", Node=Node),
    functional=_module("torch.autograd.functional", **_autograd_functional.TABLE),
)
torch.func = _module("torch.func", **_functorch.TABLE)
torch.nn = _module("torch.nn", functional=_module("torch.nn.functional", **vars(_functional)))
torch.manual_seed = random.manual_seed
