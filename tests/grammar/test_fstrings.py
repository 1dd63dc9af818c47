"""f-strings: one token, split into text and fields as Python 3.11 splits them, each field's
expression parsed by gradcalc's grammar with spans into the source, and errors that point
inside the string."""

from __future__ import annotations

import sys

import pytest
from grammar_helpers import assert_parses_as_python, expression, position, syntax_error, text_of
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcalc.grammar import MAX_NESTING_DEPTH, ast, is_complete, parse
from gradcalc.grammar.ast import Constant, FormattedValue, JoinedStr, Name


def fields(source: str) -> list[FormattedValue]:
    node = expression(source)
    return [part for part in node.values if type(part) is FormattedValue]


@pytest.mark.parametrize(
    ("source", "tree"),
    [
        ('f"{x!r}"', JoinedStr([FormattedValue(Name("x"), "r")])),
        ('f"{x:>10}"', JoinedStr([FormattedValue(Name("x"), None, JoinedStr([Constant(">10")]))])),
        ('f"{x=}"', JoinedStr([Constant("x="), FormattedValue(Name("x"), "r")])),
        ('f"a{x = :.2f}"', JoinedStr([Constant("ax = "), FormattedValue(Name("x"), None, JoinedStr([Constant(".2f")]))])),
        ("f''", JoinedStr([])),
        ('f"plain"', JoinedStr([Constant("plain")])),
        ('"a" f"b{x}" "c"', JoinedStr([Constant("ab"), FormattedValue(Name("x")), Constant("c")])),
    ],
)  # fmt: skip
def test_the_tree_of_an_f_string(source, tree):
    assert expression(source) == tree


@pytest.mark.parametrize(
    "source",
    [
        'print(f"step {t} loss {loss.item():.4f}")', 'f"{x!s:>10}"', 'f"{x!a}"', 'f"{x:}"',
        'f"{x=!r:^9}"', 'f"{x:=+8.3f}"', 'f"{x:%}"', 'f"{{x}} {{"', 'f"a}}b{{c"',
        'f"tab\\t{x}\\n"', 'rf"\\d+{x}\\n"', "F'{x}'", "fR'''{x}'''", 'f"""a\n{x}\nb"""',
        'f"""line \\\nnext"""', 'f"""{x\n  + 1}"""', 'f"{a, b}"', 'f"{x[1:2, ::2]!r}"',
        'f"{a == b} {a != b} {a <= b} {a >= b} {a < b} {a > b}"', "f\"{x['}'] :>5}\"",
        "f\"{'}'} {'{'}\"", "f\"{f'{x:>3}'}\"", 'f"{x:{width}.{precision}}"',
        'f"{x:>{w}}" f"{y!r:{z}}"', 'f"{(lambda: 1)()}"', 'f"{x if y else z}"', 'f"{*a,}"',
        'f"{(y := 2)}"', 'f"\\N{BULLET} {x}"', 'f"{ x }"', 'f"{x\t=}"',
    ],
)  # fmt: skip
def test_f_strings_parse_as_python_parses_them(source):
    assert_parses_as_python(source)


def test_names_that_look_like_prefixes_stay_names():
    assert_parses_as_python("f = 1; rf = f; fr = rf\nF(x)\nf (x)\nr = 'a'")


# ---- spans -------------------------------------------------------------------------------


def test_spans_point_into_the_source():
    source = 'y = 1\nprint(f"a {x + 1:>8} b {g(x)!r} {z=}")'
    call = parse(source).body[1].value
    node = call.args[0]
    assert text_of(source, node) == 'f"a {x + 1:>8} b {g(x)!r} {z=}"'
    first, second, third = (p for p in node.values if type(p) is FormattedValue)
    assert text_of(source, first) == "{x + 1:>8}"
    assert text_of(source, first.value) == "x + 1"
    assert position(first.value) == (2, 12)
    assert text_of(source, first.value.right) == "1"
    assert text_of(source, first.format_spec) == ">8"
    assert text_of(source, second.value) == "g(x)"
    assert text_of(source, second.value.args[0]) == "x"
    assert text_of(source, third.value) == "z"
    assert text_of(source, node.values[0]) == "a "


def test_spans_inside_a_triple_quoted_f_string_across_lines():
    source = 'print(f"""first {a}\nsecond {b * 2:.1f}\n  {\n   c}""")'
    node = parse(source).body[0].value.args[0]
    a, b, c = (p for p in node.values if type(p) is FormattedValue)
    assert position(a.value) == (1, 18)
    assert (b.value.span.line, b.value.span.column, b.value.span.end_column) == (2, 9, 14)
    assert text_of(source, b.value) == "b * 2"
    assert position(c.value) == (4, 4)
    assert (c.span.line, c.span.column, c.span.end_line) == (3, 3, 4)


def test_spans_of_a_field_inside_a_nested_f_string():
    source = "s = f\"{f'{x + 1:>3}'}\""
    (outer,) = fields(source.split("= ", 1)[1])
    source_inner = source.split("= ", 1)[1]
    inner = outer.value
    (field,) = [p for p in inner.values if type(p) is FormattedValue]
    assert text_of(source_inner, field.value) == "x + 1"


# ---- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "where"),
    [
        ('x = f"a {y +} b"', "unexpected '}' — expected an expression", (1, 13)),
        ('x = f"a {y $ 2}"', "unexpected character '$'", (1, 12)),
        ('x = f"{y z}"', "unexpected name 'z' — expected an operator, '}' or ','", (1, 10)),
        ('x = f"{y +:.2f}"', "unexpected ':' — expected an expression", (1, 11)),
        ('x = f"{y +!r}"', "unexpected '!' — expected an expression", (1, 11)),
        ('f"""\n  {a\n   + }"""', "unexpected '}' — expected an expression", (3, 6)),
        ('x = f"{f(1 2)}"', "unexpected number 2 — expected an operator, ')' or ','", (1, 12)),
        ('f"{}"', "f-string: empty expression not allowed", (1, 3)),
        ('f"{  }"', "f-string: empty expression not allowed", (1, 3)),
        ('f"a } b"', "f-string: single '}' is not allowed", (1, 5)),
        ('f"{x"', "f-string: expecting '}'", (1, 3)),
        ('f"{x!}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", (1, 5)),
        ('f"{x!q}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", (1, 5)),
        ('f"{x!r }"', "f-string: expecting '}'", (1, 7)),
        ('f"{x = 1}"', "f-string: expecting '}'", (1, 8)),
        ('f"{x:{y:{z}}}"', "f-string: expressions nested too deeply", (1, 9)),
        ('f"{(x}"', "f-string: closing parenthesis '}' does not match opening parenthesis '('", (1, 6)),
        ('f"{[x)}"', "f-string: closing parenthesis ')' does not match opening parenthesis '['", (1, 6)),
        ('f"{x)}"', "f-string: unmatched ')'", (1, 5)),
        ('f"{(x:y"', "f-string: '(' was never closed", (1, 4)),
        ("f\"{'a}\"", "f-string: unterminated string", (1, 4)),
        ('f"{a\\n}"', "f-string expression part cannot include a backslash", (1, 5)),
        ("f\"{d['\\n']}\"", "f-string expression part cannot include a backslash", (1, 7)),
        ('f"{a # note}"', "f-string expression part cannot include '#'", (1, 6)),
        ('f"{with}"', "unexpected keyword 'with' — expected an expression", (1, 4)),
        ('f"{a; b}"', "unexpected ';'", (1, 5)),
        ('f"{x:{y}.{z!q}}"', "f-string: invalid conversion character", (1, 12)),
        ('x = f"a" f"b{1 +}"', "unexpected '}' — expected an expression", (1, 17)),
        ("f'\\x4 {x}'", "(unicode error) 'unicodeescape' codec can't decode bytes", (1, 3)),
    ],
)  # fmt: skip
def test_errors_say_what_and_point_inside_the_string(source, message, where):
    error = syntax_error(source)
    assert error.message.startswith(message), error.message
    assert position(error) == where
    assert error.hint
    assert is_complete(source) is True  # a closed f-string: the REPL shows the error


def test_an_unterminated_f_string():
    error = syntax_error('print(f"abc {x}')
    assert error.message == "unterminated string literal (detected at line 1)"
    assert position(error) == (1, 7)
    error = syntax_error('print(f"""abc {x}\n more')
    assert error.message == "unterminated triple-quoted string literal (detected at line 2)"
    assert position(error) == (1, 7)
    assert '"""' in error.hint


def test_the_repl_waits_for_the_end_of_a_triple_quoted_f_string():
    assert is_complete('print(f"""step {t}') is False
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}') is False
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}"""') is False  # the ')'
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}""")') is True
    assert is_complete("x = f'''a'''") is True


def test_nesting_inside_a_field_is_bounded_like_any_expression():
    deep = "(" * (MAX_NESTING_DEPTH + 10) + "x" + ")" * (MAX_NESTING_DEPTH + 10)
    error = syntax_error(f'print(f"{{{deep}}}")')
    assert f"more than {MAX_NESTING_DEPTH} levels" in error.message
    error = syntax_error('f"{' + "-" * (MAX_NESTING_DEPTH + 10) + 'x}"')
    assert f"more than {MAX_NESTING_DEPTH} levels" in error.message
    shallow = "-" * (MAX_NESTING_DEPTH // 2) + "x"
    assert fields(f'f"{{{shallow}}}"')
    nested = "f'''{" + 'f"{' + "f'{x}'" + '}"' + "}'''"
    assert type(fields(f'f"""{{{nested}}}"""')[0].value) is JoinedStr


def test_is_complete_is_not_confused_by_an_f_string_inside_an_open_block():
    source = 'with torch.no_grad():\n    print(f"""{x:.2f} {(y,\n z)}""")'
    assert is_complete(source) is False  # a block open and the last line not empty
    assert is_complete(source + "\n") is True


# ---- the same split as Python's, on random f-strings ----------------------------------------

_PIECES = [
    "a", " ", "{x}", "{{", "}}", "{x!r}", "{x:>4}", "{y=}", "{x = !s:<3}", "\\n", "\\t",
    "{x[0]:.2f}", "{x == y}", "{x!a:^5}", "{'}'}", "\\\\", "{x:}", "{x:{w}}", "{a, b}",
    "{x:{w}.{p}f}", "\\N{DIGIT ONE}",
]  # fmt: skip


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="compares with Python 3.11's rules")
@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=8), quote=st.sampled_from(['"', "'''"]))
def test_the_split_is_pythons(pieces, quote):
    assert_parses_as_python("f" + quote + "".join(pieces) + quote)


def test_every_part_of_a_joined_string_is_a_node_with_a_span():
    source = 'f"a{x}b{y!r:>{w}}c"'
    for node in ast.walk(expression(source)):
        assert node.span is not None and 0 <= node.span.start <= node.span.end <= len(source)
