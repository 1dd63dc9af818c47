"""Expressions: Python's precedence and associativity, every expression class with its fields,
literals by Python's rules, spans."""

from __future__ import annotations

import math
import sys

import pytest
from grammar_helpers import (
    assert_parses_as_python,
    expression,
    position,
    statement,
    syntax_error,
    text_of,
)

from gradcalc.grammar import ast
from gradcalc.grammar.ast import (
    Attribute,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Constant,
    IfExp,
    Name,
    Starred,
    Subscript,
    Tuple,
    UnaryOp,
    keyword,
)

# Python 3.11 syntax: on 3.10 Python's own parser, the oracle here, refuses it
_PY311 = pytest.mark.skipif(sys.version_info < (3, 11), reason="needs Python 3.11's parser")

x, y, z = Name("x"), Name("y"), Name("z")


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ("-x**2", UnaryOp("-", BinOp(x, "**", Constant(2)))),
        ("x**-y", BinOp(x, "**", UnaryOp("-", y))),
        ("x**y**z", BinOp(x, "**", BinOp(y, "**", z))),  # right-associative
        ("x - y - z", BinOp(BinOp(x, "-", y), "-", z)),  # left-associative
        ("x + y * z", BinOp(x, "+", BinOp(y, "*", z))),
        ("x * y + z", BinOp(BinOp(x, "*", y), "+", z)),
        ("x @ y.T", BinOp(x, "@", Attribute(y, "T"))),
        ("x | y ^ z & x", BinOp(x, "|", BinOp(y, "^", BinOp(z, "&", x)))),
        ("x << y + z", BinOp(x, "<<", BinOp(y, "+", z))),
        ("x // y % z", BinOp(BinOp(x, "//", y), "%", z)),
        ("~x + 1", BinOp(UnaryOp("~", x), "+", Constant(1))),
        ("not x == y", UnaryOp("not", Compare(x, ["=="], [y]))),
        ("x < y <= z", Compare(x, ["<", "<="], [y, z])),  # one chained Compare
        ("x is not y", Compare(x, ["is not"], [y])),
        ("x not in y", Compare(x, ["not in"], [y])),
        ("x + 1 < y * 2", Compare(BinOp(x, "+", Constant(1)), ["<"], [BinOp(y, "*", Constant(2))])),
        ("x and y and z", BoolOp("and", [x, y, z])),  # one BoolOp
        ("x or y and z", BoolOp("or", [x, BoolOp("and", [y, z])])),
        ("x and y or z", BoolOp("or", [BoolOp("and", [x, y]), z])),
        ("not x and y", BoolOp("and", [UnaryOp("not", x), y])),
        ("x if y else z", IfExp(y, x, z)),
        ("x if y else y if z else x", IfExp(y, x, IfExp(z, y, x))),
        ("x or y if z else x", IfExp(z, BoolOp("or", [x, y]), x)),
        ("f(x)(y)", Call(Call(Name("f"), [x]), [y])),
        ("x[y][z]", Subscript(Subscript(x, y), z)),
        ("x[y, z]", Subscript(x, Tuple([y, z]))),
        ("x[y,]", Subscript(x, Tuple([y]))),
        ("f(*x, y=1, **z)", Call(Name("f"), [Starred(x)], [keyword("y", Constant(1)), keyword(None, z)])),
        ("(x)", x),
        ("(x,)", Tuple([x])),
        ("()", Tuple([])),
        ("true and false", BoolOp("and", [Name("true"), Name("false")])),  # ordinary names
    ],
)  # fmt: skip
def test_precedence_and_associativity(source, tree):
    assert expression(source) == tree
    assert_parses_as_python(source)


@pytest.mark.parametrize(
    "source",
    [
        "lambda: 0", "lambda x, y=1, *a, k, l=2, **kw: x", "lambda *, k: k", "lambda x, /, y: x",
        "(y := x + 1)", "[y := 1, 2]", "f(y := 2)", "x[y := 1]",
        "{}", "{1: 2, **d, 'k': v}", "{1, 2, *s}", "{k: v for k, v in d}", "{x for x in y}",
        "[x for x in y if x if not x for z in x]", "(x for x in y)", "f(x for x in y)",
        "[*a, *b]", "(*a, b)", "x[1:2]", "x[::2]", "x[:]", "x[1:]", "x[:2, ...]", "x[a:b:c, d]",
        pytest.param("x[*idx]", marks=_PY311), "a.b.c(d)[e].f", "f(a)(b)(c)", "f(a, b=1, *c, d=2, **e)",
        "'a' 'b'", "'a' f'{b}' 'c'", "...", "None", "True", "False",
        "x.y if a else (lambda: b)", "lambda: (yield_ := 1)",
    ],
)  # fmt: skip
def test_each_expression_form_parses_as_python(source):
    assert_parses_as_python(source)


# ---- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("1", 1), ("0", 0), ("00", 0), ("0_0", 0), ("1_000_000", 1_000_000), ("0x1F", 31),
        ("0X_ff", 255), ("0o17", 15), ("0b1010", 10), ("1.", 1.0), (".5", 0.5), ("1e3", 1e3),
        ("1E-3", 1e-3), ("1.5e+2", 150.0), ("1_0.2_5", 10.25), ("09.5", 9.5), ("0e0", 0.0),
        ("123456789012345678901234567890", 123456789012345678901234567890),
    ],
)  # fmt: skip
def test_numbers_have_pythons_values_and_keep_their_text(source, value):
    node = expression(source)
    assert type(node) is Constant and node.value == value and type(node.value) is type(value)
    assert node.text == source


def test_constant_equality_compares_the_type_of_the_value():
    assert Constant(1) != Constant(1.0) != Constant(True)
    assert Constant(1, "1") == Constant(1, "0x1")  # text is for display only
    assert Constant(math.nan) == Constant(math.nan)


@pytest.mark.parametrize(
    ("source", "message", "covered"),
    [
        ("0123", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", "0123"),
        ("1_", "invalid decimal literal", "1_"),
        ("1__0", "invalid decimal literal", "1__0"),
        ("1_.5", "invalid decimal literal", "1_.5"),
        ("0x", "invalid hexadecimal literal", "0x"),
        ("0xg", "invalid hexadecimal literal", "0xg"),
        ("0b12", "invalid digit '2' in binary literal", "0b12"),
        ("0o8", "invalid digit '8' in octal literal", "0o8"),
        ("1j", "imaginary numbers are not supported in gradcalc", "1j"),
        ("2.5J", "imaginary numbers are not supported in gradcalc", "2.5J"),
        ("1" * 4301, "number too long (4301 digits)", "1" * 4301),
    ],
)  # fmt: skip
def test_wrong_numbers_get_pythons_messages(source, message, covered):
    error = syntax_error("x = " + source)
    assert error.message == message
    assert text_of("x = " + source, error.span) == covered
    assert error.hint


def test_only_ascii_digits_make_numbers():
    error = syntax_error("x = １２")
    assert error.message == "invalid character '１' (U+FF11)"
    assert "0-9" in error.hint
    assert position(error) == (1, 5)


# ---- strings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r"'a\nb'", "a\nb"), (r"'\t\\\'\"'", "\t\\'\""), (r"'\x41\u00e9\U0001F600'", "Aé😀"),
        (r"'\101\0'", "A\0"), (r"'\N{BULLET}'", "•"), (r"'\d\w'", "\\d\\w"),
        (r"r'\d\n'", "\\d\\n"), (r"R'\''", "\\'"), (r"u'x'", "x"), ("'''a\nb'''", "a\nb"),
        ('"""a\\\nb"""', "ab"), ("'a' \"b\" '''c'''", "abc"), ("('a'\n 'b')", "ab"),
        ("''", ""), ("'a\\\nb'", "ab"), ("'''x\r\ny'''", "x\ny"),
    ],
)  # fmt: skip
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Python's own parse of '\\d'
def test_strings_decode_as_python_decodes_them(source, value):
    node = expression(source)
    assert type(node) is Constant and node.value == value
    assert_parses_as_python(source)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (r"'\x4'", "truncated \\xXX escape"),
        (r"'\u12'", "truncated \\uXXXX escape"),
        (r"'\N{NO SUCH NAME}'", "unknown Unicode character name"),
        (r"'\N'", "malformed \\N character escape"),
        (r"'\U00110000'", "illegal Unicode character"),
    ],
)
def test_wrong_escapes_are_refused(source, message):
    error = syntax_error(source)
    assert message in error.message
    assert "backslash" in error.hint


@pytest.mark.parametrize("source", ["b'x'", "B'x'", "rb'x'", "Br'x'", "'a' b'x'"])
def test_bytes_are_refused_with_a_clear_message(source):
    error = syntax_error(source)
    assert error.message == "bytes literals are not supported in gradcalc"
    assert text_of(source, error.span).lower().lstrip("r").startswith("b")


def test_a_docstring_is_a_string_expression_statement():
    tree = assert_parses_as_python('def f():\n    """Doc\n    string."""\n    return 1\n')
    docstring = tree.body[0].body[0]
    assert type(docstring) is ast.Expr and docstring.value.value == "Doc\n    string."


# ---- spans ---------------------------------------------------------------------------------


def test_spans_cover_the_source_of_each_node():
    source = "y = (a + b) * f(c, d=e)[0].g"
    binop = statement(source).value
    covered = {type(node).__name__: text_of(source, node) for node in ast.walk(binop)}
    assert covered["Attribute"] == "f(c, d=e)[0].g"
    assert covered["Subscript"] == "f(c, d=e)[0]"
    assert covered["Call"] == "f(c, d=e)"
    assert covered["keyword"] == "d=e"
    assert text_of(source, binop) == "(a + b) * f(c, d=e)[0].g"
    assert text_of(source, binop.left) == "(a + b)"  # parentheses belong to the inner node
    assert text_of(source, binop.op_span) == "*"
    assert text_of(source, binop.right.attr_span) == "g"


def test_spans_are_one_based_with_an_exclusive_end_and_offsets():
    source = "a = 1\nbb = [x,\n  yy]"
    tree = assert_parses_as_python(source)
    lst = tree.body[1].value
    span = lst.span
    assert (span.line, span.column, span.end_line, span.end_column) == (2, 6, 3, 6)
    assert (span.start, span.end) == (11, 20) and source[span.start : span.end] == "[x,\n  yy]"
    yy = lst.elts[1].span
    assert (yy.line, yy.column, yy.end_column) == (3, 3, 5)
