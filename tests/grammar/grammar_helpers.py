"""Small helpers for the grammar tests: Python's own tree to compare with, errors, spans."""

from __future__ import annotations

import ast as python

import pytest
from python_ast import from_python

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import ast, parse


def pythons_tree(source: str) -> ast.Module:
    """What Python's own parser makes of ``source``, as a gradcalc tree."""
    return from_python(python.parse(source))


def assert_parses_as_python(source: str) -> ast.Module:
    """Parse ``source`` and check that the tree is the one Python's parser makes."""
    tree = parse(source)
    expected = pythons_tree(source)
    assert tree == expected, f"\n ours:   {tree!r}\n python: {expected!r}"
    return tree


def statement(source: str):
    (only,) = parse(source).body
    return only


def expression(source: str):
    """The expression of a program that is one expression statement."""
    only = statement(source)
    assert isinstance(only, ast.Expr), only
    return only.value


def syntax_error(source: str, **options) -> GradcalcSyntaxError:
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source, **options)
    return caught.value


def text_of(source: str, node_or_span) -> str:
    """The source text a node (or a span) covers."""
    span = getattr(node_or_span, "span", node_or_span)
    return source[span.start : span.end]


def position(error: GradcalcSyntaxError) -> tuple[int, int]:
    return error.span.line, error.span.column
