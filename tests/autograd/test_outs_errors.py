"""The ``out=`` forms of add, sub, mul and div (``ops/outs.py``): PyTorch's refusals, the
result written into ``out`` and returned, resizing with PyTorch's warning."""

from __future__ import annotations

import warnings

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch
from gradcalc.autograd.settings import no_grad

ERROR_CASES = [
    (
        "torch.add(x, 1, out=torch.zeros(2, 3))",
        "RuntimeError",
        "add(): functions with out=... arguments don't support automatic differentiation, but "
        "one of the arguments requires grad.",
    ),
    (
        "torch.mul(v, 2, out=x)",
        "RuntimeError",
        "mul(): functions with out=... arguments don't support automatic differentiation, but "
        "one of the arguments requires grad.",
    ),
    (
        "torch.add(v, 1, out=torch.zeros(3, dtype=torch.long))",
        "RuntimeError",
        "result type Float can't be cast to the desired output type Long",
    ),
    (
        "torch.div(v, 2, rounding_mode='nope', out=torch.zeros(3))",
        "RuntimeError",
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found 'nope'",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _write_into_out(torch) -> list:
    a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = torch.tensor([1.0, 2.0, 3.0])
    c = torch.zeros(2, 3)
    returned = torch.add(a, b, alpha=2, out=c)
    d = torch.zeros(3, dtype=torch.float64)
    torch.sub(b, 1, out=d)
    e = torch.empty(0)
    torch.div(a, 4, rounding_mode="floor", out=e)
    f = torch.zeros(3)
    torch.mul(b, b, out=f)
    return [returned is c, c.tolist(), c._version, str(d.dtype), d.tolist(), e.tolist(), f.tolist()]


def test_the_result_is_written_into_out():
    assert _write_into_out(gtorch) == [
        True,
        [[3.0, 6.0, 9.0], [6.0, 9.0, 12.0]],
        1,
        "torch.float64",
        [0.0, 1.0, 2.0],
        [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]],
        [1.0, 4.0, 9.0],
    ]


@pytest.mark.torch
def test_the_written_results_are_torchs(torch_module):
    assert _write_into_out(gtorch) == _write_into_out(torch_module)


def test_an_out_of_another_shape_is_resized_with_pytorchs_warning():
    out = gtorch.zeros(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gtorch.add(gtorch.ones(2, 2), 1, out=out)
    assert out.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    assert [str(w.message) for w in caught] == [
        "An output with one or more elements was resized since it had shape [3], which does "
        "not match the required output shape [2, 2]. This behavior is deprecated, and in a "
        "future PyTorch release outputs will not be resized unless they have zero elements. "
        "You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
        "with t.resize_(0). (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)"
    ]


def test_under_no_grad_a_leaf_that_requires_grad_can_be_out():
    leaf = gtorch.ones(3, requires_grad=True)
    with no_grad():
        gtorch.add(leaf, 1, out=leaf)
    assert leaf.tolist() == [2.0, 2.0, 2.0] and leaf.grad_fn is None and leaf.requires_grad
