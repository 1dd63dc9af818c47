"""The file policy wired into the command: --allow-read, --max-file-bytes, -f, stdin,
:load, -s NAME=@FILE and batch files; an error panel never quotes a line of a program file
outside the working directory and the --allow-read directories (issue 14)."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

SECRET = "root:x:0:0:hunter2:/root:/bin/bash"  # the parser stops at the first ':'


@pytest.fixture
def outside(tmp_path_factory):
    """A directory that is neither the working directory nor under it."""
    place = tmp_path_factory.mktemp("elsewhere")
    np.save(place / "w.npy", np.arange(3.0))
    (place / "secret.gc").write_text("x = 1\n" + SECRET + "\n")
    (place / "ok.gc").write_text(f"w = load({str(place / 'w.npy')!r})\nm = sum(w * w)\n")
    return place


def test_load_reads_under_the_working_directory_only_unless_allowed(
    run_gradcalc, tmp_path, outside
):
    np.save(tmp_path / "here.npy", np.ones(2))
    assert run_gradcalc("-q", "-b", "0", "x = load('here.npy')").returncode == 0
    path = str(outside / "w.npy")
    refused = run_gradcalc("-q", f"x = load('{path}')")
    assert refused.returncode == 1
    assert "outside the directories gradcalc may read" in refused.stderr
    assert "--allow-read DIR" in refused.stderr
    allowed = run_gradcalc(
        "--json", "--allow-read", str(outside), f"x = load('{path}'); m = sum(x)"
    )
    assert allowed.returncode == 0, allowed.stdout
    assert json.loads(allowed.stdout)["values"]["x"] == [0.0, 1.0, 2.0]


def test_a_script_may_load_beside_itself(run_gradcalc, outside):
    done = run_gradcalc("--json", "-f", str(outside / "ok.gc"))
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["values"]["m"] == 5.0


def test_set_from_a_file_follows_the_policy(run_gradcalc, outside):
    path = str(outside / "w.npy")
    refused = run_gradcalc("-s", f"w=@{path}", "m = sum(w)")
    assert refused.returncode == 2 and "outside the directories gradcalc may read" in refused.stderr
    allowed = run_gradcalc("--json", "--allow-read", str(outside), "-s", f"w=@{path}", "m = sum(w)")
    assert allowed.returncode == 0 and json.loads(allowed.stdout)["values"]["m"] == 3.0


def test_max_file_bytes_bounds_data_files(run_gradcalc, tmp_path):
    np.save(tmp_path / "big.npy", np.zeros(1000))
    done = run_gradcalc("-q", "--max-file-bytes", "1k", "x = load('big.npy')")
    assert done.returncode == 1
    assert "over the limit of 1.0 KiB" in done.stderr and "--max-file-bytes" in done.stderr
    assert (
        run_gradcalc("-q", "-b", "0", "--max-file-bytes", "1M", "x = load('big.npy')").returncode
        == 0
    )


def test_a_fifo_or_a_device_is_refused_at_once(run_gradcalc, tmp_path):
    os.mkfifo(tmp_path / "pipe.gc")
    os.mkfifo(tmp_path / "pipe.csv")
    start = time.monotonic()
    program = run_gradcalc("-f", "pipe.gc", timeout=60)
    data = run_gradcalc("-q", "x = load('pipe.csv')", timeout=60)
    bound = run_gradcalc("-s", "x=@pipe.csv", "m = sum(x)", timeout=60)
    device = run_gradcalc("-f", "/dev/zero", timeout=60)
    assert time.monotonic() - start < 60  # nothing waited for a writer
    assert program.returncode == 2 and "named pipe (FIFO)" in program.stderr
    assert data.returncode == 1 and "named pipe (FIFO)" in data.stderr
    assert bound.returncode == 2 and "named pipe (FIFO)" in bound.stderr
    assert device.returncode == 2 and "character device" in device.stderr


def test_an_error_panel_does_not_quote_a_file_from_elsewhere(run_gradcalc, tmp_path, outside):
    secret = str(outside / "secret.gc")
    done = run_gradcalc("-f", secret)
    assert done.returncode == 2
    assert f"{secret}:2:" in done.stderr  # where the error is...
    assert "hunter2" not in done.stderr and "root:x" not in done.stderr  # ...not the line
    assert "are not shown" in done.stderr and "--allow-read" in done.stderr
    shown = run_gradcalc("--allow-read", str(outside), "-f", secret)
    assert "hunter2" in shown.stderr  # allowed: the panel quotes the line as usual
    as_json = run_gradcalc("--json", "-f", secret)
    assert "hunter2" not in as_json.stdout


def test_a_symlink_in_the_working_directory_does_not_vouch_for_its_target(
    run_gradcalc, tmp_path, outside
):
    (tmp_path / "link.gc").symlink_to(outside / "secret.gc")
    done = run_gradcalc("-f", "link.gc")
    assert done.returncode == 2 and "hunter2" not in done.stderr


def test_stdin_redirected_from_a_file_elsewhere_is_not_quoted(tmp_path, outside):
    import subprocess
    import sys

    with open(outside / "secret.gc", "rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-m", "gradcalc"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"},
        )
    assert done.returncode == 2 and "<stdin>:2:" in done.stderr
    assert "hunter2" not in done.stderr
    piped = subprocess.run(  # a pipe has no file behind it: the user typed or made it
        [sys.executable, "-m", "gradcalc"],
        input="y = 1 +* 2\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "120"},
    )
    assert " 1 | y = 1 +* 2" in piped.stderr


def test_a_batch_file_from_elsewhere_is_not_quoted(run_gradcalc, outside):
    done = run_gradcalc("--batch", "-f", str(outside / "secret.gc"))
    assert done.returncode == 2
    assert "hunter2" not in done.stderr and "secret.gc:2:" in done.stderr


def test_load_in_the_repl_reads_and_hides_the_same_way(run_gradcalc, tmp_path, outside):
    (tmp_path / "here.gc").write_text("k = 2.\nbad = 1 +* 2\n")
    commands = f":load here.gc\n:load {outside / 'secret.gc'}\n:load {tmp_path / 'missing.gc'}\n"
    done = run_gradcalc("-q", "-i", input=commands)
    assert done.returncode == 0
    assert " 2 | bad = 1 +* 2" in done.stderr  # a file under the working directory is quoted
    assert "secret.gc:2:" in done.stderr and "hunter2" not in done.stderr
    assert "no such file" in done.stderr


def test_load_refuses_a_fifo_in_the_repl(run_gradcalc, tmp_path):
    os.mkfifo(tmp_path / "pipe.gc")
    done = run_gradcalc("-q", "-i", input=":load pipe.gc\n", timeout=60)
    assert done.returncode == 0
    assert (
        "named pipe (FIFO)" in done.stderr and "pipes and devices cannot be loaded" in done.stderr
    )


def test_allow_read_must_name_a_directory(run_gradcalc, tmp_path):
    (tmp_path / "file.txt").write_text("1")
    missing = run_gradcalc("--allow-read", "nowhere", "x = 1")
    assert missing.returncode == 2 and "--allow-read nowhere: no such file" in missing.stderr
    not_dir = run_gradcalc("--allow-read", "file.txt", "x = 1")
    assert not_dir.returncode == 2 and "not a directory" in not_dir.stderr
