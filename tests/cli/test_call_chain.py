"""Errors inside functions: the panel shows the call chain as Python's traceback does (each
frame's file:line:column and line, innermost last), then the caret at the innermost place;
--json lists the frames; never a Python traceback."""

from __future__ import annotations

import io
import json

from rich.console import Console

from gradcalc.cli.errorpanel import render_error
from gradcalc.errors import ShapeError, Span

SCRIPT = """\
import torch

def inner(a):
    return a @ torch.ones(3)

def outer(x):
    y = x * 2
    return inner(y) + 1

w = torch.ones(2)
z = outer(w)
"""


def test_the_panel_lists_each_frame_outermost_first(run_gradcalc, tmp_path):
    (tmp_path / "chain.py").write_text(SCRIPT)
    done = run_gradcalc("-f", "chain.py")
    assert done.returncode == 1
    text = done.stderr
    assert text.splitlines()[0].startswith("╭─ RuntimeError ")
    order = [
        text.index("call chain, innermost last:"),
        text.index("chain.py:11:1 in <module>"),
        text.index("z = outer(w)"),
        text.index("chain.py:8:5 in outer"),
        text.index("return inner(y) + 1"),
        text.index("--> chain.py:4:14 in inner"),
        text.index(" 4 |     return a @ torch.ones(3)"),
    ]
    assert order == sorted(order)
    rows = text.splitlines()
    source_row = next(i for i, row in enumerate(rows) if " 4 |     return a @ torch.ones(3)" in row)
    assert rows[source_row + 1].index("^") == rows[source_row].index("@")
    assert "Traceback" not in text and 'File "' not in text


def test_json_lists_the_frames(run_gradcalc, tmp_path):
    (tmp_path / "chain.py").write_text(SCRIPT)
    document = json.loads(run_gradcalc("--json", "-f", "chain.py").stdout)
    (error,) = document["errors"]
    assert (error["line"], error["column"]) == (4, 14)
    assert error["frames"] == [
        {"function": "<module>", "line": 11, "column": 1},
        {"function": "outer", "line": 8, "column": 5},
        {"function": "inner", "line": 4, "column": 5},
    ]


def test_a_lambda_and_a_batch_line_offset(run_gradcalc, tmp_path):
    (tmp_path / "progs.txt").write_text("x = 1\nh = lambda t: t.nope; h(ones(2))\n")
    done = run_gradcalc("--batch", "--json", "-f", "progs.txt")
    second = [json.loads(line) for line in done.stdout.splitlines()][1]
    (error,) = second["errors"]
    assert (error["type"], error["line"], error["column"]) == ("AttributeError", 2, 15)
    assert [f["function"] for f in error["frames"]] == ["<module>", "<lambda>"]
    assert error["frames"][0]["line"] == 2
    text = run_gradcalc("--batch", "-f", "progs.txt").stderr
    assert "progs.txt:2:23 in <module>" in text and "--> progs.txt:2:15 in <lambda>" in text


def render(error, source: str, width: int = 100) -> str:
    buffer = io.StringIO()
    render_error(
        Console(file=buffer, width=width, color_system=None), error, source=source,
        filename="s.gc",
    )  # fmt: skip
    return buffer.getvalue()


def test_a_repeated_frame_is_shown_three_times_then_counted():
    source = "def f(n):\n    return f(n + 1)\nf(0)\n"
    call = Span(2, 5, 2, 20, 14, 29)
    error = ShapeError("deep", span=Span(2, 12, 2, 20, 21, 29))
    error.frames = [("f", call, None)] * 30 + [("<module>", Span(3, 1, 3, 5, 30, 34), None)]
    text = render(error, source)
    assert text.count("s.gc:2:5 in f") == 3
    assert "[the frame above repeated 26 more times]" in text
    assert "--> s.gc:2:12 in f" in text


def test_a_long_chain_of_different_frames_is_cut_in_the_middle():
    lines = [f"def f{i}():\n    return f{i + 1}()\n" for i in range(60)]
    source = "".join(lines) + "f0()\n"
    frames = []
    offset = 0
    for i, chunk in enumerate(lines):
        frames.append((f"f{i}", Span(2 * i + 2, 5, 2 * i + 2, 20, offset + 10, offset + 25), None))
        offset += len(chunk)
    error = ShapeError("deep", span=Span(120, 12, 120, 20, offset - 10, offset - 2))
    error.frames = list(reversed(frames)) + [
        ("<module>", Span(121, 1, 121, 5, offset, offset + 4), None)
    ]
    text = render(error, source)
    assert "s.gc:121:1 in <module>" in text and "in f58" in text
    assert "frames not shown" in text
    assert text.count(" in f") < 30


def test_a_function_from_a_loaded_file_is_shown_in_its_own_file(run_gradcalc, tmp_path):
    (tmp_path / "lib.py").write_text("import torch\n\n\ndef f(x):\n    return x @ torch.ones(3)\n")
    done = run_gradcalc("-q", "-i", input=":load lib.py\nf(torch.ones(2))\n")
    assert "<stdin>:1:1 in <module>" in done.stderr
    assert "--> lib.py:5:14 in f" in done.stderr
    assert " 5 |     return x @ torch.ones(3)" in done.stderr


def test_a_frame_from_another_input_names_its_file_in_json_and_hides_unshown_lines():
    from gradcalc.cli.errorpanel import error_panel
    from gradcalc.cli.jsonout import error_document

    library = "def f(x):\n    return x.nope\n"
    error = ShapeError("bad", span=Span(2, 12, 2, 18, 21, 27))
    error.frames = [("f", Span(2, 5, 2, 18, 14, 27), ("lib.py", library))]
    error.frames.append(("<module>", Span(1, 1, 1, 5, 0, 4), None))
    document = error_document(error, line_offset=3)
    assert document["file"] == "lib.py" and document["line"] == 2  # no batch offset there
    assert document["frames"] == [
        {"function": "<module>", "line": 4, "column": 1},
        {"function": "f", "line": 2, "column": 5, "file": "lib.py"},
    ]
    buffer = io.StringIO()
    panel = error_panel(error, source="f(1)\n", filename="<stdin>", width=80)
    Console(file=buffer, width=80, color_system=None).print(panel)
    assert "--> lib.py:2:12 in f" in buffer.getvalue()
    assert "return x.nope" in buffer.getvalue()
    buffer = io.StringIO()
    panel = error_panel(
        error, source="f(1)\n", filename="<stdin>", width=80, file_shown=lambda n: n != "lib.py"
    )
    Console(file=buffer, width=80, color_system=None).print(panel)
    assert "--> lib.py:2:12 in f" in buffer.getvalue()
    assert "x.nope" not in buffer.getvalue() and "f(1)" in buffer.getvalue()
