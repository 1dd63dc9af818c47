"""Small helpers for the grammar tests: a compact text form of syntax trees."""

from __future__ import annotations

from gradcalc.grammar import ast, parse


def show(node) -> str:
    """An s-expression for a node, e.g. ``(+ x (* 2 y))``; spans are left out."""
    if isinstance(node, ast.Number):
        return node.text
    if isinstance(node, ast.String):
        return repr(node.value)
    if isinstance(node, ast.Constant):
        return repr(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.EllipsisLiteral):
        return "..."
    if isinstance(node, ast.BinOp):
        return f"({node.op} {show(node.left)} {show(node.right)})"
    if isinstance(node, ast.UnaryOp):
        return f"({node.op}u {show(node.operand)})"
    if isinstance(node, ast.ListLiteral):
        return "[" + " ".join(show(e) for e in node.elements) + "]"
    if isinstance(node, ast.TupleLiteral):
        return "(tuple" + "".join(" " + show(e) for e in node.elements) + ")"
    if isinstance(node, ast.Attribute):
        return f"(. {show(node.value)} {node.attr})"
    if isinstance(node, ast.Call):
        parts = [show(a) for a in node.args] + [f"{k.name}={show(k.value)}" for k in node.keywords]
        return f"(call {show(node.func)}" + "".join(" " + p for p in parts) + ")"
    if isinstance(node, ast.Subscript):
        return f"(index {show(node.value)}" + "".join(" " + show(i) for i in node.index) + ")"
    if isinstance(node, ast.Slice):
        return ":".join(
            "" if part is None else show(part) for part in (node.start, node.stop, node.step)
        )
    if isinstance(node, ast.ExprStatement):
        return show(node.expr)
    if isinstance(node, ast.Assign):
        return f"(= {show(node.target)} {show(node.value)})"
    if isinstance(node, ast.AugAssign):
        return f"({node.op}= {show(node.target)} {show(node.value)})"
    if isinstance(node, ast.Import):
        return f"(import {node.module}" + (f" as {node.alias})" if node.alias else ")")
    raise TypeError(f"no text form for {node!r}")


def statements(source: str) -> list[str]:
    return [show(statement) for statement in parse(source).statements]


def expr(source: str) -> str:
    """The text form of a program that is one expression statement."""
    (statement,) = parse(source).statements
    assert isinstance(statement, ast.ExprStatement)
    return show(statement.expr)


def text_of(source: str, node) -> str:
    """The source text a node's span covers."""
    return source[node.span.start : node.span.end]
