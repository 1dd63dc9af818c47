"""The project's promises about itself: README's commands, CI, version, entry points."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

spec = importlib.util.spec_from_file_location("readme_command", REPO / ".ci" / "readme_command.py")
readme_command = importlib.util.module_from_spec(spec)
spec.loader.exec_module(readme_command)


def test_readme_names_both_commands():
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert readme_command.readme_command("run").startswith(venv + "pip install . && gradcalc ")
    test_cmd = readme_command.readme_command("test")
    assert test_cmd == venv + "pip install -e '.[test]' && pytest"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert "readme_command.py test" in ci
    assert 'bash -c "$test_command"' in ci
    assert "set -euo pipefail" in ci


def test_version_matches_package(run_gradcalc):
    import gradcalc

    result = run_gradcalc("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"gradcalc {gradcalc.__version__}"


def test_python_dash_m_gradcalc():
    result = subprocess.run(
        [sys.executable, "-m", "gradcalc", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("gradcalc ")


def readme_console_examples() -> list[tuple[str, str]]:
    """(command line, shown output) for each README console block shown in full."""
    import re
    import shlex

    text = (REPO / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        command, _, output = block.partition("\n")
        if "..." not in output:
            examples.append((shlex.split(command.removeprefix("$ ")), output))
    return examples


def test_readme_shows_real_output(run_gradcalc):
    examples = readme_console_examples()
    assert len(examples) >= 3
    for argv, shown in examples:
        assert argv[0] == "gradcalc"
        args = [str(REPO / a) if a.startswith("examples/") else a for a in argv[1:]]
        result = run_gradcalc(*args, env={"COLUMNS": "100"})
        assert result.stdout + result.stderr == shown, argv
