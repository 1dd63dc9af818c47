"""Only ``\\n`` (and ``\\r\\n``) end a line: in --batch files and in the lines an error panel
quotes. U+2028, U+0085, a form feed or a vertical tab inside a line stay in it (issue 14:
records numbered 1-4 for 3 lines, the panel showing the wrong line after a form feed)."""

from __future__ import annotations

import json

from gradcalc.cli.batch import program_lines
from gradcalc.cli.errorpanel import source_line

ODD = "s = 'a\u2028b'; m = 1\nt = 'c\u0085d'; k = 2\x0c\nu = 3\x0b; v = 4\r\nw = 5\n"


def test_program_lines_split_on_newlines_only():
    assert [number for number, _ in program_lines(ODD)] == [1, 2, 3, 4]
    assert dict(program_lines(ODD))[3] == "u = 3\x0b; v = 4"  # the \r of \r\n is not kept
    assert source_line("a\x0cb\nc\u2028d\ne", 2) == "c\ufffdd"  # unprintable: one placeholder
    assert source_line("a\nb", 3) is None


def test_batch_records_are_numbered_by_newlines(run_gradcalc, tmp_path):
    (tmp_path / "odd.txt").write_bytes(ODD.encode())
    done = run_gradcalc("--batch", "--json", "-f", "odd.txt")
    documents = [json.loads(line) for line in done.stdout.splitlines()]
    assert [d["line"] for d in documents] == [1, 2, 3, 4]
    assert documents[0]["values"]["s"] == "a\u2028b"
    error = documents[2]["errors"][0]
    assert (error["type"], error["line"], error["column"]) == ("SyntaxError", 3, 6)
    assert "U+000B" in error["message"]
    assert documents[3]["ok"] and documents[3]["values"]["w"] == 5


def test_the_panel_quotes_the_right_line_after_a_form_feed(run_gradcalc, tmp_path):
    (tmp_path / "ff.gc").write_bytes(b"x = 1\n\x0c\ny = x +* 2\n")
    done = run_gradcalc("-f", "ff.gc")
    assert done.returncode == 2
    assert "ff.gc:3:8" in done.stderr and " 3 | y = x +* 2" in done.stderr
    batch = run_gradcalc("--batch", "-f", "ff.gc")
    assert "ff.gc:3:8" in batch.stderr and " 3 | y = x +* 2" in batch.stderr
