"""The bounds a run works within, set from the command line: --max-steps, --max-depth,
--timeout (per line in --batch), --max-work, --max-program-bytes; absurd values of every
option; closed and binary stdin."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

LOOP = "n = 0\nwhile True:\n    n += 1\n"


def test_max_steps_stops_a_runaway_loop_at_its_line(run_gradcalc):
    done = run_gradcalc("-q", "--max-steps", "5000", LOOP)
    assert done.returncode == 1
    assert "the program ran more than 5,000 steps" in done.stderr
    assert "<string>:2:1" in done.stderr and "--max-steps" in done.stderr


def test_max_depth_bounds_recursion_and_the_chain_is_collapsed(run_gradcalc):
    program = "def f(n):\n    return f(n + 1)\nf(0)\n"
    done = run_gradcalc("-q", "--max-depth", "50", program)
    assert done.returncode == 1
    assert "RecursionError" in done.stderr and "calls nest at most 50 deep" in done.stderr
    # like Python's traceback: a frame repeated many times is shown three times, then counted
    assert done.stderr.count("<string>:2:5 in f") == 3
    assert "[the frame above repeated 47 more times]" in done.stderr


def test_timeout_stops_a_loop_between_operations(run_gradcalc):
    start = time.monotonic()
    done = run_gradcalc("-q", "--timeout", "1", LOOP)
    assert time.monotonic() - start < 30
    assert done.returncode == 1
    assert "the program ran longer than 1 s (--timeout)" in done.stderr
    assert "<string>:2:1" in done.stderr


def test_timeout_applies_to_each_batch_line(run_gradcalc, tmp_path):
    (tmp_path / "progs.txt").write_text(
        "x = [1., 2.]; m = sum(x)\nwhile True: pass\ny = [3.]; k = sum(y * y)\n"
    )
    done = run_gradcalc("--batch", "--json", "--timeout", "1", "-f", "progs.txt")
    documents = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["line"] for d in documents] == [1, 2, 3]
    assert [d["ok"] for d in documents] == [True, False, True]
    error = documents[1]["errors"][0]
    assert (error["type"], error["line"]) == ("LimitError", 2)
    assert "--timeout" in error["message"]
    assert done.returncode == 1


def test_max_work_refuses_an_operation_before_it_runs(run_gradcalc):
    done = run_gradcalc("-q", "--max-work", "1000", "a = ones(20, 20); b = a @ a")
    assert done.returncode == 1
    assert "matmul would take 8,000 multiply-adds, over the limit of 1,000" in done.stderr
    assert "<string>:1:25" in done.stderr
    fine = run_gradcalc("-q", "--max-work", "8000", "a = ones(20, 20); b = a @ a")
    assert fine.returncode == 0, fine.stderr


def test_a_program_over_max_program_bytes_is_refused_before_parsing(run_gradcalc, tmp_path):
    program = "x = 1\n" * 100 + "y = (\n"  # a syntax error: parsing it would say so
    done = run_gradcalc("--max-program-bytes", "100", program)
    assert done.returncode == 2
    assert "PROGRAM is 606 bytes, over the limit of 100 bytes" in done.stderr
    assert "--max-program-bytes" in done.stderr and "SyntaxError" not in done.stderr
    (tmp_path / "long.gc").write_text(program)
    from_file = run_gradcalc("--max-program-bytes", "100", "-f", "long.gc")
    assert from_file.returncode == 2 and "cannot read long.gc: it is 606 bytes" in from_file.stderr
    assert "raise the limit with --max-program-bytes" in from_file.stderr
    from_stdin = run_gradcalc("--max-program-bytes", "100", input=program)
    assert (
        from_stdin.returncode == 2 and "cannot read stdin: more than 100 bytes" in from_stdin.stderr
    )
    assert run_gradcalc("--max-program-bytes", "1k", "-q", "x = 1").returncode == 0


def test_a_batch_line_over_max_program_bytes_fails_alone(run_gradcalc):
    lines = "x = 1\ny = " + "1 + " * 50 + "1\nz = 2\n"
    done = run_gradcalc("--batch", "--json", "--max-program-bytes", "100", "-", input=lines)
    documents = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["ok"] for d in documents] == [True, False, True]
    assert (
        "line 2 is 205 bytes, over the limit of 100 bytes" in documents[1]["errors"][0]["message"]
    )
    assert done.returncode == 2


@pytest.mark.parametrize(
    "args",
    [
        ["-b", "1001"],
        ["-b", "-1"],
        ["-b", "1" * 40],
        ["--seed", "-5"],
        ["--max-steps", "0"],
        ["--max-depth", "0"],
        ["--max-depth", "2001"],
        ["--max-work", "0"],
        ["--max-elements", "0"],
        ["--json-max-elements", "-1"],
        ["--precision", "-1"],
        ["--timeout", "0"],
        ["--timeout", "inf"],
        ["--max-file-bytes", "0"],
        ["--max-program-bytes", "1T"],
        ["--max-memory", "0"],
        ["--max-memory", "100M"],
        ["--max-memory", "1000000G"],
    ],
    ids=lambda args: " ".join(args)[:30],
)
def test_negative_or_absurd_values_are_usage_errors(run_gradcalc, args):
    done = run_gradcalc(*args, "x = 1")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == "" and "Traceback" not in done.stderr


def _gradcalc_with_stdin(stdin, *args: str, tmp_path):
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "120"}
    here = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    installed = shutil.which("gradcalc", path=here)
    command = [installed] if installed else [sys.executable, "-m", "gradcalc"]
    command += list(args)
    if stdin == "closed":  # as a shell's <&-: file descriptor 0 is not open at all
        return subprocess.run(
            ["sh", "-c", 'exec "$@" <&-', "sh", *command],
            capture_output=True,
            env=env,
            timeout=120,
            cwd=tmp_path,
        )
    return subprocess.run(
        command, input=stdin, capture_output=True, env=env, timeout=120, cwd=tmp_path
    )


def test_closed_stdin_is_a_usage_error_not_a_crash(tmp_path):
    done = _gradcalc_with_stdin("closed", "-q", tmp_path=tmp_path)
    assert done.returncode == 2
    assert b"cannot read stdin: it is closed" in done.stderr
    assert b"internal error" not in done.stderr
    as_json = _gradcalc_with_stdin("closed", "--json", tmp_path=tmp_path)
    assert as_json.returncode == 2
    assert json.loads(as_json.stdout)["errors"][0]["message"] == "cannot read stdin: it is closed"
    # a program given as an argument does not need stdin; -i then ends at once (no input)
    done = _gradcalc_with_stdin("closed", "-q", "-i", "x = 1", tmp_path=tmp_path)
    assert done.returncode == 0 and b"internal error" not in done.stderr


def test_binary_stdin_is_a_usage_error(tmp_path):
    done = _gradcalc_with_stdin(bytes(range(256)), "-q", tmp_path=tmp_path)
    assert done.returncode == 2
    assert b"cannot read stdin: not UTF-8 text (an invalid byte at line 2" in done.stderr
    batch = _gradcalc_with_stdin(b"x = 1\n\xff\xfe\n", "--batch", "--json", tmp_path=tmp_path)
    assert batch.returncode == 2 and json.loads(batch.stdout)["errors"][0]["type"] == "UsageError"


def test_the_help_shows_the_limits_and_their_defaults():
    from gradcalc.autograd import settings
    from gradcalc.cli import command
    from gradcalc.files import DEFAULT_MAX_FILE_BYTES
    from gradcalc.interpreter import runtime

    # command.py writes these out so that --help imports neither the core nor the interpreter
    assert command.DEFAULT_MAX_ELEMENTS == settings.DEFAULT_MAX_ELEMENTS
    assert command.DEFAULT_MAX_WORK == settings.DEFAULT_MAX_WORK
    assert command.DEFAULT_MAX_STEPS == runtime.DEFAULT_MAX_STEPS
    assert command.DEFAULT_MAX_DEPTH == runtime.DEFAULT_MAX_DEPTH
    done = subprocess.run(
        [sys.executable, "-m", "gradcalc", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
    )
    text = " ".join(done.stdout.replace("│", " ").split())
    for shown in (
        f"(default {settings.DEFAULT_MAX_ELEMENTS:,})",
        f"(default {settings.DEFAULT_MAX_WORK:,})",
        f"(default {runtime.DEFAULT_MAX_STEPS:,})",
        f"(default {runtime.DEFAULT_MAX_DEPTH},",
        f"(default {DEFAULT_MAX_FILE_BYTES // 2**20}M)",
        "(default 10M)",
        "--allow-read",
        "--json-max-elements",
    ):
        assert shown in text, shown
