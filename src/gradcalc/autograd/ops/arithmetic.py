"""Arithmetic and comparisons with broadcasting: ``+ - * / ** %``, ``== < >=``, logic.

Derivatives as PyTorch's ``derivatives.yaml`` writes them; the engine sums a gradient over
broadcast dimensions and casts it to its input's dtype, so formulas ignore both.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.fidelity as fidelity
import gradcalc.autograd.numerics.elementwise as exact_elementwise
from gradcalc.autograd.declare import F, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import boolean, compare, promote, promote_float
from gradcalc.autograd.ops.reductions import data, like
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import EvaluationError


def _is_bool(value) -> bool:
    return type(value) is bool or (type(value) is Tensor and value.array.dtype == np.bool_)


def _subtraction(op, values):
    """Promotion, after PyTorch's refusal of bools in ``-`` (``~`` or ``^`` is meant)."""
    bools = _is_bool(values[0]) + _is_bool(values[1])
    if bools == 2:
        raise EvaluationError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
            "or `logical_xor()` operator instead."
        )
    if bools:
        raise EvaluationError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
            "trying to invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return promote(op, values)


def _power(op, values):
    """Promotion, after PyTorch's refusal of a bool to a bool tensor's power."""
    # A bool tensor to a Python bool's power is special-cased (x ** True is a copy) in PyTorch.
    if type(values[1]) is Tensor and _is_bool(values[1]) and _is_bool(values[0]):
        raise EvaluationError("\"pow\" not implemented for 'Bool'", kind="NotImplementedError")
    return promote(op, values)


def _times_alpha(grad, alpha):
    """PyTorch's maybe_multiply: ``grad`` itself when ``alpha`` is 1 (no multiplication, and no
    MulBackward0 in a double-backward graph)."""
    return grad if alpha == 1 else grad * alpha


@op(
    "add(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor",
    "AddBackward0",
    wraps_numbers=True,
    dtype=promote,
    broadcast=True,
    inplace=True,
    operators=("__add__", "__radd__"),
    grads={"self": lambda grad: grad, "other": lambda grad, alpha: _times_alpha(grad, alpha)},
    example="torch.add(x, 1)",
)
def add(self, other, alpha=1):
    """``self + alpha * other``."""
    return self + other if alpha == 1 else self + alpha * other


@op(
    "sub(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor",
    "SubBackward0",
    wraps_numbers=True,
    dtype=_subtraction,
    broadcast=True,
    inplace=True,
    aliases=("subtract",),
    operators=("__sub__",),
    grads={"self": lambda grad: grad, "other": lambda grad, alpha: _times_alpha(-grad, alpha)},
    example="torch.sub(x, 1)",
)
def sub(self, other, alpha=1):
    """``self - alpha * other``."""
    return self - other if alpha == 1 else self - alpha * other


@op(
    "rsub(Tensor self, Tensor|Scalar other, *, Scalar alpha=1) -> Tensor",
    "RsubBackward1",
    dtype=_subtraction,
    broadcast=True,
    method=False,
    operators=("__rsub__",),
    grads={"self": lambda grad, alpha: _times_alpha(-grad, alpha), "other": lambda grad: grad},
    example="torch.rsub(x, 1)",
)
def rsub(self, other, alpha=1):
    """``other - alpha * self``."""
    return other - self if alpha == 1 else other - alpha * self


@op(
    "mul(Tensor self, Tensor|Scalar other) -> Tensor",
    "MulBackward0",
    wraps_numbers=True,
    dtype=promote,
    broadcast=True,
    inplace=True,
    aliases=("multiply",),
    operators=("__mul__", "__rmul__"),
    grads={"self": lambda grad, other: grad * other, "other": lambda grad, self: grad * self},
    example="torch.mul(x, 2)",
)
def mul(self, other):
    """``self * other``."""
    return self * other


def _div_node(self, other, rounding_mode=None):
    return "DivBackward0" if rounding_mode is None else "DivBackward2"


@op(
    "div(Tensor self, Tensor|Scalar other, *, str? rounding_mode=None) -> Tensor",
    _div_node,
    wraps_numbers=True,
    dtype=promote_float,
    broadcast=True,
    inplace=True,
    aliases=("divide", "true_divide"),
    operators=("__truediv__",),
    grads={
        "self": lambda grad, other, rounding_mode: (
            grad / other if rounding_mode is None else grad * 0
        ),
        "other": lambda grad, self, other, rounding_mode: (
            -grad * self / (other * other) if rounding_mode is None else grad * 0
        ),
    },
    example="torch.div(x, 2)",
)
def div(self, other, rounding_mode=None):
    """``self / other``; ``rounding_mode="floor"`` or ``"trunc"`` rounds the quotient."""
    with np.errstate(all="ignore"):  # 0 / 0 is nan, as in PyTorch: no numpy warning
        quotient = np.true_divide(self, other)
    if rounding_mode is None:
        return quotient
    if rounding_mode == "floor":
        return np.floor_divide(self, other) if quotient.dtype.kind != "f" else np.floor(quotient)
    if rounding_mode == "trunc":
        return np.trunc(quotient).astype(quotient.dtype)
    raise EvaluationError(
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
        f"'{rounding_mode}'"
    )


# The Scalar overloads PyTorch's C++ code calls (its losses write ``x * 0.9``, which in C++
# is ``mul.Scalar``, node MulBackward1, where Python's ``x * 0.9`` records MulBackward0).
# No spelling reaches them: the ops here that copy those C++ bodies call F.mul_Scalar.
_INTERNAL = {"method": False, "function": False}


@op(
    "add.Scalar(Tensor self, Scalar other) -> Tensor",
    "AddBackward1",
    dtype=promote,
    grads={"self": lambda grad: grad},
    **_INTERNAL,
)
def add_scalar(self, other):
    """``self + other`` for a number ``other``."""
    return np.add(self, other)


@op(
    "mul.Scalar(Tensor self, Scalar other) -> Tensor",
    "MulBackward1",
    dtype=promote,
    grads={"self": lambda grad, other: grad * other},
    **_INTERNAL,
)
def mul_scalar(self, other):
    """``self * other`` for a number ``other``."""
    return np.multiply(self, other)


@op(
    "div.Scalar(Tensor self, Scalar other) -> Tensor",
    "DivBackward1",
    dtype=promote_float,
    grads={"self": lambda grad, other: grad / other},
    **_INTERNAL,
)
def div_scalar(self, other):
    """``self / other`` for a number ``other``."""
    with np.errstate(all="ignore"):
        return np.true_divide(self, other)


@op(
    "neg(Tensor self) -> Tensor",
    "NegBackward0",
    inplace=True,
    aliases=("negative",),
    operators=("__neg__",),
    grads={"self": lambda grad: -grad},
    example="torch.neg(x)",
)
def neg(self):
    """``-self``."""
    if self.dtype == np.bool_:
        raise EvaluationError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.",
            hint="for a mask m, ~m inverts it; 1 - m.float() gives 0/1 numbers",
        )
    return -self


def _pow_node(self, exponent):
    if type(self) is not Tensor:
        return "PowBackward2"
    return "PowBackward1" if type(exponent) is Tensor else "PowBackward0"


def _pow_self(grad, self, exponent):
    # PyTorch's pow_backward: grad * (exponent * self.pow(exponent - 1)), in that order (the
    # float32 digits depend on it), with pow's own kernel
    if isinstance(exponent, int | float):
        if exponent == 0:  # zeros_like(self), whatever the gradient (an inf or nan one too)
            return like(self, np.zeros_like(data(self)))
        return grad * (exponent * F.pow(self, exponent - 1))
    return F.where(exponent == 0, 0.0, grad * (exponent * F.pow(self, exponent - 1)))


def _pow_exponent(grad, self, result):
    if isinstance(self, int | float):
        import math

        if self == 0:
            return F.where(result == result, 0.0, grad)  # d/de 0**e is 0 where defined
        return grad * (result * math.log(self))
    return grad * F.where((self == 0) & (result >= 0), 0.0, result * F.log(self))


@op(
    "pow(Tensor|Scalar self, Tensor|Scalar exponent) -> Tensor",
    _pow_node,
    dtype=_power,
    broadcast=True,
    inplace=True,
    operators=("__pow__",),
    grads={"self": _pow_self, "exponent": _pow_exponent},
    example="torch.pow(x, 2)",
)
def pow(self, exponent):
    """``self ** exponent``; either may be a number."""
    if isinstance(self, np.ndarray) and (
        not isinstance(exponent, np.ndarray) or exponent.dtype == self.dtype
    ):
        return fidelity.elementwise(exact_elementwise.pow, np.power, self, exponent)
    if type(exponent) is np.ndarray and exponent.dtype.kind == "f" and np.ndim(self) == 0:
        # a number to a tensor's power: PyTorch's kernel, the number wrapped as a tensor
        base = np.full(exponent.shape, self, dtype=exponent.dtype)
        return fidelity.elementwise(exact_elementwise.pow, np.power, base, exponent)
    with np.errstate(all="ignore"):
        return np.power(self, exponent)


def _compare(name: str, ufunc, dunder: str, doc: str, alias: str):
    def forward(self, other):
        return ufunc(self, other)

    forward.__doc__ = doc
    forward.__name__ = name
    return op(
        f"{name}(Tensor self, Tensor|Scalar other) -> Tensor",
        dtype=compare,
        broadcast=True,
        inplace=True,
        operators=(dunder,),
        aliases=(alias,) if alias else (),
        example=f"torch.{name}(x, 2)",
    )(forward)


eq = _compare("eq", np.equal, "__eq__", "Elementwise ``==`` (a bool tensor).", "")
ne = _compare("ne", np.not_equal, "__ne__", "Elementwise ``!=`` (a bool tensor).", "not_equal")
lt = _compare("lt", np.less, "__lt__", "Elementwise ``<`` (a bool tensor).", "less")
le = _compare("le", np.less_equal, "__le__", "Elementwise ``<=`` (a bool tensor).", "less_equal")
gt = _compare("gt", np.greater, "__gt__", "Elementwise ``>`` (a bool tensor).", "greater")
ge = _compare(
    "ge", np.greater_equal, "__ge__", "Elementwise ``>=`` (a bool tensor).", "greater_equal"
)


def _logical(name: str, ufunc, doc: str):
    def forward(self, other):
        return ufunc(self, other)

    forward.__doc__ = doc
    forward.__name__ = name
    return op(
        f"{name}(Tensor self, Tensor other) -> Tensor",
        dtype=boolean,
        broadcast=True,
        inplace=True,
        example=f"torch.{name}(x > 0, x < 2)",
    )(forward)


logical_and = _logical("logical_and", np.logical_and, "Elementwise and (a bool tensor).")
logical_or = _logical("logical_or", np.logical_or, "Elementwise or (a bool tensor).")
logical_xor = _logical("logical_xor", np.logical_xor, "Elementwise xor (a bool tensor).")


@op(
    "logical_not(Tensor self) -> Tensor",
    dtype=boolean,
    inplace=True,
    example="torch.logical_not(x > 0)",
)
def logical_not(self):
    """Elementwise not (a bool tensor)."""
    return np.logical_not(self)


def _bitwise(name: str, ufunc, dunders: tuple):
    def forward(self, other):
        if np.asarray(self).dtype.kind == "f" or np.asarray(other).dtype.kind == "f":
            raise EvaluationError(f'"{name}_cpu" not implemented for ' + "'Float'")
        return ufunc(self, other)

    forward.__doc__ = f"Elementwise {name.split('_')[1]} of bools and integers."
    forward.__name__ = name
    return op(
        f"{name}(Tensor self, Tensor|Scalar other) -> Tensor",
        dtype=promote,
        broadcast=True,
        inplace=True,
        operators=dunders,
        example=f"torch.{name}(x > 0, x < 2)",
    )(forward)


bitwise_and = _bitwise("bitwise_and", np.bitwise_and, ("__and__", "__rand__"))
bitwise_or = _bitwise("bitwise_or", np.bitwise_or, ("__or__", "__ror__"))
bitwise_xor = _bitwise("bitwise_xor", np.bitwise_xor, ("__xor__", "__rxor__"))


@op(
    "bitwise_not(Tensor self) -> Tensor",
    inplace=True,
    operators=("__invert__",),  # methods.py adds Python's TypeError for float tensors
    example="torch.bitwise_not(x > 0)",
)
def bitwise_not(self):
    """``~self``: not for bools, bitwise not for integers."""
    if self.dtype.kind == "f":
        raise EvaluationError('"bitwise_not_cpu" not implemented for ' + "'Float'")
    return np.invert(self)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(
    add,
    sub,
    mul,
    div,
    pow,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    logical_and,
    logical_or,
    logical_xor,
    logical_not,
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    bitwise_not,
)
