"""Terminal behaviour in a real pseudo-terminal (issue 15, items 2 and 3): at 60 and 120
columns tensors are wrapped as PyTorch wraps them and no line is longer than the terminal;
with an ASCII-only encoding everything prints in ASCII, without an internal error."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PROGRAM = (
    "x = [[1., 2., 3., 4., 5.], [6., 7., 8., 9., 10.], [11., 12., 13., 14., 15.]]; "
    "y = x * x / 7; m = y.mean()"
)


def gradcalc_executable() -> str:
    script = Path(sys.executable).with_name("gradcalc")
    return str(script) if script.exists() else shutil.which("gradcalc")


def run_in_terminal(tmp_path, columns: int, *args: str, encoding: str | None = None) -> bytes:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "XDG_CACHE_HOME": str(tmp_path)}
    for name in ("COLUMNS", "LINES", "FORCE_COLOR"):
        env.pop(name, None)  # the width comes from the terminal itself
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    child = pexpect.spawn(
        gradcalc_executable(), list(args), env=env, cwd=str(tmp_path), dimensions=(50, columns)
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output.decode("utf-8", "replace")
    return output


@pytest.mark.parametrize("columns", [60, 120])
def test_tables_and_tree_fit_the_terminal(tmp_path, columns):
    text = run_in_terminal(tmp_path, columns, "--explain", PROGRAM).decode("utf-8")
    lines = text.replace("\r\n", "\n").splitlines()
    assert "Gradients of m" in text and "x.grad  ∂m/∂x" in text
    assert max(len(line) for line in lines) <= columns
    # each row of a value starts on a line of its own, under the first row's bracket
    # (a row too long for the terminal goes on under its first number, as PyTorch wraps it)
    for number, line in enumerate(lines):
        if "value [[" in line:
            bracket = line.index("[[") + 1
            following = next(row for row in lines[number + 1 :] if "[" in row)
            assert following.index("[") == bracket, (line, following)
            assert lines[number + 1][:bracket].strip(" │") == ""


def test_an_ascii_terminal_gets_ascii(tmp_path):
    raw = run_in_terminal(tmp_path, 80, "--explain", PROGRAM, encoding="ascii")
    raw.decode("ascii")  # not one byte outside ASCII
    text = raw.decode("ascii")
    assert "dm/dx" in text and "internal error" not in text
    assert "+--" in text or "|" in text
