"""Whatever the text, parsing ends in a syntax tree or a GradcalcSyntaxError; nothing else.
Deep nesting is a clear error, never a RecursionError; parse time grows linearly."""

from __future__ import annotations

import sys
import time

import pytest
from grammar_helpers import syntax_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import MAX_NESTING_DEPTH, ast, is_complete, parse

TOKENS = [
    "x", "y", "mean", "torch", "True", "None", "false", "import", "from", "as", "def", "if",
    "else", "for", "in", "lambda", "not", "and", "return", "class", "with", "try", "except",
    "0", "1.", ".5", "2e-3", "0x1", "'s'", '"t"', "f'{x}'", "...", "+", "-", "*", "/", "//",
    "%", "@", "**", "==", "!=", "<", "<=", "=", "+=", ":=", "(", ")", "[", "]", "{", "}", ",",
    ":", ".", ";", "\n", "#c\n", "\n    ", "\n\t", "$", "'", "\\", "\t", "\f",
]  # fmt: skip


def parse_or_syntax_error(source: str) -> None:
    for recover in (False, True):
        try:
            tree = parse(source, recover=recover)
        except GradcalcSyntaxError as error:
            assert not recover
            assert error.message and error.span is not None
            assert 0 <= error.span.start <= error.span.end <= len(source)
        else:
            assert isinstance(tree, ast.Module)
            for node in ast.walk(tree):
                assert 0 <= node.span.start <= node.span.end <= len(source)
    assert is_complete(source) in (True, False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map(" ".join))
def test_random_token_sequences(source):
    parse_or_syntax_error(source)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_random_strings(source):
    parse_or_syntax_error(source)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="x1+-*()[]{},:=.\n \t'\"fif", max_size=40))
def test_random_strings_over_the_grammar_alphabet(source):
    parse_or_syntax_error(source)


def too_deep(source: str) -> GradcalcSyntaxError:
    error = syntax_error(source)
    assert error.message == f"expression nested too deeply (more than {MAX_NESTING_DEPTH} levels)"
    assert error.hint == "split it into smaller expressions assigned to names"
    return error


N = 10_000
DEEP = {
    "parentheses": "(" * N + "x" + ")" * N,
    "lists": "[" * N + "1" + "]" * N,
    "braces": "{" * N + "1" + "}" * N,
    "never closed": "(" * N,
    "calls": "f(" * N + ")" * N,
    "unary minus": "-" * N + "x",
    "not": "not " * N + "x",
    "powers": "x" + "**x" * N,
    "right operands": "x" + "+(x" * N + ")" * N,
    "lambdas": "lambda: " * N + "x",
    "conditional expressions": "a if b else " * N + "c",
    "attributes": "x" + ".a" * N,
    "indexing": "x" + "[0]" * N,
    "call chains": "f" + "()" * N,
    "in an f-string": "f'{" + "-" * N + "x}'",
}


@pytest.mark.parametrize("kind", DEEP)
def test_10000_levels_of_nesting_is_a_clear_syntax_error(kind):
    source = "y = " + DEEP[kind]
    error = too_deep(source)
    assert error.span is not None and 0 <= error.span.start < len(source)
    assert is_complete(source) is True


def test_the_error_points_at_the_bracket_that_goes_too_deep():
    error = too_deep("x = " + "(" * 600 + "1" + ")" * 600)
    assert error.span.column == len("x = ") + MAX_NESTING_DEPTH + 1


def test_nesting_just_inside_the_limit_parses_and_is_usable():
    depth = 200
    tree = parse("[" * depth + "1" + "]" * depth)
    node = tree.body[0].value
    for _ in range(depth - 1):
        node = node.elts[0]
    assert node.elts[0].value == 1
    assert 3 * depth > sys.getrecursionlimit() / 3  # deeper than a recursive parser could go
    assert "List" in repr(tree)  # repr and == do not recurse either
    assert tree == parse("[" * depth + "1" + "]" * depth)


def test_the_limit_is_configurable():
    source = "-" * 50 + "x"
    parse(source)
    with pytest.raises(GradcalcSyntaxError, match=r"more than 20 levels"):
        parse(source, max_depth=20)
    with pytest.raises(GradcalcSyntaxError, match=r"more than 20 levels"):
        parse("(" * 21 + ")" * 21, max_depth=20)


def test_flat_chains_are_not_nesting():
    parse("y = " + " + ".join(["(x * 2)"] * 20_000))
    parse("y = " + " @ ".join(["w"] * 5_000))
    parse("y = " + " and ".join(["x"] * 5_000))
    parse("y = " + " < ".join(["x"] * 5_000))
    parse("x = [" + ", ".join(["1"] * 5_000) + "]")
    parse("f(" + ", ".join(["a"] * 5000) + ")")
    too_deep("y = " + "x + (" * 600 + "x" + ")" * 600)


def _parse_seconds(source: str) -> float:
    started = time.process_time()
    parse(source)
    return time.process_time() - started


def test_parse_time_grows_linearly_with_the_program():
    small = "".join(f"a{i} = {i}\n" for i in range(5_000))
    large = "".join(f"a{i} = {i}\n" for i in range(40_000))
    # Interleaved and the best of each, so that a busy machine skews both alike.
    small_seconds = large_seconds = float("inf")
    for _ in range(2):
        small_seconds = min(small_seconds, _parse_seconds(small))
        large_seconds = min(large_seconds, _parse_seconds(large))
    ratio = large_seconds / small_seconds
    assert ratio < 8 * 2, ratio  # 8 times the statements: far from 64 times the time


@pytest.mark.slow
def test_100000_short_statements_parse_in_a_few_seconds():
    source = "".join(f"a{i} = {i}\n" for i in range(100_000))
    seconds = _parse_seconds(source)
    assert len(parse(source).body) == 100_000
    assert seconds < 20, seconds
