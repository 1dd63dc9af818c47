"""Operators read as one flat row and arranged by precedence, held against Python's parser.

The grammar reads `or`, `and`, `not`, the comparisons and the binary operators as one row
(``or_test`` in gradcalc.lark) that the builder arranges by Python's precedence. These tests
generate rows mixing every level, with unary operators, ``**`` and brackets, and check that
the tree, and the text each operator node covers, are what Python's own parser gives; and
that what Python refuses (a `not` after a comparison or an operator) is refused too.
"""

from __future__ import annotations

import ast as python
import random

import pytest
from grammar_helpers import pythons_tree, syntax_error, text_of

from gradcalc.grammar import ast, parse

BINARY = ["|", "^", "&", "<<", ">>", "+", "-", "*", "/", "//", "%", "@", "**"]
COMPARISONS = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
BOOLEAN = ["and", "or"]
UNARY = ["-", "+", "~"]


def _operand(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 0 and roll < 0.15:
        return f"({_row(rng, depth - 1)})"
    if roll < 0.3:
        return rng.choice(UNARY) + _operand(rng, depth)
    return rng.choice(["a", "b", "c", "x1", "1", "2.5", "f(y)", "z[0]", "w.t"])


def _row(rng: random.Random, depth: int = 2) -> str:
    """A row of up to 7 operands; `not` only where Python allows it (a BoolOp operand's start)."""
    parts = ["not " * rng.choice([0, 0, 0, 1, 2]) + _operand(rng, depth)]
    for _ in range(rng.randrange(7)):
        kind = rng.random()
        if kind < 0.25:
            op = rng.choice(BOOLEAN)
            parts.append(f" {op} " + "not " * rng.choice([0, 0, 1]) + _operand(rng, depth))
        elif kind < 0.5:
            parts.append(f" {rng.choice(COMPARISONS)} {_operand(rng, depth)}")
        else:
            parts.append(f" {rng.choice(BINARY)} {_operand(rng, depth)}")
    return "".join(parts)


def _operator_nodes(tree):
    """Every operator node of a gradcalc tree, in field order (depth first)."""
    stack, found = [tree], []
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, ast.AST):
            if isinstance(node, (ast.BoolOp, ast.UnaryOp, ast.Compare, ast.BinOp)):
                found.append(node)
            stack.extend(reversed([getattr(node, field) for field in node._fields]))
    return found


def _python_operator_segments(source: str) -> list[str]:
    operators = (python.BoolOp, python.UnaryOp, python.Compare, python.BinOp)
    stack, found = [python.parse(source)], []
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, python.AST):
            if isinstance(node, operators):
                found.append(python.get_source_segment(source, node))
            fields = [getattr(node, field) for field in node._fields]
            stack.extend(reversed([f for f in fields if isinstance(f, (list, python.AST))]))
    return found


ROWS = [_row(random.Random(seed)) for seed in range(300)] + [
    "not a == b",
    "not a and b or not not c",
    "a or b or c and d and e",
    "a not in b is not c",
    "not a not in b",
    "x = not a < b < c or d",
    "-a ** -b * c",
    "a if not b else c or d",
    "[not a for a in b if not a]",
]


def _unbracketed(text: str) -> str:
    """``text`` without the brackets around all of it: a bracketed node's span includes them
    (gradcalc's carets start at the '('), Python's does not."""
    while text.startswith("(") and _closing_bracket(text) == len(text) - 1:
        text = text[1:-1]
    return text


def _closing_bracket(text: str) -> int:
    depth = 0
    for position, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position
    return -1


@pytest.mark.parametrize("source", ROWS)
def test_a_row_parses_as_python_parses_it(source):
    tree = parse(source)
    assert tree == pythons_tree(source), source
    ours = [_unbracketed(text_of(source, node)) for node in _operator_nodes(tree)]
    assert ours == _python_operator_segments(source), source


@pytest.mark.parametrize(
    "source",
    [
        "a == not b",
        "a + not b",
        "-not a",
        "a ** not b",
        "a is not not b",
        "a not b",
        "not",
        "a and",
        "a and not",
        "not in a",
        "a or or b",
    ],
)
def test_what_python_refuses_is_refused(source):
    with pytest.raises(SyntaxError):
        python.parse(source)
    syntax_error(source)
