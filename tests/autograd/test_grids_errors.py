"""Broadcasting, grids and the index/range constructors (``ops/grids.py``) where the case
table does not reach: PyTorch's messages for bad calls, ``broadcast_shapes`` (not a tensor),
meshgrid's warning without ``indexing``, and vander's failing backward (PyTorch's too)."""

from __future__ import annotations

import warnings

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch
from gradcalc.errors import AutogradError

ERROR_CASES = [
    ("torch.meshgrid()", "RuntimeError", "meshgrid expects a non-empty TensorList"),
    (
        "torch.meshgrid(v, v.double(), indexing='ij')",
        "RuntimeError",
        "meshgrid expects all tensors to have the same dtype",
    ),
    (
        "torch.meshgrid(v, indexing='foo')",
        "RuntimeError",
        'torch.meshgrid: indexing must be one of "xy" or "ij", but received: foo',
    ),
    (
        "torch.broadcast_to(v, (2, 4))",
        "RuntimeError",
        "The expanded size of the tensor (4) must match the existing size (3) at non-singleton "
        "dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]",
    ),
    (
        "torch.broadcast_tensors(v, x[:, :2])",
        "RuntimeError",
        "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1",
    ),
    (
        "torch.broadcast_shapes((2, 1), (3, 4))",
        "RuntimeError",
        "Attempting to broadcast a dimension of length 3 at -2! Mismatching argument at index 1 "
        "had (3, 4); but expected shape should be broadcastable to [2, 4]",
    ),
    (
        "torch.broadcast_shapes((2, -1), (3,))",
        "ValueError",
        "Attempting to broadcast a dimension with negative length!",
    ),
    ("torch.cartesian_prod(x, v)", "RuntimeError", "Expect a 1D vector, but got shape [2, 3]"),
    ("torch.cartesian_prod()", "RuntimeError", "meshgrid expects a non-empty TensorList"),
    ("torch.combinations(x)", "RuntimeError", "Expect a 1D vector, but got shape [2, 3]"),
    ("torch.combinations(v, -1)", "RuntimeError", "Expect a non-negative number, but got -1"),
    (
        "torch.block_diag(T)",
        "RuntimeError",
        "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input 0 has 3 dimensions",
    ),
    ("torch.vander(x)", "RuntimeError", "x must be a one-dimensional tensor."),
    ("torch.vander(v, -1)", "RuntimeError", "N must be non-negative."),
    ("torch.tril_indices(-1, 3)", "RuntimeError", "row must be non-negative, got-1"),
    ("torch.triu_indices(3, -2)", "RuntimeError", "col must be non-negative, got-2"),
    (
        "torch.tril_indices(3, 3, dtype=torch.float)",
        "NotImplementedError",
        "\"tril_indices\" not implemented for 'Float'",
    ),
    ("torch.logspace(0, 1, -1)", "RuntimeError", "number of steps must be non-negative"),
    (
        "torch.diagflat(v, 1.5)",
        "TypeError",
        "diagflat(): argument 'offset' (position 2) must be int, not float",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def test_broadcast_shapes_is_a_size():
    assert gtorch.broadcast_shapes((2, 1), (3,)) == (2, 3)
    assert repr(gtorch.broadcast_shapes(2, (3, 1), [1, 1, 1])) == "torch.Size([1, 3, 2])"
    assert repr(gtorch.broadcast_shapes()) == "torch.Size([])"


def test_meshgrid_without_indexing_warns_as_pytorch():
    v = gtorch.tensor([1.0, 2.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        grids = gtorch.meshgrid(v, v)
    assert [str(w.message) for w in caught] == [
        "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
        "argument. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
        "TensorShape.cpp:4215.)"
    ]
    assert grids[0].tolist() == [[1.0, 1.0], [2.0, 2.0]]


def test_vander_backward_fails_as_pytorchs():
    v = gtorch.tensor([1.0, -2.0, 0.5], requires_grad=True)
    with pytest.raises(AutogradError) as info:
        gtorch.vander(v).sum().backward()
    assert info.value.message == (
        "one of the variables needed for gradient computation has been modified by an inplace "
        "operation: [torch.FloatTensor [3, 2]], which is output 0 of AsStrided, is at version 3; "
        "expected version 2 instead. Hint: enable anomaly detection to find the operation that "
        "failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, "
        "check_nan=False)."
    )


def test_vander_promotes_to_int64():
    assert gtorch.vander(gtorch.tensor([True, False])).tolist() == [[1, 1], [0, 1]]
    assert str(gtorch.vander(gtorch.tensor([1, 2], dtype=gtorch.int32)).dtype) == "torch.int64"
