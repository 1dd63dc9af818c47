"""dtypes: promotion over every pair of dtypes, 0-d tensors and Python numbers, unary ops,
reductions, conversions and reprs per dtype, against torch 2.13 (scenarios/dtypes.py);
and the promotion functions themselves on their own terms."""

from __future__ import annotations

import pytest
from scenario_runner import check_live, check_stored, params

from gradcalc.autograd import dtypes

GROUP = "dtypes"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)


@pytest.mark.parametrize("a", dtypes.ALL)
@pytest.mark.parametrize("b", dtypes.ALL)
def test_promotion_is_symmetric_and_idempotent(a, b):
    assert dtypes.promote_types(a, b) is dtypes.promote_types(b, a)
    assert dtypes.promote_types(a, a) is a
    assert dtypes.promote_types(dtypes.promote_types(a, b), b) is dtypes.promote_types(a, b)


def test_names_and_aliases():
    assert dtypes.as_dtype("torch.long") is dtypes.int64
    assert dtypes.as_dtype(float) is dtypes.float64
    assert dtypes.as_dtype(bool) is dtypes.bool_
    assert [repr(d) for d in (dtypes.BY_NAME["half"], dtypes.BY_NAME["double"])] == [
        "torch.float16",
        "torch.float64",
    ]
