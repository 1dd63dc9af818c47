"""Expressions: precedence, associativity, postfix forms and every literal."""

from __future__ import annotations

import math

import pytest
from grammar_helpers import expr

from gradcalc.grammar import ast, parse


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        # Python's levels, loosest first: comparison, + -, * / // % @, unary, **, postfix.
        ("a + b * c", "(+ a (* b c))"),
        ("a * b + c", "(+ (* a b) c)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a / b / c", "(/ (/ a b) c)"),
        ("a // b % c @ d", "(@ (% (// a b) c) d)"),
        ("a + b == c * d", "(== (+ a b) (* c d))"),
        ("a < b + 1", "(< a (+ b 1))"),
        ("a != b", "(!= a b)"),
        ("a <= b", "(<= a b)"),
        ("a >= b", "(>= a b)"),
        ("a > b", "(> a b)"),
        ("-x ** 2", "(-u (** x 2))"),
        ("2 ** -1", "(** 2 (-u 1))"),
        ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
        ("-2 ** -x ** 2", "(-u (** 2 (-u (** x 2))))"),
        ("-a * b", "(* (-u a) b)"),
        ("a * -b", "(* a (-u b))"),
        ("+-a", "(+u (-u a))"),
        ("- - a", "(-u (-u a))"),
        ("a - -b", "(- a (-u b))"),
        ("(a + b) * c", "(* (+ a b) c)"),
        ("a ** b.c", "(** a (. b c))"),
        ("-x.grad", "(-u (. x grad))"),
        ("x.T @ w + b", "(+ (@ (. x T) w) b)"),
        ("f(x) ** 2", "(** (call f x) 2)"),
        ("x[0] ** 2", "(** (index x 0) 2)"),
        ("2*(x+1)", "(* 2 (+ x 1))"),
    ],
)
def test_precedence_and_associativity(source, tree):
    assert expr(source) == tree


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("f()", "(call f)"),
        ("f(a, b, dim=0)", "(call f a b dim=0)"),
        ("f(a, b,)", "(call f a b)"),
        ("f(a, dim=0,)", "(call f a dim=0)"),
        ("x.sum(dim=0, keepdim=True)", "(call (. x sum) dim=0 keepdim=True)"),
        ("torch.nn.functional.relu(x)", "(call (. (. (. torch nn) functional) relu) x)"),
        ("m.backward(retain_graph=True)", "(call (. m backward) retain_graph=True)"),
        ("f(g(x))(y)", "(call (call f (call g x)) y)"),
        ("x.grad.zero_()", "(call (. (. x grad) zero_))"),
        ("x.shape", "(. x shape)"),
        ("f(x == 1)", "(call f (== x 1))"),
        ("f(dim=-1)", "(call f dim=(-u 1))"),
    ],
)
def test_calls_and_attributes(source, tree):
    assert expr(source) == tree


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("x[0]", "(index x 0)"),
        ("x[:, 1:]", "(index x :: 1::)"),
        ("x[::-1]", "(index x ::(-u 1))"),
        ("x[1:2:3]", "(index x 1:2:3)"),
        ("x[:2]", "(index x :2:)"),
        ("x[::2]", "(index x ::2)"),
        ("x[1::]", "(index x 1::)"),
        ("x[:]", "(index x ::)"),
        ("x[..., 0]", "(index x ... 0)"),
        ("x[None]", "(index x None)"),
        ("x[[0, 2]]", "(index x [0 2])"),
        ("x[0,]", "(index x 0)"),
        ("x[i + 1, -1]", "(index x (+ i 1) (-u 1))"),
        ("x[0][1]", "(index (index x 0) 1)"),
        ("x[a:b, ..., None]", "(index x a:b: ... None)"),
    ],
)
def test_subscripts_and_slices(source, tree):
    assert expr(source) == tree


def test_slice_parts_are_none_when_absent():
    (statement,) = parse("x[::]").statements
    (index,) = statement.expr.index
    assert isinstance(index, ast.Slice)
    assert (index.start, index.stop, index.step) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("1", 1, int),
        ("1.", 1.0, float),
        (".5", 0.5, float),
        ("1e-3", 1e-3, float),
        ("2E+5", 2e5, float),
        ("3.25e2", 325.0, float),
        ("007", 7, int),
    ],
)
def test_numbers_keep_value_and_text(text, value, kind):
    (statement,) = parse(text).statements
    number = statement.expr
    assert isinstance(number, ast.Number)
    assert number.value == value and type(number.value) is kind
    assert number.text == text


def test_huge_float_literal_is_infinite_like_python():
    (statement,) = parse("1e999").statements
    assert math.isinf(statement.expr.value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'abc'", "abc"),
        ('"abc"', "abc"),
        ("''", ""),
        (r"'it\'s'", "it's"),
        (r'"say \"hi\""', 'say "hi"'),
        (r"'a\nb\tc'", "a\nb\tc"),
        (r"'back\\slash'", "back\\slash"),
        (r"'\x41\u00e9'", "Aé"),
        (r"'ij,jk->ik'", "ij,jk->ik"),
        (r"'\d+\w'", "\\d+\\w"),  # as in Python, an unknown escape keeps its backslash
        ("'héllo'", "héllo"),
        ('"single \' inside"', "single ' inside"),
    ],
)
def test_strings(text, value):
    (statement,) = parse(text).statements
    assert isinstance(statement.expr, ast.String)
    assert statement.expr.value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("True", True), ("False", False), ("None", None), ("true", True), ("false", False)],
)
def test_constants(text, value):
    (statement,) = parse(text).statements
    assert isinstance(statement.expr, ast.Constant)
    assert statement.expr.value is value


def test_names_that_start_like_keywords_are_names():
    assert expr("important + asx + fromage + Truth + none") == (
        "(+ (+ (+ (+ important asx) fromage) Truth) none)"
    )


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("()", "(tuple)"),
        ("(2,)", "(tuple 2)"),
        ("(2, 3)", "(tuple 2 3)"),
        ("(2, 3,)", "(tuple 2 3)"),
        ("((1, 2), (3,))", "(tuple (tuple 1 2) (tuple 3))"),
        ("(2)", "2"),
        ("[]", "[]"),
        ("[1, 2, 3]", "[1 2 3]"),
        ("[1, 2, 3,]", "[1 2 3]"),
        ("[[1, 2], [3, 4]]", "[[1 2] [3 4]]"),
        ("[[[1]], [[2]],]", "[[[1]] [[2]]]"),
        ("[a, b * 2]", "[a (* b 2)]"),
        ("[-1, +2.5, .5]", "[(-u 1) (+u 2.5) .5]"),
        ("...", "..."),
        ("zeros((2, 3))", "(call zeros (tuple 2 3))"),
    ],
)
def test_tuples_lists_and_ellipsis(source, tree):
    assert expr(source) == tree
