"""The scripts in examples/ run through the installed command and give their known results."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def floats(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]\d+)?", text)]


def test_tutorial_prints_pytorchs_output_and_reports_both_failures(run_gradcalc):
    result = run_gradcalc("-k", "-f", str(EXAMPLES / "autograd_tutorial.py"))
    assert result.returncode == 1  # two statements fail on purpose
    assert result.stdout.startswith(
        "tensor([[1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)\n"
    )
    assert "tensor(4., grad_fn=<MeanBackward0>)" in result.stdout
    assert result.stdout.rstrip().endswith(
        "tensor([[0.6667, 0.6667, 0.6667],\n        [0.6667, 0.6667, 0.6667]])"
    )
    assert "autograd_tutorial.py:26:1" in result.stderr
    assert "grad can be implicitly created only for scalar outputs" in result.stderr
    assert "autograd_tutorial.py:29:1" in result.stderr
    assert "Trying to backward through the graph a second time" in result.stderr


def test_micrograd_tests_give_micrograds_numbers(run_gradcalc):
    result = run_gradcalc("-f", str(EXAMPLES / "micrograd_tests.gc"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[-3:] == ["24.70408163265306", "138.83381924198252", "645.5772594752186"]


def test_neural_layer_step_lowers_the_loss(run_gradcalc):
    result = run_gradcalc("-f", str(EXAMPLES / "neural_layer.py"))
    assert result.returncode == 0, result.stderr
    losses = re.findall(r"tensor\(([\d.]+), grad_fn=<MseLossBackward0>\)", result.stdout)
    assert len(losses) == 2
    assert float(losses[1]) < float(losses[0])


def test_hessian_example(run_gradcalc):
    result = run_gradcalc("-f", str(EXAMPLES / "hessian.gc"))
    assert result.returncode == 0, result.stderr
    values = floats(result.stdout)
    assert values[:3] == [5.0, 13.0, 27.0]  # 3x**2 + (x1, x0, 0) at x = (1, 2, 3)
    assert values[3:12] == [6.0, 1.0, 0.0, 1.0, 12.0, 0.0, 0.0, 0.0, 18.0]
    assert values[12:] == [6.0, 1.0, 0.0]


SGD_STEP_OUTPUT = """\
tensor(4.9600, grad_fn=<MeanBackward0>)
tensor(0.7165, grad_fn=<MeanBackward0>)
tensor([[0.3098],
        [0.0645]], requires_grad=True)
tensor([0.5547], requires_grad=True)
True True
"""


def test_sgd_step_updates_the_leaves_in_no_grad_blocks(run_gradcalc):
    result = run_gradcalc("-f", str(EXAMPLES / "sgd_step.py"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warning: the updates are in place, as in PyTorch
    assert result.stdout == SGD_STEP_OUTPUT


def test_sgd_step_prints_what_pytorch_prints(torch_module):
    import subprocess
    import sys

    script = EXAMPLES / "sgd_step.py"
    python = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert python.stdout == SGD_STEP_OUTPUT
