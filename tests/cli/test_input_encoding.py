"""Scripts from other editors: byte-order marks and non-UTF-8 bytes, from files and stdin."""

import os
import subprocess
import sys

BROKEN = "x = [1., 2.]; y = x +* 2\n"


def run_bytes(args, stdin: bytes, tmp_path):
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "gradcalc", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )


def test_bom_in_a_file_does_not_shift_the_caret(run_gradcalc, tmp_path):
    script = tmp_path / "bom.gc"
    script.write_bytes(b"\xef\xbb\xbf" + BROKEN.encode())
    result = run_gradcalc("-f", str(script))
    assert result.returncode == 2
    assert "bom.gc:1:22" in result.stderr
    assert "\n  1 | x = [1., 2.]; y = x +* 2" in result.stderr.replace("│", "")


def test_bom_on_stdin_does_not_shift_the_caret(tmp_path):
    result = run_bytes([], b"\xef\xbb\xbf" + BROKEN.encode(), tmp_path)
    assert result.returncode == 2
    assert b"<stdin>:1:22" in result.stderr


def test_non_utf8_stdin_is_a_usage_error(tmp_path):
    result = run_bytes(["-f", "-"], b"x = \xff\xfe", tmp_path)
    assert result.returncode == 2
    assert b"cannot read stdin: not UTF-8 text" in result.stderr
    assert b"Traceback" not in result.stderr


def test_warnings_have_one_label(run_gradcalc):
    result = run_gradcalc("-q", "-b", "0", "x = ones(2, 3, 4); y = x.T")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stderr.split())
    assert text.startswith("warning: UserWarning: The use of `x.T` on tensors of dimension")
    assert text.count("warning:") == 1
