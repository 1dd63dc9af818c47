"""In-place operations: version counters, leaf refusals, views and CopySlices, detach()
against .data, each scenario against torch 2.13 (scenarios/inplace.py)."""

from __future__ import annotations

import pytest
from scenario_runner import check_live, check_stored, params

GROUP = "inplace"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)
