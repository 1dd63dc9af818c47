"""The installed ``gradcalc`` command fed broken input: files from elsewhere, bad options,
empty and huge input. Exit codes 0/1/2, a message on stderr, never a traceback."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from hostile_helpers import assert_no_python_leak


def check(proc, code: int, *wanted: str) -> str:
    """Exit code ``code``; every ``wanted`` text on stderr; nothing Python-ish anywhere."""
    assert proc.returncode == code, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert_no_python_leak(proc.stderr)
    assert_no_python_leak(proc.stdout[-5000:])
    for text in wanted:
        assert text in proc.stderr, (text, proc.stderr)
    return proc.stderr


@pytest.fixture
def files(tmp_path):
    (tmp_path / "binary.gc").write_bytes(bytes(range(256)))
    (tmp_path / "latin1.gc").write_bytes("x = 1  # café\n".encode("latin-1"))
    (tmp_path / "nul.gc").write_bytes(b"x = 1\x00\n")
    (tmp_path / "empty.gc").write_text("")
    (tmp_path / "blank.gc").write_text("\n  \n# nothing\n;\n")
    (tmp_path / "adir").mkdir()
    (tmp_path / "bom.gc").write_bytes("\ufeffx = 2\ny = x * 3\n".encode())
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (tmp_path / "pickle.npy").write_bytes(pickle.dumps([1.0, 2.0]))
    np.save(tmp_path / "good.npy", np.arange(4.0))
    (tmp_path / "ragged.json").write_text("[[1, 2], [3]]")
    (tmp_path / "text.csv").write_text("a,b\n1,x\n")
    return tmp_path


@pytest.mark.parametrize(
    "args, code, wanted",
    [
        (["-f", "missing.gc"], 2, ["cannot read missing.gc: no such file"]),
        (["-f", "adir"], 2, ["cannot read adir: it is a directory"]),
        (["-f", "binary.gc"], 2, ["not a UTF-8 text file"]),
        (["-f", "latin1.gc"], 2, ["not a UTF-8 text file"]),
        (["-f", "good.npy/inside"], 2, ["cannot read good.npy/inside"]),
        (["-f", "nul.gc"], 2, ["unexpected character", "nul.gc:1:6"]),
        (["-s", "x=@objects.npy", "m = sum(x)"], 2, ["pickled Python objects", "never unpickles"]),
        (["-s", "x=@pickle.npy", "m = sum(x)"], 2, ["not a valid .npy file"]),
        (["-s", "x=@missing.npy", "m = sum(x)"], 2, ["no such file"]),
        (["-s", "x=@ragged.json", "m = sum(x)"], 2, ["ragged"]),
        (["-s", "x=@text.csv", "m = sum(x)"], 2, ["text.csv"]),
        (["-s", "1x=3", "m = 1"], 2, ["invalid variable name '1x'"]),
        (["-s", "import=3", "m = 1"], 2, ["invalid variable name 'import'"]),
        (["-s", "x", "m = 1"], 2, ["expected NAME=VALUE"]),
        (["-s", "x=", "m = 1"], 2, ["needs a value"]),
        (["-s", "x=[[1,2],[3]]", "m = 1"], 2, ["ragged"]),
        (["-s", "x=(", "m = 1"], 2, ["not closed"]),
        (["-s", "x=1; y=2", "m = 1"], 2, ["single expression"]),
        (["-s", "x='a'", "m = 1"], 2, ["not numeric"]),
        (["-s", "x=__import__('os')", "m = 1"], 2, ["__import__"]),
        (
            ["-s", "x=ones(100, 100)", "--max-elements", "50", "m = 1"],
            2,
            ["exceeds the limit of 50"],
        ),
        (["--max-elements", "0", "1"], 2, ["--max-elements"]),
        (["--max-elements", "many", "1"], 2, ["--max-elements"]),
        (
            ["--max-elements", "10", "a = ones(11)"],
            1,
            ["11 elements exceeds the limit of 10", "--max-elements"],
        ),
        (["x = (1 +"], 2, ["unexpected end of input", "<string>:1:9"]),
        (["x = meen(1)"], 1, ["unknown function 'meen'", "did you mean 'mean'"]),
        (["x = [1., 2.]; m = x @ ones(3)"], 1, ["cannot multiply matrices", "<string>:1:21"]),
        (["x = load('objects.npy')"], 1, ["pickled Python objects"]),
        (["torch.__class__"], 1, ["has no attribute '__class__'"]),
        (["x = [[1,2],[3]]"], 1, ["ragged"]),
        (["x = 1 / 0"], 1, ["division by zero"]),
        (["x = [1., 2.]; m = sum(x * x); m.backward(); m.backward()"], 1, ["second time"]),
        (["y = " + "(" * 10_000 + "1" + ")" * 10_000], 2, ["nested too deeply"]),
    ],
    ids=lambda value: str(value)[:50] if isinstance(value, list) else None,
)
def test_broken_input_on_the_command_line(run_gradcalc, files, args, code, wanted):
    check(run_gradcalc(*args), code, *wanted)


def test_empty_input_in_every_mode_succeeds_quietly(run_gradcalc, files):
    for args, stdin in [(("",), None), (("-f", "empty.gc"), None), (("-f", "blank.gc"), None),
                        ((), ""), (("-f", "-"), "")]:  # fmt: skip
        proc = run_gradcalc(*args, input=stdin if stdin is not None else "")
        check(proc, 0)
        assert proc.stderr == ""


def test_a_utf8_byte_order_mark_is_not_an_error(run_gradcalc, files):
    proc = run_gradcalc("--json", "-f", "bom.gc")
    check(proc, 0)
    assert json.loads(proc.stdout)["values"]["y"] == 6.0


@pytest.mark.slow
def test_a_one_megabyte_line_from_a_file_and_from_stdin(run_gradcalc, tmp_path):
    line = "x = 2.0; m = " + " + ".join(["x"] * 250_000) + "; print(m)"  # 1 MB, one line
    assert len(line) > 1_000_000
    (tmp_path / "big.gc").write_text(line)
    proc = run_gradcalc("-q", "-f", "big.gc", timeout=180)
    check(proc, 0)
    assert "tensor(500000., grad_fn=<AddBackward0>)" in proc.stdout
    half_pasted = line[:1_000_000].rsplit(" + ", 1)[0] + " +"
    proc = run_gradcalc("-q", input=half_pasted, timeout=180)
    check(proc, 2, "unexpected end of input", "<stdin>:1:")


def test_keep_going_reports_every_error_with_file_line_column(run_gradcalc, tmp_path):
    (tmp_path / "script.gc").write_text(
        "x = [1., 2.]\ny = meen(x)\nz = x @ ones(3)\nw = sum(x)\nprint(w)\n"
    )
    proc = run_gradcalc("-k", "-f", "script.gc")
    check(proc, 1, "script.gc:2:5", "script.gc:3:7", "did you mean 'mean'")
    assert "tensor(3." in proc.stdout  # the rest ran
    proc = run_gradcalc("-f", "script.gc")
    check(proc, 1, "script.gc:2:5")
    assert "script.gc:3" not in proc.stderr and "tensor(3." not in proc.stdout


def test_json_mode_reports_errors_as_json(run_gradcalc):
    proc = run_gradcalc("--json", "x = [1., 2.]; y = x @ ones(3)")
    assert proc.returncode == 1
    (error,) = json.loads(proc.stdout)["errors"]
    assert (error["type"], error["line"], error["column"]) == ("ShapeError", 1, 21)
    proc = run_gradcalc("--json", "x = (")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["type"] == "SyntaxError"


def test_non_finite_values_warn_once_and_the_run_goes_on(run_gradcalc):
    proc = run_gradcalc("-q", "v = [1., 2.]; w = v / 0; w = w + 1; n = log(-v); print(sum(v))")
    check(proc, 0)
    assert proc.stderr.count("w contains inf") + proc.stdout.count("w contains inf") == 1
    assert "n contains NaN" in proc.stderr + proc.stdout
    assert "tensor(3., grad_fn=<SumBackward0>)" in proc.stdout
    proc = run_gradcalc("mean(tensor([]))")
    check(proc, 0)
    assert "RuntimeWarning" not in proc.stderr


def test_batch_lines_fail_independently(run_gradcalc, tmp_path):
    (tmp_path / "batch.txt").write_text("x = 1; y = x * 2\ny = (\nz = meen(1)\nw = 3\n")
    proc = run_gradcalc("--batch", "--json", "-f", "batch.txt")
    assert proc.returncode in (1, 2)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [doc["ok"] for doc in lines] == [True, False, False, True]
    assert lines[1]["errors"][0]["line"] == 2 and lines[2]["errors"][0]["type"] == "NameError"
