"""Elementwise functions: exponentials and logarithms, trigonometry, and smooth functions of
two and three tensors (``atan2``, ``hypot``, ``copysign``, ``lerp``, ``addcmul``).

Derivatives are PyTorch's (torchgen/packaged/autograd/derivatives.yaml of torch 2.13 and
torch/csrc/autograd/FunctionsManual.cpp, github.com/pytorch/pytorch), written the same way so
that the values at the edges agree too: ``asin'(1) = inf``, ``relu'(0) = 0``, ``abs'(0) = 0``.
Integer and bool inputs compute in the default float dtype (``to_float``), as PyTorch's
``exp`` does. The helpers at the top are shared with ``rounding``, ``special`` and
``activations``.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
import gradcalc.autograd.fidelity as fidelity
import gradcalc.autograd.numerics.activations as exact_activations
import gradcalc.autograd.numerics.elementwise as exact_elementwise
from gradcalc.autograd.declare import OPS, F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import promote, promote_float, same, to_float
from gradcalc.autograd.fidelity import unary
from gradcalc.autograd.inplace import apply_inplace
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError, EvaluationError

NOT_IMPLEMENTED = "torch::autograd::NotImplemented"  # prints as grad_fn=<NotImplemented>

# ---- shared helpers ---------------------------------------------------------------------------


def kernel_error(kernel: str, dtype) -> EvaluationError:
    """PyTorch's refusal of a dtype its kernel has no loop for."""
    return EvaluationError(
        f"\"{kernel}\" not implemented for '{dtype.kind_name}'",
        kind="NotImplementedError",
        hint="convert first, e.g. x.float()",
    )


def floating(kernel: str):
    """A dtype rule: promotion, and PyTorch's error when the result is not floating."""

    def rule(op, values):
        d = dtypes.result_type(*[values[i] for i in op.promoted])
        if d.category != dtypes.FLOATING:
            raise kernel_error(kernel, d)
        return d.np, d

    return rule


def no_derivative(message: str, kind: str = "RuntimeError"):
    """A formula for a node PyTorch records without a derivative: backward fails there."""

    def formula(grad):
        raise AutogradError(
            message,
            kind=kind,
            hint="PyTorch has no gradient here either: detach() this input, or rewrite the "
            "expression with differentiable ops",
        )

    return formula


def zeros_like(x):
    """A zero gradient shaped like ``x`` (constant, also under create_graph)."""
    if type(x) is Tensor:
        return make_tensor(np.zeros_like(x.array))
    return np.zeros_like(x)


def at_least(x, bound):
    """max(x, bound) as PyTorch's kernels compute it: ``x`` itself at a tie (so -0.0 stays
    -0.0), and nan when either is nan."""
    return _nan_from(np.where(x < bound, bound, x), bound)


def at_most(x, bound):
    """min(x, bound) as PyTorch's kernels compute it (see ``at_least``)."""
    return _nan_from(np.where(x > bound, bound, x), bound)


def _nan_from(out, bound):
    if out.dtype.kind == "f":
        missing = np.isnan(bound)
        if np.any(missing):
            out = np.where(missing, bound, out)
    return out


def inplace_alias(declared, name: str, example: str = ""):
    """``x.<name>()`` for an alias (``arctan_``, ``clip_``): the op applied in place."""
    text = name + declared.schema.text[len(declared.name) :]

    def in_place(*values):
        return apply_inplace(declared, list(values))

    doc = declared.doc
    in_place.__doc__ = doc if doc.startswith("In place: ") else f"In place: {doc}"
    return composite(text, function=False, example=example)(in_place)


def _unary(name: str, node: str, grad, *, dtype=to_float, inplace=True, example="", **spellings):
    """Declare a function of one tensor (most of this module)."""
    return op(
        f"{name}(Tensor self) -> Tensor",
        node,
        dtype=dtype,
        inplace=inplace,
        grads={"self": grad},
        example=example or f"torch.{name}(x)",
        **spellings,
    )


# ---- exponentials, logarithms, powers ---------------------------------------------------------

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


@_unary("exp", "ExpBackward0", lambda grad, result: grad * result)
def exp(self):
    """e to the power of each element."""
    return unary("exp", self, np.exp)


@_unary("exp2", "Exp2Backward0", lambda grad, result: grad * result * _LN2,
        namespaces=("torch", "special"))  # fmt: skip
def exp2(self):
    """2 to the power of each element."""
    with np.errstate(over="ignore"):
        return np.exp2(self)


@_unary("expm1", "Expm1Backward0", lambda grad, result: grad * (result + 1),
        namespaces=("torch", "special"))  # fmt: skip
def expm1(self):
    """exp(x) - 1, accurate near 0."""
    with np.errstate(over="ignore"):
        return unary("expm1", self, np.expm1)


@_unary("log", "LogBackward0", lambda grad, self: grad / self, example="torch.log(p)")
def log(self):
    """Natural logarithm (``-inf`` at 0, ``nan`` below)."""
    with np.errstate(all="ignore"):
        return unary("log", self, np.log)


@_unary("log2", "Log2Backward0", lambda grad, self: grad / (self * _LN2),
        example="torch.log2(p)")  # fmt: skip
def log2(self):
    """Base-2 logarithm."""
    with np.errstate(all="ignore"):
        return np.log2(self)


@_unary("log10", "Log10Backward0", lambda grad, self: grad / (self * _LN10),
        example="torch.log10(p)")  # fmt: skip
def log10(self):
    """Base-10 logarithm."""
    with np.errstate(all="ignore"):
        return np.log10(self)


@_unary("log1p", "Log1PBackward0", lambda grad, self: grad / (self + 1),
        namespaces=("torch", "special"))  # fmt: skip
def log1p(self):
    """log(1 + x), accurate near 0."""
    with np.errstate(all="ignore"):
        return unary("log1p", self, np.log1p)


@_unary("sqrt", "SqrtBackward0", lambda grad, result: grad / (2 * result),
        example="torch.sqrt(p)")  # fmt: skip
def sqrt(self):
    """Square root (``nan`` below 0)."""
    with np.errstate(all="ignore"):
        return unary("sqrt", self, np.sqrt)


@_unary("rsqrt", "RsqrtBackward0", lambda grad, result: -0.5 * grad * result**3,
        example="torch.rsqrt(p)")  # fmt: skip
def rsqrt(self):
    """1 / sqrt(x)."""
    with np.errstate(all="ignore"):
        return unary("rsqrt", self, lambda v: 1 / np.sqrt(v))


@_unary("reciprocal", "ReciprocalBackward0", lambda grad, result: -grad * (result * result))
def reciprocal(self):
    """1 / x."""
    with np.errstate(all="ignore"):
        return np.reciprocal(self)


@composite("square(Tensor self) -> Tensor", example="torch.square(x)")
def square(self):
    """x * x (PyTorch records it as ``x ** 2``: PowBackward0)."""
    return F.pow(self, 2)


@composite("square_(Tensor self) -> Tensor", function=False, example="x.clone().square_()")
def square_(self):
    """In place: x * x."""
    return apply_inplace(OPS["pow"], [self, 2])


@composite("positive(Tensor self) -> Tensor", example="torch.positive(x)")
def positive(self):
    """``+x``: the tensor itself."""
    if self.array.dtype == np.bool_:
        raise EvaluationError("The `+` operator, on a bool tensor is not supported.")
    return self


# ---- signs and magnitudes ---------------------------------------------------------------------


@_unary("abs", "AbsBackward0", lambda grad, self: grad * F.sign(self), dtype=same,
        aliases=("absolute",), operators=("__abs__",))  # fmt: skip
def abs(self):
    """Absolute value; its derivative at 0 is 0."""
    if self.dtype == np.bool_:
        raise kernel_error("abs_cpu", dtypes.bool_)
    return np.abs(self)


absolute_ = inplace_alias(abs, "absolute_", example="x.clone().absolute_()")


# PyTorch's threshold_backward(grad, result, 0): the gradient passes unless result <= 0
# (so it passes at nan).
@_unary("relu", "ReluBackward0", lambda grad, result: F.where(result <= 0, 0.0, grad), dtype=same)
def relu(self):
    """max(x, 0); its derivative at 0 is 0."""
    if self.dtype == np.bool_:
        raise EvaluationError("Boolean inputs not supported for relu")
    return at_least(self, 0).astype(self.dtype, copy=False)


# ---- trigonometry -----------------------------------------------------------------------------


@_unary("sin", "SinBackward0", lambda grad, self: grad * F.cos(self))
def sin(self):
    """Sine."""
    return unary("sin", self, np.sin)


@_unary("cos", "CosBackward0", lambda grad, self: grad * -F.sin(self))
def cos(self):
    """Cosine."""
    return unary("cos", self, np.cos)


@_unary("tan", "TanBackward0", lambda grad, result: grad * (1 + result**2))
def tan(self):
    """Tangent."""
    return unary("tan", self, np.tan)


@_unary("asin", "AsinBackward0", lambda grad, self: grad * F.rsqrt(-self * self + 1),
        aliases=("arcsin",), example="torch.asin(p)")  # fmt: skip
def asin(self):
    """Inverse sine (``nan`` outside [-1, 1]); its derivative at ±1 is inf."""
    with np.errstate(all="ignore"):
        return unary("asin", self, np.arcsin)


@_unary("acos", "AcosBackward0", lambda grad, self: grad * -F.rsqrt(-self * self + 1),
        aliases=("arccos",), example="torch.acos(p)")  # fmt: skip
def acos(self):
    """Inverse cosine (``nan`` outside [-1, 1])."""
    with np.errstate(all="ignore"):
        return unary("acos", self, np.arccos)


@_unary("atan", "AtanBackward0", lambda grad, self: grad / (self * self + 1),
        aliases=("arctan",))  # fmt: skip
def atan(self):
    """Inverse tangent."""
    return unary("atan", self, np.arctan)


@_unary("sinh", "SinhBackward0", lambda grad, self: grad * F.cosh(self))
def sinh(self):
    """Hyperbolic sine."""
    with np.errstate(all="ignore"):
        return unary("sinh", self, np.sinh)


@_unary("cosh", "CoshBackward0", lambda grad, self: grad * F.sinh(self))
def cosh(self):
    """Hyperbolic cosine."""
    with np.errstate(all="ignore"):
        return unary("cosh", self, np.cosh)


@_unary("tanh", "TanhBackward0", lambda grad, result: grad * (1 - result * result),
        namespaces=("torch", "F"))  # fmt: skip
def tanh(self):
    """Hyperbolic tangent."""
    return unary("tanh", self, np.tanh)


@_unary("sigmoid", "SigmoidBackward0", lambda grad, result: grad * (result * (1 - result)),
        namespaces=("torch", "F"))  # fmt: skip
def sigmoid(self):
    """1 / (1 + exp(-x)), computed so that no exp overflows and tiny values stay accurate."""
    if fidelity.exact(self):
        return exact_activations.sigmoid(self)
    e = np.exp(-np.abs(self))
    return np.where(self >= 0, 1 / (1 + e), e / (1 + e))


# PyTorch declares no derivative for the in-place inverse hyperbolic functions: their nodes
# are AsinhBackward1 and kin, and backward through them fails.
@_unary("asinh", "AsinhBackward0", lambda grad, self: grad * F.rsqrt(self**2 + 1),
        inplace=False, aliases=("arcsinh",))  # fmt: skip
def asinh(self):
    """Inverse hyperbolic sine."""
    return unary("asinh", self, np.arcsinh)


@_unary("acosh", "AcoshBackward0", lambda grad, self: grad * F.rsqrt(self * self - 1),
        inplace=False, aliases=("arccosh",), example="torch.acosh(1 / p)")  # fmt: skip
def acosh(self):
    """Inverse hyperbolic cosine (``nan`` below 1)."""
    with np.errstate(all="ignore"):
        return unary("acosh", self, np.arccosh)


@_unary("atanh", "AtanhBackward0", lambda grad, self: grad * 1 / (1 - self**2),
        inplace=False, aliases=("arctanh",), example="torch.atanh(p)")  # fmt: skip
def atanh(self):
    """Inverse hyperbolic tangent (``±inf`` at ±1, ``nan`` beyond)."""
    with np.errstate(all="ignore"):
        return unary("atanh", self, np.arctanh)


def _inverse_hyperbolic_in_place(name: str, declared, source: str):
    """``x.<name>_()`` and ``x.arc<name>_()`` (examples applied to ``source``)."""
    forward = declared.forward
    hidden = op(
        f"{name}_(Tensor self) -> Tensor",
        f"{name.capitalize()}Backward1",
        dtype=to_float,
        function=False,
        method=False,
        inplace=f"{name}_",
        grads={
            "self": no_derivative(
                f"the derivative for 'inplace version of {name}' is not implemented.",
                kind="NotImplementedError",
            )
        },
        doc=f"In place: {declared.doc} PyTorch has no derivative for the in-place form.",
        example=f"{source}.{name}_()",
    )(lambda self: forward(self))
    alias = f"arc{name[1:]}_"
    return hidden, inplace_alias(hidden, alias, example=f"{source}.{alias}()")


asinh_, arcsinh_ = _inverse_hyperbolic_in_place("asinh", asinh, "x.clone()")
acosh_, arccosh_ = _inverse_hyperbolic_in_place("acosh", acosh, "(1 / p)")
atanh_, arctanh_ = _inverse_hyperbolic_in_place("atanh", atanh, "p.clone()")
arcsin_ = inplace_alias(asin, "arcsin_", example="p.clone().arcsin_()")
arccos_ = inplace_alias(acos, "arccos_", example="p.clone().arccos_()")
arctan_ = inplace_alias(atan, "arctan_", example="x.clone().arctan_()")

_DEG_PER_RAD = 180.0 / math.pi
_RAD_PER_DEG = math.pi / 180.0


@_unary("deg2rad", "Deg2RadBackward0", lambda grad: grad * _RAD_PER_DEG)
def deg2rad(self):
    """Degrees to radians."""
    return self * _RAD_PER_DEG


@_unary("rad2deg", "Rad2DegBackward0", lambda grad: grad * _DEG_PER_RAD)
def rad2deg(self):
    """Radians to degrees."""
    return self * _DEG_PER_RAD


# ---- functions of two and three tensors -------------------------------------------------------


def _atan2_scale(self, other):
    # PyTorch's 1 / (self² + other²), and 0 at the origin (torch 2.13 gives 0 there, not nan).
    squared = self * self + other * other
    return F.where(squared == 0, 0.0, F.reciprocal(squared))


def _atan2_grad_self(grad, self, other):
    return grad * other * _atan2_scale(self, other)


def _atan2_grad_other(grad, self, other):
    return grad * -self * _atan2_scale(self, other)


@op(
    "atan2(Tensor self, Tensor other) -> Tensor",
    "Atan2Backward0",
    dtype=promote_float,
    broadcast=True,
    inplace=True,
    aliases=("arctan2",),
    grads={"self": _atan2_grad_self, "other": _atan2_grad_other},
    example="torch.atan2(y, x)",
)
def atan2(self, other):
    """The angle of the point (other, self): atan(self / other) in the right quadrant."""
    return fidelity.binary(exact_elementwise.atan2, np.arctan2, self, other)


arctan2_ = inplace_alias(atan2, "arctan2_", example="x.clone().arctan2_(y)")


@op(
    "hypot(Tensor self, Tensor other) -> Tensor",
    "HypotBackward0",
    dtype=floating("hypot_cpu"),
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad, self, result: grad * self / result,
        "other": lambda grad, other, result: grad * other / result,
    },
    example="torch.hypot(x, y)",
)
def hypot(self, other):
    """sqrt(self² + other²) without overflow."""
    return np.hypot(self, other)


@op(
    "logaddexp(Tensor self, Tensor other) -> Tensor",
    "LogaddexpBackward0",
    dtype=floating("logaddexp_cpu"),
    broadcast=True,
    grads={
        "self": lambda grad, self, other: grad / (1 + F.exp(other - self)),
        "other": lambda grad, self, other: grad / (1 + F.exp(self - other)),
    },
    example="torch.logaddexp(x, y)",
)
def logaddexp(self, other):
    """log(exp(self) + exp(other)) without overflow."""
    with np.errstate(invalid="ignore"):
        return np.logaddexp(self, other)


@op(
    "logaddexp2(Tensor self, Tensor other) -> Tensor",
    "Logaddexp2Backward0",
    dtype=floating("logaddexp2_cpu"),
    broadcast=True,
    grads={
        "self": lambda grad, self, other: grad / (1 + F.pow(2, other - self)),
        "other": lambda grad, self, other: grad / (1 + F.pow(2, self - other)),
    },
    example="torch.logaddexp2(x, y)",
)
def logaddexp2(self, other):
    """log2(2**self + 2**other) without overflow."""
    with np.errstate(invalid="ignore"):
        return np.logaddexp2(self, other)


def _copysign_node(self, other):
    return "CopysignBackward0" if type(other) is Tensor else "CopysignBackward1"


@op(
    "copysign(Tensor self, Tensor|Scalar other) -> Tensor",
    _copysign_node,
    dtype=promote_float,
    broadcast=True,
    inplace=True,
    grads={
        # PyTorch: grad * result / self, 0 where self is 0; other gets an explicit zero.
        "self": lambda grad, self, result: grad * F.where(self == 0, 0.0, result / self),
        "other": lambda grad, other: zeros_like(other),
    },
    example="torch.copysign(x, -1)",
)
def copysign(self, other):
    """|self| with the sign of ``other`` (``-0.0`` counts as negative)."""
    return np.copysign(self, other)


# PyTorch's names of dtypes in these messages (caffe2's type names).
_CPP_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def cpp_name(array) -> str:
    return _CPP_NAMES[str(array.dtype)]


def _lerp_dtype(op, values):
    self, end, weight = values
    d = dtypes.BY_NUMPY[self.array.dtype]
    for name, other in (("end", end), ("weight", weight)):
        if type(other) is Tensor and other.array.dtype != self.array.dtype:
            raise EvaluationError(
                f"expected dtype {cpp_name(self.array)} for `{name}` but got dtype "
                f"{cpp_name(other.array)}",
                hint="convert first so that all three have one dtype, e.g. end.float()",
            )
    if d.category != dtypes.FLOATING:
        kernel = "lerp_kernel_tensor" if type(weight) is Tensor else "lerp_kernel_scalar"
        raise kernel_error(kernel, d)
    return None, d


def _lerp_node(self, end, weight):
    return "LerpBackward1" if type(weight) is Tensor else "LerpBackward0"


@op(
    "lerp(Tensor self, Tensor end, Tensor|Scalar weight) -> Tensor",
    _lerp_node,
    dtype=_lerp_dtype,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad, weight: grad * (1 - weight),
        "end": lambda grad, weight: grad * weight,
        "weight": lambda grad, self, end: grad * (end - self),
    },
    example="torch.lerp(x, y, 0.5)",
)
def lerp(self, end, weight):
    """self + weight * (end - self)."""
    # PyTorch's kernel: the form that is exact at weight 0 and at weight 1.
    small = np.abs(weight) < 0.5
    with np.errstate(all="ignore"):
        diff = end - self
        return np.where(small, self + weight * diff, end - diff * (1 - weight))


def _with_value(grad, value):
    return grad if value == 1 else grad * value


@op(
    "addcmul(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor",
    "AddcmulBackward0",
    dtype=promote,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad: grad,
        "tensor1": lambda grad, tensor2, value: grad * _with_value(tensor2, value),
        "tensor2": lambda grad, tensor1, value: grad * _with_value(tensor1, value),
    },
    example="torch.addcmul(x, y, p, value=0.5)",
)
def addcmul(self, tensor1, tensor2, value=1):
    """self + value * tensor1 * tensor2."""
    if self.dtype == np.bool_:
        raise kernel_error("addcmul_cpu_out", dtypes.bool_)
    if self.dtype.kind != "f":
        value = int(value)  # PyTorch casts the factor to the integer dtype
    return self + value * tensor1 * tensor2


_ADDCDIV_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
    "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes."
)


def _addcdiv_dtype(op, values):
    _, tensor1, tensor2, _ = values
    if tensor1.array.dtype.kind != "f" and tensor2.array.dtype.kind != "f":
        raise EvaluationError(_ADDCDIV_INTEGERS, hint="convert first: tensor1.float()")
    return promote(op, values)


@op(
    "addcdiv(Tensor self, Tensor tensor1, Tensor tensor2, *, Scalar value=1) -> Tensor",
    "AddcdivBackward0",
    dtype=_addcdiv_dtype,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad: grad,
        "tensor1": lambda grad, tensor2, value: grad * (value / tensor2),
        "tensor2": lambda grad, tensor1, tensor2, value: (
            -grad * (value * tensor1 / (tensor2 * tensor2))
        ),
    },
    example="torch.addcdiv(x, y, p, value=0.5)",
)
def addcdiv(self, tensor1, tensor2, value=1):
    """self + value * tensor1 / tensor2."""
    with np.errstate(all="ignore"):
        return self + value * (tensor1 / tensor2)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(atan2, hypot, copysign, lerp, addcmul, addcdiv)
