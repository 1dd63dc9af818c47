"""Activation functions of ``torch.nn.functional``: softplus, the ELU family, GELU, SiLU,
Mish, leaky ReLU, the hard* functions, logsigmoid, softsign, tanhshrink, threshold; and the
``inplace=`` forms of ``F.relu`` and friends.

Forwards, derivatives and the values at the kinks are PyTorch's (ATen's activation kernels
and torchgen/packaged/autograd/derivatives.yaml of torch 2.13): leaky_relu'(0) is the
slope, elu'(0) is alpha, hardtanh' is 0 at both bounds, threshold' is 0 at the threshold,
hardsigmoid' uses PyTorch's single-precision 1/6. PyTorch records the in-place forms of
elu, celu, selu, leaky_relu and threshold under other nodes (``EluBackward1``...) whose
derivatives read the result; ``F.softsign`` and ``F.tanhshrink`` are compositions, as in
torch/nn/functional.py.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.inplace import apply_inplace
from gradcalc.autograd.ops.pointwise import (
    NOT_IMPLEMENTED,
    at_least,
    at_most,
    floating,
    kernel_error,
    no_derivative,
)
from gradcalc.autograd.ops.pointwise import relu as relu_op
from gradcalc.autograd.ops.pointwise import sigmoid as sigmoid_op
from gradcalc.autograd.ops.special import normal_cdf
from gradcalc.errors import AutogradError, EvaluationError, ValueDomainError

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _complete(declared, values: list) -> list:
    """``values`` followed by the defaults of the op's remaining parameters."""
    return [*values, *declared.schema.defaults[len(values) :]]


def _functional(text: str, out_of_place, in_place, extra=(), doc: str = "", example: str = ""):
    """``F.<name>(input, ..., inplace=False)``: the op, or its in-place form."""

    def call(self, *args):
        *params, inplace = args
        values = _complete(out_of_place, [self, *params, *extra])
        if inplace:
            return apply_inplace(in_place, values)
        return out_of_place.apply(values)

    call.__doc__ = doc or out_of_place.doc
    return composite(text, method=False, namespaces=("F",), example=example)(call)


def _in_place_function(
    text: str, in_place, extra=(), namespaces=("F",), doc: str = "", example: str = ""
):
    """``F.<name>_(input, ...)`` / ``torch.<name>_``: the op applied in place."""

    def call(self, *params):
        return apply_inplace(in_place, _complete(in_place, [self, *params, *extra]))

    in_place_doc = (
        in_place.doc if in_place.doc.startswith("In place: ") else f"In place: {in_place.doc}"
    )
    call.__doc__ = doc or in_place_doc
    return composite(text, method=False, namespaces=namespaces, example=example)(call)


def _negative_slope_in_place(what: str, tail: str = "") -> AutogradError:
    return AutogradError(
        f"In-place {what} backward calculation is triggered with a negative slope which is not "
        "supported. This is caused by calling in-place forward function with a negative slope, "
        f"please call out-of-place version instead.{tail}",
        hint="use the out-of-place form (inplace=False) with a negative slope",
    )


# ---- softplus ---------------------------------------------------------------------------------


def _softplus_grad(grad, self, beta, threshold):
    scaled = self * beta
    return F.where(scaled > threshold, grad, grad * F.sigmoid(scaled))


@op(
    "softplus(Tensor self, Scalar beta=1, Scalar threshold=20) -> Tensor",
    "SoftplusBackward0",
    dtype=floating("softplus_cpu"),
    method=False,
    namespaces=("F",),
    grads={"self": _softplus_grad},
    example="F.softplus(x)",
)
def softplus(self, beta=1, threshold=20):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold."""
    scaled = self * beta
    with np.errstate(all="ignore"):
        smooth = np.log1p(np.exp(scaled)) / beta
    return np.where(scaled > threshold, self, smooth)


# ---- the ELU family ---------------------------------------------------------------------------


def _elu_forward(self, alpha, scale, input_scale):
    with np.errstate(over="ignore"):
        negative = np.expm1(np.where(self > 0, 0, self) * input_scale) * (alpha * scale)
    return np.where(self <= 0, negative, self * scale)


def _elu_grad(grad, self, alpha, scale, input_scale):
    slope = input_scale * alpha * scale
    return F.where(self <= 0, grad * slope * F.exp(self * input_scale), grad * scale)


def _elu_grad_from_result(grad, result, alpha, scale, input_scale):
    if alpha * scale < 0:
        raise _negative_slope_in_place("elu")
    negative = grad * input_scale * (result + alpha * scale)
    return F.where(result <= 0, negative, grad * scale)


_ELU = "(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor"


@op(
    "elu" + _ELU,
    "EluBackward0",
    dtype=floating("elu_cpu"),
    function=False,
    method=False,
    grads={"self": _elu_grad},
)
def elu(self, alpha=1, scale=1, input_scale=1):
    """x for x > 0, alpha (exp(x) - 1) below."""
    return _elu_forward(self, alpha, scale, input_scale)


@op(
    "elu_.result" + _ELU,
    "EluBackward1",
    dtype=floating("elu_cpu"),
    function=False,
    method=False,
    grads={"self": _elu_grad_from_result},
)
def elu_in_place(self, alpha=1, scale=1, input_scale=1):
    """In place: x for x > 0, alpha (exp(x) - 1) below."""
    return _elu_forward(self, alpha, scale, input_scale)


def _celu_forward(self, alpha):
    if alpha == 0:
        raise EvaluationError(
            "ZeroDivisionError: alpha cannot be 0 for CELU", hint="use an alpha other than 0"
        )
    return _elu_forward(self, alpha, 1, 1 / alpha)


@op(
    "celu(Tensor self, Scalar alpha=1.0) -> Tensor",
    "CeluBackward0",
    dtype=floating("elu_cpu"),
    method=False,
    grads={"self": lambda grad, self, alpha: _elu_grad(grad, self, alpha, 1, 1 / alpha)},
    example="torch.celu(x, alpha=2.0)",
)
def celu(self, alpha=1.0):
    """x for x > 0, alpha (exp(x / alpha) - 1) below."""
    return _celu_forward(self, alpha)


@op(
    "celu_.result(Tensor self, Scalar alpha=1.0) -> Tensor",
    "CeluBackward1",
    dtype=floating("elu_cpu"),
    function=False,
    method=False,
    grads={
        "self": lambda grad, result, alpha: _elu_grad_from_result(grad, result, alpha, 1, 1 / alpha)
    },
)
def celu_in_place(self, alpha=1.0):
    """In place: x for x > 0, alpha (exp(x / alpha) - 1) below."""
    return _celu_forward(self, alpha)


elu_functional = _functional(
    "elu.F(Tensor self, Scalar alpha=1.0, Any inplace=False) -> Tensor",
    elu,
    elu_in_place,
    example="F.elu(x)",
)
elu_ = _in_place_function(
    "elu_(Tensor self, Scalar alpha=1.0) -> Tensor", elu_in_place, example="F.elu_(x.clone())"
)


@composite("selu(Tensor self) -> Tensor", method=False, example="torch.selu(x)")
def selu(self):
    """scale * elu(x, alpha) with the self-normalising constants (node EluBackward0)."""
    return elu.apply([self, _SELU_ALPHA, _SELU_SCALE, 1])


selu_functional = _functional(
    "selu.F(Tensor self, Any inplace=False) -> Tensor",
    elu,
    elu_in_place,
    extra=(_SELU_ALPHA, _SELU_SCALE, 1),
    doc=selu.doc,
    example="F.selu(x)",
)
selu_ = _in_place_function(
    "selu_(Tensor self) -> Tensor",
    elu_in_place,
    extra=(_SELU_ALPHA, _SELU_SCALE, 1),
    namespaces=("torch", "F"),
    example="torch.selu_(x.clone())",
)
celu_functional = _functional(
    "celu.F(Tensor self, Scalar alpha=1.0, Any inplace=False) -> Tensor",
    celu,
    celu_in_place,
    example="F.celu(x)",
)
celu_ = _in_place_function(
    "celu_(Tensor self, Scalar alpha=1.0) -> Tensor",
    celu_in_place,
    namespaces=("torch", "F"),
    example="torch.celu_(x.clone())",
)

# ---- GELU, SiLU, Mish -------------------------------------------------------------------------

_SQRT1_2 = math.sqrt(0.5)
_GELU_PDF = 2 / math.sqrt(math.pi) * _SQRT1_2 * 0.5  # 1 / sqrt(2 pi)
_GELU_TANH_BETA = math.sqrt(2.0) * 2 / math.sqrt(math.pi) * 0.5  # sqrt(2 / pi)
_GELU_KAPPA = 0.044715


def _check_approximate(approximate: str) -> None:
    if approximate not in ("none", "tanh"):
        raise EvaluationError(
            "approximate argument must be either none or tanh.",
            hint="F.gelu(x) for the exact GELU, F.gelu(x, approximate='tanh') for the tanh form",
        )


def _gelu_grad(grad, self, approximate):
    if approximate == "tanh":
        inner = _GELU_TANH_BETA * (self + _GELU_KAPPA * self * self * self)
        t = F.tanh(inner)
        left_derivative = 0.5 * (1 + t)
        right_derivative = (1 - t * t) * _GELU_TANH_BETA * (1 + 3 * _GELU_KAPPA * self * self)
        return grad * (left_derivative + 0.5 * self * right_derivative)
    cdf = normal_cdf(self)
    pdf = _GELU_PDF * F.exp(self * self * -0.5)
    return grad * (cdf + self * pdf)


@op(
    "gelu(Tensor self, *, str approximate='none') -> Tensor",
    "GeluBackward0",
    dtype=floating("GeluKernelImpl"),
    method=False,
    namespaces=("F",),
    grads={"self": _gelu_grad},
    example="F.gelu(x)",
)
def gelu(self, approximate="none"):
    """x Phi(x), Phi the standard normal CDF (``approximate='tanh'``: its tanh form)."""
    from gradcalc.autograd.ops.special import erf_kernel

    _check_approximate(approximate)
    if approximate == "tanh":
        inner = _GELU_TANH_BETA * (self + _GELU_KAPPA * (self * self * self))
        return 0.5 * self * (1 + np.tanh(inner))
    return self * 0.5 * (1 + erf_kernel(self * _SQRT1_2))


def _silu_grad(grad, self):
    s = F.sigmoid(self)
    return grad * s * (1 + self * (1 - s))


@op(
    "silu(Tensor self) -> Tensor",
    "SiluBackward0",
    dtype=floating("silu_cpu"),
    function=False,
    method=False,
    grads={"self": _silu_grad},
)
def silu(self):
    """x * sigmoid(x)."""
    with np.errstate(over="ignore"):
        return self / (1 + np.exp(-self))


def _mish_grad(grad, self):
    s = F.sigmoid(self)
    t = F.tanh(F.softplus(self, 1, 20))
    return grad * (t + self * s * (1 - t * t))


@op(
    "mish(Tensor self) -> Tensor",
    "MishBackward0",
    dtype=floating("mish_cpu"),
    function=False,
    method=False,
    grads={"self": _mish_grad},
)
def mish(self):
    """x * tanh(softplus(x))."""
    with np.errstate(over="ignore"):
        return self * np.tanh(np.log1p(np.exp(self)))


silu_functional = _functional(
    "silu.F(Tensor self, Any inplace=False) -> Tensor", silu, silu, example="F.silu(x)"
)
mish_functional = _functional(
    "mish.F(Tensor self, Any inplace=False) -> Tensor", mish, mish, example="F.mish(x)"
)

# ---- ReLU and its piecewise-linear kin --------------------------------------------------------

relu_functional = _functional(
    "relu.F(Tensor self, Any inplace=False) -> Tensor", relu_op, relu_op, example="F.relu(x)"
)
relu_ = _in_place_function(
    "relu_(Tensor self) -> Tensor",
    relu_op,
    namespaces=("torch", "F"),
    example="torch.relu_(x.clone())",
)
sigmoid_ = _in_place_function(
    "sigmoid_(Tensor self) -> Tensor",
    sigmoid_op,
    namespaces=("torch",),
    example="torch.sigmoid_(x.clone())",
)


def _leaky_grad_from_result(grad, result, negative_slope):
    if negative_slope < 0:
        raise _negative_slope_in_place(
            "leakyReLu",
            " File an issue at https://github.com/pytorch/pytorch if you do require supporting "
            "in-place leakRelu backward calculation with negative slope",
        )
    return F.where(result > 0, grad, grad * negative_slope)


def _leaky_relu_forward(self, negative_slope=0.01):
    return np.where(self > 0, self, self * negative_slope)


leaky_relu = op(
    "leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor",
    "LeakyReluBackward0",
    dtype=floating("leaky_relu_cpu"),
    function=False,
    method=False,
    grads={
        "self": lambda grad, self, negative_slope: F.where(self > 0, grad, grad * negative_slope)
    },
    doc="x for x > 0, negative_slope * x below.",
)(_leaky_relu_forward)
leaky_relu_in_place = op(
    "leaky_relu_.result(Tensor self, Scalar negative_slope=0.01) -> Tensor",
    "LeakyReluBackward1",
    dtype=floating("leaky_relu_cpu"),
    function=False,
    method=False,
    grads={"self": _leaky_grad_from_result},
    doc="In place: x for x > 0, negative_slope * x below.",
)(_leaky_relu_forward)
leaky_relu_functional = _functional(
    "leaky_relu.F(Tensor self, Scalar negative_slope=0.01, Any inplace=False) -> Tensor",
    leaky_relu,
    leaky_relu_in_place,
    example="F.leaky_relu(x, 0.1)",
)
leaky_relu_ = _in_place_function(
    "leaky_relu_(Tensor self, Scalar negative_slope=0.01) -> Tensor",
    leaky_relu_in_place,
    example="F.leaky_relu_(x.clone(), 0.1)",
)


def _hardtanh_grad(grad, self, min_val, max_val):
    return F.where((self <= min_val) | (self >= max_val), 0.0, grad)


@op(
    "hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor",
    "HardtanhBackward0",
    function=False,
    method=False,
    grads={"self": _hardtanh_grad},
)
def hardtanh(self, min_val=-1, max_val=1):
    """x clamped to [min_val, max_val]; the gradient is 0 at both bounds."""
    if min_val > max_val:
        raise ValueDomainError("min_val cannot be greater than max_val")
    if self.dtype == np.bool_:
        raise EvaluationError("Bool inputs not supported for hardtanh")
    return at_most(at_least(self, min_val), max_val).astype(self.dtype, copy=False)


hardtanh_functional = _functional(
    "hardtanh.F(Tensor self, Scalar min_val=-1.0, Scalar max_val=1.0, Any inplace=False) -> Tensor",
    hardtanh,
    hardtanh,
    example="F.hardtanh(x)",
)
hardtanh_ = _in_place_function(
    "hardtanh_(Tensor self, Scalar min_val=-1.0, Scalar max_val=1.0) -> Tensor",
    hardtanh,
    example="F.hardtanh_(x.clone())",
)
relu6_functional = _functional(
    "relu6.F(Tensor self, Any inplace=False) -> Tensor",
    hardtanh,
    hardtanh,
    extra=(0, 6),
    doc="min(max(x, 0), 6) (PyTorch records it as hardtanh: HardtanhBackward0).",
    example="F.relu6(4 * x)",
)

# PyTorch's hardsigmoid backward multiplies by a single-precision 1/6, also for doubles.
_ONE_SIXTH = float(np.float32(1.0) / np.float32(6.0))


@op(
    "hardsigmoid_backward(Tensor grad_output, Tensor self) -> Tensor",
    NOT_IMPLEMENTED,
    function=False,
    method=False,
    grads={
        "grad_output": no_derivative(
            "derivative for aten::hardsigmoid_backward is not implemented"
        ),
        "self": no_derivative("derivative for aten::hardsigmoid_backward is not implemented"),
    },
)
def hardsigmoid_backward(grad_output, self):
    """The gradient of hardsigmoid (PyTorch has no derivative of it: no double backward)."""
    return np.where((self > -3) & (self < 3), grad_output * _ONE_SIXTH, 0).astype(self.dtype)


@op(
    "hardsigmoid(Tensor self) -> Tensor",
    "HardsigmoidBackward0",
    dtype=floating("hardsigmoid_cpu"),
    function=False,
    method=False,
    grads={"self": lambda grad, self: F.hardsigmoid_backward(grad, self)},
)
def hardsigmoid(self):
    """min(max(x + 3, 0), 6) / 6."""
    return np.minimum(np.maximum(self + 3, 0), 6) / 6


def _hardswish_grad(grad, self):
    middle = F.where(self < 3, grad * (self / 3 + 0.5), grad)
    return F.where(self <= -3, 0.0, middle)


@op(
    "hardswish(Tensor self) -> Tensor",
    "HardswishBackward0",
    dtype=floating("hardswish_cpu"),
    function=False,
    method=False,
    grads={"self": _hardswish_grad},
)
def hardswish(self):
    """x * min(max(x + 3, 0), 6) / 6."""
    return self * np.minimum(np.maximum(self + 3, 0), 6) / 6


hardsigmoid_functional = _functional(
    "hardsigmoid.F(Tensor self, Any inplace=False) -> Tensor",
    hardsigmoid,
    hardsigmoid,
    example="F.hardsigmoid(x)",
)
hardswish_functional = _functional(
    "hardswish.F(Tensor self, Any inplace=False) -> Tensor",
    hardswish,
    hardswish,
    example="F.hardswish(x)",
)


def _threshold_forward(self, threshold, value):
    if self.dtype == np.bool_:
        raise kernel_error("threshold_cpu", dtypes.bool_)
    return np.where(self <= threshold, value, self).astype(self.dtype, copy=False)


def _threshold_grad(grad, self, threshold):
    return F.where(self <= threshold, 0.0, grad)


threshold = op(
    "threshold(Tensor self, Scalar threshold, Scalar value) -> Tensor",
    "ThresholdBackward0",
    method=False,
    grads={"self": _threshold_grad},
    doc="value where x <= threshold, else x.",
    example="torch.threshold(x, 0.1, 20.0)",
)(_threshold_forward)
threshold_in_place = op(
    "threshold_.result(Tensor self, Scalar threshold, Scalar value) -> Tensor",
    "ThresholdBackward1",
    function=False,
    method=False,
    grads={"self": _threshold_grad},
    doc="In place: value where x <= threshold, else x.",
)(_threshold_forward)
threshold_functional = _functional(
    "threshold.F(Tensor self, Scalar threshold, Scalar value, Any inplace=False) -> Tensor",
    threshold,
    threshold_in_place,
    example="F.threshold(x, 0.1, 0.0)",
)
threshold_ = _in_place_function(
    "threshold_(Tensor self, Scalar threshold, Scalar value) -> Tensor",
    threshold_in_place,
    namespaces=("torch", "F"),
    example="torch.threshold_(x.clone(), 0.1, 0.0)",
)

# ---- logsigmoid, softsign, tanhshrink ---------------------------------------------------------


def _logsigmoid_grad(grad, self):
    z = F.exp(-F.abs(self))
    share = z / (1 + z)
    return F.where(self < 0, grad * (1 - share), grad * share)


@op(
    "logsigmoid(Tensor self) -> Tensor",
    "LogSigmoidBackward0",
    dtype=floating("log_sigmoid_cpu"),
    method=False,
    namespaces=("F",),
    grads={"self": _logsigmoid_grad},
    example="F.logsigmoid(x)",
)
def logsigmoid(self):
    """log(sigmoid(x)), computed without overflow."""
    return np.minimum(self, 0) - np.log1p(np.exp(-np.abs(self)))


@composite(
    "softsign(Tensor self) -> Tensor", method=False, namespaces=("F",), example="F.softsign(x)"
)
def softsign(self):
    """x / (1 + |x|)."""
    return F.div(self, F.add(F.abs(self), 1))


@composite(
    "tanhshrink(Tensor self) -> Tensor", method=False, namespaces=("F",), example="F.tanhshrink(x)"
)
def tanhshrink(self):
    """x - tanh(x)."""
    return F.sub(self, F.tanh(self))
