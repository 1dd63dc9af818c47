"""Pooling (``ops/pooling.py``, ``ops/pooling_forms.py``) where the case table does not
reach: PyTorch's messages for bad calls, and the tuples the ``return_indices`` forms give."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "F.max_pool2d(I, 7)",
        "RuntimeError",
        "Given input size: (2x5x5). Calculated output size: (2x0x0). Output size is too small",
    ),
    (
        "F.max_pool2d(I, 2, padding=2)",
        "RuntimeError",
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
        "dilation=1",
    ),
    (
        "F.avg_pool2d(I, 2, padding=2)",
        "RuntimeError",
        "pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and "
        "dilation=1",
    ),
    (
        "F.avg_pool2d(I, 7)",
        "RuntimeError",
        "Given input size: (2x5x5). Calculated output size: (2x0x0). Output size is too small",
    ),
    ("F.max_pool2d(I, 2, stride=0)", "RuntimeError", "stride should not be zero"),
    (
        "F.max_pool2d(v, 2)",
        "RuntimeError",
        "non-empty 3D or 4D (batch mode) tensor expected for input",
    ),
    (
        "F.adaptive_avg_pool2d(v, 2)",
        "RuntimeError",
        "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got [3]",
    ),
    (
        "F.adaptive_avg_pool2d(I, (2, 2, 2))",
        "RuntimeError",
        "adaptive_avg_pool2d: output_size must be 2",
    ),
    (
        "F.max_pool2d(I, (2, 2, 2))",
        "RuntimeError",
        "max_pool2d: kernel_size must either be a single int, or a tuple of two ints",
    ),
    (
        "F.max_pool1d(I, 2)",
        "RuntimeError",
        "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for "
        "input, but got:[1, 2, 5, 5]",
    ),
    (
        "F.avg_pool1d(I, 2)",
        "RuntimeError",
        "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while "
        "checking arguments for avg_pool1d)",
    ),
    (
        "F.max_pool2d(I, 2, dilation=0)",
        "RuntimeError",
        "dilation should be greater than zero, but got dilationH: 0 dilationW: 0",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def test_return_indices_gives_values_and_flat_positions():
    x = gtorch.tensor([[[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]], requires_grad=True)
    values, indices = FUNCTIONS["F"]["max_pool2d"](x, 2, 1, return_indices=True)
    assert values.tolist() == [[[7.0, 5.0]]] and indices.tolist() == [[[3, 1]]]
    assert str(indices.dtype) == "torch.int64"
    values.sum().backward()
    assert x.grad.tolist() == [[[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]]
    pair = gtorch.adaptive_max_pool1d(gtorch.tensor([[1.0, 4.0, 2.0, 3.0]]), 2)
    assert [t.tolist() for t in pair] == [[[4.0, 3.0]], [[1, 3]]]
