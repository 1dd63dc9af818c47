"""``--max-memory SIZE``: an OS bound on the process (RLIMIT_DATA on Linux), hit as a clean
out-of-memory error at the statement's line, the REPL and ``--jobs`` workers included.

Every run that sets the bound is a subprocess: an OS limit on the test process would outlast
the test. 40,000,000 float64 elements (320 MB) stay under the default element limit
(50,000,000), so the memory bound is what stops them; gradcalc maps about 130 MB before a
statement runs, so 300M or 400M leaves room for small programs and none for that one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gradcalc
from gradcalc.errors import UsageError

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the bound's figures are measured on Linux"
)

SOURCE_ROOT = str(Path(gradcalc.__file__).resolve().parents[1])
BIG = "x = ones(40000000)"  # 320 MB


def gradcalc_run(*args: str, input: str | None = None, cwd=None) -> subprocess.CompletedProcess:
    """``python -m gradcalc ARGS`` with this checkout's sources."""
    env = {**os.environ, "PYTHONPATH": SOURCE_ROOT, "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("FORCE_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "gradcalc", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_an_allocation_past_the_bound_is_an_out_of_memory_error_at_its_line():
    done = gradcalc_run("--max-memory", "400M", "-q", "y = 2\n" + BIG)
    assert done.returncode == 1, done.stderr
    assert "MemoryError" in done.stderr and "out of memory" in done.stderr
    assert "<string>:2:1" in done.stderr and BIG in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_under_json_the_error_is_one_document_with_its_position():
    done = gradcalc_run("--json", "--max-memory", "400M", "y = 2; " + BIG)
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is False and document["values"] == {"y": 2}
    (error,) = document["errors"]
    assert (error["type"], error["message"]) == ("MemoryError", "out of memory")
    assert (error["line"], error["column"]) == (1, 8)
    assert done.stderr == ""


def test_past_a_raised_element_limit_the_memory_bound_still_holds():
    done = gradcalc_run(
        "--json", "--max-elements", "1000000000", "--max-memory", "400M", "x = ones(200000000)"
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["type"] == "MemoryError"


def test_gradients_past_the_bound_are_an_error_of_the_outputs_statement():
    # 9,000,000 elements (72 MB) fit twice under 300M; their gradients do not
    done = gradcalc_run("--json", "--max-memory", "300M", "x = ones(9000000); y = (x*2).sum()")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    (error,) = document["errors"]
    assert (error["type"], error["line"], error["column"]) == ("MemoryError", 1, 20)
    assert "--max-memory" in error["hint"] and document["values"]["y"] == 18000000.0


def test_check_past_the_bound_is_a_check_error_not_an_internal_one():
    program = "x = ones(5000000); y = (x*2).sum()"
    done = gradcalc_run("--max-memory", "300M", "--check", "--check-samples", "0", "-q", program)
    assert done.returncode == 1
    assert "out of memory" in done.stderr and "--> --check" in done.stderr
    assert "internal error" not in done.stderr


def test_a_small_program_runs_under_the_same_bound():
    program = "w = randn(300, 300); x = ones(300); y = tanh(w @ x).sum(); z = inverse(w + 30 * eye(300)).sum()"
    done = gradcalc_run("--json", "--max-memory", "400M", program)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is True and document["grads"]["w"]["shape"] == [300, 300]


def test_without_the_option_there_is_no_bound():
    done = gradcalc_run("--json", "-b", "0", BIG + "; n = x.numel()")
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["values"]["n"] == 40000000


@pytest.mark.parametrize("typer", [False, True], ids=["fast path", "typer"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "--max-memory expects a size in bytes"),
        ("-5", "--max-memory expects a size in bytes"),
        ("0", "--max-memory must be at least 1 byte"),
        ("100M", "--max-memory 100M is too small"),
        ("999999G", "--max-memory 999999G is more than a process can address"),
    ],
)
def test_a_bad_value_is_a_usage_error(value, message, typer):
    # --eps is an option only Typer reads (argv.LEFT_TO_TYPER): the run goes through Typer
    extra = ["--eps", "1e-6"] if typer else []
    done = gradcalc_run(*extra, "--max-memory", value, "x = 1")
    assert done.returncode == 2 and done.stdout == ""
    assert message in " ".join(done.stderr.split()), done.stderr
    done = gradcalc_run(*extra, "--json", "--max-memory", value, "x = 1")
    assert done.returncode == 2
    (error,) = json.loads(done.stdout)["errors"]
    assert error["type"] == "UsageError" and message in error["message"]


def test_the_typer_path_bounds_the_process_too():
    done = gradcalc_run("--eps", "1e-6", "--json", "--max-memory", "400M", BIG)
    assert done.returncode == 1
    assert json.loads(done.stdout)["errors"][0]["type"] == "MemoryError"


def test_plot_runs_under_the_bound():
    done = gradcalc_run("--max-memory", "400M", "--plot", "y = tanh(x) + ones(40000000).sum()")
    assert done.returncode == 1 and "out of memory" in done.stderr, done.stderr
    assert gradcalc_run("--max-memory", "400M", "--plot", "y = tanh(x)").returncode == 0


def test_jobs_workers_are_bounded(tmp_path):
    # A worker takes 32 lines at a time: line 1 runs in the first worker, line 40 in the second.
    lines = [BIG] + [f"y = {n} * 2" for n in range(2, 40)] + [BIG]
    (tmp_path / "lines.txt").write_text("\n".join(lines) + "\n")
    done = gradcalc_run(
        "--batch", "--json", "--jobs", "2", "--max-memory", "400M", "-f", "lines.txt", cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    failed = {record["line"] for record in records if not record["ok"]}
    assert failed == {1, 40}
    assert all(records[n - 1]["errors"][0]["type"] == "MemoryError" for n in failed)
    assert records[1]["values"] == {"y": 4}


def test_the_api_bounds_run_batch_workers_only():
    script = f"""
import resource, gradcalc
before = resource.getrlimit(resource.RLIMIT_DATA)
lines = [{BIG!r}] + ["y = 2"] * 39 + [{BIG!r}]
records = list(gradcalc.run_batch(lines, jobs=2, max_memory="400M"))
print([r["errors"][0]["type"] for r in records if not r["ok"]])
print(resource.getrlimit(resource.RLIMIT_DATA) == before)
for call in (lambda: gradcalc.run("y = 1", max_memory=2**30),
             lambda: list(gradcalc.run_batch(["y = 1", "z = 2"], max_memory=2**30))):
    try:
        call()
    except ValueError as error:
        print("ValueError", error)
"""
    env = {**os.environ, "PYTHONPATH": SOURCE_ROOT}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    shown = done.stdout.splitlines()
    assert shown[:2] == ["['MemoryError', 'MemoryError']", "True"], done.stdout + done.stderr
    assert "not an option of gradcalc.run()" in shown[2]
    assert "needs jobs=2 or more" in shown[3]


def test_the_bound_only_lowers_the_soft_limit():
    script = """
import resource
from gradcalc.cli.memory import bound_memory
R = resource.RLIMIT_DATA
bound_memory(2**30)
print(resource.getrlimit(R) == (2**30, resource.RLIM_INFINITY))
bound_memory(2**31)  # higher than the bound in force: it stays
print(resource.getrlimit(R)[0] == 2**30)
resource.setrlimit(R, (2**29, 2**30 + 2**29))
bound_memory(2**31)
print(resource.getrlimit(R) == (2**29, 2**30 + 2**29))
"""
    env = {**os.environ, "PYTHONPATH": SOURCE_ROOT}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split() == ["True"] * 3, done.stdout + done.stderr


def test_a_bound_below_what_is_already_mapped_is_refused(monkeypatch):
    from gradcalc.cli import memory

    monkeypatch.setattr(memory, "mapped_bytes", lambda: 900 * 1024**2)
    with pytest.raises(UsageError, match=r"--max-memory 512M leaves no room.*at least 964M"):
        memory.check_max_memory(512 * 1024**2)


def test_without_the_resource_module_the_option_is_a_usage_error(monkeypatch):
    from gradcalc.cli.memory import parse_max_memory

    monkeypatch.setitem(sys.modules, "resource", None)  # as on Windows
    with pytest.raises(UsageError, match="this platform lacks"):
        parse_max_memory("1G")
    assert parse_max_memory(None) is None


def test_the_repl_survives_an_allocation_past_the_bound(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "PYTHONPATH": SOURCE_ROOT, "NO_COLOR": "1", "TERM": "xterm"}
    env.update(XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("FORCE_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "gradcalc", "--max-memory", "300M"],
        encoding="utf-8",
        env=env,
        cwd=str(tmp_path),
        timeout=30,
        dimensions=(50, 100),
    )
    try:
        child.expect_exact(">>> ")
        child.sendline("w = ones(2, 3)")
        child.expect_exact(">>> ")
        child.sendline(BIG)
        child.expect_exact("out of memory")
        child.expect_exact(">>> ")
        child.sendline("y = 1 + 1; w.sum() + y")
        child.expect_exact("tensor(8.")
        child.expect_exact(">>> ")
        child.sendcontrol("d")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
