"""Normalization layers (``ops/normalization.py``) where the case table does not reach:
PyTorch's messages for bad calls, the running statistics, and the statistics outputs."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "F.layer_norm(T, (3,))",
        "RuntimeError",
        "Given normalized_shape=[3], expected input with shape [*, 3], but got input of "
        "size[2, 3, 4]",
    ),
    (
        "F.layer_norm(T, (4,), torch.ones(3))",
        "RuntimeError",
        "Expected weight to be of same shape as normalized_shape, but got weight of shape [3] "
        "and normalized_shape = [4]",
    ),
    (
        "F.rms_norm(T, (2, 3))",
        "RuntimeError",
        "Given normalized_shape=[2, 3], expected input with shape [*2, 3], but got input of "
        "size[2, 3, 4]",
    ),
    (
        "F.batch_norm(x, torch.zeros(2), torch.ones(3))",
        "RuntimeError",
        "running_mean should contain 3 elements not 2",
    ),
    (
        "F.batch_norm(x[:1], None, None, training=True)",
        "ValueError",
        "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])",
    ),
    (
        "F.batch_norm(x, None, None)",
        "RuntimeError",
        "running_mean must be defined in evaluation mode",
    ),
    (
        "F.batch_norm(x, None, None, torch.ones(2), training=True)",
        "RuntimeError",
        "weight should contain 3 elements not 2",
    ),
    (
        "F.group_norm(T, 2, torch.ones(3))",
        "RuntimeError",
        "Expected number of channels in input to be divisible by num_groups, but got input of "
        "shape [2, 3, 4] and num_groups=2",
    ),
    (
        "F.group_norm(v, 1)",
        "RuntimeError",
        "Expected at least 2 dimensions for input tensor but received 1",
    ),
    (
        "F.instance_norm(x)",
        "ValueError",
        "Expected more than 1 spatial element when training, got input size torch.Size([2, 3])",
    ),
    (
        "F.local_response_norm(x, 2)",
        "ValueError",
        "Expected 3D or higher dimensionality                          input (got 2 dimensions)",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _running_statistics(torch, functional) -> list:
    x = torch.tensor([[1.0, 2.0], [3.0, 6.0], [5.0, 1.0]])
    mean, var = torch.zeros(2), torch.ones(2)
    functional.batch_norm(x, mean, var, training=True, momentum=0.5)
    stats = torch.native_batch_norm(x, None, None, None, None, True, 0.1, 1e-5)
    return [
        [round(v, 5) for v in mean.tolist()],
        [round(v, 5) for v in var.tolist()],
        mean._version,
        [round(v, 5) for v in stats[1].tolist()],
        stats[1].grad_fn is None,
    ]


def test_training_updates_the_running_statistics_as_pytorch():
    assert _running_statistics(gtorch, _Functional()) == [
        [1.5, 1.5],
        [2.5, 4.0],
        0,
        [3.0, 3.0],
        True,
    ]


@pytest.mark.torch
def test_running_statistics_are_torchs(torch_module):
    import torch.nn.functional as functional

    assert _running_statistics(gtorch, _Functional()) == _running_statistics(
        torch_module, functional
    )


class _Functional:
    def __getattr__(self, name):
        return FUNCTIONS["F"][name]
