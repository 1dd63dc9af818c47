"""Stand-ins for ops of other families that the losses' node chains need.

PyTorch's C++ losses call the Scalar overloads (``x * 0.9`` in C++ is ``mul.Scalar``,
node MulBackward1, where Python's ``x * 0.9`` is MulBackward0), and ``clamp_min``,
``masked_fill`` and ``xlogy``, none of which is declared yet. Each stand-in here is that
op with PyTorch's node name and derivative, hidden from every spelling; once the owning
family declares the real op (or an internal ``mul.Scalar``), the calls in ``losses.py``
switch to it and this module goes.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, op
from gradcalc.autograd.dtype_rules import promote

_HIDDEN = {"method": False, "function": False}


@op(
    "_standin_add_scalar(Tensor self, Scalar other) -> Tensor",
    "AddBackward1",
    grads={"self": lambda grad: grad},
    **_HIDDEN,
)
def _standin_add_scalar(self, other):
    """``add.Scalar``: ``self + other``."""
    return self + other


@op(
    "_standin_mul_scalar(Tensor self, Scalar other) -> Tensor",
    "MulBackward1",
    grads={"self": lambda grad, other: grad * other},
    **_HIDDEN,
)
def _standin_mul_scalar(self, other):
    """``mul.Scalar``: ``self * other``."""
    return self * other


@op(
    "_standin_div_scalar(Tensor self, Scalar other) -> Tensor",
    "DivBackward1",
    grads={"self": lambda grad, other: grad / other},
    **_HIDDEN,
)
def _standin_div_scalar(self, other):
    """``div.Scalar``: ``self / other``."""
    with np.errstate(all="ignore"):
        return np.true_divide(self, other, dtype=self.dtype)


@op(
    "_standin_clamp_min(Tensor self, Scalar min) -> Tensor",
    "ClampMinBackward0",
    grads={"self": lambda grad, self, min: F.where(self >= min, grad, 0.0)},
    **_HIDDEN,
)
def _standin_clamp_min(self, min):
    """``clamp_min``: ``max(self, min)`` elementwise."""
    return np.maximum(self, min).astype(self.dtype, copy=False)


@op(
    "_standin_masked_fill(Tensor self, Tensor mask, Scalar value) -> Tensor",
    "MaskedFillBackward0",
    grads={"self": lambda grad, mask: F.where(mask, 0.0, grad)},
    **_HIDDEN,
)
def _standin_masked_fill(self, mask, value):
    """``masked_fill``: ``value`` where ``mask``, else ``self``."""
    return np.where(mask, np.asarray(value, dtype=self.dtype), self)


def _xlogy_self(grad, self, other):
    return grad * F.where(self == 0, 0.0, F.log(other))


@op(
    "_standin_xlogy(Tensor self, Tensor other) -> Tensor",
    "XlogyBackward0",
    dtype=promote,
    broadcast=True,
    grads={"self": _xlogy_self, "other": lambda grad, self, other: grad * self / other},
    **_HIDDEN,
)
def _standin_xlogy(self, other):
    """``xlogy``: ``self * log(other)``, 0 where ``self`` is 0 (NaN where ``other`` is)."""
    with np.errstate(all="ignore"):
        out = np.where(self == 0, 0.0, self * np.log(other)).astype(np.result_type(self, other))
    return np.where(np.isnan(other), np.nan, out).astype(out.dtype)
