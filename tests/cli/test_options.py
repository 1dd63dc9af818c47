"""Option parsing and the checks made before anything runs (typer.testing.CliRunner).

None of these needs the interpreter to work: they stop at usage errors, --help, --version.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gradcalc import __version__
from gradcalc.cli.app import app

runner = CliRunner()

OPTIONS = [
    "--file",
    "-f",
    "--interactive",
    "-i",
    "--set",
    "-s",
    "--batch",
    "--keep-going",
    "-k",
    "--backward",
    "-b",
    "--retain-graph",
    "-r",
    "--wrt",
    "--check",
    "--explain",
    "--seed",
    "--dtype",
    "--max-elements",
    "--max-steps",
    "--max-depth",
    "--timeout",
    "--max-work",
    "--max-program-bytes",
    "--max-file-bytes",
    "--max-memory",
    "--allow-read",
    "--json",
    "--json-max-elements",
    "--tree",
    "--no-tree",
    "--summary",
    "--graph",
    "--graph-out",
    "--precision",
    "--quiet",
    "-q",
    "--no-color",
    "--debug",
    "--version",
    "--help",
    "--install-completion",
]


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"gradcalc {__version__}\n"


def test_help_lists_every_option_and_the_examples():
    result = invoke("--help")
    assert result.exit_code == 0
    for option in OPTIONS:
        assert option in result.stdout, option
    assert "Examples:" in result.stdout
    assert "gradcalc 'x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))'" in result.stdout
    assert (
        "Exit codes: 0 success, 1 evaluation error, 2 usage or syntax error, 70 internal error."
        in result.stdout
    )
    assert invoke("-h").stdout == result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-b", "abc", "x"], "valid integer"),
        (["-b", "-1", "x"], "0"),
        (["--precision", "99", "x"], "17"),
        (["--graph", "png", "x"], "'dot'"),
        (["--dtype", "float16", "x"], "float64"),
        (["--no-such-option", "x"], "No such option"),
    ],
)
def test_bad_option_values_exit_2(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_program_and_file_together_is_a_usage_error(tmp_path):
    script = tmp_path / "s.gc"
    script.write_text("x = 1\n")
    result = invoke("-f", str(script), "x = 2")
    assert result.exit_code == 2
    assert "give either PROGRAM or -f FILE, not both" in result.stderr


def test_missing_script_file(tmp_path):
    result = invoke("-f", str(tmp_path / "nope.gc"))
    assert result.exit_code == 2
    assert "UsageError" in result.stderr and "no such file" in result.stderr
    assert result.stdout == ""


def test_missing_script_file_in_json_mode_is_a_json_document(tmp_path):
    result = invoke("--json", "-f", str(tmp_path / "nope.gc"))
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False
    assert document["errors"][0]["type"] == "UsageError"
    assert "no such file" in document["errors"][0]["message"]


def test_binary_script_file(tmp_path):
    script = tmp_path / "s.npy"
    script.write_bytes(b"\x93NUMPY\xff\xfe\x00")
    result = invoke("-f", str(script))
    assert result.exit_code == 2
    assert "not a UTF-8 text file" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--graph", "dot", "x = 1"], "--json reserves"),
        (["--batch", "-i", "x = 1"], "--batch and -i cannot be combined"),
        (["--graph-out", "g.pdf", "x = 1"], "unknown file type '.pdf'"),
        (["--set", "novalue", "x = 1"], "expected NAME=VALUE"),
    ],
)
def test_conflicting_or_bad_options(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    if "--json" in args:  # the error is in the JSON document, stdout has nothing else
        assert message in json.loads(result.stdout)["errors"][0]["message"]
    else:
        assert message in result.stderr and result.stdout == ""


def test_svg_output_without_graphviz_names_the_missing_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = invoke("--graph-out", str(tmp_path / "g.svg"), "x = 1")
    assert result.exit_code == 2
    assert "Graphviz's 'dot' program" in result.stderr and "not installed" in result.stderr


def test_version_imports_neither_numpy_nor_rich_nor_lark():
    code = (
        "import sys; sys.argv = ['gradcalc', '--version']\n"
        "from gradcalc.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('numpy', 'lark', 'rich.table', 'pydantic') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines() == [f"gradcalc {__version__}", "[]"]


def test_a_run_does_not_import_pydantic():
    code = (
        "import sys; sys.argv = ['gradcalc', '-q', '-b', '0', '--seed', '1', '--wrt', 'x', 'x = 1']\n"
        "from gradcalc.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('pydantic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "False"


def test_unexpected_exceptions_become_one_internal_error_line(monkeypatch):
    import gradcalc.cli.runner as runner_module

    def broken(options):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner_module, "execute", broken)
    result = invoke("x = 1")
    assert result.exit_code == 70  # sysexits' EX_SOFTWARE: a bug, not the user's mistake
    assert result.stderr.splitlines()[0] == "gradcalc: internal error: RuntimeError: boom"
    assert "Traceback" not in result.stderr
    debug = invoke("--debug", "x = 1")
    assert debug.exit_code == 70
    assert "Traceback (most recent call last)" in debug.stderr and "boom" in debug.stderr


def test_a_lone_program_skips_typer():
    code = (
        "import sys; sys.argv = ['gradcalc', 'x = 1']\n"
        "from gradcalc.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('typer' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "False"


def test_command_defaults_are_the_options_defaults():
    import inspect

    from gradcalc.cli.command import gradcalc
    from gradcalc.cli.options import Options

    for name, parameter in inspect.signature(gradcalc).parameters.items():
        if hasattr(Options, name) and parameter.default is not None:
            default = getattr(parameter.default, "value", parameter.default)
            assert default == getattr(Options, name), name
