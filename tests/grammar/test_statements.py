"""Statements, separators, comments, newlines inside brackets, and source spans."""

from __future__ import annotations

import pytest
from grammar_helpers import statements, text_of

from gradcalc.errors import Span
from gradcalc.grammar import ast, parse


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1", ["(= x 1)"]),
        ("x.grad = None", ["(= (. x grad) None)"]),
        ("a.b.c = f(x)", ["(= (. (. a b) c) (call f x))"]),
        ("c += 1", ["(+= c 1)"]),
        ("c -= a * 2", ["(-= c (* a 2))"]),
        ("c *= 2", ["(*= c 2)"]),
        ("c /= 2", ["(/= c 2)"]),
        # An augmented attribute is written as the assignment it means (the SGD step).
        ("w.data -= 0.1 * w.grad", ["(= (. w data) (- (. w data) (* 0.1 (. w grad))))"]),
        ("m.backward()", ["(call (. m backward))"]),
        ("x == 1", ["(== x 1)"]),
        ("import torch", ["(import torch)"]),
        ("import torch as t", ["(import torch as t)"]),
        ("import torch.nn.functional as F", ["(import torch.nn.functional as F)"]),
        ("import numpy as np, torch", ["(import numpy as np)", "(import torch)"]),
        ("from torch import nn", ["(import torch.nn as nn)"]),
        ("from torch.nn import functional as F", ["(import torch.nn.functional as F)"]),
        (
            "from torch import nn, optim",
            ["(import torch.nn as nn)", "(import torch.optim as optim)"],
        ),
    ],
)
def test_statement_forms(source, expected):
    assert statements(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "a = 1; b = 2\nc = 3",
        "a = 1;b = 2;\nc = 3;",
        "\n\na = 1\n\n\nb = 2\n\nc = 3\n\n",
        ";;a = 1;;b = 2\n;\nc = 3",
        "a = 1  # one\n# a whole comment line\nb = 2 # two; not a separator\nc = 3 #",
        "a = 1\r\nb = 2\r\nc = 3\r\n",
        "a = \\\n  1\nb = 2\nc = 3",  # a backslash continues a line
    ],
)
def test_separators_blank_lines_and_comments(source):
    assert statements(source) == ["(= a 1)", "(= b 2)", "(= c 3)"]


@pytest.mark.parametrize("source", ["", "\n\n", ";", "# only a comment", "  \n ; ;\n# c\n"])
def test_empty_programs(source):
    program = parse(source)
    assert program.statements == ()
    assert program.source == source


def test_matrix_and_call_may_span_lines():
    source = """x = [
    [1, 2, 3],   # first row
    [4, 5, 6],

]
m = mean(
    2 * (x
         + 1),
    dim=0,
)
"""
    assert statements(source) == [
        "(= x [[1 2 3] [4 5 6]])",
        "(= m (call mean (* 2 (+ x 1)) dim=0))",
    ]


def test_spans_on_a_multi_line_program():
    source = "x = [[1, 2],\n     [3, 4]]\ny = x.sum(dim=0) ** 2  # total\n  z.grad = None\n"
    x_assign, y_assign, z_assign = parse(source).statements

    assert x_assign.span == Span(1, 1, 2, 13, 0, 25)
    assert text_of(source, x_assign) == "x = [[1, 2],\n     [3, 4]]"
    matrix = x_assign.value
    assert text_of(source, matrix.elements[1]) == "[3, 4]"
    assert matrix.elements[1].span == Span(2, 6, 2, 12, 18, 24)
    assert x_assign.target.span == Span(1, 1, 1, 2, 0, 1)

    power = y_assign.value
    assert isinstance(power, ast.BinOp) and power.op == "**"
    assert text_of(source, power) == "x.sum(dim=0) ** 2"
    assert power.op_span == Span(3, 18, 3, 20, 43, 45)
    assert source[power.op_span.start : power.op_span.end] == "**"
    call = power.left
    assert text_of(source, call) == "x.sum(dim=0)"
    assert text_of(source, call.func) == "x.sum"
    assert call.func.attr_span == Span(3, 7, 3, 10, 32, 35)
    assert text_of(source, call.keywords[0]) == "dim=0"

    assert z_assign.span.line == 4 and z_assign.span.column == 3
    assert text_of(source, z_assign) == "z.grad = None"
    assert text_of(source, z_assign.target) == "z.grad"


@pytest.mark.parametrize(
    ("source", "covered"),
    [
        ("(a + b) * c", "(a + b) * c"),
        ("f(x)[0, 1:]", "f(x)[0, 1:]"),
        ("-x ** 2", "-x ** 2"),
        ("[1, 2]", "[1, 2]"),
        ("(1, 2)", "(1, 2)"),
        ("'str'", "'str'"),
        ("  x  ", "x"),
    ],
)
def test_expression_spans_cover_their_text(source, covered):
    (statement,) = parse(source).statements
    assert text_of(source, statement.expr) == covered
    assert text_of(source, statement) == covered


def test_parentheses_make_no_node_but_widen_the_span():
    source = "(a + b) * c"
    (statement,) = parse(source).statements
    grouped = statement.expr.left
    assert isinstance(grouped, ast.BinOp) and grouped.op == "+"
    assert text_of(source, grouped) == "(a + b)"
    assert source[grouped.op_span.start : grouped.op_span.end] == "+"


def test_slice_and_import_spans():
    source = "x[1:, ::2]\nimport torch as t"
    subscript, imported = parse(source).statements
    first, second = subscript.expr.index
    assert text_of(source, first) == "1:"
    assert text_of(source, second) == "::2"
    assert text_of(source, imported) == "import torch as t"


def test_program_span_and_source():
    source = "a = 1\nb = 2"
    program = parse(source)
    assert program.span == Span(1, 1, 2, 6, 0, len(source))
    assert program.source == source


def test_nodes_compare_by_value_not_by_position():
    first = parse("x = a + 1").statements[0]
    second = parse("x   =   a+1").statements[0]
    assert first == second
    assert first.span != second.span
