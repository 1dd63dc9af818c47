"""The installed ``gradcalc`` command run as a subprocess, in every mode.

Uses the ``run_gradcalc`` fixture (tests/conftest.py): NO_COLOR set, a temp XDG state and
cache directory, COLUMNS=120, cwd a temp dir.
"""

from __future__ import annotations

import json
import re

import pytest

ONE_LINER = "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))"
TUTORIAL_NAMED = "x = [[1,2,3],[4,5,6]]; y = x + 1; z = 2 * y; m = mean(z)"
FREED_MESSAGE = "Trying to backward through the graph a second time"
ESCAPE = re.compile(r"\x1b\[")
THIRD = 0.3333333333333333

TUTORIAL_SCRIPT = """\
import torch
x = torch.ones(2, 2, requires_grad=True)
print(x)
y = x + 2
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)
"""


def as_json(done) -> dict:
    assert done.stderr == ""
    return json.loads(done.stdout)


def rows(text: str, name: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(rf"│ {re.escape(name)}\s+│", line)]


# ---- one-liners -----------------------------------------------------------------------------


def test_done_when_one_liner_shows_values_gradients_and_tree(run_gradcalc):
    done = run_gradcalc(ONE_LINER)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "Values" in out and "Gradients of m (after 1 backward call)" in out
    assert "9." in rows(out, "m")[0]
    grad_rows = rows(out, "x.grad  ∂m/∂x")
    assert "[[0.3333, 0.3333, 0.3333]," in grad_rows[0]
    assert "[0.3333, 0.3333, 0.3333]]" in out
    # the tree: rooted at m, down to the leaf x
    tree = out[out.index("m = mean(2*(x+1))  MeanBackward0") :]
    assert (
        tree.index("MulBackward0")
        < tree.index("AddBackward0")
        < tree.index("x  leaf requires_grad=True")
    )
    assert not ESCAPE.search(out)


def test_done_when_tree_with_named_intermediates_reads_x_y_z_m(run_gradcalc):
    done = run_gradcalc(TUTORIAL_NAMED)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    order = [
        out.index(label)
        for label in (
            "m = mean(z)  MeanBackward0",
            "z = 2 * y  MulBackward0",
            "y = x + 1  AddBackward0",
            "x  leaf requires_grad=True",
        )
    ]
    assert order == sorted(order)
    assert "constant" in out  # the 2 and the 1


def test_done_when_second_implicit_backward_fails_with_pytorchs_message_and_hint(run_gradcalc):
    done = run_gradcalc("-b", "2", ONE_LINER)
    assert done.returncode == 1
    assert FREED_MESSAGE in " ".join(done.stderr.replace("│", " ").split())
    assert "pass --retain-graph" in done.stderr
    # the implicit backward's error points at the statement that made the output
    assert "<string>:1:24" in done.stderr and "^^^^^^^^^^^^^^^^^" in done.stderr
    assert "Traceback" not in done.stderr


def test_done_when_retain_graph_accumulates_two_thirds(run_gradcalc):
    done = run_gradcalc("--json", "-b", "2", "-r", ONE_LINER)
    document = as_json(done)
    assert done.returncode == 0
    assert document["backward_calls"] == 2
    assert document["grads"]["x"] == [[2 * THIRD] * 3] * 2
    text = run_gradcalc("-b", "2", "-r", ONE_LINER).stdout
    assert "after 2 backward calls" in text and "0.6667" in text


def test_three_retained_backward_calls_on_the_tutorial_give_one(run_gradcalc):
    document = as_json(run_gradcalc("--json", "-b", "3", "-r", ONE_LINER))
    assert document["grads"]["x"] == [[1.0] * 3] * 2


def test_forward_only(run_gradcalc):
    document = as_json(run_gradcalc("--json", "-b", "0", ONE_LINER))
    assert document["backward_calls"] == 0 and document["grads"] == {}
    assert document["values"]["m"] == 9.0


def test_program_that_differentiates_itself_gets_no_implicit_backward(run_gradcalc):
    document = as_json(run_gradcalc("--json", "-b", "3", ONE_LINER + "; m.backward()"))
    assert document["backward_calls"] == 1
    assert document["grads"]["x"] == [[THIRD] * 3] * 2


def test_set_binds_a_leaf_that_requires_grad(run_gradcalc, tmp_path):
    document = as_json(
        run_gradcalc("--json", "-s", "w=[[1,2],[3,4]]", "-s", "v=[1, 1]", "m = sum(w @ v)")
    )
    assert document["values"]["w"] == [[1.0, 2.0], [3.0, 4.0]]
    assert document["grads"] == {"w": [[1.0, 1.0], [1.0, 1.0]], "v": [[4.0, 6.0]][0]}


def test_bad_set_value_is_a_panel_pointing_into_the_value(run_gradcalc):
    done = run_gradcalc("-s", "w=[1, 2", "m = sum(w)")
    assert done.returncode == 2
    assert "--set w" in done.stderr and "[1, 2" in done.stderr and "^" in done.stderr


def test_wrt_filters_gradients(run_gradcalc):
    document = as_json(run_gradcalc("--json", "--wrt", "b", "a = [1., 2.]; b = 3.; m = sum(a * b)"))
    assert document["grads"] == {"b": 3.0}
    done = run_gradcalc("--wrt", "nope", "a = [1., 2.]; m = sum(a)")
    assert done.returncode == 2 and "nope" in done.stderr


def test_precision(run_gradcalc):
    out = run_gradcalc("--precision", "2", ONE_LINER).stdout
    assert "0.33" in out and "0.333" not in out


def test_check_reports_the_largest_error_per_leaf(run_gradcalc):
    done = run_gradcalc("--check", "-q", "a = [0.5, 1.5]; m = sum(tanh(a) * exp(a))")
    assert done.returncode == 0, done.stderr
    row = rows(done.stdout, "a")[0]
    cells = [c.strip() for c in row.split("│")]
    # leaf, index, analytic, numeric, |a - n|, relative, verdict
    assert cells[5] == "ok" or cells[7] == "ok"
    assert float(cells[5]) < 1e-6
    assert "a: ok — 2 elements checked" in done.stdout


def test_check_at_a_kink_is_not_differentiable_rather_than_a_failure(run_gradcalc):
    # relu'(0) is 0 by PyTorch's choice; the central difference there is 0.5, and the
    # one-sided ones are 0 and 1: a kink, which finite differences cannot judge
    done = run_gradcalc("--check", "-q", "x = [0., 1.]; m = sum(relu(x))")
    assert done.returncode == 0, done.stderr
    row = rows(done.stdout, "x")[0]
    cells = [c.strip() for c in row.split("│")]
    assert cells[2] == "[0]" and float(cells[3]) == 0 and abs(float(cells[4]) - 0.5) < 1e-6
    assert "kink/jump" in row
    assert "x: not differentiable" in done.stdout
    assert "not differentiable at x's values" in " ".join(done.stderr.split())
    document = json.loads(
        run_gradcalc("--json", "--check", "x = [0., 1.]; m = sum(relu(x))").stdout
    )
    assert document["ok"] is True
    assert document["check"]["x"]["status"] == "not differentiable"


def test_graph_of_a_program_without_tensors_is_a_usage_error(run_gradcalc):
    done = run_gradcalc("--graph", "dot", "print(1)")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "no graph to draw" in done.stderr and "1\n" in done.stderr


def test_explain_shows_the_chain_rule_steps(run_gradcalc):
    done = run_gradcalc("--explain", "-q", TUTORIAL_NAMED)
    assert done.returncode == 0, done.stderr
    assert "Chain rule: implicit backward 1" in done.stdout
    out = " ".join(done.stdout.split())
    assert "m = mean(z)  [MeanBackward0]" in done.stdout and "arriving ∂m/∂m = 1." in out
    assert "∂m/∂z = 1/6 for each of z's 6 elements" in out and "because m = mean(z)" in out
    document = json.loads(run_gradcalc("--json", "--explain", TUTORIAL_NAMED).stdout)
    (explained,) = document["explain"]
    first = explained["steps"][0]
    assert first["gradient"] == "∂m/∂m" and first["flows"][0]["grad"] == [[1 / 6] * 3] * 2
    assert first["flows"][0]["why"].startswith("∂m/∂z = 1/6 for each of z's 6 elements")


# ---- errors -----------------------------------------------------------------------------------


def test_evaluation_error_panel_has_the_caret_under_the_operator(run_gradcalc):
    done = run_gradcalc("x = [1, 2]; y = x + [1, 2, 3]")
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert "RuntimeError" in lines[0]  # the kind PyTorch raises for a shape mismatch
    assert any("<string>:1:19" in line for line in lines)
    source = next(i for i, line in enumerate(lines) if "| x = [1, 2]; y = x + [1, 2, 3]" in line)
    start = lines[source].index("x = [1, 2]")
    assert lines[source + 1].index("^") == start + 18
    assert "Traceback" not in done.stderr


def test_syntax_error_exits_2_with_caret(run_gradcalc):
    done = run_gradcalc("x = (1 + ")
    assert done.returncode == 2
    assert "SyntaxError" in done.stderr and "^" in done.stderr


def test_unknown_name_suggests_the_closest(run_gradcalc):
    done = run_gradcalc("x = [1., 2.]; m = meen(x)")
    assert done.returncode == 1
    assert "mean" in done.stderr


def test_markup_like_text_survives(run_gradcalc):
    done = run_gradcalc("x = [1., 2.]; b = 0; y = x[b] + w[b]")
    assert done.returncode == 1
    assert "x[b] + w[b]" in done.stderr


def test_no_colour_codes_when_not_a_terminal_even_without_no_color(run_gradcalc):
    done = run_gradcalc(ONE_LINER + "; q = x + [1, 2]", env={"NO_COLOR": ""})
    assert done.returncode == 1
    assert not ESCAPE.search(done.stdout + done.stderr)


def test_no_color_env_on_a_forced_terminal(run_gradcalc):
    forced = run_gradcalc(ONE_LINER, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert ESCAPE.search(forced.stdout)  # the check can fail: Rich does colour a terminal
    plain = run_gradcalc(ONE_LINER, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert not ESCAPE.search(plain.stdout)
    flag = run_gradcalc("--no-color", ONE_LINER, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    assert not ESCAPE.search(flag.stdout)


# ---- scripts: -f FILE, stdin, -k --------------------------------------------------------------


def test_script_file_prints_like_pytorch_and_no_tables_by_default(run_gradcalc, tmp_path):
    (tmp_path / "tutorial.py").write_text(TUTORIAL_SCRIPT)
    done = run_gradcalc("-f", "tutorial.py")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)\n"
        "tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>) "
        "tensor(27., grad_fn=<MeanBackward0>)\n"
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])\n"
    )


def test_script_summary_and_tree_on_request(run_gradcalc, tmp_path):
    (tmp_path / "tutorial.py").write_text(TUTORIAL_SCRIPT)
    out = run_gradcalc("-f", "tutorial.py", "--summary", "--tree").stdout
    assert "Values" in out and "Gradients of out (after 1 backward call)" in out
    assert "out = z.mean()  MeanBackward0" in out


def test_script_error_reports_file_line_column(run_gradcalc, tmp_path):
    (tmp_path / "bad.gc").write_text("x = [1., 2.]\nprint(x)\ny = x @ [[1., 2.]]\nprint(y)\n")
    done = run_gradcalc("-f", "bad.gc")
    assert done.returncode == 1
    assert done.stdout == "tensor([1., 2.], requires_grad=True)\n"
    assert re.search(r"bad\.gc:3:\d+", done.stderr)
    assert " 3 | y = x @ [[1., 2.]]" in done.stderr


def test_keep_going_reports_and_continues(run_gradcalc, tmp_path):
    (tmp_path / "bad.gc").write_text("x = [1., 2.]\ny = x + [1., 2., 3.]\nprint(x * 2)\n")
    stopped = run_gradcalc("-f", "bad.gc")
    assert stopped.returncode == 1 and stopped.stdout == ""
    kept = run_gradcalc("-k", "-f", "bad.gc")
    assert kept.returncode == 1
    assert "tensor([2., 4.], grad_fn=<MulBackward0>)" in kept.stdout
    assert "bad.gc:2:" in kept.stderr


def test_stdin_as_script(run_gradcalc):
    done = run_gradcalc(input="x = [1., 2.]\nm = sum(x * x)\nprint(m)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "tensor(5., grad_fn=<SumBackward0>)\n"
    dash = run_gradcalc("-f", "-", "--json", input="x = [1., 2.]\nm = sum(x * x)\n")
    assert as_json(dash)["grads"]["x"] == [2.0, 4.0]


def test_stdin_syntax_error_names_stdin(run_gradcalc):
    done = run_gradcalc(input="x = 1\ny = = 2\n")
    assert done.returncode == 2
    assert "<stdin>:2:" in done.stderr


# ---- JSON -------------------------------------------------------------------------------------


def test_json_schema(run_gradcalc):
    printed = as_json(run_gradcalc("--json", TUTORIAL_NAMED + "; print(m); m"))
    assert printed["printed"] == ["tensor(9., grad_fn=<MeanBackward0>)"] * 2
    assert printed["output"] is None  # the last statement is an expression, not an assignment
    done = run_gradcalc("--json", "print(2); " + TUTORIAL_NAMED)
    document = as_json(done)
    assert document["ok"] is True and document["output"] == "m"
    assert document["values"]["m"] == 9.0 and document["values"]["x"] == [
        [1.0, 2.0, 3.0],
        [4.0, 5.0, 6.0],
    ]
    assert document["grads"] == {"x": [[THIRD] * 3] * 2}
    assert document["backward_calls"] == 1
    assert document["printed"] == ["2"]
    assert document["errors"] == []
    graph = document["graph"]
    nodes = {n["id"]: n for n in graph["nodes"]}
    root = nodes[graph["root"]]
    assert root["name"] == "m" and root["op"] == "MeanBackward0" and root["shape"] == []
    x = next(n for n in graph["nodes"] if n["name"] == "x")
    assert x["inputs"] == [] and x["requires_grad"] is True and x["op"] is None
    assert x["grad"] == [[THIRD] * 3] * 2
    seen = set()
    for n in graph["nodes"]:  # topological: inputs before the nodes that use them
        assert set(n["inputs"]) <= seen
        seen.add(n["id"])


def test_json_error_document(run_gradcalc):
    done = run_gradcalc("--json", "x = [1, 2]; y = x + [1, 2, 3]")
    assert done.returncode == 1
    document = as_json(done)
    assert document["ok"] is False
    (error,) = document["errors"]
    assert (error["type"], error["category"]) == ("RuntimeError", "shape")
    assert error["line"] == 1 and error["column"] == 19
    assert document["values"]["x"] == [1.0, 2.0]


def test_json_non_finite_values_are_strings(run_gradcalc):
    done = run_gradcalc("--json", "-b", "0", "x = [1., 0., -1.]; y = log(x)")

    def reject(literal):
        raise AssertionError(f"bare {literal} in JSON output")

    document = json.loads(done.stdout, parse_constant=reject)
    assert document["values"]["y"] == [0.0, "-Infinity", "NaN"]


def test_json_second_backward_failure(run_gradcalc):
    done = run_gradcalc("--json", "-b", "2", ONE_LINER)
    assert done.returncode == 1
    document = as_json(done)
    assert FREED_MESSAGE in document["errors"][0]["message"]
    assert "pass --retain-graph" in document["errors"][0]["hint"]
    assert (document["errors"][0]["line"], document["errors"][0]["column"]) == (1, 24)


# ---- batch ------------------------------------------------------------------------------------

BATCH = """\
# independent programs, one per line
x = [1., 2.]; m = sum(x * x)

y = x + 1
z = (1 +
w = 3.; v = w * w
"""


def test_batch_json_lines(run_gradcalc, tmp_path):
    (tmp_path / "progs.txt").write_text(BATCH)
    done = run_gradcalc("--batch", "--json", "-f", "progs.txt")
    assert done.returncode == 2  # the worst: a syntax error
    documents = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["line"] for d in documents] == [2, 4, 5, 6]
    first, unknown, syntax, last = documents
    assert first["ok"] and first["grads"] == {"x": [2.0, 4.0]}
    assert unknown["errors"][0]["type"] == "NameError" and unknown["errors"][0]["line"] == 4
    assert "x" not in unknown["values"]  # fresh variables on every line
    assert syntax["errors"][0]["type"] == "SyntaxError" and syntax["errors"][0]["line"] == 5
    assert last["values"] == {"w": 3.0, "v": 9.0} and last["grads"] == {"w": 6.0}


def test_batch_text_mode(run_gradcalc):
    done = run_gradcalc("--batch", input=BATCH)
    assert done.returncode == 2
    assert "line 2: m = 5.   x.grad = [2., 4.]" in done.stdout
    assert "line 6: v = 9.   w.grad = 6." in done.stdout
    assert "<stdin>:4:5" in done.stderr and " 4 | y = x + 1" in done.stderr
    assert "<stdin>:5:" in done.stderr


# ---- graphs -----------------------------------------------------------------------------------


def test_graph_dot_to_stdout_holds_only_the_graph(run_gradcalc):
    done = run_gradcalc("--graph", "dot", TUTORIAL_NAMED + "; print(m)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("digraph gradcalc {") and done.stdout.rstrip().endswith("}")
    assert "MeanBackward0" in done.stdout
    assert "tensor(9., grad_fn=<MeanBackward0>)" in done.stderr  # the program's print moved


def test_graph_mermaid_and_json(run_gradcalc):
    assert run_gradcalc("--graph", "mermaid", ONE_LINER).stdout.startswith("flowchart TD")
    document = json.loads(run_gradcalc("--graph", "json", ONE_LINER).stdout)
    assert {n["op"] for n in document["nodes"]} >= {
        "MeanBackward0",
        "MulBackward0",
        "AddBackward0",
        None,
    }


@pytest.mark.parametrize(
    ("name", "head"), [("g.dot", "digraph"), ("g.mmd", "flowchart"), ("g.json", "{")]
)
def test_graph_out_by_suffix(run_gradcalc, tmp_path, name, head):
    done = run_gradcalc("-q", "--graph-out", name, ONE_LINER)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / name).read_text().startswith(head)


def test_graph_out_svg_without_graphviz(run_gradcalc, tmp_path):
    import shutil
    import sys

    env_path = str(tmp_path / "empty-bin")
    (tmp_path / "empty-bin").mkdir()
    if shutil.which("dot"):
        pytest.skip("Graphviz is installed here")
    done = run_gradcalc(
        "--graph-out",
        "g.svg",
        ONE_LINER,
        env={"PATH": env_path + ":" + str(__import__("pathlib").Path(sys.executable).parent)},
    )
    assert done.returncode == 2
    assert "'dot'" in done.stderr and "Graphviz" in done.stderr


# ---- -i: run, then the REPL (stdin piped) -----------------------------------------------------


def test_interactive_after_a_program_keeps_the_variables(run_gradcalc):
    done = run_gradcalc("-q", "-i", TUTORIAL_NAMED, input="x.grad\nm * 2\n")
    assert done.returncode == 0, done.stderr
    assert "tensor([[0.3333, 0.3333, 0.3333]," in done.stdout
    assert "tensor(18., grad_fn=<MulBackward0>)" in done.stdout


def test_interactive_after_a_file(run_gradcalc, tmp_path):
    (tmp_path / "tutorial.py").write_text(TUTORIAL_SCRIPT)
    done = run_gradcalc("-i", "-f", "tutorial.py", input="out\n:quit\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("tensor(27., grad_fn=<MeanBackward0>)\n>>> ")


def test_python_m_gradcalc(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "gradcalc", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("gradcalc ")


def test_internal_errors_never_show_a_traceback(run_gradcalc, tmp_path):
    # a directory as script file is a usage error; an unreadable program is never a traceback
    (tmp_path / "dir.py").mkdir()
    done = run_gradcalc("-f", "dir.py")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_lone_program_fast_path_matches_the_typer_path(run_gradcalc):
    fast = run_gradcalc(ONE_LINER)  # no option: Typer is not even imported
    parsed = run_gradcalc("--backward", "1", "--precision", "4", ONE_LINER)
    assert fast.returncode == parsed.returncode == 0
    assert fast.stdout == parsed.stdout and fast.stderr == parsed.stderr
