"""The syntax tree's classes: Python's names and fields, structural ==, readable repr, spans
as gradcalc.errors.Span, identity hashing, walking without recursion."""

from __future__ import annotations

import ast as python

import pytest
from grammar_helpers import text_of

from gradcalc.errors import Span
from gradcalc.grammar import ast, parse

NODE_CLASSES = [
    getattr(ast, name)
    for name in ast.__all__
    if isinstance(getattr(ast, name), type) and name not in ("AST", "stmt", "expr", "Invalid")
]


@pytest.mark.parametrize("cls", NODE_CLASSES, ids=lambda cls: cls.__name__)
def test_classes_have_pythons_names_and_fields(cls):
    pythons = getattr(python, cls.__name__)
    # Python's fields, less the expression contexts, type comments and the like.
    left_out = {"ctx", "type_comment", "type_ignores", "kind", "is_async", "type_params"}
    assert cls._fields == tuple(f for f in pythons._fields if f not in left_out)
    assert not hasattr(cls.__new__(cls), "__dict__")  # plain __slots__ classes


def test_equality_is_structural_and_ignores_positions():
    first = parse("y = f(x, 1) + 2")
    second = parse("y  =  f( x,1 )+2   # spaced out")
    assert first == second
    assert first.body[0].span != second.body[0].span
    assert parse("y = f(x, 1) + 3") != first
    assert ast.Name("x") != ast.Constant("x")
    assert ast.Constant(1, "1") == ast.Constant(1, "0x1")


def test_nodes_hash_by_identity_so_they_can_key_a_cache():
    a, b = ast.Name("x"), ast.Name("x")
    assert a == b and len({a, b}) == 2
    cache = {a: "value"}
    assert cache[a] == "value"


def test_repr_reads_like_ast_dump():
    tree = parse("y = -x ** 2.")
    assert repr(tree.body[0]) == (
        "Assign(targets=[Name(id='y')], value=UnaryOp(op='-', operand=BinOp(left=Name(id='x'), "
        "op='**', right=Constant(value=2.0, text='2.'))))"
    )
    assert repr(ast.Constant(None)) == "Constant(value=None)"
    assert repr(ast.Return()) == "Return()"


def test_spans_are_spans_and_can_be_set():
    source = "total = a + b"
    node = parse(source).body[0].value
    assert isinstance(node.span, Span) and text_of(source, node) == "a + b"
    node.span = Span(1, 1, 1, 6, 0, 5)
    assert text_of(source, node) == "total"
    assert ast.Name("x").span is None


def test_invalid_statements_compare_by_their_error_message():
    tree = parse("x = $", recover=True)
    (invalid,) = tree.body
    assert type(invalid) is ast.Invalid
    assert invalid == parse("x = $", recover=True).body[0]
    assert invalid != parse("x = ?", recover=True).body[0]


def test_walk_visits_every_node_in_order_without_recursion():
    tree = parse("x = [[[[1]]]]\ny = f(a, b)")
    names = [type(node).__name__ for node in ast.walk(tree)]
    assert names[:3] == ["Module", "Assign", "Name"]
    assert names.count("List") == 4 and names[-2:] == ["Name", "Name"]
    deep = parse("[" * 300 + "1" + "]" * 300)
    assert sum(1 for _ in ast.walk(deep)) == 303
