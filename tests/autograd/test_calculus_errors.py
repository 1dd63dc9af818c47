"""Differences, sample derivatives and integrals (``ops/calculus.py``) where the case table
does not reach: PyTorch's messages for bad calls, and results that are not tensors of
differentiable inputs (empty samples, integer samples)."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "torch.logcumsumexp(i, 0)",
        "NotImplementedError",
        "\"logcumsumexp_out_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.logcumsumexp(v, 1)",
        "IndexError",
        "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
    ),
    (
        "torch.diff(torch.tensor(2.))",
        "RuntimeError",
        "diff expects input to be at least one-dimensional",
    ),
    ("torch.diff(v, -1)", "RuntimeError", "order must be non-negative but got -1"),
    (
        "torch.diff(x, prepend=v)",
        "RuntimeError",
        "diff expects prepend or append to be the same dimension as input",
    ),
    (
        "torch.diff(x, dim=0, prepend=torch.ones(1, 2))",
        "RuntimeError",
        "diff expects the shape of tensor to prepend or append to match that of input except "
        "along the differencing dimension; input.size(1) = 3, but got tensor.size(1) = 2",
    ),
    (
        "torch.gradient(v, edge_order=3)",
        "RuntimeError",
        "torch.gradient only supports edge_order=1 and edge_order=2.",
    ),
    (
        "torch.gradient(torch.ones(2), edge_order=2)",
        "RuntimeError",
        "torch.gradient expected each dimension size to be at least edge_order+1",
    ),
    (
        "torch.gradient(x, spacing=[1.0])",
        "RuntimeError",
        "torch.gradient expected spacing to be unspecified, a scalar, or a list of length equal "
        "to 'self.dim() = 2', since dim argument was not given, but got a list of length 1",
    ),
    (
        "torch.gradient(x, spacing=[1.0], dim=[0, 1])",
        "RuntimeError",
        "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
        "arguments to have the same length, but got a spacing argument of length 1 and a dim "
        "argument of length 2.",
    ),
    (
        "torch.gradient(x, dim=[0, 0])",
        "RuntimeError",
        "dim 0 appears multiple times in the list of dims",
    ),
    (
        "torch.gradient(x, spacing=[torch.ones(2, 1), torch.ones(3)])",
        "RuntimeError",
        "torch.gradient expected each element of spacing to have one dimension, but got an "
        "element with 2 dimensions!",
    ),
    (
        "torch.gradient(torch.ones(3, dtype=torch.uint8))",
        "RuntimeError",
        "torch.gradient does not support uint8 input.",
    ),
    (
        "torch.trapezoid(b)",
        "RuntimeError",
        "trapezoid: received a bool input for `y`, but bool is not supported",
    ),
    (
        "torch.trapezoid(v, dx=True)",
        "RuntimeError",
        "trapezoid: Currently, we only support dx as a real number.",
    ),
    (
        "torch.trapezoid(v, torch.ones(2))",
        "RuntimeError",
        "trapezoid: There must be one `x` value for each sample point",
    ),
    (
        "torch.cumulative_trapezoid(v, torch.ones(2))",
        "RuntimeError",
        "cumulative_trapezoid: There must be one `x` value for each sample point",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def test_empty_samples_integrate_to_zeros_as_numpy():
    assert gtorch.trapezoid(gtorch.ones(3, 0)).tolist() == [0.0, 0.0, 0.0]
    assert gtorch.trapezoid(gtorch.ones(0, 3)).tolist() == []
    assert gtorch.cumulative_trapezoid(gtorch.ones(3, 0)).shape == (3, 0)


def test_integer_samples_give_float_results():
    samples = gtorch.tensor([1, 2, 4])
    assert gtorch.trapezoid(samples).item() == 4.5
    assert gtorch.cumulative_trapezoid(samples).tolist() == [1.5, 4.5]
    assert gtorch.gradient(samples)[0].tolist() == [1.0, 1.5, 2.0]
    assert str(gtorch.trapz(samples, dx=0.5).dtype) == "torch.float32"
