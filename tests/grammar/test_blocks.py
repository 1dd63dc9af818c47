"""Blocks and indentation, by Python's tokenizer rules: indent and dedent, one-line suites,
blank and comment lines, tabs (to the next multiple of 8) against spaces, form feeds, line
continuations, brackets that free line ends, and the indentation errors."""

from __future__ import annotations

import pytest
from grammar_helpers import assert_parses_as_python, position, syntax_error, text_of

from gradcalc.grammar import ast, parse


@pytest.mark.parametrize(
    "source",
    [
        "with torch.no_grad():\n    w -= lr * w.grad\n    w.grad.zero_()\nprint(w)\n",
        "with torch.no_grad(): w -= lr * w.grad; b -= 1\nc = 2",
        "if a:  # note\n\n\t# comment\n\tx = 1\n\n\ty = 2\n# done\nz = 3\n",
        "if a:\n  if b:\n      c\n  elif d: e\n  f\ng",
        "if a:\n    b\n",
        "if a:\n    b",
        "if a:\n    b\n\n\n",
        "if a:\n    b\n    ",  # a last line of blanks
        "if a:\n    b\n  # a comment indented anyhow\n    c\n",
        "for x in (\n1,\n  2):\n    pass\n",  # line ends inside brackets are free
        "if a:\n    b = [1,\n2,\n         3]\n    c = 4\n",
        "if a:\n    b = 1 + \\\n2\n    c\n",  # a continued line keeps its block
        "if a:\n\tb\n\tc\n",
        "if a:\n        b\nelse:\n\tc\n",  # a tab is 8 columns: the two lines agree
        "def f():\n    '''doc\nstring at column 0'''\n    return 1\n",
        "if a:\n  \f  b\n  c",  # a form feed in the indentation resets the column
        "class A:\n    def f(self):\n        if x:\n            return 1\n        return 2\n",
    ],
)
def test_blocks_parse_as_python_parses_them(source):
    assert_parses_as_python(source)


def test_a_form_feed_in_the_indentation_resets_the_column():
    tree = parse("if a:\n    b\n  \f    c\n")
    assert [type(node) for node in tree.body[0].body] == [ast.Expr, ast.Expr]
    assert_parses_as_python("if a:\n    b\n  \f    c\n")


@pytest.mark.parametrize(
    ("source", "message", "where"),
    [
        ("x = 1\n  y = 2", "unexpected indent", (2, 3)),
        ("  x = 1", "unexpected indent", (1, 3)),
        ("\n\n   x = 1", "unexpected indent", (3, 4)),
        ("if a:\n    b\n        c", "unexpected indent", (3, 9)),
        ("if a:\n    b\n  c", "unindent does not match any outer indentation level", (3, 3)),
        ("if a:\n    b\n\tc", "inconsistent use of tabs and spaces in indentation", (3, 2)),
        ("if a:\n\tb\n        c", "inconsistent use of tabs and spaces in indentation", (3, 9)),
        ("for x in y:\nz", "expected an indented block after 'for' statement on line 1", (2, 1)),
        ("x = 1\nwhile x:\nz", "expected an indented block after 'while' statement on line 2", (3, 1)),
        ("def f():\nreturn", "expected an indented block after function definition on line 1", (2, 1)),
        ("class A:\npass", "expected an indented block after class definition on line 1", (2, 1)),
        ("if a:\n    b\nelse:\nc", "expected an indented block after 'else' statement on line 3", (4, 1)),
        ("try:\n    a\nexcept:\nb", "expected an indented block after 'except' statement on line 3", (4, 1)),
        ("with a:\nb", "expected an indented block after 'with' statement on line 1", (2, 1)),
        ("@d\ndef f():\nb", "expected an indented block after function definition on line 2", (3, 1)),
    ],
)  # fmt: skip
def test_indentation_errors_in_pythons_words(source, message, where):
    error = syntax_error(source)
    assert error.message == message
    assert position(error) == where
    assert error.hint


def test_an_error_on_a_line_comes_before_an_indentation_error_on_the_next():
    error = syntax_error("if a:\n    b = (1 +)\n  c")
    assert position(error) == (2, 13)


def test_too_many_nested_blocks_is_an_error_not_a_crash():
    source = "".join(" " * depth + "if x:\n" for depth in range(120)) + " " * 120 + "pass\n"
    error = syntax_error(source)
    assert error.message == "too many levels of indentation (more than 100)"
    assert position(error)[0] == 102


def test_statements_of_a_block_have_spans_on_their_lines():
    source = "x = 1\nfor i in range(3):\n    y = i\n    z = y * 2\nw = 0\n"
    _, loop, _ = parse(source).body
    assert [text_of(source, node) for node in loop.body] == ["y = i", "z = y * 2"]
    assert (loop.span.line, loop.span.end_line) == (2, 4)
    assert (loop.body[1].span.line, loop.body[1].span.column) == (4, 5)
