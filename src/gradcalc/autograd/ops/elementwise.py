"""Elementwise functions and activations. Undefined derivatives follow PyTorch:
relu'(0) = 0, abs'(0) = 0, clamp passes the gradient at its bounds, ties in
maximum/minimum split it in half.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.ops.arithmetic import _binary
from gradcalc.autograd.ops.common import as_tensor, broadcast_shapes, is_number, shape_of
from gradcalc.autograd.registry import NUMPY, rule
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


@rule("exp", "ExpBackward0", formula="grad * result", save_output=True)
def _exp(x):
    return np.exp(x)


@_exp.defvjp
def _(ctx, g):
    return (g * ctx.out,)


@rule("log", "LogBackward0", formula="grad / self", save=(0,))
def _log(x):
    return np.log(x)


@_log.defvjp
def _(ctx, g):
    return (g / ctx.inputs[0],)


@rule("log1p", "Log1PBackward0", formula="grad / (self + 1)", save=(0,))
def _log1p(x):
    return np.log1p(x)


@_log1p.defvjp
def _(ctx, g):
    return (g / (ctx.inputs[0] + 1.0),)


@rule("sqrt", "SqrtBackward0", formula="grad / (2 * result)", save_output=True)
def _sqrt(x):
    return np.sqrt(x)


@_sqrt.defvjp
def _(ctx, g):
    return (g / (2.0 * ctx.out),)


@rule("abs", "AbsBackward0", formula="grad * sign(self)", save=(0,))
def _abs(x):
    return np.abs(x)


@_abs.defvjp
def _(ctx, g):
    return (g * ctx.B.sign(ctx.inputs[0]),)


@rule("sin", "SinBackward0", formula="grad * cos(self)", save=(0,))
def _sin(x):
    return np.sin(x)


@_sin.defvjp
def _(ctx, g):
    return (g * ctx.B.cos(ctx.inputs[0]),)


@rule("cos", "CosBackward0", formula="grad * -sin(self)", save=(0,))
def _cos(x):
    return np.cos(x)


@_cos.defvjp
def _(ctx, g):
    return (-g * ctx.B.sin(ctx.inputs[0]),)


@rule("tan", "TanBackward0", formula="grad * (1 + result ** 2)", save_output=True)
def _tan(x):
    return np.tan(x)


@_tan.defvjp
def _(ctx, g):
    return (g * (1.0 + ctx.out * ctx.out),)


@rule("tanh", "TanhBackward0", formula="grad * (1 - result ** 2)", save_output=True)
def _tanh(x):
    return np.tanh(x)


@_tanh.defvjp
def _(ctx, g):
    return (g * (1.0 - ctx.out * ctx.out),)


@rule("sigmoid", "SigmoidBackward0", formula="grad * result * (1 - result)", save_output=True)
def _sigmoid(x):
    # 1 / (1 + exp(-x)) written so that no exp overflows.
    return 0.5 * np.tanh(0.5 * x) + 0.5


@_sigmoid.defvjp
def _(ctx, g):
    out = ctx.out
    return (g * (out * (1.0 - out)),)


@rule("erf", "ErfBackward0", formula="grad * 2 / sqrt(pi) * exp(-self ** 2)", save=(0,))
def _erf(x):
    return NUMPY.erf(x)


@_erf.defvjp
def _(ctx, g):
    x = ctx.inputs[0]
    return (g * (_TWO_OVER_SQRT_PI * ctx.B.exp(-(x * x))),)


@rule("relu", "ReluBackward0", formula="grad * (result > 0)", save_output=True)
def _relu(x):
    return np.maximum(x, 0.0)


@_relu.defvjp
def _(ctx, g):
    return (g * (ctx.out > 0),)


@rule(
    "leaky_relu",
    "LeakyReluBackward0",
    formula="grad if self > 0 else grad * negative_slope",
    save=(0,),
)
def _leaky_relu(x, negative_slope):
    return np.where(x > 0, x, x * negative_slope)


@_leaky_relu.defvjp
def _(ctx, g, negative_slope):
    return (ctx.B.where(ctx.inputs[0] > 0, g, g * negative_slope),)


@rule("elu", "EluBackward0", formula="grad if self > 0 else grad * alpha * exp(self)", save=(0,))
def _elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


@_elu.defvjp
def _(ctx, g, alpha):
    x = ctx.inputs[0]
    B = ctx.B
    return (B.where(x > 0, g, g * (alpha * B.exp(x))),)


@rule(
    "gelu",
    "GeluBackward0",
    formula="grad * (Phi(self) + self * phi(self))",
    save=(0,),
)
def _gelu(x, approximate):
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1.0 + np.tanh(inner))
    return 0.5 * x * (1.0 + NUMPY.erf(x / _SQRT_2))


@_gelu.defvjp
def _(ctx, g, approximate):
    x = ctx.inputs[0]
    B = ctx.B
    if approximate == "tanh":
        k = math.sqrt(2.0 / math.pi)
        t = B.tanh(k * (x + 0.044715 * x * x * x))
        d_inner = k * (1.0 + 3.0 * 0.044715 * x * x)
        return (g * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner),)
    cdf = 0.5 * (1.0 + B.erf(x * (1.0 / _SQRT_2)))
    pdf = _INV_SQRT_2PI * B.exp(-0.5 * (x * x))
    return (g * (cdf + x * pdf),)


@rule(
    "softplus",
    "SoftplusBackward0",
    formula="grad * sigmoid(beta * self) (grad where beta * self > threshold)",
    save=(0,),
)
def _softplus(x, beta, threshold):
    bx = beta * x
    return np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / beta)


@_softplus.defvjp
def _(ctx, g, beta, threshold):
    x = ctx.inputs[0]
    B = ctx.B
    bx = beta * x
    s = 0.5 * B.tanh(0.5 * bx) + 0.5
    return (B.where(bx > threshold, g, g * s),)


@rule(
    "silu", "SiluBackward0", formula="grad * s * (1 + self * (1 - s)), s = sigmoid(self)", save=(0,)
)
def _silu(x):
    return x * (0.5 * np.tanh(0.5 * x) + 0.5)


@_silu.defvjp
def _(ctx, g):
    x = ctx.inputs[0]
    s = 0.5 * ctx.B.tanh(0.5 * x) + 0.5
    return (g * (s * (1.0 + x * (1.0 - s))),)


@rule("clamp", "ClampBackward1", formula="grad where min <= self <= max, else 0", save=(0,))
def _clamp(x, min, max):
    return np.clip(x, min, max)


@_clamp.defvjp
def _(ctx, g, min, max):
    x = ctx.inputs[0]
    if min is not None and max is not None:
        mask = (x >= min) & (x <= max)
    elif min is not None:
        mask = x >= min
    else:
        mask = x <= max
    return (g * mask,)


@rule(
    "maximum",
    "MaximumBackward0",
    formula="self: grad * (self > other) (half at ties); other: grad * (other > self)",
    save=True,
)
def _maximum(x, y):
    return np.maximum(x, y)


@_maximum.defvjp
def _(ctx, g):
    return _pick_larger_or_smaller(ctx, g, larger=True)


@rule(
    "minimum",
    "MinimumBackward0",
    formula="self: grad * (self < other) (half at ties); other: grad * (other < self)",
    save=True,
)
def _minimum(x, y):
    return np.minimum(x, y)


@_minimum.defvjp
def _(ctx, g):
    return _pick_larger_or_smaller(ctx, g, larger=False)


def _pick_larger_or_smaller(ctx, g, larger: bool):
    x, y = ctx.inputs
    B = ctx.B
    tie = x == y
    gx = gy = None
    if ctx.needs[0]:
        gx = g * B.where(tie, 0.5, ((x > y) if larger else (x < y)) * 1.0)
    if ctx.needs[1]:
        gy = g * B.where(tie, 0.5, ((y > x) if larger else (y < x)) * 1.0)
    return gx, gy


@rule(
    "where",
    "WhereBackward0",
    formula="self: grad where condition; other: grad where not condition",
    save=(0,),
)
def _where(condition, x, y):
    return np.where(condition, x, y)


@_where.defvjp
def _(ctx, g):
    condition = ctx.inputs[0]
    B = ctx.B
    gx = B.where(condition, g, 0.0) if ctx.needs[1] else None
    gy = B.where(condition, 0.0, g) if ctx.needs[2] else None
    return None, gx, gy


# ---- public functions ------------------------------------------------------------------------


def exp(input):
    return _exp(as_tensor(input))


def log(input):
    return _log(as_tensor(input))


def log1p(input):
    return _log1p(as_tensor(input))


def sqrt(input):
    return _sqrt(as_tensor(input))


def abs(input):
    return _abs(as_tensor(input))


def sin(input):
    return _sin(as_tensor(input))


def cos(input):
    return _cos(as_tensor(input))


def tan(input):
    return _tan(as_tensor(input))


def tanh(input):
    return _tanh(as_tensor(input))


def sigmoid(input):
    return _sigmoid(as_tensor(input))


def erf(input):
    return _erf(as_tensor(input))


def relu(input):
    return _relu(as_tensor(input))


def _number(value, name: str, fname: str) -> float:
    if not is_number(value):
        raise ArgumentError(f"{fname}(): {name} must be a number, got {value!r}")
    return float(value)


def leaky_relu(input, negative_slope=0.01):
    return _leaky_relu(
        as_tensor(input), negative_slope=_number(negative_slope, "negative_slope", "leaky_relu")
    )


def elu(input, alpha=1.0):
    return _elu(as_tensor(input), alpha=_number(alpha, "alpha", "elu"))


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ArgumentError(
            f"approximate argument must be either none or tanh, got {approximate!r}"
        )
    return _gelu(as_tensor(input), approximate=approximate)


def softplus(input, beta=1.0, threshold=20.0):
    return _softplus(
        as_tensor(input),
        beta=_number(beta, "beta", "softplus"),
        threshold=_number(threshold, "threshold", "softplus"),
    )


def silu(input):
    return _silu(as_tensor(input))


def clamp(input, min=None, max=None):
    """Limit values to ``[min, max]``; either bound may be omitted (numbers)."""
    x = as_tensor(input)
    if min is None and max is None:
        raise ArgumentError("At least one of 'min' or 'max' must not be None")
    for bound, name in ((min, "min"), (max, "max")):
        if bound is not None and not is_number(bound):
            if type(bound) is Tensor:
                raise ArgumentError(
                    f"clamp(): tensor bounds are not supported, {name} must be a number",
                    hint="use maximum(x, lo) / minimum(x, hi) for tensor bounds",
                )
            raise ArgumentError(f"clamp(): {name} must be a number, got {bound!r}")
    return _clamp(
        x, min=None if min is None else float(min), max=None if max is None else float(max)
    )


def maximum(input, other):
    a, b = _binary(input, other, "compare")
    return _maximum(as_tensor(a), as_tensor(b))


def minimum(input, other):
    a, b = _binary(input, other, "compare")
    return _minimum(as_tensor(a), as_tensor(b))


def where(condition, input, other):
    """``input`` where ``condition`` is true, else ``other`` (broadcasting all three)."""
    c = as_tensor(condition, "condition")
    if c.dtype.kind != "b":
        c = Tensor._make(c.data != 0)
    x = input if type(input) is Tensor else (float(input) if is_number(input) else as_tensor(input))
    y = other if type(other) is Tensor else (float(other) if is_number(other) else as_tensor(other))
    shape = broadcast_shapes(shape_of(c), shape_of(x), "select between")
    broadcast_shapes(shape, shape_of(y), "select between")
    return _where(c, x, y)
