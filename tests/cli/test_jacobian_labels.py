"""Jacobians and Hessians shown as labelled matrices under the Values table, and labelled in
``--json`` (issue 15, "Plots": ∂yᵢ/∂xⱼ). Run as users run the command, in a subprocess."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rich.cells import cell_len

from gradcalc.cli.matrixview import labelled
from gradcalc.interpreter.results import DerivativeOrigin

JACOBIAN = "x = tensor([1., 2., 3.]); J = torch.autograd.functional.jacobian(lambda v: v * v, x)"
TWO_OUTPUTS = (
    "x = tensor([1., 2., 3.])\ndef f(v):\n    return stack([sum(v), prod(v)])\nJ = jacobian(f, x)"
)
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
WIDE = "x = arange(1., 13.); J = jacobian(lambda v: v[:3] * sum(v), x)"


def matrix(stdout: str, heading: str) -> tuple[list[str], dict[str, list[float]]]:
    """(the column labels, row label -> numbers) of the labelled matrix under ``heading``,
    joining the column blocks a narrow terminal splits it into."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    columns: list[str] = []
    rows: dict[str, list[float]] = {}
    for line in lines[start + 1 :]:
        if not line or line[0] not in "┃│|":
            if line.startswith(("columns", "┏", "┡", "└", "+", "┗")):
                continue
            break
        cells = [c.strip() for c in line.strip("┃│|").replace("┃", "│").split("│")]
        if len(cells) == 1:  # an ASCII table's inner bars are '|' too
            cells = [c.strip() for c in line.strip("|").split("|")]
        if line[0] == "┃" or not cells[0]:
            columns += cells[1:]
        elif not set(cells[0]) <= set("-+"):
            rows.setdefault(cells[0], []).extend(float(c) for c in cells[1:])
    return columns, rows


def test_an_elementwise_function_of_a_3_vector_is_a_labelled_3x3(run_gradcalc):
    done = run_gradcalc("--no-tree", JACOBIAN)
    assert done.returncode == 0, done.stderr
    assert "[[2., 0., 0.]," in done.stdout  # the Values table's row is still there
    columns, rows = matrix(done.stdout, "J = ∂y/∂x (Jacobian, 3×3)")
    assert columns == ["∂x₀", "∂x₁", "∂x₂"]
    assert rows == {"∂y₀": [2, 0, 0], "∂y₁": [0, 4, 0], "∂y₂": [0, 0, 6]}


def test_two_outputs_of_a_3_vector_make_a_2x3_named_after_the_function(run_gradcalc):
    done = run_gradcalc("--no-tree", TWO_OUTPUTS)
    assert done.returncode == 0, done.stderr
    columns, rows = matrix(done.stdout, "J = ∂f/∂x (Jacobian, 2×3)")
    assert columns == ["∂x₀", "∂x₁", "∂x₂"]
    assert rows == {"∂f₀": [1, 1, 1], "∂f₁": [6, 3, 2]}  # d(x0 x1 x2)/dxj


def test_a_hessian_of_a_sum_of_cubes_is_labelled_d2(run_gradcalc):
    done = run_gradcalc(
        "--no-tree", "x = tensor([1., 2., 3.]); H = hessian(lambda v: sum(v ** 3), x)"
    )
    assert done.returncode == 0, done.stderr
    columns, rows = matrix(done.stdout, "H = ∂²f/∂xᵢ∂xⱼ (Hessian, 3×3)")
    assert columns == ["∂x₀", "∂x₁", "∂x₂"]
    assert rows == {"∂x₀": [6, 0, 0], "∂x₁": [0, 12, 0], "∂x₂": [0, 0, 18]}


def test_multi_dimensional_outputs_and_inputs_are_named_by_multi_index(run_gradcalc):
    done = run_gradcalc(
        "--no-tree", "x = tensor([[1., 2.], [3., 4.]]); J = jacobian(lambda v: v.sum(0) * 2, x)"
    )
    columns, rows = matrix(done.stdout, "J = ∂y/∂x (Jacobian, 2×4)")
    assert columns == ["∂x[0,0]", "∂x[0,1]", "∂x[1,0]", "∂x[1,1]"]
    assert rows == {"∂y₀": [2, 0, 2, 0], "∂y₁": [0, 2, 0, 2]}


def test_an_ascii_stream_gets_ascii_labels(run_gradcalc):
    done = run_gradcalc("--no-tree", JACOBIAN, env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    done.stdout.encode("ascii")
    columns, rows = matrix(done.stdout, "J = dy/dx (Jacobian, 3x3)")
    assert columns == ["dx[0]", "dx[1]", "dx[2]"]
    assert rows == {"dy[0]": [2, 0, 0], "dy[1]": [0, 4, 0], "dy[2]": [0, 0, 6]}
    hessian = run_gradcalc(
        "--no-tree",
        "x = tensor([1., 2.]); H = hessian(lambda v: sum(v ** 3), x)",
        env={"PYTHONIOENCODING": "ascii"},
    )
    assert "H = d2f/dx[i]dx[j] (Hessian, 2x2)" in hessian.stdout


@pytest.mark.parametrize("columns", [60, 120])
def test_a_3x12_fits_the_terminal_in_column_blocks_without_scrambling(run_gradcalc, columns):
    done = run_gradcalc("--no-tree", WIDE, env={"COLUMNS": str(columns)})
    assert done.returncode == 0, done.stderr
    start = done.stdout.index("J = ∂y/∂x (Jacobian, 3×12)")
    view = done.stdout[start:]
    assert max(cell_len(line) for line in view.splitlines()) <= columns
    labels, rows = matrix(done.stdout, "J = ∂y/∂x (Jacobian, 3×12)")
    x = np.arange(1.0, 13.0)
    expected = np.outer(x[:3], np.ones(12)) + np.eye(3, 12) * x.sum()
    assert labels == ["∂x" + str(j).translate(SUBSCRIPTS) for j in range(12)]
    assert list(rows) == ["∂y₀", "∂y₁", "∂y₂"]
    np.testing.assert_allclose([rows[k] for k in rows], expected)
    blocks = view.count("columns ")
    assert blocks >= 2 if columns == 60 else blocks == 0  # 120 columns hold it whole


def test_json_has_the_labels_beside_the_unchanged_values(run_gradcalc):
    done = run_gradcalc("--json", JACOBIAN)
    document = json.loads(done.stdout)
    assert document["values"]["J"] == [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]]
    assert document["derivatives"] == {
        "J": {
            "kind": "jacobian",
            "of": "y",
            "wrt": "x",
            "shape": [3, 3],
            "rows": ["∂y₀", "∂y₁", "∂y₂"],
            "cols": ["∂x₀", "∂x₁", "∂x₂"],
        }
    }
    plain = json.loads(run_gradcalc("--json", "x = tensor([1., 2.]); y = x * 2").stdout)
    assert "derivatives" not in plain


def test_a_100x100_jacobian_is_not_labelled_and_prints_as_before(run_gradcalc):
    done = run_gradcalc("--no-tree", "x = ones(100); J = jacobian(lambda v: v * 2, x)")
    same_values = run_gradcalc("--no-tree", "x = ones(100); J = 2 * eye(100)")
    assert done.returncode == 0 and same_values.returncode == 0
    assert "Jacobian" not in done.stdout and "∂" not in done.stdout
    assert done.stdout == same_values.stdout
    document = json.loads(
        run_gradcalc("--json", "x = ones(100); J = jacobian(lambda v: v * 2, x)").stdout
    )
    assert "derivatives" not in document


def test_twelve_columns_are_labelled_thirteen_are_not(run_gradcalc):
    twelve = run_gradcalc("--no-tree", "x = ones(12); J = jacobian(lambda v: v * 2, x)")
    thirteen = run_gradcalc("--no-tree", "x = ones(13); J = jacobian(lambda v: v * 2, x)")
    assert "J = ∂y/∂x (Jacobian, 12×12)" in twelve.stdout
    assert "Jacobian" not in thirteen.stdout


def test_tuple_inputs_label_each_unpacked_block(run_gradcalc):
    done = run_gradcalc(
        "--no-tree",
        "a = tensor([1., 2.]); b = tensor([3., 4., 5.]); Ja, Jb = jacobian(lambda p, q: p * sum(q), (a, b))",
    )
    assert done.returncode == 0, done.stderr
    _, rows_a = matrix(done.stdout, "Ja = ∂y/∂a (Jacobian, 2×2)")
    columns_b, rows_b = matrix(done.stdout, "Jb = ∂y/∂b (Jacobian, 2×3)")
    assert rows_a == {"∂y₀": [12, 0], "∂y₁": [0, 12]}
    assert columns_b == ["∂b₀", "∂b₁", "∂b₂"]
    assert rows_b == {"∂y₀": [1, 1, 1], "∂y₁": [2, 2, 2]}


def test_an_empty_jacobian_is_not_labelled():
    empty = DerivativeOrigin("jacobian", "y", "y", (0,), "x", (3,))
    assert not labelled(empty, np.zeros((0, 3)))
    assert labelled(DerivativeOrigin("jacobian", "y", "y", (), "x", ()), np.array(2.0))
