"""Edge cases where numpy's own wording used to reach users."""

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.errors import ValueDomainError


def test_negating_a_bool_tensor_fails_with_pytorchs_message():
    mask = ag.tensor([1.0, 3.0]) > 2
    with pytest.raises(ValueDomainError) as info:
        _ = -mask
    assert info.value.message.startswith(
        "Negation, the `-` operator, on a bool tensor is not supported."
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_tensor_is_empty(name):
    x = ag.tensor(np.zeros((0,)), requires_grad=True)
    out = getattr(ag, name)(x, dim=0)
    assert out.shape == (0,)
    out.sum().backward()
    assert x.grad.shape == (0,)


@pytest.mark.torch
def test_unused_input_message_is_pytorchs(torch_module):
    torch = torch_module
    from gradcalc.errors import AutogradError

    x = ag.tensor([1.0, 1.0], requires_grad=True)
    y = ag.tensor([1.0, 1.0], requires_grad=True)
    with pytest.raises(AutogradError) as ours:
        ag.grad((x * 2).sum(), [x, y])
    tx = torch.ones(2, requires_grad=True)
    ty = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as theirs:
        torch.autograd.grad((tx * 2).sum(), [tx, ty])
    assert ours.value.message == str(theirs.value)
