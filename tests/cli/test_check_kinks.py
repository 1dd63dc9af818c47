"""--check as a gradient-check report (issue 15, item 5): per leaf the worst elements with
their analytic and numeric values, errors and index, the step and tolerances, sampling, and
a verdict that agrees with its warnings (a kink or jump is "not differentiable", not FAIL)."""

from __future__ import annotations

import json

import pytest

# A custom Function whose backward is wrong (it forgets the factor 2 of x*x): a real FAIL.
WRONG_BACKWARD = """\
import torch
class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
m = Square.apply(x).sum()
"""


def check(run_gradcalc, *args: str) -> dict:
    result = run_gradcalc("--json", "--check", *args)
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "program",
    [
        "x = [1.0, 2.5]; m = sum(floor(x) * x)",  # a jump at x = 1
        "x = [0.0, 2.0]; m = sum(relu(x))",  # a kink at x = 0
        "x = [1.0, 0.5]; m = sum(clamp(x, 0, 1))",  # a kink at the bound
    ],
)
def test_a_kink_or_jump_is_not_differentiable_not_fail(run_gradcalc, program):
    document = check(run_gradcalc, program)
    leaf = document["check"]["x"]
    assert leaf["status"] == "not differentiable"
    assert leaf["ok"] is False and leaf["differentiable"] is False
    assert document["ok"] is True and document["errors"] == []
    assert any("not differentiable at x's values" in w for w in document["warnings"])
    (worst, *_) = leaf["worst"]
    assert worst["index"] == [0] and worst["passed"] is False and worst["smooth"] is False


@pytest.mark.parametrize(
    "program",
    ["x = [1.0, 2.0]; m = sum(x * x)", "x = [0.3, 2.0]; m = sum(exp(10 * x))"],
)
def test_smooth_programs_pass_without_the_warning(run_gradcalc, program):
    document = check(run_gradcalc, program)
    leaf = document["check"]["x"]
    assert leaf["status"] == "ok" and leaf["ok"] is True and leaf["differentiable"] is True
    assert leaf["checked"] == leaf["elements"] == 2
    assert (leaf["eps"], leaf["atol"], leaf["rtol"]) == (1e-6, 1e-5, 1e-3)
    assert leaf["max_rel_error"] < 1e-3
    assert document["warnings"] == []


def test_the_warning_reaches_stderr_and_the_verdict_comes_after_the_values(run_gradcalc):
    result = run_gradcalc("--check", "x = [0.0, 2.0]; m = sum(relu(x))")
    assert result.returncode == 0
    assert "warning: --check: the program is not differentiable at x's values" in " ".join(
        result.stderr.split()
    )
    out = result.stdout
    assert out.index("Values") < out.index("Gradient check") < out.index("x: not differentiable")
    assert "FAIL" not in out


def test_a_wrong_backward_fails_with_the_worst_element(run_gradcalc, tmp_path):
    (tmp_path / "square.py").write_text(WRONG_BACKWARD)
    result = run_gradcalc("--json", "--check", "-f", "square.py")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    leaf = document["check"]["x"]
    assert leaf["status"] == "FAIL" and leaf["failed"] == 3
    worst = leaf["worst"][0]
    assert worst["index"] == [2]  # x = 3: analytic 3, numeric 6
    assert worst["analytic"] == pytest.approx(3.0) and worst["numeric"] == pytest.approx(6.0)
    assert worst["abs_error"] == pytest.approx(3.0) and worst["rel_error"] == pytest.approx(0.5)
    (error,) = document["errors"]
    assert (error["type"], error["category"], error["leaf"]) == ("GradientCheckError", "check", "x")
    assert "differs from central finite differences by 3.000e+00 at index [2]" in error["message"]
    shown = run_gradcalc("--check", "-f", "square.py", "--summary")
    assert "x: FAIL — 3 of 3 elements past the tolerance" in shown.stdout


def test_a_gradient_that_is_not_finite_is_listed(run_gradcalc):
    result = run_gradcalc("--json", "--check", "a = [0.]; m = sum(sqrt(a))")
    assert result.returncode == 1
    (error,) = json.loads(result.stdout)["errors"]
    assert error["leaf"] == "a" and "could not compare a's gradient" in error["message"]


def test_tolerances_and_step_are_options(run_gradcalc):
    program = "x = [0.5, 1.5]; m = sum(exp(x))"
    document = check(run_gradcalc, "--eps", "1e-3", "--atol", "0", "--rtol", "1e-9", program)
    leaf = document["check"]["x"]
    assert (leaf["eps"], leaf["atol"], leaf["rtol"]) == (1e-3, 0.0, 1e-9)
    assert leaf["status"] == "FAIL"  # eps**2 * f'''/6 is far past rtol 1e-9
    bad = run_gradcalc("--check", "--eps", "zero", program)
    assert bad.returncode == 2 and "--eps expects a number" in bad.stderr


def test_large_leaves_are_sampled(run_gradcalc):
    document = check(run_gradcalc, "--check-samples", "7", "x = ones(50); m = sum(x * x)")
    leaf = document["check"]["x"]
    assert (leaf["checked"], leaf["elements"], leaf["status"]) == (7, 50, "ok")
    every = check(run_gradcalc, "--check-samples", "0", "x = ones(50); m = sum(x * x)")
    assert every["check"]["x"]["checked"] == 50


def test_a_leaf_that_cannot_be_replayed_says_why(run_gradcalc):
    # a compound statement cannot follow ';' (as in Python): the block is on its own line
    program = "w = [1., 2.]; l = sum(w * w); l.backward()\nwith torch.no_grad(): w -= 0.1 * w.grad"
    document = check(run_gradcalc, program)
    assert document["check"]["w"]["ok"] is False
    assert document["check"]["w"]["status"] == "not checked"
    (warning,) = document["warnings"]
    assert warning.startswith("--check could not check w: replaying the program with w nudged")
    assert "SGD step" in warning


def test_the_replay_keeps_the_run_s_bounds_and_set_values(run_gradcalc):
    # --set values are bound in each replay too, and a float32 program is replayed in float64
    document = check(run_gradcalc, "-s", "w=[0.5, -1.0]", "m = sum(tanh(w) * w)")
    assert document["check"]["w"]["status"] == "ok"
    script = (
        "import torch\nx = torch.tensor([0.3, 0.7], requires_grad=True)\nm = (x.sin() * x).sum()"
    )
    assert check(run_gradcalc, script)["check"]["x"]["status"] == "ok"
    slow = check(
        run_gradcalc, "--max-steps", "50", "x = [1.0]; m = sum(x * x)\nfor i in range(40): pass"
    )
    assert slow["check"]["x"]["status"] == "ok"
