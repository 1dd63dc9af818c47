"""Statements: every statement class with its fields, targets, separators, header spans."""

from __future__ import annotations

import pytest
from grammar_helpers import assert_parses_as_python, statement, syntax_error, text_of

from gradcalc.grammar import ast, parse
from gradcalc.grammar.ast import (
    Assign,
    AugAssign,
    Constant,
    For,
    FunctionDef,
    If,
    ImportFrom,
    Name,
    Pass,
    Tuple,
    alias,
)

a, b = Name("a"), Name("b")


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("a = b = 0", Assign([a, b], Constant(0))),  # chained: targets left to right
        ("a, b = b, a", Assign([Tuple([a, b])], Tuple([b, a]))),
        ("a //= 2", AugAssign(a, "//", Constant(2))),
        ("a @= b", AugAssign(a, "@", b)),
        ("from ..a.b import c as d, e", ImportFrom("a.b", [alias("c", "d"), alias("e")], 2)),
        ("from ... import a", ImportFrom(None, [alias("a")], 3)),
        ("from . import *", ImportFrom(None, [alias("*")], 1)),
        ("if a: pass\nelif b: pass\nelse: a", If(a, [Pass()], [If(b, [Pass()], [ast.Expr(a)])])),
        ("for a in b: pass\nelse: pass", For(a, b, [Pass()], [Pass()])),
    ],
)
def test_statement_trees(source, tree):
    assert statement(source) == tree
    assert_parses_as_python(source)


@pytest.mark.parametrize(
    "source",
    [
        "x.grad = None", "a.b.c = f(x)", "x[0] = 1", "x[:, 1:] = y", "a, *b = c", "[a, b] = c",
        "(a, b), c = d", "a = *b, c", "x: int", "x: int = 1", "(x): int = 1", "x.y: int = 2",
        "x[0]: float", "a += 1", "a.b -= c", "a[0] *= 2", "del a", "del a, b.c, d[0]",
        "del (a, b)", "pass", "return", "return a, b", "return *a, b", "raise", "raise E",
        "raise E('x') from e", "global a, b", "assert a", "assert a, 'msg'", "import a.b.c",
        "import a as b, c", "from a import (b, c,)", "f(x)", "x = 1; y = 2;", "for *a, b in c: pass",
        "with a: pass", "with a as (b, c), d as e[0]: pass", "while a: break\nelse: continue",
        "try:\n    a\nexcept E as e:\n    b\nexcept:\n    c\nelse:\n    d\nfinally:\n    e",
        "try:\n    a\nfinally:\n    b", "def f(): return", "def f(a, b, /, c, *, d): pass",
        "def f(*args: int, **kwargs: str) -> bool: pass", "class A: pass",
        "class A(B, metaclass=M, *bases, **kw): pass", "@a\n@b.c(d)\nclass A: pass",
        "@(lambda f: f)\ndef g(): pass", "if a:\n    pass\nelif b:\n    pass\nelif c:\n    pass",
    ],
)  # fmt: skip
def test_each_statement_form_parses_as_python(source):
    assert_parses_as_python(source)


def test_a_function_definition_has_pythons_fields():
    source = "@staticmethod\ndef f(a, b=1, /, c=2, *d, e, g=3, **h) -> int:\n    return a\n"
    node = statement(source)
    assert type(node) is FunctionDef and node.name == "f"
    args = node.args
    assert [p.arg for p in args.posonlyargs] == ["a", "b"]
    assert [p.arg for p in args.args] == ["c"]
    assert args.vararg.arg == "d" and args.kwarg.arg == "h"
    assert [p.arg for p in args.kwonlyargs] == ["e", "g"]
    assert args.kw_defaults == [None, Constant(3)]
    assert args.defaults == [Constant(1), Constant(2)]
    assert node.returns == Name("int") and node.decorator_list == [Name("staticmethod")]
    assert text_of(source, node) == "def f(a, b=1, /, c=2, *d, e, g=3, **h) -> int:\n    return a"
    assert text_of(source, node.header_span) == "def f(a, b=1, /, c=2, *d, e, g=3, **h) -> int:"


@pytest.mark.parametrize(
    ("source", "header"),
    [
        ("for x in range(3):\n    y = x\n", "for x in range(3):"),
        ("while x < 3:  # loop\n    x += 1\n", "while x < 3:"),
        ("with torch.no_grad(), a as b:\n    pass\n", "with torch.no_grad(), a as b:"),
        ("class A(B):\n    pass\n", "class A(B):"),
        ("if (a and\n    b):\n    pass\n", "if (a and\n    b):"),
        ("try:\n    pass\nexcept E:\n    pass\n", "try:"),
    ],
)
def test_compound_statements_have_a_header_span_up_to_the_colon(source, header):
    node = statement(source)
    assert text_of(source, node.header_span) == header
    assert text_of(source, node).startswith(header)


def test_elif_and_except_have_their_own_header_spans():
    source = "if a:\n    x\nelif b:\n    y\nelse:\n    z\ntry:\n    p\nexcept E as e:\n    q\n"
    first, second = parse(source).body
    assert text_of(source, first.orelse[0].header_span) == "elif b:"
    assert text_of(source, first.orelse[0]) == "elif b:\n    y\nelse:\n    z"
    assert text_of(source, second.handlers[0].header_span) == "except E as e:"
    assert second.handlers[0].name == "e"


@pytest.mark.parametrize(
    "source",
    [
        "a = 1; b = 2\nc = 3", "a = 1;b = 2;\nc = 3;", "\n\na = 1\n\n\nb = 2\n\nc = 3\n\n",
        "a = 1  # one\n# a whole comment line\nb = 2 # two; not a separator\nc = 3 #",
        "a = 1\r\nb = 2\r\nc = 3\r\n", "a = 1\rb = 2\rc = 3", "a = \\\n  1\nb = 2\nc = 3",
        "\ufeffa = 1\nb = 2\nc = 3",
    ],
)  # fmt: skip
def test_separators_blank_lines_comments_and_line_ends(source):
    tree = parse(source)
    assert tree.body == [Assign([Name(n)], Constant(v)) for n, v in (("a", 1), ("b", 2), ("c", 3))]
    assert tree.source == source


@pytest.mark.parametrize("source", ["", "\n\n", "# only a comment", "  \n\t\n# c\n", "\f\n"])
def test_empty_programs(source):
    tree = parse(source)
    assert tree.body == [] and tree.source == source
    assert (tree.span.start, tree.span.end) == (0, len(source))


def test_lines_end_only_at_newline_and_carriage_return():
    # A form feed, a vertical tab, U+0085 and U+2028 do not end a line.
    error = syntax_error("a = 1\fb = 2")
    assert error.message.startswith("unexpected name 'b'")
    for separator in ("\v", "\x85", "\u2028"):
        error = syntax_error(f"a = 1{separator}b = 2")
        assert "invalid non-printable character" in error.message


def test_a_lone_carriage_return_counts_lines_like_a_newline():
    source = "a = 1\rb = (\r  2\r)\rc = $"
    error = syntax_error(source)
    assert (error.span.line, error.span.column, error.span.start) == (5, 5, source.index("$"))


def test_positions_follow_a_byte_order_mark_at_the_start():
    source = "\ufeffx = (1 +"
    error = syntax_error(source)
    assert "'(' opened at column 6" in error.message


@pytest.mark.parametrize(
    ("source", "message", "covered"),
    [
        ("1 = a", "cannot assign to literal", "1"),
        ("f(x) = 1", "cannot assign to function call", "f(x)"),
        ("a + 1 = 2", "cannot assign to expression", "a + 1"),
        ("a, f() = 1, 2", "cannot assign to function call", "f()"),
        ("[a, (b, 1)] = c", "cannot assign to literal", "1"),
        ("True = 1", "cannot assign to True", "True"),
        ("a, *b, *c = d", "multiple starred expressions in assignment", "*c"),
        ("*a = b", "starred assignment target must be in a list or tuple", "*a"),
        ("for f() in x: pass", "cannot assign to function call", "f()"),
        ("with a as b + c: pass", "cannot assign to expression", "b + c"),
        ("[x for 1 in y]", "cannot assign to literal", "1"),
        ("del f()", "cannot delete function call", "f()"),
        ("del a, 1", "cannot delete literal", "1"),
        ("a, b += 1", "'tuple' is an illegal expression for augmented assignment", "a, b"),
        ("f() += 1", "'function call' is an illegal expression for augmented assignment", "f()"),
        ("a, b: int", "only single target (not tuple) can be annotated", "a, b"),
        ("[a]: int", "only single target (not list) can be annotated", "[a]"),
        ("f(): int", "illegal target for annotation", "f()"),
        ("(a.b := 1)", "cannot use assignment expressions with attribute", "a.b"),
    ],
)
def test_what_cannot_be_assigned_is_refused_with_pythons_message(source, message, covered):
    error = syntax_error(source)
    assert error.message == message
    assert text_of(source, error.span) == covered


@pytest.mark.parametrize(
    ("source", "message", "covered"),
    [
        ("def f(a=1, b): pass", "non-default argument follows default argument", "b"),
        ("def f(a, a): pass", "duplicate argument 'a' in function definition", "a"),
        ("def f(*, **k): pass", "named arguments must follow bare *", "*"),
        ("def f(*): pass", "named arguments must follow bare *", "*"),
        ("def f(**k, a): pass", "arguments cannot follow var-keyword argument", "a"),
        ("def f(/, a): pass", "at least one argument must precede /", "/"),
        ("def f(a, /, b, /): pass", "/ may appear only once", "/"),
        ("def f(*a, /): pass", "/ must be ahead of *", "/"),
        ("def f(*a, *b): pass", "* argument may appear only once", "*"),
        ("lambda a=1, b: 0", "non-default argument follows default argument", "b"),
        ("f(a=1, 2)", "positional argument follows keyword argument", "2"),
        ("f(**k, 2)", "positional argument follows keyword argument unpacking", "2"),
        ("f(**k, *a)", "iterable argument unpacking follows keyword argument unpacking", "*a"),
        ("f(a=1, a=2)", "keyword argument repeated: a", "a=2"),
        ("class A(x=1, x=2): pass", "keyword argument repeated: x", "x=2"),
    ],
)
def test_parameters_and_arguments_in_pythons_order(source, message, covered):
    error = syntax_error(source)
    assert error.message == message
    assert text_of(source, error.span) == covered
