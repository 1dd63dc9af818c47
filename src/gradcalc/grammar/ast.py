"""The syntax tree: the classes of Python's own ``ast`` module that gradcalc's language uses.

Class names and field names are Python's (``BinOp(left, op, right)``), with three differences
that keep the tree plain data: operators are their source text (``op="+"``,
``ops=["<", "not in"]``), f-string conversions are ``"r"``/``"s"``/``"a"`` or None, and
expressions carry no ``ctx``. ``Invalid(error)`` stands for a statement that did not parse
(``parse(..., recover=True)``).

Every node has a ``span`` (``gradcalc.errors.Span``); compound statements and
``ExceptHandler`` also a ``header_span`` (``for x in y:`` up to its colon), ``BinOp`` and
``AugAssign`` an ``op_span`` and ``Attribute`` an ``attr_span``. A parenthesised expression's
span includes its parentheses. ``Constant.text`` is a literal as written (``"1."``).

``==`` compares structure (class and fields, not positions), for tests; nodes hash by
identity, so that a node can key a cache. ``==``, ``repr`` and ``walk`` do not recurse.
Nothing here imports Lark or evaluates anything.
"""

from __future__ import annotations

from gradcalc.grammar.expressions import (
    Attribute,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Constant,
    Dict,
    DictComp,
    FormattedValue,
    GeneratorExp,
    IfExp,
    JoinedStr,
    Lambda,
    List,
    ListComp,
    Name,
    NamedExpr,
    Set,
    SetComp,
    Slice,
    Starred,
    Subscript,
    Tuple,
    UnaryOp,
    arg,
    arguments,
    comprehension,
    keyword,
)
from gradcalc.grammar.node import AST, dump, expr, iter_child_nodes, stmt, walk
from gradcalc.grammar.statements import (
    AnnAssign,
    Assert,
    Assign,
    AugAssign,
    Break,
    ClassDef,
    Continue,
    Delete,
    ExceptHandler,
    Expr,
    For,
    FunctionDef,
    Global,
    If,
    Import,
    ImportFrom,
    Invalid,
    Module,
    Nonlocal,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    alias,
    withitem,
)

__all__ = [
    "AST", "stmt", "expr", "dump", "walk", "iter_child_nodes",
    # statements
    "Module", "FunctionDef", "ClassDef", "Return", "Delete", "Assign", "AugAssign",
    "AnnAssign", "For", "While", "If", "With", "withitem", "Raise", "Try", "ExceptHandler",
    "Assert", "Import", "ImportFrom", "alias", "Global", "Nonlocal", "Expr", "Pass", "Break",
    "Continue", "Invalid",
    # expressions
    "BoolOp", "NamedExpr", "BinOp", "UnaryOp", "Lambda", "IfExp", "Dict", "Set", "ListComp",
    "SetComp", "GeneratorExp", "DictComp", "comprehension", "Compare", "Call", "keyword",
    "FormattedValue", "JoinedStr", "Constant", "Attribute", "Subscript", "Starred", "Name",
    "List", "Tuple", "Slice",
    # parameters
    "arguments", "arg",
]  # fmt: skip
