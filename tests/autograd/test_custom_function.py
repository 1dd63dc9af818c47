"""Custom autograd Functions: ctx, saved tensors, dirty and non-differentiable outputs,
the checks of what backward returns, against torch 2.13 (scenarios/custom_function.py)."""

from __future__ import annotations

import pytest
from scenario_runner import check_live, check_stored, params

GROUP = "custom_function"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)
