"""The backward engine: scenarios against torch 2.13, and what only gradcalc can check
(memory kept and released, saved-value plans, run order, deep chains)."""

from __future__ import annotations

import pytest
from scenario_runner import check_live, check_stored, params

GROUP = "engine"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)
