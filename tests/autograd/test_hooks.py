"""Hooks: tensor hooks, node pre/post hooks, retain_grad and post-accumulate hooks, their
order and the checks of what they return, against torch 2.13 (scenarios/hooks.py)."""

from __future__ import annotations

import pytest
from scenario_runner import check_live, check_stored, params

GROUP = "hooks"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)
