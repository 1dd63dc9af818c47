"""Elementwise functions of one tensor: exponentials, trigonometry, activations.

Undefined derivatives follow PyTorch: relu'(0) = 0, abs'(0) = 0. Integer and bool inputs
compute in the default float dtype (``to_float``), as PyTorch's ``exp`` does.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, op
from gradcalc.autograd.dtype_rules import promote, to_float


@op(
    "exp(Tensor self) -> Tensor",
    "ExpBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, result: grad * result},
    example="torch.exp(x)",
)
def exp(self):
    """e to the power of each element."""
    return np.exp(self)


@op(
    "log(Tensor self) -> Tensor",
    "LogBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, self: grad / self},
    example="torch.log(x)",
)
def log(self):
    """Natural logarithm (``-inf`` at 0, ``nan`` below)."""
    with np.errstate(all="ignore"):
        return np.log(self)


@op(
    "sqrt(Tensor self) -> Tensor",
    "SqrtBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, result: grad / (2 * result)},
    example="torch.sqrt(x)",
)
def sqrt(self):
    """Square root (``nan`` below 0)."""
    with np.errstate(all="ignore"):
        return np.sqrt(self)


@op(
    "abs(Tensor self) -> Tensor",
    "AbsBackward0",
    inplace=True,
    aliases=("absolute",),
    operators=("__abs__",),
    grads={"self": lambda grad, self: grad * F.sign(self)},
    example="torch.abs(x)",
)
def abs(self):
    """Absolute value; its derivative at 0 is 0."""
    return np.abs(self)


@op(
    "sign(Tensor self) -> Tensor",
    "SignBackward0",
    inplace=True,
    grads={"self": lambda grad: grad * 0},
    example="torch.sign(x)",
)
def sign(self):
    """-1, 0 or 1 by the sign of each element (its gradient is 0)."""
    return np.sign(self)


@op(
    "sin(Tensor self) -> Tensor",
    "SinBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, self: grad * F.cos(self)},
    example="torch.sin(x)",
)
def sin(self):
    """Sine."""
    return np.sin(self)


@op(
    "cos(Tensor self) -> Tensor",
    "CosBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, self: grad * -F.sin(self)},
    example="torch.cos(x)",
)
def cos(self):
    """Cosine."""
    return np.cos(self)


@op(
    "tanh(Tensor self) -> Tensor",
    "TanhBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=("torch", "F"),
    grads={"self": lambda grad, result: grad * (1 - result * result)},
    example="torch.tanh(x)",
)
def tanh(self):
    """Hyperbolic tangent."""
    return np.tanh(self)


@op(
    "sigmoid(Tensor self) -> Tensor",
    "SigmoidBackward0",
    dtype=to_float,
    inplace=True,
    namespaces=("torch", "F"),
    grads={"self": lambda grad, result: grad * (result * (1 - result))},
    example="torch.sigmoid(x)",
)
def sigmoid(self):
    """1 / (1 + exp(-x)), computed so that no exp overflows."""
    return 0.5 * np.tanh(0.5 * self) + 0.5


@op(
    "relu(Tensor self) -> Tensor",
    "ReluBackward0",
    inplace=True,
    namespaces=("torch", "F"),
    grads={"self": lambda grad, result: grad * (result > 0)},
    example="torch.relu(x)",
)
def relu(self):
    """max(x, 0); its derivative at 0 is 0."""
    return np.maximum(self, 0).astype(self.dtype, copy=False)


@op(
    "reciprocal(Tensor self) -> Tensor",
    "ReciprocalBackward0",
    dtype=to_float,
    inplace=True,
    grads={"self": lambda grad, result: -grad * (result * result)},
    example="torch.reciprocal(x)",
)
def reciprocal(self):
    """1 / x."""
    with np.errstate(all="ignore"):
        return np.reciprocal(self)


@op(
    "where(Tensor condition, Tensor|Scalar self, Tensor|Scalar other) -> Tensor",
    "WhereBackward0",
    dtype=promote,
    broadcast=True,
    method=False,
    grads={
        "self": lambda grad, condition: F.where(condition, grad, 0.0),
        "other": lambda grad, condition: F.where(condition, 0.0, grad),
    },
    example="torch.where(x > 0, x, 0.0)",
)
def where(condition, self, other):
    """``self`` where ``condition`` holds, else ``other``."""
    return np.where(condition, self, other)


@op(
    "maximum(Tensor self, Tensor other) -> Tensor",
    "MaximumBackward0",
    dtype=promote,
    broadcast=True,
    grads={
        "self": lambda grad, self, other: grad * ((self > other) + 0.5 * (self == other)),
        "other": lambda grad, self, other: grad * ((other > self) + 0.5 * (self == other)),
    },
    example="torch.maximum(x, y)",
)
def maximum(self, other):
    """Elementwise larger value; a tie splits the gradient in half."""
    return np.maximum(self, other)


@op(
    "minimum(Tensor self, Tensor other) -> Tensor",
    "MinimumBackward0",
    dtype=promote,
    broadcast=True,
    grads={
        "self": lambda grad, self, other: grad * ((self < other) + 0.5 * (self == other)),
        "other": lambda grad, self, other: grad * ((other < self) + 0.5 * (self == other)),
    },
    example="torch.minimum(x, y)",
)
def minimum(self, other):
    """Elementwise smaller value; a tie splits the gradient in half."""
    return np.minimum(self, other)


def _clamp_grad(grad, self, min, max):
    if min is None:
        mask = self <= max
    elif max is None:
        mask = self >= min
    else:
        mask = (self >= min) & (self <= max)
    return F.where(mask, grad, 0.0)


@op(
    "clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor",
    "ClampBackward1",
    inplace=True,
    aliases=("clip",),
    grads={"self": _clamp_grad},
    example="torch.clamp(x, min=0)",
)
def clamp(self, min=None, max=None):
    """Each element limited to ``[min, max]``; the gradient passes at the bounds."""
    if min is None and max is None:
        from gradcalc.errors import EvaluationError

        raise EvaluationError("torch.clamp: At least one of 'min' or 'max' must not be None")
    out = self
    if min is not None:
        out = np.maximum(out, min)
    if max is not None:
        out = np.minimum(out, max)
    return out.astype(self.dtype, copy=False) if out is not self else out.copy()
