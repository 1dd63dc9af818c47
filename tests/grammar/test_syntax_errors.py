"""Broken programs: the message a user sees, the place it points at, and the hint."""

from __future__ import annotations

import re

import pytest

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import parse

LARK_WORDS = re.compile(
    r"\b(RPAR|LPAR|LSQB|RSQB|NAME|NUMBER|STRING|COMMA|__ANON|_NL|\$END|Token)\b"
)


def syntax_error(source: str) -> GradcalcSyntaxError:
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source)
    error = caught.value
    assert not LARK_WORDS.search(error.message), error.message
    assert error.hint is None or not LARK_WORDS.search(error.hint), error.hint
    assert error.exit_code == 2 and error.kind == "SyntaxError"
    return error


# source, message, (line, column) of the span start, text the span covers, words in the hint
CASES = [
    (
        "f(1))",
        "unexpected ')' — expected an operator or the end of the statement",
        (1, 5),
        ")",
        "no open bracket",
    ),
    (
        "mean(x",
        "unexpected end of input — '(' opened at column 5 is not closed",
        (1, 7),
        "",
        "add the missing ')'",
    ),
    (
        "x = [[1, 2],\n     [3, 4]",
        "unexpected end of input — '[' opened at line 1, column 5 is not closed",
        (2, 12),
        "",
        "add the missing ']'",
    ),
    (
        "2 x",
        "unexpected name 'x' — expected an operator or the end of the statement",
        (1, 3),
        "x",
        "operator such as '*' missing",
    ),
    (
        "y = 3 4",
        "unexpected number 4 — expected an operator or the end of the statement",
        (1, 7),
        "4",
        "two values in a row",
    ),
    ("[1, 2 3]", "unexpected number 3 — expected an operator, ']' or ','", (1, 7), "3", "missing"),
    (
        "f(a 'b')",
        "unexpected string 'b' — expected an operator, ')' or ','",
        (1, 5),
        "'b'",
        "missing",
    ),
    ("x = $", "unexpected character '$'", (1, 5), "$", None),
    ("x = 3 ^ 2", "unexpected character '^'", (1, 7), "^", "'**'"),
    ("x = 2 × 3", "unexpected character '×'", (1, 7), "×", "'*'"),
    ("x = a && b", "unexpected character '&'", (1, 7), "&", "not supported"),
    ("d = {1: 2}", "unexpected character '{'", (1, 5), "{", "dictionaries"),
    ("x = 'abc", "unterminated string", (1, 5), "'abc", "same line"),
    ("f(x = = 1)", "unexpected '=' — expected an expression", (1, 7), "=", "'=='"),
    ("(a = b)", "unexpected '=' — expected an operator, ')' or ','", (1, 4), "=", "'=='"),
    (
        "1 = x",
        "unexpected '=' — expected an operator or the end of the statement",
        (1, 3),
        "=",
        "assigned to",
    ),
    (
        "f(x) = 1",
        "unexpected '=' — expected an operator or the end of the statement",
        (1, 6),
        "=",
        "assigned to",
    ),
    (
        "a = b = 1",
        "unexpected '=' — expected an operator or the end of the statement",
        (1, 7),
        "=",
        "'=='",
    ),
    (
        "x: 1",
        "unexpected ':' — expected an operator or the end of the statement",
        (1, 2),
        ":",
        "slices",
    ),
    ("f(1:2)", "unexpected ':' — expected an operator, ')' or ','", (1, 4), ":", "slices"),
    (
        "a < b < c",
        "unexpected '<' — expected an operator or the end of the statement",
        (1, 7),
        "<",
        "cannot be chained",
    ),
    (
        "x = 1 +",
        "unexpected end of input — expected an expression",
        (1, 8),
        "",
        "needs a value after it",
    ),
    (
        "x = 1 +\ny = 2",
        "unexpected end of line — expected an expression",
        (1, 8),
        "\n",
        "'+' at column 7",
    ),
    (
        "x = (1 +\n y = 2",
        "unexpected '=' — expected an operator, ')' or ','",
        (2, 4),
        "=",
        "'(' opened at line 1, column 5 is still open",
    ),
    (
        "(1, 2]",
        "unexpected ']' — expected an operator, ')' or ','",
        (1, 6),
        "]",
        "close it with ')' first",
    ),
    (
        "x[0)",
        "unexpected ')' — expected an operator, ']', ',' or ':'",
        (1, 4),
        ")",
        "close it with ']' first",
    ),
    ("x.", "unexpected end of input — expected a name", (1, 3), "", None),
    (
        "x.1",
        "unexpected number .1 — expected an operator or the end of the statement",
        (1, 2),
        ".1",
        "missing",
    ),
    ("import", "unexpected end of input — expected a name", (1, 7), "", None),
    ("import 1", "unexpected number 1 — expected a name", (1, 8), "1", None),
    ("from torch", "unexpected end of input — expected 'import' or '.'", (1, 11), "", None),
    ("x + * 2", "unexpected '*' — expected an expression", (1, 5), "*", None),
    ("f(*args)", "unexpected '*' — expected an expression or ')'", (1, 3), "*", "unpacking"),
    ("x[0] = 1", "cannot assign to an indexed element", (1, 1), "x[0]", "build a new tensor"),
    (
        "x[0] += 1",
        "unexpected '+=' — expected an operator or the end of the statement",
        (1, 6),
        "+=",
        "target of '+='",
    ),
    ("True = 1", "cannot assign to True", (1, 1), "True", "constants"),
    ("import torch as None", "cannot assign to None", (1, 17), "None", "constants"),
    (
        "f(dim=0, x)",
        "positional argument follows keyword argument",
        (1, 10),
        "x",
        "positional arguments first",
    ),
    ("f(dim=0, dim=1)", "keyword argument repeated: dim", (1, 10), "dim=1", None),
    ("def f(x):", "gradcalc has no 'def' statement", (1, 1), "def", "no functions"),
    ("for i in x:", "gradcalc has no 'for' statement", (1, 1), "for", "write the steps out"),
    ("for i in range(3):\n    y = i", "gradcalc has no 'for' statement", (1, 1), "for", "loops"),
    ("x = 1\nwhile x:\n  x", "gradcalc has no 'while' statement", (2, 1), "while", "loops"),
    ("if x > 1: y = 2", "gradcalc has no 'if' statement", (1, 1), "if", "where(condition"),
    ("class A: pass", "gradcalc has no 'class' statement", (1, 1), "class", "no classes"),
    ("try: x", "gradcalc has no 'try' statement", (1, 1), "try", "--keep-going"),
    (
        "x = 1 if y",
        "unexpected name 'if' — expected an operator or the end of the statement",
        (1, 7),
        "if",
        "'if' is Python syntax",
    ),
    ("x = ()\n)", "unexpected ')' — expected a statement", (2, 1), ")", "no open bracket"),
    ("1" * 5000, "number too long (5000 digits)", (1, 1), "1" * 5000, None),
    ("x = 1 \\ 2", "unexpected character '\\'", (1, 7), "\\", "continues a line"),
    (")", "unexpected ')' — expected a statement", (1, 1), ")", "no open bracket"),
    ("x = 1\n  ]", "unexpected ']' — expected a statement", (2, 3), "]", "no open bracket"),
]


@pytest.mark.parametrize(("source", "message", "start", "covered", "hint"), CASES)
def test_syntax_error(source, message, start, covered, hint):
    error = syntax_error(source)
    assert error.message == message
    assert (error.span.line, error.span.column) == start
    assert source[error.span.start : error.span.end] == covered
    if hint is None:
        assert error.hint is None
    else:
        assert hint in error.hint


def test_error_span_lines_and_columns_agree_with_offsets():
    source = "a = 1\nb = [1,\n  2\n  3]\n"
    error = syntax_error(source)
    assert error.message == "unexpected number 3 — expected an operator, ']' or ','"
    assert (error.span.line, error.span.column, error.span.end_column) == (4, 3, 4)
    line_start = source.rfind("\n", 0, error.span.start) + 1
    assert error.span.start - line_start + 1 == error.span.column
    assert "'[' opened at line 2, column 5 is still open" in error.hint


def test_errors_carry_the_filename():
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse("x = (", "script.gc")
    assert caught.value.filename == "script.gc"


def test_to_dict_gives_json_friendly_fields():
    error = syntax_error("2 x")
    assert error.to_dict() == {
        "type": "SyntaxError",
        "message": "unexpected name 'x' — expected an operator or the end of the statement",
        "line": 1,
        "column": 3,
        "end_line": 1,
        "end_column": 4,
        "hint": "two values in a row: is an operator such as '*' missing between them?",
    }
