"""f-strings in the grammar: one token, split into text and fields as Python 3.11 splits them,
each field's expression parsed by gradcalc's grammar with spans into the source, and errors
that point inside the string."""

from __future__ import annotations

import ast as python_ast
import sys

import pytest
from grammar_helpers import show
from hypothesis import given, settings
from hypothesis import strategies as st

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import MAX_NESTING_DEPTH, ast, is_complete, parse


def fstring(source: str) -> ast.FString:
    (statement,) = parse(source).statements
    node = statement.expr if isinstance(statement, ast.ExprStatement) else statement.value
    while isinstance(node, ast.Call):  # print(f"...")
        (node,) = node.args
    assert isinstance(node, ast.FString)
    return node


def fields(source: str) -> list[ast.FormattedValue]:
    return [part for part in fstring(source).parts if isinstance(part, ast.FormattedValue)]


def syntax_error(source: str) -> GradcalcSyntaxError:
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source)
    return caught.value


def text(source: str, span) -> str:
    return source[span.start : span.end]


# ---- the tree ----------------------------------------------------------------------------


def test_text_and_fields_in_order():
    source = 'print(f"step {t} loss {loss.item():.4f}")'
    parts = fstring(source).parts
    assert [p if isinstance(p, str) else show(p.value) for p in parts] == [
        "step ",
        "t",
        " loss ",
        "(call (. loss item))",
    ]
    assert parts[3].format_spec == ".4f" and parts[3].conversion is None


@pytest.mark.parametrize(
    ("source", "conversion", "spec", "debug"),
    [
        ('f"{x!r}"', "r", None, None),
        ('f"{x!s:>10}"', "s", ">10", None),
        ('f"{x!a}"', "a", None, None),
        ('f"{x:}"', None, "", None),
        ('f"{x=}"', None, None, "x="),
        ('f"{x = :.2f}"', None, ".2f", "x = "),
        ('f"{x=!r:^9}"', "r", "^9", "x="),
        ('f"{x:=+8.3f}"', None, "=+8.3f", None),
        ('f"{x:%}"', None, "%", None),
    ],
)
def test_conversion_spec_and_the_equals_sign(source, conversion, spec, debug):
    (field,) = fields(source)
    assert (field.conversion, field.format_spec, field.debug_text) == (conversion, spec, debug)
    assert show(field.value) == "x"


@pytest.mark.parametrize(
    ("source", "parts"),
    [
        ('f"{{x}} {{"', ["{x} {"]),
        ('f"a}}b{{c"', ["a}b{c"]),
        ('f"tab\\t{x}\\n"', ["tab\t", "x", "\n"]),
        ('rf"\\d+{x}\\n"', ["\\d+", "x", "\\n"]),
        ('Fr"{x}\\"', None),  # a raw string still cannot end in a lone backslash
        ("F'{x}'", ["x"]),
        ("fR'''{x}'''", ["x"]),
        ('f"""a\n{x}\nb"""', ["a\n", "x", "\nb"]),
        ("f''", []),
        ('f"\\{x}"', ["\\", "x"]),
        ('f"line \\\nnext"', None),  # no line continuation in a one-line string
        ('f"""line \\\nnext"""', ["line next"]),
    ],
)
def test_escapes_raw_strings_and_quotes(source, parts):
    if parts is None:
        with pytest.raises(GradcalcSyntaxError):
            parse(source)
        return
    shown = [p if isinstance(p, str) else show(p.value) for p in fstring(source).parts]
    assert shown == parts


def test_fields_are_parsed_as_in_parentheses():
    # As in Python: newlines are free inside a field, and a, b is a tuple.
    (field,) = fields('f"""{x\n  + 1}"""')
    assert show(field.value) == "(+ x 1)"
    (field,) = fields('f"{a, b}"')
    assert show(field.value) == "(tuple a b)"
    (field,) = fields('f"{x[1:2, ::2]!r}"')
    assert show(field.value) == "(index x 1:2: ::2)"


def test_operators_that_end_with_an_equals_sign_stay_operators():
    for op in ("==", "!=", "<=", ">=", "<", ">"):
        (field,) = fields(f'f"{{a {op} b}}"')
        assert show(field.value) == f"({op} a b)"
        assert field.debug_text is None


def test_strings_and_brackets_inside_a_field_do_not_end_it():
    (field,) = fields("f\"{x['}'] :>5}\"")
    assert show(field.value) == "(index x '}')"
    assert field.format_spec == ">5"
    (first, second) = fields("f\"{'}'} {'{'}\"")
    assert (first.value.value, second.value.value) == ("}", "{")


def test_f_strings_nest_with_other_quotes():
    (field,) = fields("f\"{f'{x:>3}'}\"")
    inner = field.value
    assert isinstance(inner, ast.FString)
    assert inner.parts[0].format_spec == ">3"


def test_names_that_look_like_prefixes_stay_names():
    tree = parse("f = 1; rf = f; fr = rf\nF(x)\nf (x)\nr = 'a'")
    assert [show(s) for s in tree.statements] == [
        "(= f 1)",
        "(= rf f)",
        "(= fr rf)",
        "(call F x)",
        "(call f x)",
        "(= r 'a')",
    ]


# ---- spans -------------------------------------------------------------------------------


def test_spans_point_into_the_source():
    source = 'y = 1\nprint(f"a {x + 1:>8} b {g(x)!r} {z=}")'
    tree = parse(source)
    call = tree.statements[1].expr
    node = call.args[0]
    assert text(source, node.span) == 'f"a {x + 1:>8} b {g(x)!r} {z=}"'
    first, second, third = (p for p in node.parts if isinstance(p, ast.FormattedValue))
    assert text(source, first.span) == "{x + 1:>8}"
    assert text(source, first.value.span) == "x + 1"
    assert (first.value.span.line, first.value.span.column) == (2, 12)
    assert text(source, first.value.right.span) == "1"
    assert text(source, first.spec_span) == ">8"
    assert text(source, second.value.span) == "g(x)"
    assert text(source, second.value.args[0].span) == "x"
    assert text(source, third.value.span) == "z"


def test_spans_inside_a_triple_quoted_f_string_across_lines():
    source = 'print(f"""first {a}\nsecond {b * 2:.1f}\n  {\n   c}""")'
    node = fstring(source)
    a, b, c = (p for p in node.parts if isinstance(p, ast.FormattedValue))
    assert (a.value.span.line, a.value.span.column) == (1, 18)
    assert (b.value.span.line, b.value.span.column, b.value.span.end_column) == (2, 9, 14)
    assert text(source, b.value.span) == "b * 2"
    assert (c.value.span.line, c.value.span.column) == (4, 4)
    assert (c.span.line, c.span.column, c.span.end_line) == (3, 3, 4)


def test_whitespace_around_a_field_is_not_part_of_its_expression():
    source = 'f"{  x  }"'
    (field,) = fields(source)
    assert text(source, field.value.span) == "x"


# ---- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message", "position"),
    [
        ('x = f"a {y +} b"', "unexpected '}' — expected an expression", (1, 13)),
        ('x = f"a {y $ 2}"', "unexpected character '$'", (1, 12)),
        ('x = f"{y z}"', "unexpected name 'z' — expected an operator, '}' or ','", (1, 10)),
        ('x = f"{y +:.2f}"', "unexpected ':' — expected an expression", (1, 11)),
        ('f"""\n  {a\n   + }"""', "unexpected '}' — expected an expression", (3, 6)),
        ('f"{}"', "f-string: empty expression not allowed", (1, 3)),
        ('f"{  }"', "f-string: empty expression not allowed", (1, 3)),
        ('f"a } b"', "f-string: single '}' is not allowed", (1, 5)),
        ('f"{x"', "f-string: expecting '}'", (1, 3)),
        ('f"{x!}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", (1, 5)),
        ('f"{x!q}"', "f-string: invalid conversion character: expected 's', 'r', or 'a'", (1, 5)),
        ('f"{x!r }"', "f-string: expecting '}'", (1, 7)),
        ('f"{x = 1}"', "f-string: expecting '}'", (1, 8)),
        ('f"{x:{w}}"', "nested replacement fields in a format spec are not supported", (1, 6)),
        ('f"{(x}"', "f-string: closing parenthesis '}' does not match opening parenthesis '('", (1, 6)),
        ('f"{[x)}"', "f-string: closing parenthesis ')' does not match opening parenthesis '['", (1, 6)),
        ('f"{x)}"', "f-string: unmatched ')'", (1, 5)),
        ('f"{(x:y"', "f-string: '(' was never closed", (1, 4)),
        ("f\"{'a}\"", "f-string: unterminated string", (1, 4)),
        ('f"{a\\n}"', "f-string expression part cannot include a backslash", (1, 5)),
        ('f"{a # note}"', "f-string expression part cannot include '#'", (1, 6)),
        ('f"\\N{BULLET}"', "\\N{...} escapes are not supported", (1, 3)),
        ('f"{with}"', "unexpected 'with' — expected an expression", (1, 4)),
        ('f"{a; b}"', "unexpected ';'", (1, 5)),
        ('x = f"a" f"b"', "unexpected f-string f\"b\" — expected an operator", (1, 10)),
    ],
)  # fmt: skip
def test_errors_say_what_and_point_inside_the_string(source, message, position):
    error = syntax_error(source)
    assert error.message.startswith(message), error.message
    assert (error.span.line, error.span.column) == position
    assert error.hint
    assert is_complete(source) is True  # a closed f-string: the REPL shows the error


def test_an_unterminated_f_string():
    error = syntax_error('print(f"abc {x}')
    assert error.message == "unterminated string"
    error = syntax_error('print(f"""abc {x}\n more')
    assert error.message == "unterminated triple-quoted f-string"
    assert (error.span.line, error.span.column) == (1, 7)
    assert '"""' in error.hint


def test_the_repl_waits_for_the_end_of_a_triple_quoted_f_string():
    assert is_complete('print(f"""step {t}') is False
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}') is False
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}"""') is False  # the ')'
    assert is_complete('print(f"""step {t}\nloss {loss:.3f}""")') is True
    assert is_complete("x = f'''a'''") is True


def test_other_string_prefixes_get_a_hint():
    for prefix in ("r", "b", "u", "rb"):
        error = syntax_error(f'x = {prefix}"abc"')
        assert f"no '{prefix}' prefix" in error.hint
    assert "prefix" not in (syntax_error('x = y "abc"').hint or "")


def test_nesting_inside_a_field_is_bounded_like_any_expression():
    deep = "(" * (MAX_NESTING_DEPTH + 10) + "x" + ")" * (MAX_NESTING_DEPTH + 10)
    error = syntax_error(f'print(f"{{{deep}}}")')
    assert f"more than {MAX_NESTING_DEPTH} levels" in error.message
    # Within the bound, inside the f-string's own depth: no crash either way.
    shallow = "-" * (MAX_NESTING_DEPTH // 2) + "x"
    assert fields(f'f"{{{shallow}}}"')
    nested = "f'''{" + 'f"{' + "f'{x}'" + '}"' + "}'''"
    assert isinstance(fields(f'f"""{{{nested}}}"""')[0].value, ast.FString)


def test_is_complete_is_not_confused_by_an_f_string_inside_an_open_block():
    source = 'with torch.no_grad():\n    print(f"""{x:.2f} {(y,\n z)}""")'
    assert is_complete(source) is False  # a block open and the last line not empty
    assert is_complete(source + "\n") is True


# ---- the same split as Python's --------------------------------------------------------


_PIECES = [
    "a", " ", "{x}", "{{", "}}", "{x!r}", "{x:>4}", "{y=}", "{x = !s:<3}", "\\n", "\\t",
    "{x[0]:.2f}", "{x == y}", "{x!a:^5}", "{'}'}", "\\\\", "{x:}",
]  # fmt: skip


def _python_parts(source: str) -> list:
    """The parts Python 3.11's parser makes of an f-string, in this module's terms."""
    joined = python_ast.parse(source, mode="eval").body
    if isinstance(joined, python_ast.Constant):
        return [joined.value] if joined.value else []
    parts: list = []
    for value in joined.values:
        if isinstance(value, python_ast.Constant):
            parts.append(value.value)
            continue
        spec = None
        if value.format_spec is not None:
            spec = "".join(v.value for v in value.format_spec.values)
        conversion = None if value.conversion == -1 else chr(value.conversion)
        parts.append((python_ast.unparse(value.value), conversion, spec))
    return parts


def _our_parts(source: str) -> list:
    parts: list = []
    for part in fstring(source).parts:
        if isinstance(part, str):
            parts.append(part)
            continue
        if part.debug_text is not None:
            # Python makes the text of {x=} a constant of its own, merged with text before it.
            if parts and isinstance(parts[-1], str):
                parts[-1] += part.debug_text
            else:
                parts.append(part.debug_text)
        conversion = part.conversion
        if part.debug_text is not None and conversion is None and part.format_spec is None:
            conversion = "r"
        expression = text(source, part.value.span)
        parts.append((python_ast.unparse(python_ast.parse(expression, mode="eval").body),
                      conversion, part.format_spec))  # fmt: skip
    return [p for p in parts if p != ""]


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="compares with Python 3.11's rules")
@settings(max_examples=50, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=8), quote=st.sampled_from(['"', "'''"]))
def test_the_split_is_pythons(pieces, quote):
    source = "f" + quote + "".join(pieces) + quote
    assert _our_parts(source) == [p for p in _python_parts(source) if p != ""]
