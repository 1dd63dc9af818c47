"""The installed ``gradcalc`` command fed broken input: files from elsewhere, bad options,
empty and huge input, odd output. Exit codes 0/1/2, a message on stderr, never a traceback.

The CLI's other hostile cases (issue 14) are tests beside the features they bound:
tests/cli/test_limits.py (bounds, absurd option values, closed and binary stdin),
test_json_output.py (--json in every failure and at every size), test_file_policy_cli.py
(FIFOs, devices, files from elsewhere), test_batch_lines.py (line ends) and
test_call_chain.py.
"""

from __future__ import annotations

import json
import pickle
import time

import numpy as np
import pytest

# What the command must never show. Error kinds are Python's exception names on purpose
# (``AttributeError``, ``TypeError``: see gradcalc.errors), so they are not leaks here.
CLI_LEAKS = ("Traceback", "internal error", 'File "', "site-packages", "--debug for the traceback")


def assert_no_python_leak(text: str | None) -> None:
    for leak in CLI_LEAKS:
        assert leak not in (text or ""), f"{leak!r} shown to the user in {text!r}"


def check(proc, code: int, *wanted: str) -> str:
    """Exit code ``code``; every ``wanted`` text on stderr; no traceback anywhere."""
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
    (tmp_path / "blank.gc").write_text("\n  \n# nothing\n\t\n")  # a lone ';' is Python's error
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
        (["-f", "nul.gc"], 2, ["invalid non-printable character U+0000", "nul.gc:1:6"]),
        (["-s", "x=@objects.npy", "m = sum(x)"], 2, ["pickled Python objects", "never unpickles"]),
        (["-s", "x=@pickle.npy", "m = sum(x)"], 2, ["not a valid .npy file"]),
        (["-s", "x=@missing.npy", "m = sum(x)"], 2, ["no such file"]),
        (["-s", "x=@ragged.json", "m = sum(x)"], 2, ["ragged"]),
        (["-s", "x=@text.csv", "m = sum(x)"], 2, ["text.csv"]),
        (["-s", "1x=3", "m = 1"], 2, ["invalid variable name '1x'"]),
        (["-s", "import=3", "m = 1"], 2, ["invalid variable name 'import'"]),
        (["-s", "x", "m = 1"], 2, ["expected NAME=VALUE"]),
        (["-s", "x=", "m = 1"], 2, ["needs a value"]),
        (["-s", "x=[[1,2],[3]]", "m = 1"], 2, ["expected sequence of length 2 at dim 1 (got 1)"]),
        (["-s", "x=[1, 'a']", "m = 1"], 2, ["new(): invalid data type 'str'"]),
        (["-s", "x=[1, [2]]", "m = 1"], 2, ["'list' object cannot be interpreted as an integer"]),
        (["-s", "x=(", "m = 1"], 2, ["not closed"]),
        (["-s", "x=1; y=2", "m = 1"], 2, ["single expression"]),
        (["-s", "x='a'", "m = 1"], 2, ["not numeric"]),
        (["-s", "x=__import__('os')", "m = 1"], 2, ["__import__"]),
        (
            ["-s", "x=ones(100, 100)", "--max-elements", "50", "m = 1"],
            2,
            ["exceeds the limit of 50"],
        ),
        (["-s", "x=randn(10**5, 10**5)", "m = 1"], 2, ["exceeds the limit"]),
        (["--max-elements", "0", "1"], 2, ["--max-elements"]),
        (["--max-elements", "many", "1"], 2, ["--max-elements"]),
        (
            ["--max-elements", "10", "a = ones(11)"],
            1,
            ["tensor of 11 elements (shape (11,)) exceeds the limit of 10", "--max-elements"],
        ),
        (["x = (1 +"], 2, ["unexpected end of input", "<string>:1:9"]),
        (["x = meen(1)"], 1, ["name 'meen' is not defined", "did you mean 'mean'"]),
        (["x = [1., 2.]; m = x @ ones(3)"], 1, ["inconsistent tensor size", "<string>:1:21"]),
        (["x = load('objects.npy')"], 1, ["pickled Python objects"]),
        (["torch.__class__"], 1, ["has no attribute '__class__'"]),
        (["x = [[1,2],[3]]"], 1, ["expected sequence of length 2 at dim 1 (got 1)"]),
        (["x = 1 / 0"], 1, ["division by zero"]),
        (["x = [1., 2.]; m = sum(x * x); m.backward(); m.backward()"], 1, ["second time"]),
        (["y = " + "(" * 10_000 + "1" + ")" * 10_000], 2, ["nested too deeply"]),
        (["-s", "__class__=1", "m = __class__"], 2, ["invalid variable name '__class__'"]),
        (["-s", "__import__=1", "m = 2"], 2, ["invalid variable name '__import__'"]),
        (["import numpy as __builtins__"], 1, ["name '__builtins__' is not defined"]),
        (["x = 0123"], 2, ["leading zeros in decimal integer literals are not permitted"]),
        (["x = １２"], 2, ["invalid character '１' (U+FF11)"]),
        (["-f", "f" * 5000 + ".gc"], 2, ["the file name is too long"]),
        (["-s", "x=@" + "f" * 5000 + ".npy", "m = 1"], 2, ["the file name is too long"]),
        (["--graph-out", "nodir/g.dot", "x = [1.]; m = sum(x)"], 2, ["cannot write nodir/g.dot"]),
        (["--allow-read", "binary.gc", "x = 1"], 2, ["--allow-read binary.gc: not a directory"]),
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
    # 250,000 nodes: about 35 s and 0.9 GB on the 2-core machine (memory grows linearly now)
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
    assert (error["type"], error["category"]) == ("RuntimeError", "shape")
    assert (error["line"], error["column"]) == (1, 21)
    proc = run_gradcalc("--json", "x = (")
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["errors"][0]["type"] == "SyntaxError"


def test_non_finite_values_are_values_and_the_run_goes_on(run_gradcalc):
    # As in PyTorch, inf and NaN are values, not warnings (tests/interpreter/test_session.py's
    # test_infinities_are_values_not_warnings holds the same for the session).
    proc = run_gradcalc("-q", "v = [1., 2.]; w = v / 0; w = w + 1; n = log(-v); print(sum(v))")
    check(proc, 0)
    assert "contains" not in proc.stderr + proc.stdout
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


def test_control_characters_a_program_prints_stay_escaped_in_json(run_gradcalc):
    proc = run_gradcalc("--json", "print('\\x1b[31mred\\x07'); print('\\ud800x')")
    check(proc, 0)
    assert "\\u001b[31mred\\u0007" in proc.stdout and "\\ud800x" in proc.stdout
    assert json.loads(proc.stdout)["printed"] == ["\x1b[31mred\x07", "\ud800x"]


def test_many_retained_backward_calls_are_bounded_and_quick(run_gradcalc):
    start = time.monotonic()
    proc = run_gradcalc("--json", "-b", "1000", "-r", "x = [1., 2.]; m = sum(x * x)")
    check(proc, 0)
    assert json.loads(proc.stdout)["grads"]["x"] == [2000.0, 4000.0]
    assert time.monotonic() - start < 60
    check(run_gradcalc("-b", "1001", "-r", "x = 1"), 2, "Invalid value for '-b'")


def test_a_huge_string_value_is_cut_in_the_table_and_the_json_is_bounded(run_gradcalc):
    proc = run_gradcalc("-b", "0", "s = 'ab' * 2_000_000")
    check(proc, 0)
    assert len(proc.stdout) < 20_000 and "3,998,002 more" in proc.stdout
    proc = run_gradcalc("--json", "s = 'ab' * 6_000_000")
    check(proc, 0)
    assert len(proc.stdout) < 10_500_000  # the document's text bound, 10 million characters
    assert "more characters not written" in json.loads(proc.stdout)["values"]["s"]
