"""``gradcalc.run`` and ``gradcalc.run_batch``: the ``--json`` documents, from Python."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gradcalc

ROOT = str(Path(gradcalc.__file__).resolve().parents[1])


def _command_json(*args: str, cwd: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": ROOT, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cwd)}
    done = subprocess.run(
        [sys.executable, "-m", "gradcalc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize(
    "program, options, arguments",
    [
        ("x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))", {}, []),
        ("x = [1., 2.]; y = sum(x * x)", {"backward": 2, "retain_graph": True}, ["-b", "2", "-r"]),
        ("m = mean(x", {}, []),
        (
            "w = randn(3); s = sum(tanh(w))",
            {"seed": 7, "wrt": ["w"]},
            ["--seed", "7", "--wrt", "w"],
        ),
        ("y = w * 2", {"set_values": ["w=[1., 2.]"]}, ["-s", "w=[1., 2.]"]),
    ],
)
def test_run_returns_the_json_document(tmp_path, program, options, arguments):
    assert (
        gradcalc.run(program, **options)
        == _command_json("--json", *arguments, program, cwd=tmp_path)[0]
    )


def test_run_reports_a_program_error_in_the_document():
    document = gradcalc.run("q = 1 / 0; r = 2")
    assert document["ok"] is False
    assert document["errors"][0]["type"] == "ZeroDivisionError"


def test_a_bad_option_is_a_value_error():
    with pytest.raises(ValueError, match="unknown option"):
        gradcalc.run("x = 1", no_such_option=True)
    with pytest.raises(ValueError, match="dtype"):
        list(gradcalc.run_batch(["x = 1"], dtype="float16"))
    with pytest.raises(ValueError, match="an integer from 0"):
        gradcalc.run("x = 1", backward=-1)
    with pytest.raises(ValueError, match="not an option of gradcalc.run"):
        gradcalc.run("x = 1", interactive=True)
    with pytest.raises(ValueError, match="not an option of gradcalc.run_batch"):
        list(gradcalc.run_batch(["x = 1"], file="lines.txt"))


LINES = ["x = 2.0; y = x**3", "", "# skipped", "z = [1, 2", "w = [1., 3.]; m = mean(w*w)"]


def test_run_batch_yields_the_batch_records(tmp_path):
    (tmp_path / "lines.txt").write_text("\n".join(LINES) + "\n")
    expected = _command_json("--batch", "--json", "-f", "lines.txt", cwd=tmp_path)
    assert list(gradcalc.run_batch(LINES, filename="lines.txt")) == expected
    assert list(gradcalc.run_batch("\n".join(LINES), filename="lines.txt")) == expected
    assert [r["line"] for r in expected] == [1, 4, 5]


def test_run_batch_in_worker_processes_keeps_the_order():
    lines = [f"x = {i}.0; y = x * x" for i in range(40)]
    records = list(gradcalc.run_batch(lines, jobs=2))
    assert [r["values"]["y"] for r in records] == [float(i * i) for i in range(40)]
    assert records == list(gradcalc.run_batch(lines))


def test_importing_gradcalc_stays_cheap():
    code = "import sys, gradcalc; print(sorted(m for m in ('numpy', 'gradcalc.api') if m in sys.modules))"
    env = {**os.environ, "PYTHONPATH": ROOT}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "[]"
    assert callable(gradcalc.run) and callable(gradcalc.run_batch)
