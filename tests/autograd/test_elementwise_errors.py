"""More elementwise functions and random draws (``ops/elementwise.py``, ``ops/draws.py``)
where the case table does not reach: PyTorch's messages for bad calls, seeded draws with
PyTorch's numbers, and the in-place forms."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import random
from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "torch.nextafter(torch.tensor([1, 2]), torch.tensor([3, 4]))",
        "NotImplementedError",
        "\"nextafter_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.gcd(torch.tensor([1.0]), torch.tensor([2.0]))",
        "NotImplementedError",
        "\"gcd_cpu\" not implemented for 'Float'",
    ),
    (
        "torch.lcm(torch.tensor([1.0]), torch.tensor([2.0]))",
        "NotImplementedError",
        "\"lcm_cpu\" not implemented for 'Float'",
    ),
    (
        "torch.frexp(torch.tensor([1, 2]))",
        "RuntimeError",
        "torch.frexp() only supports floating-point dtypes",
    ),
    ("torch.mvlgamma(x, 0)", "RuntimeError", "p has to be greater than or equal to 1"),
    (
        "torch.igamma(torch.tensor([1, 2]), torch.tensor([3, 4]))",
        "NotImplementedError",
        "\"igamma_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.poisson(torch.tensor([1, 2]))",
        "NotImplementedError",
        "\"poisson_cpu\" not implemented for 'Long'",
    ),
    (
        "torch.poisson(torch.tensor([-1.0]))",
        "RuntimeError",
        "invalid Poisson rate, expected rate to be non-negative",
    ),
    (
        "torch.randint_like(x, 5, 3)",
        "RuntimeError",
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=3",
    ),
    (
        "torch.tensor([1.0]).float_power_(2)",
        "RuntimeError",
        "the base given to float_power_ has dtype Float but the operation's result requires "
        "dtype Double",
    ),
    (
        "torch.fmax(x, torch.ones(4))",
        "RuntimeError",
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1",
    ),
    (
        "torch.igamma(v.abs().requires_grad_(), v.abs()).sum().backward()",
        "NotImplementedError",
        "the derivative for 'igamma: input' is not implemented.",
    ),
    (
        "torch.igammac(v.abs().requires_grad_(), v.abs()).sum().backward()",
        "NotImplementedError",
        "the derivative for 'igammac: input' is not implemented.",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _draws(torch) -> list:
    if torch is gtorch:
        random.manual_seed(0)
    else:
        torch.manual_seed(0)
    rates = torch.tensor([0.5, 4.0, 20.0, 100.0, 3.0, 0.0])
    return [
        torch.poisson(rates).tolist(),
        torch.randint_like(torch.zeros(2, 3), 10).tolist(),
        torch.randint_like(torch.zeros(4, dtype=torch.int64), 3, 10).tolist(),
    ]


# torch 2.13 after torch.manual_seed(0), printed by _draws(torch).
SEEDED_DRAWS = [
    [2.0, 5.0, 17.0, 89.0, 4.0, 0.0],
    [[2.0, 9.0, 1.0], [8.0, 8.0, 3.0]],
    [3, 8, 9, 7],
]


def test_seeded_draws_are_pytorchs_numbers():
    assert _draws(gtorch) == SEEDED_DRAWS


@pytest.mark.torch
def test_stored_draws_are_torchs(torch_module):
    assert _draws(torch_module) == SEEDED_DRAWS


def test_poisson_records_its_node_and_a_zero_gradient():
    rates = gtorch.tensor([1.0, 2.0], requires_grad=True)
    draw = gtorch.poisson(rates)
    assert draw.grad_fn.name() == "PoissonBackward0"
    draw.sum().backward()
    assert rates.grad.tolist() == [0.0, 0.0]


def test_in_place_forms_write_into_the_tensor():
    x = gtorch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    out = y.nextafter_(gtorch.tensor([2.0, 0.0]))
    assert out is y and y.grad_fn.name() == "NextafterBackward0"
    assert y.tolist() == [1.0000001192092896, 1.9999998807907104]
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    a = gtorch.tensor([4, 6])
    a.gcd_(gtorch.tensor([6, 4]))
    assert a.tolist() == [2, 2]
