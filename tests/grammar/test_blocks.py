"""``with`` blocks and unpacking in the grammar: the tree, the indentation rules, the errors,
and when the REPL asks for another line."""

from __future__ import annotations

import pytest

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import ast, is_complete, parse


def statements(source: str):
    return parse(source).statements


def syntax_error(source: str) -> GradcalcSyntaxError:
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source)
    return caught.value


def text(source: str, node) -> str:
    return source[node.span.start : node.span.end]


# ---- with blocks -------------------------------------------------------------------------


def test_an_indented_block_holds_the_statements_up_to_the_dedent():
    source = (
        "w = [1.0]\nwith torch.no_grad():\n    w -= lr * w.grad\n    w.grad.zero_()\nprint(w)\n"
    )
    first, block, last = statements(source)
    assert isinstance(first, ast.Assign) and isinstance(last, ast.ExprStatement)
    assert isinstance(block, ast.With)
    assert source[block.header_span.start : block.header_span.end] == "with torch.no_grad():"
    assert [text(source, s) for s in block.body] == ["w -= lr * w.grad", "w.grad.zero_()"]
    assert (block.span.line, block.span.end_line) == (2, 4)
    assert isinstance(block.context, ast.Call) and block.context.func.attr == "no_grad"
    assert block.body[0].span.line == 3 and block.body[0].span.column == 5


def test_the_one_line_form_holds_the_rest_of_the_line():
    source = "with torch.no_grad(): w -= lr * w.grad; b -= 1\nc = 2"
    block, after = statements(source)
    assert [text(source, s) for s in block.body] == ["w -= lr * w.grad", "b -= 1"]
    assert isinstance(after, ast.Assign) and after.target.id == "c"


def test_blank_lines_comments_and_tabs_inside_a_block():
    source = "with no_grad():  # step\n\n\t# note\n\tx = 1\n\n\ty = 2\n# done\nz = 3\n"
    block, after = statements(source)
    assert [s.target.id for s in block.body] == ["x", "y"]
    assert after.target.id == "z"


def test_nested_blocks_and_a_one_line_block_inside_a_block():
    source = (
        "with torch.no_grad():\n"
        "  a = 1\n"
        "  with torch.enable_grad():\n"
        "      b = 2\n"
        "  with torch.set_grad_enabled(True): c = 3\n"
        "  d = 4\n"
        "e = 5"
    )
    (outer, last) = statements(source)
    assert [type(s).__name__ for s in outer.body] == ["Assign", "With", "With", "Assign"]
    assert outer.body[1].body[0].target.id == "b"
    assert outer.body[2].body[0].target.id == "c"
    assert last.target.id == "e"


def test_a_block_may_end_the_text_with_or_without_a_newline():
    for source in ("with no_grad():\n    x = 1", "with no_grad():\n    x = 1\n\n"):
        (block,) = statements(source)
        assert block.body[0].target.id == "x"


def test_indentation_outside_blocks_still_means_nothing():
    assert len(statements("  x = 1\ny = 2\n      z = 3")) == 3
    # After a block, too: only the lines of an open block are held to its indentation.
    assert len(statements("with no_grad(): x = 1\n    y = 2\nz = 3")) == 3
    assert len(statements("with no_grad():\n    x = 1\ny = 2\n        z = 3")) == 3


@pytest.mark.parametrize(
    ("source", "position"),
    [
        ("with no_grad():\n    x = 1\n        y = 2\n    z = 3", (3, 9)),
        ("with no_grad():\n\tx = 1\n\t\ty = 2", (3, 3)),
        ("w = 1\nwith no_grad():\n    x = 1\n\n    # note\n      y = 2\n", (6, 7)),
        ("with no_grad():\n  with no_grad():\n    x = 1\n     y = 2", (4, 6)),
        ("with no_grad():\n    x = 1\n         # a comment may go anywhere\n    y = 2 +\\\n        3\n"
         "    z = (1,\n            2)\n            q = 1", (8, 13)),
    ],
)  # fmt: skip
def test_a_line_indented_deeper_than_its_block_is_an_unexpected_indent(source, position):
    error = syntax_error(source)
    assert error.message == "unexpected indent"
    assert (error.span.line, error.span.column) == position
    assert "line up" in error.hint
    assert is_complete(source) is True  # the REPL runs it and shows the error


def test_a_header_spanning_lines_inside_brackets():
    (block,) = statements("with torch.set_grad_enabled(\n    False\n):\n    x = 1\n")
    assert block.body[0].target.id == "x"


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ("with torch.no_grad():\nx = 1", "expected an indented block after the 'with' on line 1", (2, 1)),
        ("with no_grad():\n    x = 1\n  y = 2", "unindent does not match any outer indentation level", (3, 3)),
        ("with no_grad():\n    x = 1\n\ty = 2", "inconsistent use of tabs and spaces in indentation", (3, 2)),
        ("with no_grad(): with no_grad(): x = 1", "a block written on one line cannot hold another block", (1, 31)),
        ("with open('f'):\n    x = 1", "with takes torch.no_grad(), torch.enable_grad() or torch.set_grad_enabled(mode) in gradcalc", (1, 6)),
        ("with x:\n    y = 1", "with takes torch.no_grad()", (1, 6)),
        ("with torch.no_grad() as g:\n    y = 1", "unexpected 'as' — expected an operator or ':'", (1, 22)),
    ],
)  # fmt: skip
def test_block_errors_say_what_and_where(source, message, position):
    error = syntax_error(source)
    assert error.message.startswith(message)
    assert (error.span.line, error.span.column) == position
    assert error.hint


def test_too_many_nested_blocks_is_an_error_not_a_crash():
    source = "".join("    " * depth + "with no_grad():\n" for depth in range(120)) + " " * 480 + "x"
    error = syntax_error(source)
    assert "too many nested blocks" in error.message


def test_an_error_inside_a_block_points_at_its_line():
    error = syntax_error("with no_grad():\n    x = (1 +\n    2 ]\n")
    assert (error.span.line, error.span.column) == (3, 7)


@pytest.mark.parametrize(
    ("source", "keyword", "hint"),
    [
        ("for i in range(3):\n    x = i", "for", "write the steps out"),
        ("while x < 3:\n    x += 1", "while", "no loops"),
        ("if x > 1:\n    y = 2", "if", "where(condition, a, b)"),
        ("def f(x):\n    return x", "def", "no functions"),
        ("class A:\n    pass", "class", "no classes"),
        ("x = 1\nfor i in x: y", "for", "write the steps out"),
    ],
)
def test_other_block_statements_say_gradcalc_has_none(source, keyword, hint):
    error = syntax_error(source)
    assert error.message == f"gradcalc has no '{keyword}' statement"
    assert hint in error.hint
    assert source[error.span.start : error.span.end] == keyword


# ---- the REPL's question: is the text whole? ----------------------------------------------


@pytest.mark.parametrize(
    ("source", "complete"),
    [
        ("with torch.no_grad():", False),
        ("with torch.no_grad():\n    w -= 1", False),  # a block runs after an empty line
        ("with torch.no_grad():\n    w -= 1\n    b -= 1", False),
        ("with torch.no_grad():\n    w -= 1\n", True),
        ("with torch.no_grad():\n    # a comment first", False),
        ("with torch.no_grad():\n", True),  # an empty line right after ':' is an error to show
        ("with torch.no_grad():\n    x = (1 +", False),
        ("with torch.no_grad():\n    x = (1 +\n", False),  # the bracket is still open
        ("with torch.no_grad():\n    x = 1 +", False),
        ("with torch.no_grad():\n    w -= 1\nx = 2", True),  # the dedent closed it
        ("with torch.no_grad(): w -= 1", True),  # the one-line form runs at once
        ("with torch.no_grad():\n    with torch.enable_grad():\n        w -= 1", False),
        ("with torch.no_grad():\n    w -= 1\n  x = 1", True),  # wrong: run it, show the error
        ("with open('f'):\n    x = 1\n", True),
        ("for i in x:", True),
        ("a, b = 1,", True),
        ("a, b = (1,", False),
        # A line of only spaces or tabs ends a block as an empty line does (the REPL runs it).
        ("with torch.no_grad():\n    w -= 1\n    ", True),
        ("with torch.no_grad():\n    w -= 1\n\t \f", True),
        ("with torch.no_grad():\n    with torch.enable_grad():\n        w -= 1\n  ", True),
        ("with torch.no_grad():\n        ", True),  # no block yet: the error, at once
        ("with torch.no_grad():\n    w -= 1\n        x = 1", True),  # unexpected indent
    ],
)
def test_is_complete_with_blocks(source, complete):
    assert is_complete(source) is complete


def test_a_block_closed_by_a_line_of_spaces_parses_as_the_repl_sends_it():
    (block,) = statements("with torch.no_grad():\n    w -= 1\n    b -= 1\n    ")
    assert [s.target.id for s in block.body] == ["w", "b"]


# ---- unpacking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "names", "value"),
    [
        ("a, b = 1, 2", ["a", "b"], "1, 2"),
        ("a, b, = b, a,", ["a", "b"], "b, a"),
        ("g, = torch.autograd.grad(y, [x])", ["g"], "torch.autograd.grad(y, [x])"),
        ("values, indices = x.max(dim=0)", ["values", "indices"], "x.max(dim=0)"),
        ("(a, b) = x.max(dim=0)", ["a", "b"], "x.max(dim=0)"),
        ("(a,) = t", ["a"], "t"),
    ],
)
def test_unpacking_forms(source, names, value):
    (statement,) = statements(source)
    assert isinstance(statement, ast.Unpack)
    assert [target.id for target in statement.targets] == names
    assert text(source, statement.value) == value
    assert text(source, statement) == source.rstrip(",")


def test_a_bare_tuple_on_the_right_is_a_tuple_literal():
    (statement,) = statements("a, b = 1, x + 2")
    assert isinstance(statement.value, ast.TupleLiteral)
    assert len(statement.value.elements) == 2


@pytest.mark.parametrize(
    ("source", "message", "covered"),
    [
        ("(a, b + 1) = 1, 2", "cannot assign to an expression", "b + 1"),
        ("(a, True) = 1, 2", "cannot assign to an expression", "True"),
        ("a, None = 1, 2", "cannot assign to None", "None"),
        ("a, b.c = 1, 2", "unexpected '.'", "."),
        ("x = 1, 2", "unexpected ','", ","),
    ],
)
def test_unpacking_errors(source, message, covered):
    error = syntax_error(source)
    assert error.message.startswith(message)
    assert source[error.span.start : error.span.end] == covered
