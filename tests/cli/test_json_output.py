"""``--json`` in every failure and at every size: one valid document on stdout, the right exit
code, and a bounded size (issue 14's "--json breaks on big or odd output")."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gradcalc.cli.app import app
from gradcalc.cli.evaluation import Outcome
from gradcalc.errors import InternalError, Span
from gradcalc.interpreter.results import RunResult, StatementResult

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"NO_COLOR": "1", "COLUMNS": "200"})


def one_document(stdout: str) -> dict:
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout[:2000]
    return json.loads(lines[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bogus", "x = 1"], "No such option: --bogus"),
        (["-b", "abc", "x = 1"], "Input should be a valid integer"),
        (["-b", "1001", "x = 1"], "less than or equal to 1000"),
        (["-b", "1" + "0" * 40, "x = 1"], "less than or equal to 1000"),
        (["--seed", "-5", "x = 1"], "greater than or equal to 0"),
        (["--seed", "9" * 40, "x = 1"], "less than or equal to 18446744073709551615"),
        (["--dtype", "float16", "x = 1"], "'float16' is not one of"),
        (["--precision", "99", "x = 1"], "less than or equal to 17"),
        (["--max-steps", "0", "x = 1"], "greater than or equal to 1"),
        (["--max-depth", "100000", "x = 1"], "less than or equal to 2000"),
        (["--max-elements", "-3", "x = 1"], "greater than or equal to 1"),
        (["--max-work", "9" * 40, "x = 1"], "less than or equal to"),
        (["--json-max-elements", "-1", "x = 1"], "greater than or equal to"),
        (["--timeout", "nan", "x = 1"], "--timeout must be a positive number of seconds"),
        (["--timeout", "-1", "x = 1"], "--timeout must be a positive number of seconds"),
        (["--timeout", "1e400", "x = 1"], "--timeout must be a positive number of seconds"),
        (["--timeout", "soon", "x = 1"], "--timeout expects a number of seconds"),
        (["--timeout", "1e9", "x = 1"], "--timeout '1e9' is too long"),
        (["--max-file-bytes", "-5", "x = 1"], "--max-file-bytes expects a size in bytes"),
        (["--max-file-bytes", "9" * 40, "x = 1"], "--max-file-bytes expects a size in bytes"),
        (["--max-program-bytes", "0", "x = 1"], "--max-program-bytes must be at least 1 byte"),
        (["--max-memory", "lots", "x = 1"], "--max-memory expects a size in bytes"),
        (["--max-memory", "100M", "x = 1"], "--max-memory 100M is too small"),
        (["--allow-read", "no/such/dir", "x = 1"], "--allow-read no/such/dir: no such file"),
        (["--json-max-elements"], "requires an argument"),
    ],
)
def test_every_bad_option_is_one_json_document_and_exit_2(args, message):
    result = invoke("--json", *args)
    assert result.exit_code == 2, result.output
    document = one_document(result.stdout)
    assert document["ok"] is False
    (error,) = document["errors"]
    assert (error["type"], error["category"]) == ("UsageError", "usage")
    assert message in error["message"]
    assert result.stderr == ""


def test_without_json_a_bad_option_is_typers_panel():
    result = invoke("--seed", "-5", "x = 1")
    assert result.exit_code == 2
    assert result.stdout == "" and "greater than or equal to 0" in result.stderr


def test_json_after_a_double_dash_is_the_program_not_the_option():
    result = invoke("--bogus", "--", "--json")
    assert result.exit_code == 2 and result.stdout == ""


def test_json_wrt_an_unknown_name_exits_2():
    result = invoke("--json", "--wrt", "nope", "a = [1., 2.]; m = sum(a)")
    assert result.exit_code == 2
    document = one_document(result.stdout)
    assert document["ok"] is False
    assert document["errors"][0]["type"] == "UsageError"
    assert "nope" in document["errors"][0]["message"]
    assert document["values"]["m"] == 3.0  # the program ran: its values are still there


def test_a_large_tensor_is_written_as_a_summary():
    result = invoke("--json", "x = ones(3000, 3000); m = mean(x)")
    assert result.exit_code == 0, result.output
    assert len(result.stdout) < 20_000  # 9 million numbers would be 20 MB and more
    document = one_document(result.stdout)
    summary = document["values"]["x"]
    assert set(summary) == {"shape", "dtype", "summary", "truncated"}
    assert (summary["shape"], summary["dtype"], summary["truncated"]) == (
        [3000, 3000],
        "float64",
        True,
    )
    assert summary["summary"].startswith("[[1., ") and "..." in summary["summary"]
    assert document["grads"]["x"]["truncated"] is True
    assert document["values"]["m"] == 1.0
    x_node = next(n for n in document["graph"]["nodes"] if n["name"] == "x")
    assert x_node["value"]["truncated"] is True and x_node["grad"]["truncated"] is True


def test_json_max_elements_sets_the_bound_per_tensor():
    program = "x = [1., 2., 3., 4.]; y = [1., 2.]; m = sum(x) + sum(y)"
    document = one_document(invoke("--json", "--json-max-elements", "3", program).stdout)
    assert document["values"]["x"]["truncated"] is True
    assert document["values"]["x"]["summary"] == "[1., 2., 3., 4.]"
    assert document["values"]["y"] == [1.0, 2.0]
    everything = one_document(invoke("--json", "--json-max-elements", "0", program).stdout)
    assert everything["values"]["m"]["truncated"] is True  # even a scalar is one number


def test_the_whole_document_is_bounded_too():
    # 150 tensors of 100 numbers with a bound of 100 a tensor: 15,000 numbers, over the
    # document's 100 x 100 = 10,000; those past the budget are summaries
    program = "; ".join(f"a{i} = ones(100)" for i in range(150))
    document = one_document(
        invoke("--json", "-b", "0", "--json-max-elements", "100", program).stdout
    )
    values = document["values"]
    written = [name for name, v in values.items() if isinstance(v, list)]
    summarised = [name for name, v in values.items() if isinstance(v, dict)]
    assert len(written) + len(summarised) == 150
    assert 0 < len(written) <= 100 and summarised


def test_a_long_graph_keeps_the_nodes_nearest_the_output():
    program = "x = [1.]; " + "; ".join(
        f"y{i} = {'x' if i == 0 else f'y{i - 1}'} * 2" for i in range(40)
    )
    document = one_document(
        invoke("--json", "--json-max-elements", "10", program + "; m = sum(y39)").stdout
    )
    graph = document["graph"]
    assert graph["truncated"] is True and graph["total_nodes"] > 40
    assert len(graph["nodes"]) == 10
    assert graph["nodes"][-1]["id"] == graph["root"] and graph["nodes"][-1]["name"] == "m"


def test_lone_surrogates_are_escaped(run_gradcalc):
    done = run_gradcalc("--json", "print('\\ud800'); s = 'a\\udfffb'")
    assert done.returncode == 0, done.stderr
    assert "\\ud800" in done.stdout  # the escape, not the character (not UTF-8 encodable)
    document = json.loads(done.stdout)
    assert document["printed"] == ["\ud800"] and document["values"]["s"] == "a\udfffb"
    plain = run_gradcalc("print('\\ud800')")  # and without --json: escaped, not a crash
    assert plain.returncode == 0 and plain.stdout == "\\ud800\n"


def test_float32_numbers_are_written_as_their_shortest_repr():
    program = "import torch; w = torch.tensor([0.8, 0.1], requires_grad=True); m = (w * 3).sum()"
    document = one_document(invoke("--json", program).stdout)
    assert document["values"]["w"] == [0.8, 0.1]
    assert document["values"]["m"] == 2.7  # float32(2.7) is the sum, shown as print shows it


def test_a_tensor_over_the_element_limit_is_an_error_with_a_position():
    result = invoke("--json", "x = ones(10000, 10000)")
    assert result.exit_code == 1
    (error,) = one_document(result.stdout)["errors"]
    assert error["type"] == "LimitError" and (error["line"], error["column"]) == (1, 5)


def test_batch_json_option_errors_are_one_document():
    result = invoke("--batch", "--json", "--timeout", "0", "-")
    assert result.exit_code == 2
    assert one_document(result.stdout)["errors"][0]["type"] == "UsageError"


def test_an_internal_error_exits_70_with_a_document(monkeypatch):
    import gradcalc.cli.runner as runner_module

    def broken(options):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner_module, "execute", broken)
    result = invoke("--json", "x = 1")
    assert result.exit_code == 70
    (error,) = one_document(result.stdout)["errors"]
    assert (error["type"], error["message"]) == ("InternalError", "RuntimeError: boom")


def test_an_internal_error_in_a_statement_is_exit_70():
    span = Span(1, 1, 1, 6, 0, 5)
    result = RunResult(source="x = 1", filename="<string>")
    result.statements.append(
        StatementResult(0, span, "x = 1", error=InternalError("KeyError: 'x'", span=span))
    )
    assert Outcome(result=result).exit_code() == 70
