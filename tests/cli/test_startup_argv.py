"""The command line read without Typer (``cli/argv.py``) gives exactly the options Typer
gives, and leaves to Typer every call it does not read plainly."""

from __future__ import annotations

import pytest
import typer.main
from typer.testing import CliRunner

import gradcalc.cli.app as app_module
import gradcalc.cli.guard as guard
from gradcalc.cli import argv
from gradcalc.cli.app import app
from gradcalc.cli.options import Options


def _typer_params():
    command = typer.main.get_command(app)
    leave_to_typer = ("program", "version", "install_completion", "show_completion")
    return [p for p in command.params if p.name not in leave_to_typer]


def test_the_table_has_every_option_of_the_typer_command():
    declared = {}
    for param in _typer_params():
        for name in param.opts:
            declared[name] = param
        for name in param.secondary_opts:
            declared[name] = param
    assert set(declared) == set(argv.OPTIONS) | set(argv.LEFT_TO_TYPER)
    for name, param in declared.items():
        if name in argv.LEFT_TO_TYPER:
            assert argv.parse_arguments([name, "1", "x"]) is None
            continue
        field, kind, detail = argv.OPTIONS[name]
        assert field == param.name, name
        if param.is_flag:
            assert kind == argv.FLAG, name
            assert detail is (name not in param.secondary_opts), name
        elif param.multiple:
            assert kind == argv.LIST, name
        else:
            assert kind in (argv.TEXT, argv.NUMBER, argv.CHOICE), name


def test_the_number_ranges_and_choices_are_typers():
    from enum import Enum
    from typing import get_args, get_type_hints

    from gradcalc.cli import command

    ranges = {}
    hints = get_type_hints(command.gradcalc, include_extras=True)
    for name, hint in hints.items():
        # Python 3.10 wraps an Annotated hint with a None default in Optional[...]
        wrapped = [a for a in get_args(hint) if hasattr(a, "__metadata__")]
        if not hasattr(hint, "__metadata__") and wrapped:
            hints[name] = wrapped[0]
    for name, parameter in hints.items():
        for info in getattr(parameter, "__metadata__", ()):
            if getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
                ranges[name] = (info.min, info.max)
    numbers = {
        field: detail for field, kind, detail in argv.OPTIONS.values() if kind == argv.NUMBER
    }
    assert numbers == ranges
    choices = {
        name: tuple(member.value for member in hint.__origin__)
        for name, hint in hints.items()
        if isinstance(getattr(hint, "__origin__", None), type) and issubclass(hint.__origin__, Enum)
    }
    choices.update(
        {
            name: tuple(member.value for member in arg)
            for name, hint in hints.items()
            for arg in get_args(getattr(hint, "__origin__", None))
            if isinstance(arg, type) and issubclass(arg, Enum)
        }
    )
    declared = {
        field: detail for field, kind, detail in argv.OPTIONS.values() if kind == argv.CHOICE
    }
    assert declared == choices


COMMAND_LINES = [
    [],
    ["x = 1"],
    ["-"],
    ["-q", "x = 1"],
    ["x = 1", "-q"],
    ["--json", "-b", "2", "-r", "--precision=3", "x = [1., 2]; y = sum(x*x)"],
    ["-b2", "-fprog.gc"],
    ["-f", "-", "--batch"],
    ["--batch", "--json", "-f", "lines.txt", "--jobs", "0"],
    ["--batch", "-j", "3", "-f", "lines.txt", "--dask", "local"],
    ["-s", "w=randn(3,3)", "--set", "b=@b.npy", "--wrt", "w", "--wrt", "b", "m = sum(w)"],
    ["--seed", "18446744073709551615", "--dtype", "float32", "x = 1"],
    ["--max-elements", "10", "--max-work", "5", "--max-steps", "7", "--max-depth", "9", "x"],
    ["--timeout", "2.5", "--max-program-bytes", "64k", "--max-file-bytes", "1M", "x"],
    ["--allow-read", "/tmp", "--json-max-elements", "0", "x"],
    ["--max-memory", "512M", "x"],
    ["--max-memory=2G", "--max-file-bytes", "1k", "x"],
    ["--tree", "--no-tree", "--summary", "--graph", "dot", "--graph-out", "g.svg", "x"],
    ["--no-color", "--debug", "--check", "--explain", "-k", "-i", "x"],
    ["--", "-x = 1"],
    ["-f", "--", "x"],
    ["-s", "-x", "y"],
    ["-q", "-q", "--precision", "2", "--precision", "5", "x"],
]


def _typer_options(arguments):
    captured = []
    original = guard.execute_guarded
    guard.execute_guarded = lambda options: captured.append(options) or 0
    try:
        result = CliRunner().invoke(app, arguments)
    finally:
        guard.execute_guarded = original
    assert result.exit_code == 0, result.output
    return captured[0]


@pytest.mark.parametrize("arguments", COMMAND_LINES, ids=[" ".join(a) for a in COMMAND_LINES])
def test_the_same_options_as_typer(arguments):
    found = argv.parse_arguments(arguments)
    assert found is not None
    assert argv.options_from(found) == _typer_options(arguments)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--help"],
        ["-h"],
        ["--version"],
        ["--no-such-option", "x"],
        ["-qk", "x"],
        ["-b", "abc", "x"],
        ["-b", "-1", "x"],
        ["-b", "+1", "x"],
        ["-b", " 1", "x"],
        ["--precision", "99", "x"],
        ["--dtype", "float16", "x"],
        ["--graph", "png", "x"],
        ["--json=yes", "x"],
        ["x", "y"],
        ["-f"],
        ["--jobs", "-1"],
        ["--install-completion"],
    ],
    ids=str,
)
def test_anything_unusual_is_left_to_typer(arguments):
    assert argv.parse_arguments(arguments) is None


def test_a_bad_size_is_reported_as_typer_reports_it(capsys, monkeypatch):
    monkeypatch.setattr("sys.argv", ["gradcalc", "--json", "--timeout", "soon", "x = 1"])
    with pytest.raises(SystemExit) as exited:
        app_module.main()
    assert exited.value.code == 2
    fast = capsys.readouterr().out
    result = CliRunner().invoke(app, ["--json", "--timeout", "soon", "x = 1"])
    assert result.exit_code == 2
    assert fast == result.stdout
    assert '"--timeout expects a number of seconds' in fast


def test_options_defaults_are_unchanged_by_the_fast_path():
    assert argv.options_from({}) == Options()
