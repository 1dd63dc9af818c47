"""gradcalc's autograd core: numpy tensors with PyTorch's reverse-mode semantics.

    from gradcalc.autograd import ones
    x = ones(2, 3, requires_grad=True)
    m = (2 * (x + 1)).mean()
    m.backward()          # x.grad == 1/3 everywhere

See ``functional.py`` for every operation, ``registry.py`` for how rules are written,
``engine.py`` for backward/grad/jacobian/hessian.
"""

import numpy as _np

from gradcalc.autograd.functional import *  # noqa: F403
from gradcalc.autograd.functional import __all__ as _functional_all
from gradcalc.autograd.node import AccumulateGrad, Node
from gradcalc.autograd.registry import RULES, unbroadcast
from gradcalc.autograd.settings import (
    DEFAULT_MAX_ELEMENTS,
    enable_grad,
    get_default_dtype,
    get_max_elements,
    is_grad_enabled,
    manual_seed,
    no_grad,
    set_default_dtype,
    set_grad_enabled,
    set_max_elements,
    set_record_output_grads,
)

# PyTorch computes inf and nan silently (log(0), 0/0); numpy would warn on stderr.
_np.seterr(all="ignore")

__all__ = [
    *_functional_all,
    "AccumulateGrad",
    "DEFAULT_MAX_ELEMENTS",
    "Node",
    "RULES",
    "enable_grad",
    "get_default_dtype",
    "get_max_elements",
    "is_grad_enabled",
    "manual_seed",
    "no_grad",
    "set_default_dtype",
    "set_grad_enabled",
    "set_max_elements",
    "set_record_output_grads",
    "unbroadcast",
]
