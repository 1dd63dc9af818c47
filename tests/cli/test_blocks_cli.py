"""Blocks (``with torch.no_grad():``, loops) and unpacking through the command: scripts,
stdin, --keep-going, --json, and the Values table."""

from __future__ import annotations

import json

import numpy as np
from rich.console import Console

from gradcalc.cli.formatting import format_value
from gradcalc.cli.tables import values_table
from gradcalc.interpreter import Session

SCRIPT = """\
import torch
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w ** 2).sum().backward()
with torch.no_grad():
    w -= 0.1 * w.grad
    w -= torch.tensor([1.0, 2.0, 3.0])
    print("not reached")
print("after", w)
"""


def test_an_error_inside_a_block_points_at_its_line_and_stops_the_program(run_gradcalc, tmp_path):
    (tmp_path / "step.py").write_text(SCRIPT)
    result = run_gradcalc("-f", "step.py")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "step.py:6:5" in result.stderr
    assert "    w -= torch.tensor([1.0, 2.0, 3.0])" in result.stderr and "^^^^" in result.stderr
    assert "Traceback" not in result.stderr


def test_keep_going_goes_on_after_the_block(run_gradcalc, tmp_path):
    (tmp_path / "step.py").write_text(SCRIPT)
    result = run_gradcalc("-k", "-f", "step.py")
    assert result.returncode == 1
    assert result.stdout == "after tensor([0.8000, 1.6000], requires_grad=True)\n"


def test_json_reports_the_block_statements_like_any_other(run_gradcalc):
    result = run_gradcalc("--json", "-k", "-f", "-", input=SCRIPT)
    document = json.loads(result.stdout)
    assert document["printed"] == ["after tensor([0.8000, 1.6000], requires_grad=True)"]
    (error,) = document["errors"]
    # kind is Python's exception name: PyTorch raises RuntimeError for a shape mismatch
    assert (error["type"], error["category"]) == ("RuntimeError", "shape")
    assert (error["line"], error["column"]) == (6, 5)
    assert document["values"]["w"] == [0.8, 1.6]  # float32, written as its shortest repr
    assert document["warnings"] == []


def test_a_tab_indented_block_from_stdin(run_gradcalc):
    program = "x = [1.0]\nwith torch.no_grad():\n\ty = x * 2\n\n\tprint(y)\nprint(x * 2)\n"
    result = run_gradcalc(input=program)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tensor([2.])\ntensor([2.], grad_fn=<MulBackward0>)\n"


def test_loops_run_from_stdin_and_a_runaway_one_stops_at_max_steps(run_gradcalc):
    # gradcalc once refused 'for'; the language now has loops (issue 11)
    result = run_gradcalc("-f", "-", input="x = [1.0]\nfor i in range(3):\n    x = x * 2\nx\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tensor([8.], grad_fn=<MulBackward0>)\n"
    result = run_gradcalc(
        "--max-steps", "1000", "-f", "-", input="n = 0\nwhile True:\n    n += 1\n"
    )
    assert result.returncode == 1
    assert "more than 1,000 steps" in result.stderr and "<stdin>:2:1" in result.stderr


def test_a_return_types_value_shows_in_the_table_as_pytorch_prints_it():
    session = Session()
    assert session.run("import torch\nx = torch.tensor([1.0, 3.0, 2.0], requires_grad=True)\n"
                       "v = x.max(dim=0)\ns = 'text'\npair = (x, 2)").ok  # fmt: skip
    values = session.values()
    assert format_value(values["v"]) == (
        "torch.return_types.max(\nvalues=tensor(3., grad_fn=<MaxBackward0>),\nindices=tensor(1))"
    )
    assert format_value(values["v"], one_line=True).startswith(
        "torch.return_types.max( values=tensor(3."
    )
    assert format_value(values["s"]) == "'text'"  # a string value keeps its quotes
    console = Console(width=100, record=True, color_system=None)
    console.print(values_table(values, 4))
    shown = console.export_text()
    assert "\\n" not in shown and "'torch.return_types" not in shown
    assert "│ v    │       │ torch.return_types.max(" in shown
    assert "values=tensor(3., grad_fn=<MaxBackward0>)," in shown
    assert "(tensor([1., 3., 2.], requires_grad=True), 2)" in shown
    np.testing.assert_array_equal(values["x"], [1.0, 3.0, 2.0])


def test_unpacking_in_a_one_liner(run_gradcalc):
    result = run_gradcalc(
        "--no-tree", "x = torch.tensor([1.0, 3.0, 2.0]); values, indices = x.max(dim=0)"
    )
    assert result.returncode == 0, result.stderr
    assert "values" in result.stdout and "indices" in result.stdout
    result = run_gradcalc("a, b, c = 1, 2")
    assert result.returncode == 1
    assert "not enough values to unpack (expected 3, got 2)" in result.stderr


def test_a_py_script_shows_only_what_python_prints(run_gradcalc, tmp_path):
    body = "x = torch.ones(2, requires_grad=True)\nx * 2\nprint(x.sum())\nx.sum()\n"
    script = tmp_path / "step.py"
    script.write_text("import torch\n" + body)
    as_python = run_gradcalc("-f", str(script))
    assert as_python.returncode == 0, as_python.stderr
    assert as_python.stdout == "tensor(2., grad_fn=<SumBackward0>)\n"
    notebook = tmp_path / "step.gc"
    notebook.write_text(body)
    as_cells = run_gradcalc("-f", str(notebook))
    assert as_cells.stdout.count("tensor(") == 3
    as_json = run_gradcalc("--json", "-f", str(script))
    assert json.loads(as_json.stdout)["printed"] == ["tensor(2., grad_fn=<SumBackward0>)"]


PYTHON_VALUES = """\
import torch
scale = 2.0
print(torch.tensor([1., 2.]) * scale)
x = torch.tensor([1., 2.], requires_grad=True)
n = 4
print(x.sum() / n)
total = 0
total += 1
print(total)
a, b = 1.0, 2.0
a, b = b, a
print(a, b)
(p, q) = (3, 4)
print(p + q)
"""


def test_numbers_in_a_py_script_stay_numbers(run_gradcalc, tmp_path):
    script = tmp_path / "values.py"
    script.write_text(PYTHON_VALUES)
    result = run_gradcalc("-f", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "tensor([2., 4.])\ntensor(0.7500, grad_fn=<DivBackward0>)\n1\n2.0 1.0\n7\n"
    )
    notebook = tmp_path / "values.gc"
    notebook.write_text(PYTHON_VALUES.replace("import torch\n", ""))
    cells = run_gradcalc("-f", str(notebook))
    # gradcalc's calculator rules: a float bound at top level (scale, and each name of
    # a, b = 1.0, 2.0) is a leaf that requires grad, ints stay ints, float64 by default
    assert cells.stdout == (
        "tensor([2., 4.], grad_fn=<MulBackward0>)\ntensor(0.7500, grad_fn=<DivBackward0>)\n"
        "1\ntensor(2., requires_grad=True) tensor(1., requires_grad=True)\n7\n"
    )


def test_a_py_script_prints_what_python_prints(run_gradcalc, tmp_path, torch_module):
    import subprocess
    import sys

    script = tmp_path / "values.py"
    script.write_text(PYTHON_VALUES)
    python = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert run_gradcalc("-f", str(script)).stdout == python.stdout
