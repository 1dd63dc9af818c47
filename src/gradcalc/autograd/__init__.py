"""gradcalc's autograd core: numpy tensors with PyTorch's reverse-mode semantics.

    from gradcalc.autograd import torch
    x = torch.ones(2, 3, requires_grad=True)
    m = (2 * (x + 1)).mean()
    m.backward()          # x.grad == 1/3 everywhere

``ops/`` declares every op once (``declare.py`` says how); ``registry`` makes their
spellings, ``methods`` the Tensor methods; ``engine`` runs backward passes.
"""

import gradcalc.autograd.methods as _methods  # noqa: F401  (attaches the Tensor methods)
from gradcalc.autograd.api import backward, grad
from gradcalc.autograd.dtypes import get_default_dtype, set_default_dtype
from gradcalc.autograd.registry import FUNCTIONS, METHODS
from gradcalc.autograd.tensor import Tensor, is_tensor, make_tensor


class _Namespace:
    """``torch.exp`` and friends as attributes (for Python code and tests)."""

    def __init__(self, table: dict) -> None:
        self.__dict__.update(table)


torch = _Namespace(FUNCTIONS["torch"])
functional = _Namespace(FUNCTIONS["F"])
torch.linalg = _Namespace(FUNCTIONS["linalg"])
torch.special = _Namespace(FUNCTIONS["special"])
torch.nn = _Namespace({"functional": functional})

__all__ = [
    "FUNCTIONS",
    "METHODS",
    "Tensor",
    "backward",
    "functional",
    "get_default_dtype",
    "grad",
    "is_tensor",
    "make_tensor",
    "set_default_dtype",
    "torch",
]

import gradcalc.autograd.dtypes as _dtypes  # noqa: E402

for _name, _dtype in _dtypes.BY_NAME.items():
    setattr(torch, _name, _dtype)
