"""--check at points where the program is not differentiable says so instead of a bare FAIL."""

from __future__ import annotations

import json

import pytest

KINKS = (
    "interpreter: --check no longer finds kinks and jumps (check.py never fills "
    "session.check_not_smooth)"
)
REPLAY = (
    "interpreter: --check replays an SGD step without noticing that it reads .grad "
    "(session.check_reasons stays empty), so it fails without saying why"
)


def check(run_gradcalc, program: str) -> dict:
    result = run_gradcalc("--json", "--check", program)
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "program",
    [
        "x = [1.0, 2.5]; m = sum(floor(x) * x)",  # a jump at x = 1
        "x = [0.0, 2.0]; m = sum(relu(x))",  # a kink at x = 0
        "x = [1.0, 0.5]; m = sum(clamp(x, 0, 1))",  # a kink at the bound
    ],
)
@pytest.mark.xfail(strict=True, reason=KINKS)
def test_a_failure_at_a_jump_or_kink_is_explained(run_gradcalc, program):
    document = check(run_gradcalc, program)
    assert document["check"]["x"]["ok"] is False
    assert document["check"]["x"]["differentiable"] is False
    assert any("not differentiable at x's values" in w for w in document["warnings"])


@pytest.mark.parametrize(
    "program",
    ["x = [1.0, 2.0]; m = sum(x * x)", "x = [0.3, 2.0]; m = sum(exp(10 * x))"],
)
def test_smooth_programs_pass_without_the_warning(run_gradcalc, program):
    document = check(run_gradcalc, program)
    assert document["check"]["x"] == {
        "max_error": document["check"]["x"]["max_error"],
        "ok": True,
        "differentiable": True,
    }
    assert document["warnings"] == []


@pytest.mark.xfail(strict=True, reason=KINKS)
def test_the_warning_reaches_stderr(run_gradcalc):
    result = run_gradcalc("-q", "--check", "x = [0.0, 2.0]; m = sum(relu(x))")
    assert result.returncode == 1
    assert "FAIL" in result.stdout
    assert "warning: --check: the program is not differentiable at x's values" in " ".join(
        result.stderr.split()
    )


def test_a_check_failure_is_listed_among_the_errors(run_gradcalc):
    result = run_gradcalc("--json", "--check", "x = [0.0, 2.0]; m = sum(relu(x))")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["ok"] is False
    (error,) = document["errors"]
    assert (error["type"], error["category"], error["leaf"]) == ("GradientCheckError", "check", "x")
    assert "x's gradient differs from central finite differences by 5.000e-01" in error["message"]
    # a gradient that is not finite cannot be compared: still a listed failure
    result = run_gradcalc("--json", "--check", "a = [0.]; m = sum(sqrt(a))")
    assert result.returncode == 1
    (error,) = json.loads(result.stdout)["errors"]
    assert error["leaf"] == "a" and "could not compare a's gradient" in error["message"]


@pytest.mark.xfail(strict=True, reason=REPLAY)
def test_a_leaf_that_cannot_be_replayed_says_why(run_gradcalc):
    # a compound statement cannot follow ';' (as in Python): the block is on its own line
    program = "w = [1., 2.]; l = sum(w * w); l.backward()\nwith torch.no_grad(): w -= 0.1 * w.grad"
    document = check(run_gradcalc, program)
    assert document["check"]["w"]["ok"] is False
    (warning,) = document["warnings"]
    assert warning.startswith("--check could not check w: replaying the program with w nudged")
    assert "SGD step" in warning
