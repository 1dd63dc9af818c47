"""Finding and counting (``ops/searching.py``) where the case table does not reach: PyTorch's
messages for bad calls, the backward errors of ``unique_consecutive`` and weighted
``bincount``, and the Python values of ``is_nonzero``."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch
from gradcalc.errors import GradcalcError

ERROR_CASES = [
    (
        "torch.searchsorted(x, v)",
        "RuntimeError",
        "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
        "of boundaries tensor and input value tensor must match, but we got boundaries tensor "
        "[2, 3] and input value tensor [3]",
    ),
    (
        "torch.searchsorted(torch.tensor([1.,2,3]), v, side='left', right=True)",
        "RuntimeError",
        "torch.searchsorted(): side and right can't be set to opposites, got side of left while "
        "right was True",
    ),
    (
        "torch.searchsorted(torch.tensor([1.,2,3]), v, side='middle')",
        "RuntimeError",
        "torch.searchsorted(): side can only be 'left' or 'right' but got middle",
    ),
    (
        "torch.searchsorted(torch.tensor([1.,2,3]), v, sorter=torch.tensor([0, 1]))",
        "RuntimeError",
        "torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
        "tensor [3]and got sorter tensor [2]",
    ),
    (
        "torch.searchsorted(torch.tensor([1.,2,3]), v, sorter=torch.tensor([0., 1, 2]))",
        "RuntimeError",
        "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype Float",
    ),
    (
        "torch.searchsorted(torch.tensor([1.,2,3]), v, sorter=torch.tensor([0, 1, 5]))",
        "RuntimeError",
        "torch.searchsorted(): sorter index out of range",
    ),
    (
        "torch.bucketize(v, x)",
        "RuntimeError",
        "boundaries tensor must be 1 dimension, but got dim(2)",
    ),
    (
        "torch.bucketize(v, torch.tensor(1.))",
        "RuntimeError",
        "boundaries tensor must be 1 dimension, but got dim(0)",
    ),
    ("torch.bincount(x)", "NotImplementedError", "\"bincount_cpu\" not implemented for 'Float'"),
    ("torch.bincount(b)", "NotImplementedError", "\"bincount_cpu\" not implemented for 'Bool'"),
    (
        "torch.bincount(torch.tensor([0, -1]))",
        "RuntimeError",
        "bincount only supports 1-d non-negative integral inputs.",
    ),
    ("torch.bincount(i, minlength=-1)", "RuntimeError", "minlength should be >= 0"),
    (
        "torch.bincount(i, weights=torch.tensor([1.0, 2.0]))",
        "RuntimeError",
        "weights should be 1-d and have the same length as input",
    ),
    (
        "torch.histc(v, -1)",
        "RuntimeError",
        "torch.histogram(): bins must be > 0, but got -1 for dimension 0",
    ),
    ("torch.histc(v, 3, 2, 1)", "RuntimeError", "torch.histc: max must be larger than min"),
    ("torch.histc(i, 3)", "NotImplementedError", "\"histogram_cpu\" not implemented for 'Long'"),
    (
        "torch.histc(torch.tensor([1.,float('nan')]), 3)",
        "RuntimeError",
        "torch.histc: range of [-nan, -nan] is not finite",
    ),
    (
        "torch.unravel_index(torch.tensor([1.0]), (2, 3))",
        "TypeError",
        "expected 'indices' to be integer dtype, but got torch.float32",
    ),
    (
        "torch.unravel_index(torch.tensor([1]), (2, -3))",
        "ValueError",
        "'shape' cannot have negative values, but got (2, -3)",
    ),
    (
        "torch.is_nonzero(v)",
        "RuntimeError",
        "Boolean value of Tensor with more than one value is ambiguous",
    ),
    (
        "torch.is_nonzero(torch.tensor([]))",
        "RuntimeError",
        "Boolean value of Tensor with no values is ambiguous",
    ),
    (
        "torch.isin(2, 3)",
        "TypeError",
        "isin() received an invalid combination of arguments - got (int, int), but expected one "
        "of:\n * (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool "
        "invert = False, Tensor out = None)\n * (Number element, Tensor test_elements, *, bool "
        "assume_unique = False, bool invert = False, Tensor out = None)\n * (Tensor elements, "
        "Number test_element, *, bool assume_unique = False, bool invert = False, Tensor out = "
        "None)\n",
    ),
    (
        "torch.nonzero(v, as_tuple=1)",
        "TypeError",
        "nonzero(): argument 'as_tuple' must be bool, not int",
    ),
    (
        "torch.unique_consecutive(x, dim=3)",
        "IndexError",
        "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _backward_error(make) -> tuple:
    v = gtorch.tensor([0.3, 1.2, 1.2], requires_grad=True)
    out = make(v)
    with pytest.raises(GradcalcError) as info:
        out.sum().backward()
    return out.grad_fn.name(), info.value.kind, info.value.message


def test_unique_consecutive_records_a_node_whose_backward_fails():
    assert _backward_error(gtorch.unique_consecutive) == (
        "UniqueConsecutiveBackward0",
        "NotImplementedError",
        "the derivative for 'unique_consecutive' is not implemented.",
    )


def test_weighted_bincount_records_pytorchs_not_implemented_node():
    index = gtorch.tensor([0, 2, 1])
    assert _backward_error(lambda v: gtorch.bincount(index, weights=v)) == (
        "torch::autograd::NotImplemented",
        "RuntimeError",
        "derivative for aten::bincount is not implemented",
    )


def test_is_nonzero_gives_python_bools():
    assert gtorch.is_nonzero(gtorch.tensor([2.0])) is True
    assert gtorch.is_nonzero(gtorch.tensor(0)) is False


def test_nonzero_as_tuple_of_a_zero_scalar_is_one_empty_index():
    (found,) = gtorch.nonzero(gtorch.tensor(0.0), as_tuple=True)
    assert found.tolist() == [] and str(found.dtype) == "torch.int64"
