"""gradcheck/gradgradcheck against torch 2.13 (scenarios/gradcheck.py), and the
finite-difference engine the interpreter's --check uses."""

from __future__ import annotations

import numpy as np
import pytest
from scenario_runner import check_live, check_stored, params
from torchlike import torch

from gradcalc.autograd.gradcheck import analytic_jacobian, numeric_jacobian

GROUP = "gradcheck"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)


def _f(x, w):
    return (x * w).tanh().sum(1), (x * x).mean()


def test_numeric_and_analytic_jacobians_agree():
    x = torch.tensor([[0.3, -0.7], [1.1, 0.4]], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([0.5, -1.5], dtype=torch.float64, requires_grad=True)
    for index in (0, 1):
        numeric = numeric_jacobian(_f, [x, w], index)
        analytic = analytic_jacobian(_f, [x, w], index)
        assert numeric.shape == analytic.shape == (3, [x, w][index].numel())
        assert np.abs(numeric - analytic).max() < 1e-8


def test_numeric_jacobian_restores_the_input_and_perturbs_only_the_given_elements():
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    before = x.tolist()
    jac = numeric_jacobian(lambda a: a * a, [x], 0, elements=[1])
    assert x.tolist() == before
    np.testing.assert_allclose(jac, [[0.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 0.0]], atol=1e-8)


def test_numeric_jacobian_of_an_expanded_input_copies_it():
    base = torch.tensor([2.0], dtype=torch.float64)
    x = base.expand(3)
    jac = numeric_jacobian(lambda a: a * 3, [x], 0)
    np.testing.assert_allclose(jac, 3 * np.eye(3), atol=1e-8)
    assert base.tolist() == [2.0]
