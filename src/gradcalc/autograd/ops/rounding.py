"""Piecewise-constant functions and remainders: sign floor ceil round trunc, remainder fmod,
floor_divide.

The rounding functions have a zero gradient wherever they have one, as in PyTorch. The
remainders pass the gradient to the dividend and ``-grad * floor(self / other)`` (``trunc``
for fmod) to the divisor. PyTorch records no derivative for floor division or for a
remainder whose dividend is a number: those nodes are ``NotImplemented`` and backward
through them fails with PyTorch's message.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.arithmetic import _binary
from gradcalc.autograd.ops.common import as_tensor, is_int, run_rule
from gradcalc.autograd.registry import rule
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, AutogradError


def _piecewise_constant(name: str, node_name: str, forward):
    """A rule whose derivative is zero: the VJP gives zeros of the gradient's shape."""
    r = rule(name, node_name, formula="zeros (piecewise constant)")(forward)

    @r.defvjp
    def _(ctx, g, **params):
        return (ctx.B.zeros_like(g),)

    return r


def _integral_stays(numpy_fn):
    # Rounding an integer or bool tensor changes nothing and keeps its dtype (np.floor
    # would return floats).
    def forward(x):
        return numpy_fn(x) if x.dtype.kind == "f" else x.copy()

    return forward


_sign = _piecewise_constant("sign", "SignBackward0", np.sign)
_floor = _piecewise_constant("floor", "FloorBackward0", _integral_stays(np.floor))
_ceil = _piecewise_constant("ceil", "CeilBackward0", _integral_stays(np.ceil))
_trunc = _piecewise_constant("trunc", "TruncBackward0", _integral_stays(np.trunc))


def _round_forward(x, decimals):
    if x.dtype.kind != "f":
        return x.copy()
    if not decimals:
        return np.rint(x)
    # PyTorch's kernel: nearbyint(x * 10**d) / 10**d, or nearbyint(x / 10**-d) * 10**-d,
    # rounding half to even like np.rint.
    scale = x.dtype.type(10.0 ** abs(decimals))
    if decimals > 0:
        return np.rint(x * scale) / scale
    return np.rint(x / scale) * scale


_round = _piecewise_constant("round", "RoundBackward0", _round_forward)
_ROUND_DECIMALS = _round.renamed("RoundBackward1")


@rule(
    "remainder",
    "RemainderBackward0",
    formula="self: grad; other: -grad * floor(self / other)",
    save={0: (1,), 1: (1,)},  # only the divisor's gradient reads the operands
)
def _remainder(x, y):
    return _python_remainder(x, y)


def _python_remainder(x, y):
    # PyTorch's kernel, not np.remainder: a zero remainder keeps the dividend's sign (fmod's)
    # where numpy gives it the divisor's: 1.5 % -1.5 is 0., not -0.
    mod = np.fmod(x, y)
    wrong_side = (mod != 0) & ((mod < 0) != (np.asarray(y) < 0))
    return np.where(wrong_side, mod + y, mod)


@_remainder.defvjp
def _(ctx, g):
    if not ctx.needs[1]:  # nothing saved: the dividend's gradient is the gradient itself
        return g, None
    x, y = ctx.inputs
    return g, -g * run_rule(_floor, x / y)


_REMAINDER_TENSOR = _remainder.renamed("RemainderBackward1")


@rule(
    "fmod",
    "FmodBackward0",
    formula="self: grad; other: -grad * trunc(self / other)",
    save={0: (1,), 1: (1,)},
)
def _fmod(x, y):
    return np.fmod(x, y)


@_fmod.defvjp
def _(ctx, g):
    if not ctx.needs[1]:
        return g, None
    x, y = ctx.inputs
    return g, -g * run_rule(_trunc, x / y)


_FMOD_TENSOR = _fmod.renamed("FmodBackward1")


def _not_implemented(name: str, aten: str, forward):
    """A rule PyTorch records without a derivative: backward through it is an error."""
    r = rule(name, "NotImplemented", formula=f"none: PyTorch defines no derivative for {aten}")(
        forward
    )

    @r.defvjp
    def _(ctx, g):
        raise AutogradError(
            f"derivative for aten::{aten} is not implemented",
            hint="PyTorch has no gradient here either; detach() the operand, or use "
            "floor(a / b), whose gradient is zero",
        )

    return r


_floor_divide = _not_implemented("floor_divide", "floor_divide", np.floor_divide)
_remainder_of_number = _not_implemented("remainder_of_number", "remainder", _python_remainder)


# ---- public functions ------------------------------------------------------------------------


def sign(input):
    """-1, 0 or 1 by the sign of each element (zero gradient)."""
    return _sign(as_tensor(input))


def floor(input):
    return _floor(as_tensor(input))


def ceil(input):
    return _ceil(as_tensor(input))


def trunc(input):
    """Round toward zero."""
    return _trunc(as_tensor(input))


def round(input, *, decimals=None):
    """Round half to even, to ``decimals`` places (negative: tens, hundreds...)."""
    x = as_tensor(input)
    if decimals is None:
        return _round(x, decimals=0)
    if not is_int(decimals):
        raise ArgumentError(f"round(): decimals must be an integer, got {decimals!r}")
    return _ROUND_DECIMALS(x, decimals=int(decimals))


def remainder(input, other):
    """Python's ``%``: ``input - floor(input / other) * other``, with the sign of ``other``."""
    a, b = _binary(input, other, "take the remainder of")
    if type(a) is not Tensor:
        return _remainder_of_number(a, b)
    if type(b) is Tensor:
        return _REMAINDER_TENSOR(a, b)
    return _remainder(a, b)


def fmod(input, other):
    """C's ``fmod``: ``input - trunc(input / other) * other``, with the sign of ``input``."""
    a, b = _binary(as_tensor(input), other, "take the remainder of")
    if type(b) is Tensor:
        return _FMOD_TENSOR(a, b)
    return _fmod(a, b)


def floor_divide(input, other):
    """``//``: ``floor(input / other)``; as in PyTorch it has no derivative."""
    a, b = _binary(input, other, "floor-divide")
    return _floor_divide(a, b)
