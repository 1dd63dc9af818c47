"""The pointwise, rounding, special and activation ops against PyTorch 2.13 where the case
table (cases/*.py, random inputs) does not reach: messages of bad calls, values and
gradients at kinks, poles and infinities, nodes without a derivative (floor division,
heaviside, in-place asinh, hardsigmoid's second derivative), in-place activations with a
negative slope, and the torch.special spellings.

The expected texts and numbers below were copied from torch 2.13.0; the tests marked
``torch`` check them against the installed torch again.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import functional as gF
from gradcalc.autograd import grad as autograd_grad
from gradcalc.autograd import torch as gtorch
from gradcalc.errors import AutogradError, GradcalcError

INF = math.inf
NAN = math.nan


def _names(torch, functional) -> dict:
    return {
        "torch": torch,
        "F": functional,
        "x": torch.tensor([0.3, -0.7, 1.2, 0.0]),
        "i": torch.tensor([0, 1, 2, 3]),
        "b": torch.tensor([True, False, True, True]),
    }


def _torch_functional(torch):
    import torch.nn.functional

    return torch.nn.functional


# ---- messages of bad calls ----------------------------------------------------------------

ERROR_CASES = [
    (
        "torch.where(x, x, 0.0)",
        "RuntimeError",
        "where expected condition to be a boolean tensor, but got a tensor with dtype Float",
    ),
    (
        "torch.where(i, x, 0.0)",
        "RuntimeError",
        "where expected condition to be a boolean tensor, but got a tensor with dtype Long",
    ),
    (
        "torch.clamp(x, torch.tensor([0.0, 0.0, 0.0, 0.0]), 1.0)",
        "TypeError",
        "clamp() received an invalid combination of arguments - got (Tensor, Tensor, float), but "
        "expected one of:\n * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out "
        "= None)\n * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n",
    ),
    ("torch.hypot(i, i)", "NotImplementedError", "\"hypot_cpu\" not implemented for 'Long'"),
    (
        "torch.logaddexp(i, i)",
        "NotImplementedError",
        "\"logaddexp_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.logaddexp2(b, b)",
        "NotImplementedError",
        "\"logaddexp2_cpu\" not implemented for 'Bool'",
    ),
    ("F.softplus(i)", "NotImplementedError", "\"softplus_cpu\" not implemented for 'Long'"),
    ("F.elu(i)", "NotImplementedError", "\"elu_cpu\" not implemented for 'Long'"),
    ("F.selu(i)", "NotImplementedError", "\"elu_cpu\" not implemented for 'Long'"),
    ("F.celu(i)", "NotImplementedError", "\"elu_cpu\" not implemented for 'Long'"),
    ("F.gelu(i)", "NotImplementedError", "\"GeluKernelImpl\" not implemented for 'Long'"),
    ("F.silu(i)", "NotImplementedError", "\"silu_cpu\" not implemented for 'Long'"),
    ("F.mish(i)", "NotImplementedError", "\"mish_cpu\" not implemented for 'Long'"),
    ("F.leaky_relu(i)", "NotImplementedError", "\"leaky_relu_cpu\" not implemented for 'Long'"),
    ("F.hardsigmoid(i)", "NotImplementedError", "\"hardsigmoid_cpu\" not implemented for 'Long'"),
    ("F.hardswish(i)", "NotImplementedError", "\"hardswish_cpu\" not implemented for 'Long'"),
    ("F.logsigmoid(i)", "NotImplementedError", "\"log_sigmoid_cpu\" not implemented for 'Long'"),
    ("F.hardtanh(b)", "RuntimeError", "Bool inputs not supported for hardtanh"),
    ("F.relu6(b)", "RuntimeError", "Bool inputs not supported for hardtanh"),
    ("F.relu(b)", "RuntimeError", "Boolean inputs not supported for relu"),
    ("torch.relu(b)", "RuntimeError", "Boolean inputs not supported for relu"),
    ("torch.abs(b)", "NotImplementedError", "\"abs_cpu\" not implemented for 'Bool'"),
    ("F.softsign(b)", "NotImplementedError", "\"abs_cpu\" not implemented for 'Bool'"),
    ("F.threshold(b, 0, 1)", "NotImplementedError", "\"threshold_cpu\" not implemented for 'Bool'"),
    ("torch.floor(b)", "NotImplementedError", "\"floor_vml_cpu\" not implemented for 'Bool'"),
    ("torch.ceil(b)", "NotImplementedError", "\"ceil_vml_cpu\" not implemented for 'Bool'"),
    ("torch.trunc(b)", "NotImplementedError", "\"trunc_vml_cpu\" not implemented for 'Bool'"),
    ("torch.round(b)", "NotImplementedError", "\"round_vml_cpu\" not implemented for 'Bool'"),
    (
        "torch.round(i, decimals=1)",
        "NotImplementedError",
        "\"round_cpu\" not implemented for 'Long'",
    ),
    ("torch.frac(i)", "NotImplementedError", "\"frac_cpu\" not implemented for 'Long'"),
    ("torch.fmod(b, b)", "NotImplementedError", "\"fmod_cpu\" not implemented for 'Bool'"),
    ("torch.fmod(i, 0)", "RuntimeError", "ZeroDivisionError"),
    ("i // 0", "RuntimeError", "ZeroDivisionError"),
    ("torch.floor_divide(i, torch.tensor([0, 1, 1, 1]))", "RuntimeError", "ZeroDivisionError"),
    (
        "torch.floor_divide(b, b)",
        "NotImplementedError",
        "\"div_floor_cpu\" not implemented for 'Bool'",
    ),
    (
        "torch.lerp(x, x.double(), 0.5)",
        "RuntimeError",
        "expected dtype float for `end` but got dtype double",
    ),
    (
        "torch.lerp(x, x.long(), 0.5)",
        "RuntimeError",
        "expected dtype float for `end` but got dtype long int",
    ),
    (
        "torch.lerp(x, x, x.double())",
        "RuntimeError",
        "expected dtype float for `weight` but got dtype double",
    ),
    (
        "torch.lerp(i, i, 0.5)",
        "NotImplementedError",
        "\"lerp_kernel_scalar\" not implemented for 'Long'",
    ),
    (
        "torch.lerp(i, i, i)",
        "NotImplementedError",
        "\"lerp_kernel_tensor\" not implemented for 'Long'",
    ),
    (
        "torch.lerp(x, torch.ones(3), 0.5)",
        "RuntimeError",
        "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0",
    ),
    (
        "torch.addcmul(b, b, b)",
        "NotImplementedError",
        "\"addcmul_cpu_out\" not implemented for 'Bool'",
    ),
    (
        "torch.addcmul(x, x, torch.ones(3))",
        "RuntimeError",
        "The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 0",
    ),
    (
        "torch.addcdiv(x, i, i)",
        "RuntimeError",
        "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all dtypes.",
    ),
    (
        "x.masked_fill(x, 1.0)",
        "RuntimeError",
        "masked_fill_ only supports boolean masks, but got mask with dtype float",
    ),
    (
        "x.masked_fill(i, 1.0)",
        "RuntimeError",
        "masked_fill_ only supports boolean masks, but got mask with dtype long int",
    ),
    (
        "x.masked_fill(x > 0, torch.tensor([1.0]))",
        "RuntimeError",
        "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with 1 dimension(s).",
    ),
    (
        "x.masked_fill(torch.tensor([True, False]), 1.0)",
        "RuntimeError",
        "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0",
    ),
    (
        "torch.heaviside(x, x.double())",
        "RuntimeError",
        "heaviside is not yet implemented for tensors with different dtypes.",
    ),
    ("torch.polygamma(-1, x)", "RuntimeError", "polygamma(n, x) does not support negative n."),
    ("x.polygamma(-2)", "RuntimeError", "polygamma(n, x) does not support negative n."),
    (
        "F.gelu(x, approximate='foo')",
        "RuntimeError",
        "approximate argument must be either none or tanh.",
    ),
    ("F.celu(x, alpha=0.0)", "RuntimeError", "ZeroDivisionError: alpha cannot be 0 for CELU"),
    ("torch.celu(x, 0.0)", "RuntimeError", "ZeroDivisionError: alpha cannot be 0 for CELU"),
    ("F.hardtanh(x, 1.0, -1.0)", "ValueError", "min_val cannot be greater than max_val"),
    (
        "torch.clamp(x)",
        "RuntimeError",
        "torch.clamp: At least one of 'min' or 'max' must not be None",
    ),
    ("x.clamp()", "RuntimeError", "torch.clamp: At least one of 'min' or 'max' must not be None"),
    ("torch.positive(b)", "RuntimeError", "The `+` operator, on a bool tensor is not supported."),
    (
        "torch.xlogy(2, 3)",
        "TypeError",
        "xlogy() received an invalid combination of arguments - got (int, int), but expected one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n * (Number self, Tensor other, *, Tensor out = None)\n * (Tensor input, Number other, *, Tensor out = None)\n",
    ),
    (
        "torch.atan2(x, 2)",
        "TypeError",
        "atan2(): argument 'other' (position 2) must be Tensor, not int",
    ),
    (
        "x.atan2(2.0)",
        "TypeError",
        "atan2(): argument 'other' (position 1) must be Tensor, not float",
    ),
    (
        "torch.hypot(x, 2.0)",
        "TypeError",
        "hypot(): argument 'other' (position 2) must be Tensor, not float",
    ),
    (
        "torch.log1p('a')",
        "TypeError",
        "log1p(): argument 'input' (position 1) must be Tensor, not str",
    ),
    ("torch.erfinv(x, 2)", "TypeError", "erfinv() takes 1 positional argument but 2 were given"),
    (
        "F.leaky_relu(x, 'a')",
        "TypeError",
        "leaky_relu(): argument 'negative_slope' (position 2) must be Number, not str",
    ),
    (
        "F.softplus(x, 'a')",
        "TypeError",
        "softplus(): argument 'beta' (position 2) must be Number, not str",
    ),
    (
        "F.softplus(1.0)",
        "TypeError",
        "softplus(): argument 'input' (position 1) must be Tensor, not float",
    ),
    ("F.elu(x, 'a')", "TypeError", "elu(): argument 'alpha' (position 2) must be Number, not str"),
    ("F.relu(1.0)", "TypeError", "relu(): argument 'input' (position 1) must be Tensor, not float"),
    ("F.gelu(1.0)", "TypeError", "gelu(): argument 'input' (position 1) must be Tensor, not float"),
    ("F.silu(1.0)", "TypeError", "silu(): argument 'input' (position 1) must be Tensor, not float"),
    (
        "torch.polygamma(1.5, x)",
        "TypeError",
        "polygamma(): argument 'n' (position 1) must be int, not float",
    ),
    ("torch.logit(x, eps='a')", "TypeError", "logit(): argument 'eps' must be float, not str"),
    (
        "torch.nan_to_num(x, nan='a')",
        "TypeError",
        "nan_to_num(): argument 'nan' must be float, not str",
    ),
    ("F.gelu(x, 'tanh')", "TypeError", "gelu() takes 1 positional argument but 2 were given"),
    (
        "F.gelu(x, approximate=None)",
        "TypeError",
        "gelu(): argument 'approximate' must be str, not NoneType",
    ),
    ("torch.selu(x, 1.0)", "TypeError", "selu() takes 1 positional argument but 2 were given"),
    (
        "F.threshold(x, 'a', 1.0)",
        "TypeError",
        "threshold(): argument 'threshold' (position 2) must be Number, not str",
    ),
    (
        "torch.threshold(x, 'a', 1.0)",
        "TypeError",
        "threshold(): argument 'threshold' (position 2) must be Number, not str",
    ),
    (
        "torch.addcdiv(x, x, x, value='a')",
        "TypeError",
        "addcdiv(): argument 'value' must be Number, not str",
    ),
    (
        "torch.addcmul(x, x, x, 2)",
        "TypeError",
        "addcmul() takes 3 positional arguments but 4 were given",
    ),
    (
        "torch.isnan(1.0)",
        "TypeError",
        "isnan(): argument 'input' (position 1) must be Tensor, not float",
    ),
    (
        "torch.sgn(1.0)",
        "TypeError",
        "sgn(): argument 'input' (position 1) must be Tensor, not float",
    ),
    (
        "torch.sign('a')",
        "TypeError",
        "sign(): argument 'input' (position 1) must be Tensor, not str",
    ),
    (
        "torch.square('a')",
        "TypeError",
        "square(): argument 'input' (position 1) must be Tensor, not str",
    ),
    (
        "torch.signbit(1.0)",
        "TypeError",
        "signbit(): argument 'input' (position 1) must be Tensor, not float",
    ),
    ("x.round(decimals=1.5)", "TypeError", "round(): argument 'decimals' must be int, not float"),
    (
        "torch.heaviside(x, 0.5)",
        "TypeError",
        "heaviside(): argument 'values' (position 2) must be Tensor, not float",
    ),
    ("torch.erf(x, x)", "TypeError", "erf() takes 1 positional argument but 2 were given"),
]


@pytest.mark.parametrize("expression, kind, message", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    with pytest.raises(GradcalcError) as info:
        eval(expression, _names(gtorch, gF))  # noqa: S307 - expressions of this file
    assert (info.value.kind, info.value.message) == (kind, message)


@pytest.mark.torch
@pytest.mark.parametrize("expression, kind, message", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    with pytest.raises(Exception) as info:  # noqa: B017 - any of PyTorch's exception types
        eval(expression, _names(torch_module, _torch_functional(torch_module)))  # noqa: S307
    assert (type(info.value).__name__, str(info.value)) == (kind, message)


# ---- values and gradients at kinks, poles and infinities --------------------------------------

# (id, expression, inputs (float64, requiring grad), values, gradients of sum(expression))
KINKS = [
    ("relu", "torch.relu(x)", {"x": [0.0, -0.0, 2.0]}, [0.0, -0.0, 2.0], {"x": [0.0, 0.0, 1.0]}),
    ("abs", "torch.abs(x)", {"x": [0.0, -0.0, -2.0]}, [0.0, 0.0, 2.0], {"x": [0.0, 0.0, -1.0]}),
    (
        "sign_nan",
        "torch.sign(x)",
        {"x": [NAN, -0.0, -3.0]},
        [0.0, 0.0, -1.0],
        {"x": [0.0, 0.0, 0.0]},
    ),
    (
        "clamp_bounds",
        "torch.clamp(x, 0.0, 1.0)",
        {"x": [0.0, 1.0, NAN, 2.0]},
        [0.0, 1.0, NAN, 1.0],
        {"x": [1.0, 1.0, 0.0, 0.0]},
    ),
    (
        "clamp_crossed",
        "torch.clamp(x, 1.0, 0.0)",
        {"x": [0.0, 0.5, 1.0]},
        [0.0, 0.0, 0.0],
        {"x": [0.0, 0.0, 0.0]},
    ),
    (
        "clamp_min_tie",
        "torch.clamp_min(x, 0.0)",
        {"x": [0.0, -1.0, NAN]},
        [0.0, 0.0, NAN],
        {"x": [1.0, 0.0, 0.0]},
    ),
    (
        "clamp_max_tie",
        "torch.clamp_max(x, 0.0)",
        {"x": [0.0, 1.0, NAN]},
        [0.0, 0.0, NAN],
        {"x": [1.0, 0.0, 0.0]},
    ),
    (
        "clamp_tensor_ties",
        "torch.clamp(x, lo, hi)",
        {"x": [0.0, 1.0, 0.5, 0.2], "lo": [0.0, 0.0, 1.0, 0.5], "hi": [1.0, 1.0, 0.0, 0.2]},
        [0.0, 1.0, 0.0, 0.2],
        {"x": [1.0, 1.0, 0.0, 0.0], "lo": [0.0, 0.0, 0.0, 0.0], "hi": [0.0, 0.0, 1.0, 1.0]},
    ),
    (
        "clamp_min_tensor_tie",
        "torch.clamp_min(x, lo)",
        {"x": [0.0, 1.0], "lo": [0.0, 2.0]},
        [0.0, 2.0],
        {"x": [1.0, 0.0], "lo": [0.0, 1.0]},
    ),
    (
        "maximum_tie",
        "torch.maximum(x, y)",
        {"x": [1.0, 2.0], "y": [1.0, 0.0]},
        [1.0, 2.0],
        {"x": [0.5, 1.0], "y": [0.5, 0.0]},
    ),
    (
        "hardtanh_bounds",
        "F.hardtanh(x)",
        {"x": [-1.0, 1.0, 0.0]},
        [-1.0, 1.0, 0.0],
        {"x": [0.0, 0.0, 1.0]},
    ),
    ("relu6_bounds", "F.relu6(x)", {"x": [0.0, 6.0, 3.0]}, [0.0, 6.0, 3.0], {"x": [0.0, 0.0, 1.0]}),
    ("leaky_relu_zero", "F.leaky_relu(x, 0.2)", {"x": [0.0, -0.0]}, [0.0, -0.0], {"x": [0.2, 0.2]}),
    ("elu_zero", "F.elu(x, 0.5)", {"x": [0.0, -0.0]}, [0.0, -0.0], {"x": [0.5, 0.5]}),
    ("selu_zero", "F.selu(x)", {"x": [0.0]}, [0.0], {"x": [1.7580993408473766]}),
    ("celu_zero", "F.celu(x, 2.0)", {"x": [0.0]}, [0.0], {"x": [1.0]}),
    ("threshold_at", "F.threshold(x, 0.5, 2.0)", {"x": [0.5, 0.6]}, [2.0, 0.6], {"x": [0.0, 1.0]}),
    (
        "hardswish_ends",
        "F.hardswish(x)",
        {"x": [-3.0, 3.0, 0.0]},
        [-0.0, 3.0, 0.0],
        {"x": [0.0, 1.0, 0.5]},
    ),
    (
        "softplus_at_threshold",
        "F.softplus(x, 2.0, 1.0)",
        {"x": [0.5, 0.6, -800.0]},
        [0.6566308437591114, 0.6, 0.0],
        {"x": [0.7310585786300049, 1.0, 0.0]},
    ),
    (
        "softplus_far",
        "F.softplus(x)",
        {"x": [800.0, -800.0, 20.0]},
        [800.0, 0.0, 20.000000002061153],
        {"x": [1.0, 0.0, 0.9999999979388464]},
    ),
    (
        "logsigmoid_far",
        "F.logsigmoid(x)",
        {"x": [0.0, -800.0, 800.0]},
        [-0.6931471805599453, -800.0, 0.0],
        {"x": [0.5, 1.0, 0.0]},
    ),
    (
        "silu_far",
        "F.silu(x)",
        {"x": [0.0, -800.0, 800.0]},
        [0.0, -0.0, 800.0],
        {"x": [0.5, -0.0, 1.0]},
    ),
    (
        "mish_far",
        "F.mish(x)",
        {"x": [0.0, -800.0, 800.0]},
        [0.0, -0.0, 800.0],
        {"x": [0.6, 0.0, 1.0]},
    ),
    (
        "gelu_zero",
        "F.gelu(x)",
        {"x": [0.0, -10.0]},
        [0.0, -0.0],
        {"x": [0.5, -7.694598626706419e-22]},
    ),
    (
        "gelu_tanh_zero",
        "F.gelu(x, approximate='tanh')",
        {"x": [0.0, -10.0]},
        [0.0, -0.0],
        {"x": [0.5, 0.0]},
    ),
    (
        "sigmoid_far",
        "torch.sigmoid(x)",
        {"x": [-40.0, -800.0, 800.0]},
        [4.248354255291589e-18, 0.0, 1.0],
        {"x": [4.248354255291589e-18, 0.0, 0.0]},
    ),
    (
        "round_half_even",
        "torch.round(x)",
        {"x": [0.5, 1.5, 2.5, -0.5]},
        [0.0, 2.0, 2.0, -0.0],
        {"x": [0.0, 0.0, 0.0, 0.0]},
    ),
    (
        "round_decimals_ties",
        "torch.round(x, decimals=1)",
        {"x": [0.25, 0.35, 2.675]},
        [0.2, 0.4, 2.7],
        {"x": [0.0, 0.0, 0.0]},
    ),
    (
        "frac_inf",
        "torch.frac(x)",
        {"x": [INF, -1.5, NAN]},
        [NAN, -0.5, NAN],
        {"x": [1.0, 1.0, 1.0]},
    ),
    ("fmod_zero", "torch.fmod(x, 0.0)", {"x": [1.2, -0.0]}, [NAN, NAN], {"x": [1.0, 1.0]}),
    (
        "asin_ends",
        "torch.asin(x)",
        {"x": [1.0, -1.0, 2.0]},
        [1.5707963267948966, -1.5707963267948966, NAN],
        {"x": [INF, INF, NAN]},
    ),
    ("acosh_one", "torch.acosh(x)", {"x": [1.0, 0.5]}, [0.0, NAN], {"x": [INF, NAN]}),
    ("atanh_ends", "torch.atanh(x)", {"x": [1.0, -1.0]}, [INF, -INF], {"x": [INF, INF]}),
    ("log1p_minus_one", "torch.log1p(x)", {"x": [-1.0, -2.0]}, [-INF, NAN], {"x": [INF, -1.0]}),
    (
        "rsqrt_zeros",
        "torch.rsqrt(x)",
        {"x": [0.0, -0.0, -1.0]},
        [INF, -INF, NAN],
        {"x": [-INF, INF, NAN]},
    ),
    ("sqrt_zero", "torch.sqrt(x)", {"x": [0.0]}, [0.0], {"x": [INF]}),
    (
        "lgamma_poles",
        "torch.lgamma(x)",
        {"x": [0.0, -1.0, -0.0, -2.5]},
        [INF, INF, INF, -0.05624371649767405],
        {"x": [-INF, NAN, INF, 1.1031566406452433]},
    ),
    (
        "digamma_poles",
        "torch.digamma(x)",
        {"x": [0.0, -0.0, -1.0, 10.0]},
        [-INF, INF, NAN, 2.251752589066721],
        {"x": [INF, INF, 6.580790147320947e32, 0.10516633568216657]},
    ),
    (
        "polygamma_poles",
        "torch.polygamma(2, x)",
        {"x": [0.0, -1.0, -1.5]},
        [-INF, -INF, -0.23620405164172825],
        {"x": [INF, INF, 194.59427621918758]},
    ),
    (
        "erfinv_ends",
        "torch.erfinv(x)",
        {"x": [1.0, -1.0, 2.0, 0.0]},
        [INF, -INF, NAN, 0.0],
        {"x": [INF, INF, NAN, 0.8862269254527579]},
    ),
    (
        "sinc_zero",
        "torch.sinc(x)",
        {"x": [0.0, -0.0, 1.0]},
        [1.0, 1.0, 3.8981718325193755e-17],
        {"x": [0.0, 0.0, -1.0]},
    ),
    (
        "logit_ends",
        "torch.logit(x)",
        {"x": [0.0, 1.0, -0.1]},
        [-INF, INF, NAN],
        {"x": [INF, INF, NAN]},
    ),
    (
        "logit_eps_ends",
        "torch.logit(x, eps=0.1)",
        {"x": [0.1, 0.9, 0.05, 0.0]},
        [-2.197224577336219, 2.1972245773362196, -2.197224577336219, -2.197224577336219],
        {"x": [11.111111111111109, 11.111111111111112, 0.0, 0.0]},
    ),
    (
        "xlogy_zero",
        "torch.xlogy(x, y)",
        {"x": [0.0, 0.0, 1.0], "y": [0.0, -1.0, 0.0]},
        [0.0, 0.0, -INF],
        {"x": [0.0, 0.0, -INF], "y": [NAN, -0.0, INF]},
    ),
    ("xlogy_nan", "torch.xlogy(x, y)", {"x": [0.0], "y": [NAN]}, [NAN], {"x": [NAN], "y": [NAN]}),
    (
        "copysign_zero",
        "torch.copysign(x, -1.0)",
        {"x": [0.0, -0.0, 2.0]},
        [-0.0, -0.0, -2.0],
        {"x": [0.0, 0.0, -1.0]},
    ),
    (
        "nan_to_num_special",
        "torch.nan_to_num(x)",
        {"x": [INF, -INF, NAN, 1.0]},
        [1.7976931348623157e308, -1.7976931348623157e308, 0.0, 1.0],
        {"x": [0.0, 0.0, 0.0, 1.0]},
    ),
    (
        "atan2_origin",
        "torch.atan2(x, y)",
        {"x": [0.0, -0.0], "y": [0.0, -1.0]},
        [0.0, -3.141592653589793],
        {"x": [0.0, -1.0], "y": [-0.0, 0.0]},
    ),
    (
        "hypot_origin",
        "torch.hypot(x, y)",
        {"x": [0.0], "y": [0.0]},
        [0.0],
        {"x": [NAN], "y": [NAN]},
    ),
    (
        "logaddexp_infinite",
        "torch.logaddexp(x, y)",
        {"x": [INF, -INF, 1.0], "y": [INF, -INF, 1.0]},
        [INF, -INF, 1.6931471805599454],
        {"x": [NAN, NAN, 0.5], "y": [NAN, NAN, 0.5]},
    ),
    ("expm1_far", "torch.expm1(x)", {"x": [-INF, 800.0]}, [-1.0, INF], {"x": [0.0, INF]}),
    (
        "tan_pole",
        "torch.tan(x)",
        {"x": [1.5707963267948966]},
        [1.633123935319537e16],
        {"x": [2.6670937881135714e32]},
    ),
    (
        "lerp_ends",
        "torch.lerp(x, y, 1.0)",
        {"x": [1.0, INF], "y": [3.0, 2.0]},
        [3.0, NAN],
        {"x": [0.0, 0.0], "y": [1.0, 1.0]},
    ),
    (
        "masked_fill_nan",
        "x.masked_fill(x > 0, NAN)",
        {"x": [1.0, -1.0]},
        [NAN, -1.0],
        {"x": [0.0, 1.0]},
    ),
    (
        "maximum_nan_zero",
        "torch.maximum(x, y)",
        {"x": [-0.0, 0.0, 1.0, NAN], "y": [0.0, -0.0, NAN, 1.0]},
        [-0.0, 0.0, NAN, NAN],
        {"x": [0.5, 0.5, 1.0, 1.0], "y": [0.5, 0.5, 1.0, 1.0]},
    ),
    (
        "minimum_nan_zero",
        "torch.minimum(x, y)",
        {"x": [-0.0, 0.0, 1.0, NAN], "y": [0.0, -0.0, NAN, 1.0]},
        [-0.0, 0.0, NAN, NAN],
        {"x": [0.5, 0.5, 1.0, 1.0], "y": [0.5, 0.5, 1.0, 1.0]},
    ),
    (
        "clamp_zero_sign",
        "torch.clamp(x, 0.0, 1.0)",
        {"x": [-0.0, 0.0]},
        [-0.0, 0.0],
        {"x": [1.0, 1.0]},
    ),
    (
        "clamp_nan_bound",
        "torch.clamp(x, NAN, 1.0)",
        {"x": [0.5, 2.0]},
        [NAN, NAN],
        {"x": [0.0, 0.0]},
    ),
    (
        "clamp_tensor_nan_bound",
        "torch.clamp(x, lo)",
        {"x": [0.5, 2.0], "lo": [NAN, 0.0]},
        [NAN, 2.0],
        {"x": [0.0, 1.0], "lo": [0.0, 0.0]},
    ),
    (
        "hardtanh_zero_sign",
        "F.hardtanh(x, 0.0, 1.0)",
        {"x": [-0.0, 0.0]},
        [-0.0, 0.0],
        {"x": [0.0, 0.0]},
    ),
    ("relu_nan", "torch.relu(x)", {"x": [NAN, -INF]}, [NAN, 0.0], {"x": [1.0, 0.0]}),
]


def _run_at(torch, functional, expression: str, inputs: dict):
    names = {"torch": torch, "F": functional, "NAN": NAN}
    leaves = {}
    for name, points in inputs.items():
        leaves[name] = names[name] = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    out = eval(expression, names)  # noqa: S307 - expressions of this file
    out.sum().backward()
    grads = {n: None if t.grad is None else t.grad.tolist() for n, t in leaves.items()}
    return out.detach().tolist(), grads


def _same_numbers(ours, theirs) -> None:
    a = np.asarray(ours, dtype=float)
    b = np.asarray(theirs, dtype=float)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True)
    zeros = (a == 0) & (b == 0)
    assert (np.signbit(a[zeros]) == np.signbit(b[zeros])).all(), "signs of zeros differ"


@pytest.mark.parametrize("case", KINKS, ids=[c[0] for c in KINKS])
def test_values_and_gradients_at_the_edges_are_pytorchs(case):
    _, expression, inputs, values, grads = case
    ours_values, ours_grads = _run_at(gtorch, gF, expression, inputs)
    _same_numbers(ours_values, values)
    assert ours_grads.keys() == grads.keys()
    for name in grads:
        _same_numbers(ours_grads[name], grads[name])


@pytest.mark.torch
@pytest.mark.parametrize("case", KINKS, ids=[c[0] for c in KINKS])
def test_expected_edge_values_are_pytorchs(case, torch_module):
    _, expression, inputs, values, grads = case
    theirs = _run_at(torch_module, _torch_functional(torch_module), expression, inputs)
    _same_numbers(theirs[0], values)
    for name in grads:
        _same_numbers(theirs[1][name], grads[name])


# ---- nodes without a derivative ---------------------------------------------------------------

FLOOR_DIVIDE = "derivative for aten::floor_divide is not implemented"
HEAVISIDE = "derivative for aten::heaviside is not implemented"
NO_DERIVATIVE = [
    ("x // 2", FLOOR_DIVIDE),
    ("2 // x", FLOOR_DIVIDE),
    ("x // y", FLOOR_DIVIDE),
    ("torch.floor_divide(x, 0.5)", FLOOR_DIVIDE),
    ("x.floor_divide(y)", FLOOR_DIVIDE),
    ("torch.heaviside(x, y)", HEAVISIDE),
]


def _leaves(torch):
    x = torch.tensor([1.5, -2.5, 0.0], requires_grad=True)
    y = torch.tensor([0.5, 2.0, 3.0], requires_grad=True)
    return {"torch": torch, "x": x, "y": y}


@pytest.mark.parametrize("expression, message", NO_DERIVATIVE)
def test_floor_division_and_heaviside_have_no_derivative(expression, message):
    out = eval(expression, _leaves(gtorch))  # noqa: S307 - expressions of this file
    assert out.grad_fn.name() == "torch::autograd::NotImplemented"
    assert repr(out).endswith("grad_fn=<NotImplemented>)")
    with pytest.raises(AutogradError) as info:
        out.sum().backward()
    assert (info.value.kind, info.value.message) == ("RuntimeError", message)


@pytest.mark.torch
@pytest.mark.parametrize("expression, message", NO_DERIVATIVE)
def test_no_derivative_messages_are_pytorchs(expression, message, torch_module):
    out = eval(expression, _leaves(torch_module))  # noqa: S307 - expressions of this file
    assert out.grad_fn.name() == "torch::autograd::NotImplemented"
    assert repr(out).endswith("grad_fn=<NotImplemented>)")
    with pytest.raises(RuntimeError) as info:
        out.sum().backward()
    assert str(info.value) == message


@pytest.mark.parametrize(
    "method", ["asinh_", "arcsinh_", "acosh_", "arccosh_", "atanh_", "arctanh_"]
)
def test_in_place_inverse_hyperbolics_have_no_derivative(method):
    function = method.removeprefix("arc").removeprefix("a").rstrip("_")  # sinh, cosh, tanh
    x = gtorch.tensor([0.25, 0.5], requires_grad=True)
    h = x * 4
    getattr(h, method)()
    assert h.grad_fn.name() == f"A{function}Backward1"
    with pytest.raises(AutogradError) as info:
        h.sum().backward()
    assert info.value.kind == "NotImplementedError"
    assert info.value.message == (
        f"the derivative for 'inplace version of a{function}' is not implemented."
    )


@pytest.mark.torch
def test_in_place_asinh_message_is_pytorchs(torch_module):
    h = torch_module.tensor([0.25, 0.5], requires_grad=True) * 4
    h.arcsinh_()
    assert h.grad_fn.name() == "AsinhBackward1"
    with pytest.raises(NotImplementedError) as info:
        h.sum().backward()
    assert str(info.value) == "the derivative for 'inplace version of asinh' is not implemented."


# PyTorch's hardsigmoid backward multiplies by a single-precision 1/6, also in float64.
HARDSIGMOID_POINTS = [-4.0, -3.0, -1.0, 0.0, 2.5, 3.0, 4.0]
HARDSIGMOID_GRAD = [0.0, 0.0, 0.1666666716337204, 0.1666666716337204, 0.1666666716337204, 0.0, 0.0]


def _hardsigmoid_gradient(torch, functional, grad):
    x = torch.tensor(HARDSIGMOID_POINTS, dtype=torch.float64, requires_grad=True)
    (g,) = grad(functional.hardsigmoid(x).sum(), [x], create_graph=True)
    return x, g


def test_hardsigmoid_gradient_and_missing_second_derivative():
    x, g = _hardsigmoid_gradient(gtorch, gF, autograd_grad)
    assert g.tolist() == HARDSIGMOID_GRAD
    assert g.grad_fn.name() == "torch::autograd::NotImplemented"
    with pytest.raises(AutogradError) as info:
        g.sum().backward()
    assert info.value.message == "derivative for aten::hardsigmoid_backward is not implemented"


@pytest.mark.torch
def test_hardsigmoid_expectations_are_pytorchs(torch_module):
    functional = _torch_functional(torch_module)
    x, g = _hardsigmoid_gradient(torch_module, functional, torch_module.autograd.grad)
    assert g.tolist() == HARDSIGMOID_GRAD
    with pytest.raises(RuntimeError) as info:
        g.sum().backward()
    assert str(info.value) == "derivative for aten::hardsigmoid_backward is not implemented"


LEAKY_IN_PLACE = (
    "In-place leakyReLu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead. File an issue at "
    "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
    "backward calculation with negative slope"
)
ELU_IN_PLACE = (
    "In-place elu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead."
)
NEGATIVE_SLOPES = [
    ("F.leaky_relu(x * 1, -0.5, inplace=True)", "LeakyReluBackward1", LEAKY_IN_PLACE),
    ("F.leaky_relu_(x * 1, -0.5)", "LeakyReluBackward1", LEAKY_IN_PLACE),
    ("F.elu(x * 1, alpha=-1.0, inplace=True)", "EluBackward1", ELU_IN_PLACE),
    ("F.celu(x * 1, alpha=-2.0, inplace=True)", "CeluBackward1", ELU_IN_PLACE),
]


@pytest.mark.parametrize("expression, node, message", NEGATIVE_SLOPES)
def test_in_place_activation_with_a_negative_slope_cannot_backward(expression, node, message):
    x = gtorch.tensor([0.5, -1.5], requires_grad=True)
    out = eval(expression, {"F": gF, "x": x})  # noqa: S307 - expressions of this file
    assert out.grad_fn.name() == node
    with pytest.raises(AutogradError) as info:
        out.sum().backward()
    assert info.value.message == message


@pytest.mark.torch
@pytest.mark.parametrize("expression, node, message", NEGATIVE_SLOPES)
def test_negative_slope_messages_are_pytorchs(expression, node, message, torch_module):
    x = torch_module.tensor([0.5, -1.5], requires_grad=True)
    names = {"F": _torch_functional(torch_module), "x": x}
    out = eval(expression, names)  # noqa: S307 - expressions of this file
    assert out.grad_fn.name() == node
    with pytest.raises(RuntimeError) as info:
        out.sum().backward()
    assert str(info.value) == message


def test_in_place_activations_refuse_a_leaf_that_requires_grad():
    x = gtorch.tensor([0.5, -1.5], requires_grad=True)
    with pytest.raises(AutogradError) as info:
        gF.relu(x, inplace=True)
    assert info.value.message == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )


# ---- spellings --------------------------------------------------------------------------------


def test_sgn_has_a_zero_gradient():
    x = gtorch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    out = gtorch.sgn(x)
    assert out.grad_fn.name() == "SgnBackward0"
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_positive_is_the_tensor_itself():
    x = gtorch.tensor([1.0, -2.0], requires_grad=True)
    assert gtorch.positive(x) is x
    assert x.positive() is x


SPECIAL = {
    "erf": "erf",
    "erfc": "erfc",
    "erfinv": "erfinv",
    "expm1": "expm1",
    "exp2": "exp2",
    "log1p": "log1p",
    "digamma": "digamma",
    "psi": "digamma",
    "gammaln": "lgamma",
    "expit": "sigmoid",
    "sinc": "sinc",
    "logit": "logit",
    "round": "round",
}


@pytest.mark.parametrize("name", sorted(SPECIAL))
def test_torch_special_spellings(name):
    x = gtorch.tensor([0.25, 0.5, 0.75], dtype=gtorch.float64, requires_grad=True)
    ours = FUNCTIONS["special"][name](x)
    same = getattr(gtorch, SPECIAL[name])(x)
    assert ours.tolist() == same.tolist()
    assert ours.grad_fn.name() == same.grad_fn.name()


def test_torch_special_two_argument_spellings():
    x = gtorch.tensor([0.25, 0.5], dtype=gtorch.float64)
    special = FUNCTIONS["special"]
    assert special["polygamma"](2, x).tolist() == gtorch.polygamma(2, x).tolist()
    assert special["xlogy"](x, 3.0).tolist() == gtorch.xlogy(x, 3.0).tolist()
