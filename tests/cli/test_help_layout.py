"""``gradcalc --help`` as a newcomer reads it, at 80 and 120 columns (issue 15, "Conventions"):
no type placeholders (a flag followed by ``<bool>`` looks as if it took a value), the examples
right after the description and before the option panels, the common options in the first
panel with Typer's own options after them, and every example command runs as shown."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gradcalc
from gradcalc.cli.usage import EXAMPLES

ROOT = str(Path(gradcalc.__file__).resolve().parents[1])  # the gradcalc under test
WIDTHS = (80, 120)
PANEL_TITLE = re.compile(r"^╭─ (.+?) ─")

FIRST_PANEL = [
    "--file",
    "--set",
    "--interactive",
    "--json",
    "--quiet",
    "--backward",
    "--of",
    "--wrt",
    "--check",
    "--explain",
    "--version",
    "--install-completion",
    "--show-completion",
    "--help",
]
PANELS = ["Options", "Run", "Output", "Autograd", "Gradient check", "Plots", "Limits"]
EXAMPLE_LINES = [line for line in EXAMPLES.splitlines() if line.startswith("  ")]
EXAMPLE_COMMANDS = [line.strip() for line in EXAMPLE_LINES if line.strip().startswith("gradcalc ")]


def _environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": ROOT, "NO_COLOR": "1", **extra}
    # any of these makes Typer's console a terminal (styles in the text) or fixes its width
    for key in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TERMINAL_WIDTH"):
        env.pop(key, None)
    return env


@pytest.fixture(scope="module")
def help_text(tmp_path_factory) -> dict[int, str]:
    cwd = tmp_path_factory.mktemp("help")
    shown = {}
    for width in WIDTHS:
        done = subprocess.run(
            [sys.executable, "-m", "gradcalc", "--help"],
            capture_output=True,
            text=True,
            env=_environment(COLUMNS=str(width), XDG_CACHE_HOME=str(cwd)),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr == ""
        shown[width] = done.stdout
    return shown


def _panels(text: str) -> list[tuple[str, list[str]]]:
    """(title, the option names that start its rows) for each panel, in order."""
    panels: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        title = PANEL_TITLE.match(line)
        if title:
            panels.append((title.group(1), []))
        elif panels and line.startswith("│ --"):
            panels[-1][1].append(line[2:].split()[0])
    return panels


@pytest.mark.parametrize("width", WIDTHS)
def test_the_lines_fit_the_width(help_text, width):
    assert max(len(line) for line in help_text[width].splitlines()) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_no_type_placeholders(help_text, width):
    text = help_text[width]
    for placeholder in ("<bool>", "<str>", "<int", "<float", "<path>", "<list", "<text>"):
        assert placeholder not in text, placeholder
    # nor a choice written as a type (<dot|mermaid|json>): every <...> is gone
    assert re.findall(r"<[A-Za-z][^>\s]*>", text) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_flags_show_no_value(help_text, width):
    rows = {
        line[2:].split()[0]: line[2:].split()
        for line in help_text[width].splitlines()
        if line.startswith("│ --")
    }
    assert rows["--version"][1:3] == ["Show", "the"]
    assert rows["--help"][1:3] == ["-h", "Show"]
    assert rows["--json"][1:3] == ["Machine", "output:"]
    assert rows["--check"][1] == "Compare"
    assert rows["--install-completion"][1] == "Install"
    assert rows["--tree"][1:3] == ["--no-tree", "Show"]
    # an option that takes a value still says which
    assert rows["--file"][1:3] == ["-f", "FILE"]
    assert rows["--seed"][1] == "N"
    assert rows["--graph"][1] == "dot|mermaid|json"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_examples_come_before_the_option_panels(help_text, width):
    lines = help_text[width].splitlines()
    first_example = next(i for i, line in enumerate(lines) if line.strip() == EXAMPLE_COMMANDS[0])
    first_panel = next(i for i, line in enumerate(lines) if PANEL_TITLE.match(line))
    description = next(i for i, line in enumerate(lines) if "expression differentiator" in line)
    assert description < first_example < first_panel
    assert [title for title, _ in _panels(help_text[width])] == PANELS  # no Arguments panel


@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_panel_holds_the_common_options_then_typers(help_text, width):
    title, names = _panels(help_text[width])[0]
    assert title == "Options"
    assert names == FIRST_PANEL
    assert names.index("--file") < names.index("--install-completion")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_examples_are_shown_whole_and_as_written(help_text, width):
    """No example wraps (Rich would lose its indentation) and Rich markup eats no bracket."""
    shown = [line[1:].rstrip() for line in help_text[width].splitlines()]
    for line in EXAMPLE_LINES:
        assert line in shown, line
    assert "gradcalc 'x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))'" in EXAMPLE_LINES[1]
    assert "Exit codes: 0 success, 1 evaluation error" in help_text[width]
    # an option's help goes through the same markup: 'gradcalc[dask]' keeps its '[dask]'
    assert "'gradcalc[dask]'" in " ".join(help_text[width].replace("│", " ").split())


def test_usage_names_the_program_argument(help_text):
    assert "Usage: gradcalc [OPTIONS] [PROGRAM]" in help_text[80]


@pytest.fixture
def example_files(tmp_path) -> Path:
    (tmp_path / "tutorial.py").write_text(
        "import torch\n"
        "x = torch.tensor([1., 2., 3.], requires_grad=True)\n"
        "loss = (x * x).sum()\n"
        "loss.backward()\n"
    )
    lines = "x = [1., 2.]; m = sum(x * x)\n# a comment\ny = 3.0; z = y ** 2\n"
    (tmp_path / "programs.txt").write_text(lines)
    (tmp_path / "progs.txt").write_text(lines)
    return tmp_path


@pytest.mark.parametrize("example", EXAMPLE_COMMANDS)
def test_every_example_runs(example, example_files):
    command, _, pipe = example.partition(" | ")
    arguments = shlex.split(command)
    assert arguments[0] == "gradcalc"
    done = subprocess.run(
        [sys.executable, "-m", "gradcalc", *arguments[1:]],
        capture_output=True,
        text=True,
        env=_environment(COLUMNS="80", XDG_CACHE_HOME=str(example_files / "cache")),
        cwd=example_files,
        stdin=subprocess.DEVNULL,  # -i: the REPL ends at once
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout
    if "--json" in arguments:
        records = [json.loads(line) for line in done.stdout.splitlines()]
        assert all(record["ok"] for record in records)
        assert len(records) == (2 if "--batch" in arguments else 1)
    if pipe:
        assert pipe.startswith("dot -Tsvg")
        assert done.stdout.startswith("digraph")
        if shutil.which("dot"):
            rendered = subprocess.run(
                ["dot", "-Tsvg"], input=done.stdout, capture_output=True, text=True, timeout=60
            )
            assert rendered.returncode == 0 and "<svg" in rendered.stdout


_LIST_MODULES = """\
import json, sys
sys.argv = ['gradcalc', '--help']
from gradcalc.cli.app import main
try:
    main()
except SystemExit:
    pass
json.dump(sorted(sys.modules), sys.stderr)
"""


def test_help_imports_neither_the_interpreter_nor_numpy(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES],
        capture_output=True,
        text=True,
        env=_environment(COLUMNS="80", XDG_CACHE_HOME=str(tmp_path)),
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    modules = json.loads(done.stderr)
    assert "Examples:" in done.stdout and "gradcalc.cli.command" in modules
    heavy = ("gradcalc.interpreter", "gradcalc.autograd", "gradcalc.grammar", "numpy", "lark")
    assert [m for m in modules if m.split(".")[0] in heavy or m.startswith(heavy)] == []
