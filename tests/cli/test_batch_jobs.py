"""``--batch --json``: records without the graph unless ``--graph json``, each line in a clean
session, ``--jobs N`` and ``--dask`` writing byte for byte what ``--jobs 1`` writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gradcalc

LINES = [
    "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))",
    "# a comment",
    "",
    "import torch; x = torch.tensor([1., 2.], requires_grad=True); y = (x * x).sum(); y.backward()",
    "z = [1, 2",
    "a = 2.0; b = -3.0; c = a*b + b**3; d = tanh(c)",
    "import torch; torch.set_grad_enabled(False); torch.set_printoptions(precision=2)",
    "import torch; w = torch.tensor([0.5, 1.0], requires_grad=True); s = (w * w).sum(); "
    "s.backward(); print(w)",
    "import torch; g = torch.manual_seed(3); del g; r = torch.rand(2)",
    "import torch; r = torch.rand(2)",
    "q = 1 / 0",
] * 9


def _run(*args: str, cwd: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    root = str(Path(gradcalc.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": root, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cwd)}
    return subprocess.run(
        [python, "-m", "gradcalc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def batch_file(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(LINES) + "\n")
    return path


def test_records_leave_the_graph_out_unless_asked(tmp_path, batch_file):
    plain = _run("--batch", "--json", "-f", batch_file.name, cwd=tmp_path)
    records = [json.loads(line) for line in plain.stdout.splitlines()]
    assert [r["line"] for r in records][:4] == [1, 4, 5, 6]
    assert all(r["graph"] is None for r in records)
    assert records[0]["grads"]["x"] == [[1 / 3] * 3] * 2
    with_graph = _run("--batch", "--json", "--graph", "json", "-f", batch_file.name, cwd=tmp_path)
    graphs = [json.loads(line)["graph"] for line in with_graph.stdout.splitlines()]
    assert graphs[0]["nodes"][-1]["op"] == "MeanBackward0"
    assert plain.returncode == with_graph.returncode == 2  # the syntax error of line 5


def test_each_line_starts_clean(tmp_path, batch_file):
    """Grad mode, print options and the generator a line changes do not reach the next."""
    done = _run("--batch", "--json", "-f", batch_file.name, cwd=tmp_path)
    records = {r["line"]: r for r in map(json.loads, done.stdout.splitlines())}
    assert records[8]["grads"] == {"w": [1.0, 2.0]}  # after set_grad_enabled(False) on line 7
    assert records[8]["printed"] == ["tensor([0.5000, 1.0000], requires_grad=True)"]  # precision
    assert records[9]["values"]["r"] != records[10]["values"]["r"]  # seed 3, then seed 0
    assert records[10]["values"]["r"] == records[21]["values"]["r"]


def test_a_warn_once_message_is_shown_once_per_line(tmp_path):
    """PyTorch warns once per process; a batch line is a process of its own."""
    line = (
        "import torch; x = torch.tensor([1.0, 2.0], requires_grad=True); "
        "(x * x).sum().backward(create_graph=True); (x * x).sum().backward(create_graph=True)"
    )
    (tmp_path / "twice.txt").write_text(f"{line}\n{line}\n")
    done = _run("--batch", "--json", "-f", "twice.txt", cwd=tmp_path)
    warnings = [json.loads(record)["warnings"] for record in done.stdout.splitlines()]
    assert len(warnings) == 2 and warnings[0] == warnings[1]
    assert len(warnings[0]) == 1 and "create_graph=True" in warnings[0][0]


@pytest.mark.parametrize("jobs", ["2", "0"])
def test_jobs_write_the_same_bytes_as_one_process(tmp_path, batch_file, jobs):
    one = _run("--batch", "--json", "-f", batch_file.name, cwd=tmp_path)
    many = _run("--batch", "--json", "--jobs", jobs, "-f", batch_file.name, cwd=tmp_path)
    assert many.stdout == one.stdout and many.stdout
    assert many.returncode == one.returncode == 2
    assert many.stderr == ""


def test_jobs_and_dask_need_a_json_batch(tmp_path):
    for option in (["--jobs", "2"], ["--dask", "local"]):
        done = _run("--json", *option, "x = 1", cwd=tmp_path)
        assert done.returncode == 2
        assert "add --batch --json" in json.loads(done.stdout)["errors"][0]["message"]


def test_dask_on_a_local_cluster_writes_the_same_bytes(tmp_path, batch_file):
    """A LocalCluster with two workers, through the API the command uses."""
    distributed = pytest.importorskip("distributed")
    from gradcalc.cli.lines import LineRunner, program_lines
    from gradcalc.cli.options import Options
    from gradcalc.cli.scaleout import records_on_dask

    options = Options(batch=True, json_output=True)
    numbered = list(program_lines(batch_file.read_text()))
    expected = LineRunner(options).records(numbered, batch_file.name)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        with distributed.Client(cluster) as client:
            found = list(
                records_on_dask(numbered, batch_file.name, options, None, "local", client=client)
            )
    finally:
        cluster.close()
    assert found == expected


def test_dask_local_from_the_command_writes_the_same_bytes(tmp_path, batch_file):
    pytest.importorskip("distributed")
    one = _run("--batch", "--json", "-f", batch_file.name, cwd=tmp_path)
    dask = _run("--batch", "--json", "--dask", "local", "-f", batch_file.name, cwd=tmp_path)
    assert dask.stdout == one.stdout and dask.stdout
    assert dask.returncode == one.returncode == 2


def test_dask_without_distributed_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    from gradcalc.cli import scaleout
    from gradcalc.errors import UsageError

    real_import = builtins.__import__

    def without_distributed(name, *args, **kwargs):
        if name == "distributed" or name.startswith("distributed."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_distributed)
    with pytest.raises(UsageError) as caught:
        scaleout.connect("local")
    assert caught.value.hint == "pip install 'gradcalc[dask]'"
