"""Issue 15, items 1-4 and 7 and the new flags, run as users run them: what was
differentiated is named (--of, "Gradients of loss", ∂loss/∂x, --wrt on intermediates), streams
that cannot encode Unicode get ASCII, narrow terminals get tensors wrapped as PyTorch wraps
them, the 1,000-element threshold, the tree's legend and compact listing, --stats,
--detect-anomaly, --no-summary, -s over a script's default, --export and --plot."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ElementTree

import pytest


def test_of_chooses_and_names_the_output(run_gradcalc):
    program = "x = [1., 2.]; loss = sum(x * x); acc = mean(x)"
    done = run_gradcalc("--no-tree", "--of", "loss", program)
    assert done.returncode == 0, done.stderr
    assert "Gradients of loss (after 1 backward call)" in done.stdout
    row = next(line for line in done.stdout.splitlines() if "x.grad" in line)
    assert "∂loss/∂x" in row and "[2., 4.]" in row
    default = run_gradcalc("--json", program)
    document = json.loads(default.stdout)
    assert document["differentiated"] == ["acc"] and document["grads"]["x"] == [0.5, 0.5]
    chosen = json.loads(run_gradcalc("--json", "--of", "loss", program).stdout)
    assert chosen["differentiated"] == ["loss"] and chosen["grads"]["x"] == [2.0, 4.0]


def test_a_warning_says_when_nothing_was_differentiated(run_gradcalc):
    done = run_gradcalc("--no-tree", "x = [0.1, 0.2]; m = sum(x * x); print(m)")
    assert done.returncode == 0
    assert "Gradients" not in done.stdout
    assert "warning: nothing was differentiated" in done.stderr and "--of m" in done.stderr


def test_wrt_takes_an_intermediate_as_autograd_grad_does(run_gradcalc):
    document = json.loads(
        run_gradcalc("--json", "--wrt", "y", "x = [1., 2.]; y = x * x; m = sum(3 * y)").stdout
    )
    assert document["ok"] is True and document["grads"] == {"y": [3.0, 3.0]}
    shown = run_gradcalc(
        "--no-tree", "--wrt", "y", "--wrt", "x", "x = [1., 2.]; y = x * x; m = sum(3 * y)"
    )
    rows = [line for line in shown.stdout.splitlines() if "∂m/∂" in line]
    # y.grad is None in PyTorch (y is not a leaf): its row is the derivative alone
    assert "│ ∂m/∂y " in rows[0] and "y.grad" not in shown.stdout and "x.grad  ∂m/∂x" in rows[1]


def test_an_unknown_wrt_is_refused_before_anything_is_drawn(run_gradcalc):
    done = run_gradcalc("--wrt", "yy", "x = [1., 2.]; y = x * x; m = sum(y)")
    assert done.returncode == 2 and done.stdout == ""
    message = " ".join(done.stderr.split())
    assert "--wrt yy: no variable named 'yy'" in message and "did you mean 'y'" in message


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_stream_that_cannot_encode_unicode_gets_ascii(run_gradcalc, encoding):
    env = {"PYTHONIOENCODING": encoding}
    done = run_gradcalc("--explain", "x = [1., 2.]; m = sum(x * x)", env=env)
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    assert "^ x  (drawn above)" in done.stdout and "dm/dx" in done.stdout
    assert "> x  [leaf]  receives" in done.stdout
    error = run_gradcalc("x = [1, 2]; y = x + [1, 2, 3]", env=env)
    assert error.returncode == 1 and error.stderr.splitlines()[0].startswith("+-")
    assert all(line[0] in "+|" for line in error.stderr.splitlines() if line)


def test_a_narrow_terminal_gets_tensors_wrapped_not_scrambled(run_gradcalc):
    program = "x = reshape(arange(15.) / 7, (3, 5)); m = (x * x).mean()"
    done = run_gradcalc(program, env={"COLUMNS": "60"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    # each row of x's value starts on its own line, indented under the first
    starts = [line for line in lines if "[0.1429, 0.2857" in line or "[0.0000, 0.1429" in line]
    assert starts, done.stdout


def test_small_tensors_are_whole_and_the_threshold_is_pytorch_s(run_gradcalc):
    done = run_gradcalc("x = [1., 2., 3.]; J = jacobian(lambda v: v * v, x)")
    assert "[[2., 0., 0.]," in done.stdout and "[0., 0., 6.]]" in done.stdout
    big = run_gradcalc("--no-tree", "x = ones(1001); m = sum(x)")
    assert "[1., 1., 1.,  ..., 1., 1., 1.]" in big.stdout
    whole = run_gradcalc("--no-tree", "--threshold", "2000", "x = ones(1001); m = sum(x)")
    assert "..." not in whole.stdout
    full = run_gradcalc("--no-tree", "--full", "x = ones(1001); m = sum(x)")
    assert "..." not in full.stdout


def test_the_tree_labels_its_grad_rows_and_explains_freed(run_gradcalc):
    done = run_gradcalc("--no-summary", "-b", "3", "-r", "x = 2.; y = x * x * x")
    out = done.stdout
    assert "grad  2." in out and ".grad 36." in out  # x*x's last pass, x's sum of three
    assert "grad: the gradient that reached this intermediate node in the last backward pass" in (
        " ".join(out.split())
    )
    freed = " ".join(run_gradcalc("--no-summary", "x = 2.; y = x * x * x").stdout.split())
    assert "[freed]: a backward pass released this node's saved values" in freed
    for kind in ("dot", "mermaid"):
        graph = run_gradcalc("--graph", kind, "x = 2.; y = x * x * x").stdout
        assert "released this node's saved values" in graph


def test_a_deep_chain_is_listed_once_per_node(run_gradcalc):
    program = "x = 0.5\ny = x\nfor i in range(40): y = sin(y)"
    out = run_gradcalc("--no-summary", "--tree", program).stdout
    assert out.startswith("Graph of y: 41 nodes, 40 deep, listed once each, inputs first")
    assert out.count("SinBackward0(") == 40 and "└──" not in out


def test_stats_per_leaf_in_the_table_and_json(run_gradcalc):
    program = "x = [1., -2., 3.]; m = sum(x * x)"
    table = run_gradcalc("--stats", "--no-tree", "--no-summary", program).stdout
    assert "Gradient statistics" in table and "7.483" in table
    stats = json.loads(run_gradcalc("--json", "--stats", program).stdout)["stats"]["x"]
    assert stats["norm"] == pytest.approx(56**0.5) and (stats["min"], stats["max"]) == (-4, 6)
    assert stats["nan"] == 0 and stats["inf"] == 0


def test_detect_anomaly_names_the_node_and_its_forward_source(run_gradcalc):
    done = run_gradcalc("--detect-anomaly", "x = [0., 1.]; y = sqrt(x); m = sum(y * 0.)")
    assert done.returncode == 1
    message = " ".join(done.stderr.split())
    assert "the backward of SqrtBackward0 (made by sqrt(x)) produced NaN" in message
    assert "<string>:1:19" in message and "input x: [0, 1]" in message


def test_no_summary_and_set_overrides_a_script_default(run_gradcalc):
    assert "Values" not in run_gradcalc("--no-summary", "x = [1.]; m = sum(x)").stdout
    done = run_gradcalc("-s", "x=5.", "x = 2.; print(x)")
    assert done.stdout.startswith("tensor(5., requires_grad=True)")


def test_export_saves_what_the_terminal_showed(run_gradcalc, tmp_path):
    for suffix in ("svg", "html"):
        done = run_gradcalc("--export", f"shown.{suffix}", "x = [1., 2.]; m = sum(x * x)")
        assert done.returncode == 0, done.stderr
        text = (tmp_path / f"shown.{suffix}").read_text(encoding="utf-8")
        if suffix == "svg":
            root = ElementTree.fromstring(text)
            assert root.tag.endswith("svg")
            assert "Gradients" in "".join(root.itertext()).replace("\xa0", " ")
        else:
            assert text.lstrip().lower().startswith("<!doctype html") and "Gradients" in text


def test_plot_in_the_terminal_and_to_files(run_gradcalc, tmp_path):
    shown = run_gradcalc("--plot", "y = tanh(x)", "--range", "-3:3", env={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    assert "y = tanh(x)" in shown.stdout and "dy/dx" in shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) <= 80
    done = run_gradcalc("--plot", "y = tanh(x)", "--plot-out", "p.svg")
    assert done.returncode == 0, done.stderr
    assert ElementTree.parse(tmp_path / "p.svg").getroot().tag.endswith("svg")
    done = run_gradcalc("--plot", "y = x * x", "--plot-out", "p.png")
    assert done.returncode == 0, done.stderr
    header = (tmp_path / "p.png").read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width > 100 and height > 100
