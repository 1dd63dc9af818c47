"""Python's own ``ast`` (tests only) turned into gradcalc's tree, to compare the two parsers.

``from_python(ast.parse(text))`` gives what ``gradcalc.grammar.parse(text)`` should give:
same classes and fields, operators as text, no ``ctx``. ``outside_subset(tree)`` names the
first feature of a Python tree that gradcalc's language leaves out (``yield``, ``async``,
bytes, ...), or None.
"""

from __future__ import annotations

import ast as python

from gradcalc.grammar import ast

OPERATORS = {
    python.Add: "+", python.Sub: "-", python.Mult: "*", python.Div: "/",
    python.FloorDiv: "//", python.Mod: "%", python.Pow: "**", python.MatMult: "@",
    python.BitAnd: "&", python.BitOr: "|", python.BitXor: "^", python.LShift: "<<",
    python.RShift: ">>", python.USub: "-", python.UAdd: "+", python.Not: "not",
    python.Invert: "~", python.And: "and", python.Or: "or", python.Eq: "==",
    python.NotEq: "!=", python.Lt: "<", python.LtE: "<=", python.Gt: ">", python.GtE: ">=",
    python.Is: "is", python.IsNot: "is not", python.In: "in", python.NotIn: "not in",
}  # fmt: skip
CONVERSIONS = {-1: None, ord("r"): "r", ord("s"): "s", ord("a"): "a"}
UNSUPPORTED = (
    python.AsyncFunctionDef, python.AsyncFor, python.AsyncWith, python.Await, python.Yield,
    python.YieldFrom, python.Match,
)  # fmt: skip
if hasattr(python, "TryStar"):
    UNSUPPORTED += (python.TryStar,)


def outside_subset(tree: python.AST) -> str | None:
    for node in python.walk(tree):
        if isinstance(node, UNSUPPORTED):
            return type(node).__name__
        if isinstance(node, python.Constant) and isinstance(node.value, (bytes, complex)):
            return type(node.value).__name__
        if isinstance(node, python.With) and len(node.items) > 1:
            continue
    return None


def from_python(node):
    """The gradcalc tree equal (``==``) to Python's tree ``node``."""
    if isinstance(node, list):
        return [from_python(item) for item in node]
    if not isinstance(node, python.AST):
        return node
    kind = type(node)
    if kind in OPERATORS:
        return OPERATORS[kind]
    if kind is python.Module:
        return ast.Module(from_python(node.body))
    if kind is python.Constant:
        return ast.Constant(node.value)
    if kind is python.FormattedValue:
        return ast.FormattedValue(
            from_python(node.value),
            CONVERSIONS[node.conversion],
            from_python(node.format_spec),
        )
    if kind is python.Compare:
        return ast.Compare(
            from_python(node.left), [OPERATORS[type(op)] for op in node.ops],
            from_python(node.comparators),
        )  # fmt: skip
    ours = getattr(ast, kind.__name__)
    values = [from_python(getattr(node, name)) for name in ours._fields]
    return ours(*values)
