"""The progress bar of a long ``--batch --json`` (issue 13): drawn on stderr when stderr is a
terminal and stdout is not, never with ``-q``, never on a pipe, and the records on stdout are
the same bytes with or without it."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

import gradcalc

pytest.importorskip("termios", reason="pseudo-terminals are POSIX")
import pty  # noqa: E402 - after the skip: it needs termios

LINES = 300  # batch.PROGRESS_LINES is 200: long enough for a bar


def _env(tmp_path: Path) -> dict:
    root = str(Path(gradcalc.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root, "XDG_CACHE_HOME": str(tmp_path), "TERM": "xterm"}
    env["NO_COLOR"] = "1"
    env.pop("COLUMNS", None)
    return env


def _batch_file(tmp_path: Path) -> Path:
    path = tmp_path / "lines.txt"
    path.write_text("".join(f"x = [{i}., 2.]; m = sum(x * x)\n" for i in range(LINES)))
    return path


def _run_with_terminal_stderr(tmp_path: Path, *args: str) -> tuple[int, bytes, bytes]:
    """Run with stdout to a pipe and stderr to a pseudo-terminal; (exit code, stdout, what
    the terminal received)."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "gradcalc", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    os.close(slave)
    terminal = bytearray()
    stdout = bytearray()
    streams = {master: terminal, process.stdout.fileno(): stdout}
    while streams:
        ready, _, _ = select.select(list(streams), [], [], 60)
        if not ready:
            process.kill()
            pytest.fail("no output for 60 s")
        for fd in ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal side closed (EIO) once the child exited
                chunk = b""
            if chunk:
                streams[fd].extend(chunk)
            else:
                del streams[fd]
    os.close(master)
    return process.wait(timeout=60), bytes(stdout), bytes(terminal)


def test_a_long_batch_draws_a_bar_on_a_terminal_and_the_same_records(tmp_path):
    lines = _batch_file(tmp_path)
    code, stdout, terminal = _run_with_terminal_stderr(
        tmp_path, "--batch", "--json", "-f", str(lines)
    )
    assert code == 0
    text = terminal.decode("utf-8", "replace")
    assert f"/{LINES}" in text  # Rich's "done/total" column
    assert "\x1b[?25l" in text  # the bar hides the cursor while it draws (and gives it back)
    plain = subprocess.run(
        [sys.executable, "-m", "gradcalc", "--batch", "--json", "-f", str(lines)],
        capture_output=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        check=False,
    )
    assert plain.returncode == 0 and plain.stderr == b""  # stderr a pipe: no bar
    assert stdout == plain.stdout
    assert stdout.count(b"\n") == LINES


def test_no_bar_with_quiet_or_a_short_batch(tmp_path):
    lines = _batch_file(tmp_path)
    code, stdout, terminal = _run_with_terminal_stderr(
        tmp_path, "-q", "--batch", "--json", "-f", str(lines)
    )
    assert code == 0 and terminal == b"" and stdout.count(b"\n") == LINES
    short = tmp_path / "short.txt"
    short.write_text("x = 1.\n" * 20)
    code, stdout, terminal = _run_with_terminal_stderr(
        tmp_path, "--batch", "--json", "-f", str(short)
    )
    assert code == 0 and terminal == b"" and stdout.count(b"\n") == 20
