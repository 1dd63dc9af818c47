"""Convolutions and padding (``ops/convolution.py``, ``ops/padding.py``) where the case table
does not reach: PyTorch's messages for bad calls and the graph of ``padding='same'``."""

from __future__ import annotations

import warnings

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import torch as gtorch

W = "torch.ones(4, 2, 3, 3)"
PAD_SIZES = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)

ERROR_CASES = [
    (
        f"F.conv2d(torch.ones(1, 3, 5, 5), {W})",
        "RuntimeError",
        "Given groups=1, weight of size [4, 2, 3, 3], expected input[1, 3, 5, 5] to have 2 "
        "channels, but got 3 channels instead",
    ),
    (
        f"F.conv2d(torch.ones(5, 5), {W})",
        "RuntimeError",
        "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]",
    ),
    (
        f"F.conv2d(torch.ones(1, 2, 2, 2), {W})",
        "RuntimeError",
        "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size "
        "can't be greater than actual input size",
    ),
    (
        f"F.conv2d(I, {W}, stride=2, padding='same')",
        "RuntimeError",
        "padding='same' is not supported for strided convolutions",
    ),
    (f"F.conv2d(I, {W}, padding='foo')", "RuntimeError", "Invalid padding string: 'foo'"),
    (
        "F.conv2d(I, torch.ones(3, 1, 3, 3), groups=2)",
        "RuntimeError",
        "Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of "
        "size [[3, 1, 3, 3]] instead",
    ),
    (
        f"F.conv2d(I, {W}, torch.ones(3))",
        "RuntimeError",
        "Given weight of size [4, 2, 3, 3], expected bias to be 1-dimensional with 4 elements, "
        "but got bias of size [3] instead",
    ),
    (
        f"F.conv1d(torch.ones(1, 2, 5), {W})",
        "RuntimeError",
        "Expected 4-dimensional input for 4-dimensional weight [4, 2, 3, 3], but got "
        "3-dimensional input of size [1, 2, 5] instead",
    ),
    (f"F.conv2d(I, {W}, stride=0)", "RuntimeError", "non-positive stride is not supported"),
    (f"F.conv2d(I, {W}, padding=-1)", "RuntimeError", "negative padding is not supported"),
    (f"F.conv2d(I.double(), {W})", "RuntimeError", "expected scalar type Double but found Float"),
    (
        f"F.conv2d(I, {W}, stride=(1, 1, 1))",
        "RuntimeError",
        "expected stride to be a single integer value or a list of 2 values to match the "
        "convolution dimensions, but got stride=[1, 1, 1]",
    ),
    (
        f"F.conv_transpose2d(I, {W})",
        "RuntimeError",
        "Given transposed=1, weight of size [4, 2, 3, 3], expected input[1, 2, 5, 5] to have 4 "
        "channels, but got 2 channels instead",
    ),
    (
        "F.conv_transpose2d(I, torch.ones(2, 3, 3, 3), output_padding=2)",
        "RuntimeError",
        "output padding must be smaller than either stride or dilation, but got "
        "output_padding_height: 2 output_padding_width: 2 stride_height: 1 stride_width: 1 "
        "dilation_height: 1 dilation_width: 1",
    ),
    ("F.pad(T, (1,))", "RuntimeError", "Padding length must be divisible by 2"),
    ("F.pad(T, (1, 1), mode='foo')", "NotImplementedError", "Unrecognised padding mode foo"),
    (
        "F.pad(I, (5, 5), mode='reflect')",
        "NotImplementedError",
        "Padding size 2 is not supported for 4D input tensor.\n" + PAD_SIZES,
    ),
    (
        "F.pad(v, (1, 1), mode='reflect')",
        "NotImplementedError",
        "Padding size 2 is not supported for 1D input tensor.\n" + PAD_SIZES,
    ),
    (
        "F.pad(T, (1, 1, 1, 1, 1, 1, 1, 1, 1, 1))",
        "RuntimeError",
        "Padding length should be less than or equal to two times the input dimension but got "
        "padding length 10 and input of dimension 3",
    ),
    (
        "F.pad(T, (4, 1), mode='reflect')",
        "RuntimeError",
        "Argument #4: Padding size should be less than the corresponding input dimension, but "
        "got: padding (4, 1) at dimension 2 of input [2, 3, 4]",
    ),
    (
        "F.pad(T, (5, 1), mode='circular')",
        "RuntimeError",
        "Padding value causes wrapping around more than once.",
    ),
    ("F.pad(T, (-5, 1))", "RuntimeError", "narrow(): length must be non-negative."),
    (
        "F.pad(torch.ones(1, 0, 3), (1, 1), mode='replicate')",
        "RuntimeError",
        "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero "
        "dimensions for input, but got: [1, 0, 3]",
    ),
    (
        "F.pad(T, (1, 1), mode='reflect', value=1.0)",
        "RuntimeError",
        'Padding mode "reflect" doesn\'t take in value argument',
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def test_lopsided_same_padding_pads_the_input_first_and_warns():
    conv1d = FUNCTIONS["F"]["conv1d"]
    x = gtorch.ones(1, 2, 5, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y = conv1d(x, gtorch.ones(3, 2, 2), padding="same")
    assert [str(w.message) for w in caught] == [
        "Using padding='same' with even kernel lengths and odd dilation may require a "
        "zero-padded copy of the input be created (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)"
    ]
    assert y.shape == (1, 3, 5) and y.grad_fn.name() == "ConvolutionBackward0"
    assert y.grad_fn.next_functions[0][0].name() == "ConstantPadNdBackward0"
    assert y[0, 0].tolist() == [4.0, 4.0, 4.0, 4.0, 2.0]


def test_circular_padding_records_pytorchs_copy_slices():
    pad = FUNCTIONS["F"]["pad"]
    x = gtorch.tensor([[[1.0, 2.0, 3.0]]], requires_grad=True)
    y = pad(x, (2, 1), mode="circular")
    assert y.tolist() == [[[2.0, 3.0, 1.0, 2.0, 3.0, 1.0]]]
    assert y.grad_fn.name() == "torch::autograd::CopySlices"
    y.sum().backward()
    assert x.grad.tolist() == [[[2.0, 2.0, 2.0]]]
