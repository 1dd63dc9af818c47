"""Arithmetic with numpy broadcasting: + - * / ** neg reciprocal, and comparisons."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.common import as_tensor, broadcast_shapes, operand, shape_of
from gradcalc.autograd.registry import rule
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ValueDomainError


def _binary(a, b, verb: str):
    if type(a) is Tensor:  # the common cases first: this runs for every + - * /
        tb = type(b)
        if tb is Tensor:
            sa, sb = a.data.shape, b.data.shape
            if sa != sb and sa and sb:
                broadcast_shapes(sa, sb, verb)
            return a, b
        if tb is float:
            return a, b
    a, b = operand(a, "input"), operand(b, "other")
    if type(a) is not Tensor and type(b) is not Tensor:
        a = as_tensor(a)
    broadcast_shapes(shape_of(a), shape_of(b), verb)
    return a, b


@rule("add", "AddBackward0", formula="self: grad; other: grad", ufunc=np.add)
def _add(x, y):
    return x + y


@_add.defvjp
def _(ctx, g):
    return g, g


@rule("sub", "SubBackward0", formula="self: grad; other: -grad", ufunc=np.subtract)
def _sub(x, y):
    return x - y


@_sub.defvjp
def _(ctx, g):
    return g, (-g if ctx.needs[1] else None)  # no pass over g for a constant subtrahend


_RSUB = _sub.renamed("RsubBackward1")


@rule(
    "mul",
    "MulBackward0",
    formula="self: grad * other; other: grad * self",
    save={0: (1,), 1: (0,)},  # each operand only for the other's gradient
    ufunc=np.multiply,
)
def _mul(x, y):
    return x * y


@_mul.defvjp
def _(ctx, g):
    x, y = ctx.inputs
    return (g * y if ctx.needs[0] else None), (g * x if ctx.needs[1] else None)


@rule(
    "div",
    "DivBackward0",
    formula="self: grad / other; other: -grad * self / (other * other)",
    save={0: (1,), 1: (0, 1)},
    ufunc=np.true_divide,
)
def _div(x, y):
    return x / y


@_div.defvjp
def _(ctx, g):
    x, y = ctx.inputs
    gx = g / y if ctx.needs[0] else None
    gy = -g * x / (y * y) if ctx.needs[1] else None
    return gx, gy


@rule("neg", "NegBackward0", formula="self: -grad")
def _neg(x):
    return -x


@_neg.defvjp
def _(ctx, g):
    return (-g,)


@rule(
    "reciprocal", "ReciprocalBackward0", formula="self: -grad * result * result", save_output=True
)
def _reciprocal(x):
    return 1.0 / x


@_reciprocal.defvjp
def _(ctx, g):
    return (-g * (ctx.out * ctx.out),)


@rule(
    "pow",
    "PowBackward0",
    formula=(
        "self: grad * exponent * self ** (exponent - 1) (0 where exponent == 0); "
        "exponent: grad * result * log(self) (0 where self == 0 and exponent >= 0)"
    ),
    save=True,
    save_output=(1,),  # the result only for the exponent's gradient
)
def _pow(x, e):
    return x**e


@_pow.defvjp
def _(ctx, g):
    x, e = ctx.inputs
    B = ctx.B
    gx = ge = None
    if ctx.needs[0]:
        if isinstance(e, float):
            gx = g * 0.0 if e == 0 else g * e * x ** (e - 1.0)
        else:
            gx = B.where(e == 0, 0.0, g * e * x ** (e - 1.0))
    if ctx.needs[1]:
        if isinstance(x, float):
            log_x = np.log(x) if x > 0 else (float("-inf") if x == 0 else float("nan"))
            ge = g * ctx.out * log_x if x != 0 else B.where(e >= 0, 0.0, g * ctx.out * log_x)
        else:
            ge = B.where((x == 0) & (e >= 0), 0.0, g * ctx.out * B.log(x))
    return gx, ge


_POW_TENSOR_TENSOR = _pow.renamed("PowBackward1")
_POW_SCALAR_BASE = _pow.renamed("PowBackward2")


# ---- public functions ------------------------------------------------------------------------


def _broadcasting(name: str, rule, verb: str, doc: str):
    """The public function for a two-operand rule: shape check, then the rule."""

    def op(input, other):
        if type(input) is Tensor and type(other) is float:  # nothing to check
            return rule(input, other)
        return rule(*_binary(input, other, verb))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


add = _broadcasting("add", _add, "add", "``input + other`` with broadcasting.")
sub = _broadcasting("sub", _sub, "subtract", "``input - other`` with broadcasting.")
mul = _broadcasting("mul", _mul, "multiply", "``input * other`` with broadcasting.")
div = _broadcasting("div", _div, "divide", "``input / other`` with broadcasting.")


def rsub(input, other):
    """``other - input`` (PyTorch's ``RsubBackward1`` for ``2 - x``)."""
    a, b = _binary(input, other, "subtract")
    return _RSUB(b, a)


def rdiv(input, other):
    """``other / input``: as PyTorch, ``reciprocal(input) * other`` for a number ``other``."""
    a, b = _binary(input, other, "divide")
    if type(b) is Tensor:
        return _div(b, a)
    return _mul(_reciprocal(a), b)


def neg(input):
    input = as_tensor(input)
    if input.data.dtype == np.bool_:
        raise ValueDomainError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.",
            hint="for a mask m, 1 - m gives 0/1 numbers; where(m, a, b) picks between values",
        )
    return _neg(input)


def reciprocal(input):
    return _reciprocal(as_tensor(input))


def pow(input, exponent):
    """``input ** exponent``; either may be a tensor or a number."""
    a, b = _binary(input, exponent, "raise to a power")
    if type(b) is not Tensor:
        return _pow(a, b)
    if type(a) is not Tensor:
        return _POW_SCALAR_BASE(a, b)
    return _POW_TENSOR_TENSOR(a, b)


def rpow(input, other):
    """``other ** input``."""
    return pow(other, input)


def square(input):
    """``input ** 2``: PyTorch's ``square`` is ``pow`` (``PowBackward0``)."""
    return pow(as_tensor(input), 2.0)


def _compare(op, verb):
    def compare(input, other):
        a, b = _binary(input, other, verb)
        x = a.data if type(a) is Tensor else a
        y = b.data if type(b) is Tensor else b
        return Tensor._make(np.asarray(op(x, y)))

    return compare


eq = _compare(np.equal, "compare")
ne = _compare(np.not_equal, "compare")
lt = _compare(np.less, "compare")
le = _compare(np.less_equal, "compare")
gt = _compare(np.greater, "compare")
ge = _compare(np.greater_equal, "compare")
logical_and = _compare(np.logical_and, "combine")
logical_or = _compare(np.logical_or, "combine")
logical_xor = _compare(np.logical_xor, "combine")
for _name, _fn in [
    ("eq", eq),
    ("ne", ne),
    ("lt", lt),
    ("le", le),
    ("gt", gt),
    ("ge", ge),
    ("logical_and", logical_and),
    ("logical_or", logical_or),
    ("logical_xor", logical_xor),
]:
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__doc__ = f"Elementwise {_name} (a bool tensor; no gradient)."


def logical_not(input):
    """Elementwise not (a bool tensor; no gradient)."""
    return Tensor._make(np.logical_not(as_tensor(input).data))
