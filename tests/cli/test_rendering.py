"""Rendering from hand-built result objects: error panels, values, tree view, exporters, JSON.

These need neither the parser nor the autograd core: they build ``results`` objects and
``GradcalcError``s directly and check what the CLI draws from them.
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from rich.console import Console

from gradcalc.cli.checkreport import check_report
from gradcalc.cli.errorpanel import render_error, source_excerpt
from gradcalc.cli.formatting import format_shape, format_value
from gradcalc.cli.graphs import check_output_path, to_dot, to_json, to_mermaid, write_graph
from gradcalc.cli.jsonout import dumps, error_document, graph_document, jsonable
from gradcalc.cli.tables import explain_view, grads_table, values_table
from gradcalc.cli.tree import MAX_NODES, graph_tree
from gradcalc.errors import AutogradError, GradcalcSyntaxError, Span, UsageError
from gradcalc.interpreter.results import ExplainStep, Graph, GraphNode

ANSI = re.compile(r"\x1b\[")


def render(renderable, width: int = 100, **console_options) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, highlight=False, **console_options
    )
    console.print(renderable)
    return buffer.getvalue()


def span_of(source: str, fragment: str, line: int = 1) -> Span:
    text = source.splitlines()[line - 1]
    column = text.index(fragment) + 1
    start = sum(len(s) + 1 for s in source.splitlines()[: line - 1]) + column - 1
    return Span(line, column, line, column + len(fragment), start, start + len(fragment))


def error_text(error, **kwargs) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=kwargs.pop("width", 100), color_system=None)
    render_error(console, error, **kwargs)
    return buffer.getvalue()


def caret_columns(text: str, source_line: str) -> tuple[int, int]:
    """(column of the source line's first character, columns of the carets) in the output."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if source_line in line)
    origin = lines[index].index(source_line)
    carets = [i for i, ch in enumerate(lines[index + 1]) if ch == "^"]
    return origin, carets


# ---- error panel -------------------------------------------------------------------------


def test_error_panel_shows_kind_message_location_source_caret_and_hint():
    source = "x = [1, 2]\ny = x + [1, 2, 3]\n"
    error = AutogradError(
        "cannot add tensors of shapes (2,) and (3,)",
        hint="check the shapes",
        span=span_of(source, "+", line=2),
    )
    text = error_text(error, source=source, filename="script.gc")
    assert text.splitlines()[0].startswith("╭─ RuntimeError ")  # the kind: Python's name
    assert "cannot add tensors of shapes (2,) and (3,)" in text
    assert "script.gc:2:7" in text
    assert "hint: check the shapes" in text
    origin, carets = caret_columns(text, "y = x + [1, 2, 3]")
    assert carets == [origin + 6]


def test_caret_run_covers_the_whole_span():
    source = "m = meen(x)"
    error = GradcalcSyntaxError("unknown function 'meen'", span=span_of(source, "meen"))
    text = error_text(error, source=source, filename="<string>")
    origin, carets = caret_columns(text, source)
    assert carets == [origin + 4, origin + 5, origin + 6, origin + 7]


def test_caret_stays_under_the_span_on_a_line_longer_than_the_panel():
    source = "a = 1 + " + " + ".join(["1"] * 60) + " + bad_name"
    error = GradcalcSyntaxError("unknown name 'bad_name'", span=span_of(source, "bad_name"))
    text = error_text(error, source=source, filename="<string>", width=60)
    line = next(line for line in text.splitlines() if "bad_name" in line and "|" in line)
    caret_line = text.splitlines()[text.splitlines().index(line) + 1]
    start = line.index("bad_name")
    assert [i for i, ch in enumerate(caret_line) if ch == "^"] == list(range(start, start + 8))
    assert "…" in line
    assert max(len(row) for row in text.splitlines()) <= 60


def test_error_at_end_of_input_gets_one_caret():
    source = "x = (1 + 2"
    span = Span(1, 11, 1, 11, 10, 10)
    excerpt = source_excerpt(source, span)
    assert excerpt.plain.splitlines()[-1].endswith(" " * 10 + "^")


def test_tabs_and_multiline_spans_keep_the_caret_aligned():
    source = "\tx = foo(1,\n  2)"
    span = Span(1, 6, 2, 4, 5, 15)
    rows = source_excerpt(source, span).plain.splitlines()
    assert rows[1].endswith(" x = foo(1,")
    assert rows[2].index("^") == rows[1].index("foo")
    assert rows[2].count("^") == len("foo(1,")


def test_batch_line_offset_shifts_the_reported_line():
    source = "y = q"
    error = GradcalcSyntaxError("unknown name 'q'", span=span_of(source, "q"))
    text = error_text(error, source=source, filename="progs.txt", line_offset=41)
    assert "progs.txt:42:5" in text
    assert " 42 | y = q" in text


def test_error_without_span_names_the_option_and_keeps_the_hint():
    error = AutogradError(
        "Trying to backward through the graph a second time", hint="pass --retain-graph"
    )
    text = error_text(error, filename="--backward 2")
    assert "--> --backward 2" in text
    assert "hint: pass --retain-graph" in text
    assert "|" not in text.replace("│", "")


def test_user_text_is_not_read_as_markup():
    source = "y = x[b] + w[i]"
    error = UsageError("unknown name 'b' in x[b] + w[i]", span=span_of(source, "b"))
    text = error_text(error, source=source)
    assert "x[b] + w[i]" in text
    assert text.count("x[b] + w[i]") == 2


def test_internal_errors_are_one_line_without_traceback_unless_debug():
    try:
        raise KeyError("boom")
    except KeyError as exc:
        error = exc
    plain = error_text(error)
    assert plain.splitlines()[0] == "gradcalc: internal error: KeyError: 'boom'"
    assert "Traceback" not in plain
    assert "Traceback" in error_text(error, debug=True)


# ---- formatting and tables -----------------------------------------------------------------


def test_format_value_uses_precision_and_summarises_large_arrays():
    assert format_value(np.array(9.0)) == "9."
    assert (
        format_value(np.full((2, 3), 1 / 3), 4)
        == "[[0.3333, 0.3333, 0.3333],\n [0.3333, 0.3333, 0.3333]]"
    )
    assert format_value(np.array([1 / 3]), 2) == "[0.33]"
    # PyTorch summarises past 1,000 elements only
    assert "..." not in format_value(np.arange(1000.0).reshape(10, 100), one_line=True)
    one_line = format_value(np.arange(1010.0).reshape(10, 101), one_line=True)
    assert "..." in one_line and "\n" not in one_line and one_line.count("...") == 7
    block = format_value(np.zeros((1000, 1000)))
    assert "..." in block and len(block) < 2000
    assert format_value(None) == "None" and format_value("abc") == "'abc'"
    assert (
        format_shape(()) == "()"
        and format_shape((3,)) == "(3,)"
        and format_shape((2, 3)) == "(2, 3)"
    )


def test_values_and_gradients_tables():
    values = {"x": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]), "m": np.array(9.0), "s": "float64"}
    text = render(values_table(values, 4))
    assert "Values" in text and "(2, 3)" in text and "[[1., 2., 3.]," in text and "9." in text
    text = render(grads_table({"x": np.full((2, 3), 1 / 3)}, 1, 4))
    assert "Gradients (after 1 backward call)" in text and "x.grad" in text and "0.3333" in text
    assert "after 2 backward calls" in render(grads_table({"x": np.ones(2)}, 2, 4))


def test_check_report_marks_each_verdict():
    from gradcalc.interpreter.check import CheckSettings, ElementCheck, LeafCheck

    ok = ElementCheck((0,), 2.0, 2.0000001, 1e-7, 5e-8, True, True)
    bad = ElementCheck((1, 2), 1.0, 2.0, 1.0, 0.5, True, False)
    kink = ElementCheck((0,), 0.0, 0.5, 0.5, 1.0, False, False)
    checks = {
        "x": LeafCheck("x", "ok", 2, 2, [ok]),
        "w": LeafCheck("w", "FAIL", 6, 6, [bad, ok], failed=1),
        "v": LeafCheck("v", "not differentiable", 2, 2, [kink], failed=1, kinks=1),
    }
    text = render(check_report(checks, CheckSettings()), width=140)
    assert "eps 1e-06" in text and "atol 1e-05" in text and "rtol 0.001" in text
    assert "[1, 2]" in text and "differs" in text and "kink/jump" in text
    assert "w: FAIL — 1 of 6 elements past the tolerance" in text
    assert "v: not differentiable — 1 of 2 elements sit at a kink or jump" in text
    assert "x: ok — 2 elements checked" in text


def test_explain_view_lists_each_step():
    why = "∂m/∂z = 1/6 for each of z's 6 elements: the mean shares it out, because m = mean(z)"
    steps = [
        ExplainStep(
            "m = mean(z)  [MeanBackward0]",
            np.array(1.0),
            why,
            [("z", np.full((2, 3), 1 / 6))],
            "∂m/∂m",
            [why],
        )
    ]
    text = render(explain_view(steps, 4, "Chain rule: implicit backward 1"))
    assert "m = mean(z)  [MeanBackward0]" in text and "arriving ∂m/∂m = 1." in text
    assert why in text and "z  receives  [[0.1667" in text
    narrow = render(explain_view(steps, 4, "Chain rule", width=50), width=50).splitlines()
    # a wrapped sentence goes on under its first word, not at the margin
    assert narrow[3].startswith("   ∂m/∂z") and narrow[4].startswith("   ") and narrow[4][3] != " "


# ---- the tree view and the exporters ---------------------------------------------------------


def node(
    id,
    name,
    op,
    expr,
    value,
    *,
    inputs=(),
    grad=None,
    requires_grad=True,
    constant=False,
    freed=False,
):
    value = np.asarray(value, dtype=float)
    return GraphNode(
        id=id,
        name=name,
        op=op,
        expr=expr,
        shape=value.shape,
        value=value,
        grad=None if grad is None else np.asarray(grad, dtype=float),
        requires_grad=requires_grad and not constant,
        is_leaf=op is None,
        is_constant=constant,
        freed=freed,
        inputs=list(inputs),
    )


@pytest.fixture
def tutorial_graph() -> Graph:
    """x -> y = x + 2 -> z = y * y * 3 -> m = mean(z): y is used twice, 2 and 3 are constants."""
    x = np.array([[1.0, 1.0], [1.0, 1.0]])
    y, z = x + 2, (x + 2) ** 2 * 3
    return Graph(
        root=6,
        nodes=[
            node(0, "x", None, "x", x, grad=np.full((2, 2), 4.5)),
            node(1, None, None, "2", 2.0, constant=True),
            node(
                2,
                "y",
                "AddBackward0",
                "x + 2",
                y,
                inputs=[0, 1],
                grad=np.full((2, 2), 4.5),
                freed=True,
            ),
            node(3, None, "MulBackward0", "y * y", y * y, inputs=[2, 2], freed=True),
            node(4, None, None, "3", 3.0, constant=True),
            node(5, "z", "MulBackward0", "y * y * 3", z, inputs=[3, 4], freed=True),
            node(6, "m", "MeanBackward0", "z.mean()", 27.0, inputs=[5], grad=1.0),
        ],
    )


def test_tree_is_rooted_at_the_output_and_draws_shared_nodes_once(tutorial_graph):
    text = render(graph_tree(tutorial_graph, 4), width=200)
    lines = text.splitlines()
    assert lines[0] == "m = z.mean()  MeanBackward0  ()"
    order = [
        next(i for i, line in enumerate(lines) if key in line)
        for key in ("m = z.mean()", "z = y * y * 3", "y * y  MulBackward0", "y = x + 2", "x  leaf")
    ]
    assert order == sorted(order)
    assert sum("y = x + 2  AddBackward0" in line for line in lines) == 1
    assert any("↑ y = x + 2" in line and "drawn above" in line for line in lines)
    assert "requires_grad=True" in text and "[freed]" in text and "constant" in text
    assert "grad  [[4.5000, 4.5000],\n    │   │          [4.5000, 4.5000]]" in text
    assert "value 27." in text
    root_block = lines[:3]
    assert root_block[1] == "value 27." and root_block[2] == "grad  1."


def test_tree_dims_constants_and_colours_only_on_a_terminal(tutorial_graph):
    buffer = io.StringIO()
    Console(file=buffer, width=120, force_terminal=True, color_system="truecolor").print(
        graph_tree(tutorial_graph)
    )
    assert "\x1b[2m" in buffer.getvalue()  # dim
    assert not ANSI.search(render(graph_tree(tutorial_graph)))
    # [freed] is a note, not an error: yellow (33), never red (31)
    freed = re.findall(r"(\x1b\[[0-9;]*m)  \[freed\]", buffer.getvalue())
    assert freed and all(";31" not in code and "[31" not in code for code in freed)
    assert all("33" in code for code in freed)


def test_tree_of_a_huge_graph_is_cut():
    chain = [node(0, "x", None, "x", 1.0)]
    for i in range(1, 5000):
        chain.append(node(i, None, "ExpBackward0", f"exp(t{i})", 1.0, inputs=[i - 1]))
    text = render(graph_tree(Graph(root=4999, nodes=chain)), width=400)
    # past COMPACT_DEPTH a listing, each node once, cut to the MAX_NODES nearest the output
    assert text.startswith("Graph of t4999: 5000 nodes, 4999 deep, listed once each")
    assert f"… {5000 - MAX_NODES} earlier nodes not listed" in text
    assert text.count("ExpBackward0") == MAX_NODES
    assert text.rstrip().endswith("value 1.") and "t4999 = ExpBackward0(t4998)" in text


def test_tree_summarises_large_tensors():
    big = node(0, "w", None, "w", np.arange(10000.0).reshape(100, 100))
    text = render(graph_tree(Graph(root=0, nodes=[big])), width=300)
    # as PyTorch prints it: three rows and columns at each end, lines of 80 columns
    assert "..." in text and len(text.splitlines()) == 14
    assert all(len(line) <= 80 for line in text.splitlines())


def test_dot_export(tutorial_graph):
    dot = to_dot(tutorial_graph)
    assert dot.startswith("digraph gradcalc {") and dot.rstrip().endswith("}")
    assert "n0 -> n2;" in dot and "n1 -> n2;" in dot and "n5 -> n6;" in dot
    assert dot.count("n2 -> n3;") == 2  # y * y: both inputs are y
    assert 'label="m = z.mean()\\lMeanBackward0' in dot  # left-aligned lines
    assert "style=dashed" in dot  # constants


def test_dot_escapes_quotes():
    text = to_dot(Graph(root=0, nodes=[node(0, "s", None, 'load("a.npy")', 1.0)]))
    assert 'load(\\"a.npy\\")' in text


def test_mermaid_export(tutorial_graph):
    text = to_mermaid(tutorial_graph)
    assert text.splitlines()[0] == "flowchart TD"
    assert 'n6["m = z.mean()<br/>MeanBackward0' in text
    assert "  n5 --> n6" in text
    assert "class n1,n4 constant" in text
    quoted = to_mermaid(Graph(root=0, nodes=[node(0, None, None, 'load("a<b>")', 1.0)]))
    assert "#quot;" in quoted and "#lt;" in quoted and '"a' not in quoted


def test_json_graph_export(tutorial_graph):
    document = json.loads(to_json(tutorial_graph))
    assert document["root"] == 6
    by_id = {n["id"]: n for n in document["nodes"]}
    assert by_id[0]["name"] == "x" and by_id[0]["op"] is None and by_id[0]["shape"] == [2, 2]
    assert by_id[0]["grad"] == [[4.5, 4.5], [4.5, 4.5]] and by_id[0]["requires_grad"] is True
    assert by_id[2]["inputs"] == [0, 1] and by_id[2]["freed"] is True
    assert by_id[6]["value"] == 27.0 and by_id[1]["is_constant"] is True


def test_graph_out_picks_the_format_from_the_suffix(tmp_path, tutorial_graph):
    for suffix, check in ((".dot", "digraph"), (".mmd", "flowchart"), (".json", '"root"')):
        path = tmp_path / f"g{suffix}"
        write_graph(tutorial_graph, path)
        assert check in path.read_text()
    with pytest.raises(UsageError, match="unknown file type '.pdf'"):
        check_output_path(tmp_path / "g.pdf")


def test_svg_without_graphviz_names_the_missing_program(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UsageError) as caught:
        check_output_path(tmp_path / "g.svg")
    assert "'dot'" in caught.value.message and "Graphviz" in caught.value.message


# ---- JSON -----------------------------------------------------------------------------------


def test_json_non_finite_numbers_become_strings():
    data = {
        "a": np.array([1.0, np.nan, np.inf, -np.inf]),
        "b": float("nan"),
        "c": np.float32(2.5),
        "d": np.array(3.0),
        "e": np.int64(4),
        "f": [np.inf],
        "g": None,
    }
    text = dumps(data)
    assert json.loads(text) == {
        "a": [1.0, "NaN", "Infinity", "-Infinity"],
        "b": "NaN",
        "c": 2.5,
        "d": 3.0,
        "e": 4,
        "f": ["Infinity"],
        "g": None,
    }
    assert "NaN," not in text.replace('"NaN"', "")


def test_json_keeps_full_precision():
    assert json.loads(dumps({"g": np.full(2, 1 / 3)}))["g"] == [1 / 3, 1 / 3]
    assert jsonable(np.array([[True, False]])) == [[True, False]]


def test_json_graph_and_error_documents(tutorial_graph):
    assert graph_document(None) is None
    assert graph_document(tutorial_graph)["nodes"][6]["op"] == "MeanBackward0"
    error = AutogradError("bad", hint="h", span=Span(1, 3, 1, 4, 2, 3))
    assert error_document(error, line_offset=9) == {
        "type": "RuntimeError",
        "category": "autograd",
        "message": "bad",
        "line": 10,
        "column": 3,
        "end_line": 10,
        "end_column": 4,
        "hint": "h",
    }


def test_grads_table_names_the_passes_since_a_reset():
    table = render(grads_table({"x": np.ones(2)}, 3, 4, since_reset=2))
    assert "after 3 backward calls in all, 2 since a .grad was last reset" in table
    assert "in all" not in render(grads_table({"x": np.ones(2)}, 3, 4, since_reset=3))


def test_the_tutorials_summary_counts_the_passes_after_zero_(run_gradcalc):
    from pathlib import Path

    tutorial = Path(__file__).resolve().parents[2] / "examples" / "autograd_tutorial.py"
    result = run_gradcalc("-k", "-f", str(tutorial), "--summary")
    title = " ".join(result.stdout.split())
    assert "Gradients of m (after 3 backward calls in all, 2 since a .grad was last reset)" in title
