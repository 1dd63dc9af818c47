"""Every op case (``op_cases.py``) against finite differences, second derivatives, and
PyTorch 2.13: stored results always, live torch when installed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from op_cases import (
    CASES,
    FAMILIES,  # noqa: E402
    inputs_for,
)
from op_runner import run_case

from gradcalc.autograd import torch as gtorch
from gradcalc.autograd.gradcheck import gradcheck, gradgradcheck

EXPECTED = {}
for _family in FAMILIES:
    _path = Path(__file__).parent / "data" / f"op_expected_{_family}.json"
    if _path.exists():
        EXPECTED.update(json.loads(_path.read_text())["cases"])
CASES = [c[1:] for c in CASES]
IDS = [c[0] for c in CASES]
NO_SECOND_DERIVATIVE = {"div_floor", "remainder", "sign", "relu", "clamp", "clamp_min", "abs"}


def _compare(ours: dict, theirs: dict, dtype: str) -> None:
    assert ours["dtypes"] == theirs["dtypes"]
    assert ours["shapes"] == theirs["shapes"]
    assert ours["node"] == theirs["node"]
    tol = 1e-6 if dtype == "float32" or "torch.float32" in ours["dtypes"] else 1e-12
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(
            np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=tol, atol=tol
        )
    assert ours["grads"].keys() == theirs["grads"].keys()
    for name in ours["grads"]:
        a, b = ours["grads"][name], theirs["grads"][name]
        assert (a is None) == (b is None), name
        if a is not None:
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matches_stored_torch_results(case, dtype):
    case_id, expression, inputs = case
    key = f"{case_id}/{dtype}"
    assert key in EXPECTED, "run python tests/autograd/make_op_expected.py FAMILY"
    _compare(run_case(gtorch, case_id, expression, inputs, dtype), EXPECTED[key], dtype)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_live_torch(case, torch_module):
    case_id, expression, inputs = case
    theirs = run_case(torch_module, case_id, expression, inputs, "float64")
    _compare(run_case(gtorch, case_id, expression, inputs, "float64"), theirs, "float64")


def _function_of_inputs(case):
    case_id, expression, inputs = case
    made = inputs_for(case_id, inputs)
    names = [n for n, (v, rg) in made.items() if rg]
    fixed = {
        n: (gtorch.tensor(v.tolist()) if isinstance(v, np.ndarray) else v)
        for n, (v, rg) in made.items()
        if not rg
    }
    leaves = [
        gtorch.tensor(made[n][0].tolist(), dtype=gtorch.float64).requires_grad_() for n in names
    ]

    def f(*xs):
        out = eval(expression, {"torch": gtorch, **fixed, **dict(zip(names, xs))})  # noqa: S307
        return out

    return f, leaves


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradient_matches_finite_differences(case):
    f, leaves = _function_of_inputs(case)
    if not leaves or not f(*leaves).requires_grad:
        pytest.skip("no differentiable input")
    assert gradcheck(f, leaves)


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c[0] not in NO_SECOND_DERIVATIVE],
    ids=[i for i in IDS if i not in NO_SECOND_DERIVATIVE],
)
def test_second_derivative_matches_finite_differences(case):
    f, leaves = _function_of_inputs(case)
    if not leaves or not f(*leaves).requires_grad:
        pytest.skip("no differentiable input")
    assert gradgradcheck(f, leaves)
