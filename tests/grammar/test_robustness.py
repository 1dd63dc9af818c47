"""Whatever the text, parsing ends in a syntax tree or a GradcalcSyntaxError; nothing else."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import MAX_NESTING_DEPTH, ast, is_complete, parse

TOKENS = [
    "x", "y", "mean", "torch", "grad", "True", "None", "false", "import", "from", "as",
    "0", "1.", ".5", "2e-3", "'s'", '"t"', "...",
    "+", "-", "*", "/", "//", "%", "@", "**", "==", "!=", "<", "<=", ">", ">=",
    "=", "+=", "-=", "*=", "/=", "(", ")", "[", "]", ",", ":", ".", ";", "\n", "#c\n",
    "$", "'", "{", "\\", "\t",
]  # fmt: skip


def parse_or_syntax_error(source: str) -> None:
    try:
        program = parse(source)
    except GradcalcSyntaxError as error:
        assert error.message and error.span is not None
        assert 0 <= error.span.start <= error.span.end <= len(source) + 1
    else:
        assert isinstance(program, ast.Program)
    assert is_complete(source) in (True, False)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_random_token_sequences(source):
    parse_or_syntax_error(source)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=60))
def test_random_strings(source):
    parse_or_syntax_error(source)


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="x1+-*()[],:=.\n ", max_size=40))
def test_random_strings_over_the_grammar_alphabet(source):
    parse_or_syntax_error(source)


def too_deep(source: str) -> GradcalcSyntaxError:
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source)
    assert "nested too deeply" in caught.value.message
    assert f"more than {MAX_NESTING_DEPTH} levels" in caught.value.message
    return caught.value


@pytest.mark.parametrize(
    "source",
    [
        "(" * 10_000 + "x" + ")" * 10_000,
        "[" * 10_000 + "1" + "]" * 10_000,
        "(" * 10_000,  # never closed: the depth limit speaks first
        "f(" * 10_000 + ")" * 10_000,
        "-" * 10_000 + "x",
        "x" + "**x" * 10_000,
        "x" + "+(x" * 10_000 + ")" * 10_000,  # right operands nest (a flat x+x+... does not)
        "x" + ".a" * 10_000,
        "x" + "[0]" * 10_000,
        "f" + "()" * 10_000,
    ],
)
def test_deep_nesting_gives_a_clear_error_not_a_recursion_error(source):
    error = too_deep(source)
    assert error.span is not None


def test_the_error_points_at_the_bracket_that_goes_too_deep():
    error = too_deep("x = " + "(" * 600 + "1" + ")" * 600)
    assert error.span.column == len("x = ") + MAX_NESTING_DEPTH + 1


def test_nesting_just_inside_the_limit_parses_and_is_usable():
    depth = 200
    program = parse("[" * depth + "1" + "]" * depth)
    node = program.statements[0].expr
    for _ in range(depth - 1):
        node = node.elements[0]
    assert node.elements[0].value == 1
    # Deeper than the default recursion limit would allow with a recursive parser/transformer.
    assert 3 * depth > sys.getrecursionlimit() / 3


def test_the_limit_is_configurable():
    source = "-" * 50 + "x"
    parse(source)
    with pytest.raises(GradcalcSyntaxError, match=r"more than 20 levels"):
        parse(source, max_depth=20)


def test_long_flat_programs_and_lists_are_not_limited():
    parse("x = 1\n" * 5000)
    parse("x = [" + ", ".join(["1"] * 20_000) + "]")
    parse("f(" + ", ".join(["a"] * 5000) + ")")
