"""Half-typed and half-pasted programs: cut a valid program anywhere, or drop any one
character, and the result either runs or gives a positioned syntax error in a user's words."""

from __future__ import annotations

import re

import pytest
from hostile_helpers import assert_no_python_leak, assert_well_formed

from gradcalc.errors import GradcalcError, GradcalcSyntaxError
from gradcalc.grammar import is_complete, parse
from gradcalc.interpreter import Session

PROGRAMS = [
    "import torch\nx = torch.ones(2, 3, requires_grad=True)\ny = x + 2\nz = y * y * 3\n"
    "out = z.mean()\nout.backward(retain_graph=True)\nprint(x.grad)",
    "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1)); m.backward()",
    "w = randn(3, 3); b = w[:, 1:]; c = w[::-1, ...]; d = w[None] ** -2.5e-3; e = 'a\\'b'",
    "from torch import nn as N; import numpy as np, torch.nn.functional as F\n"
    "k = F.relu(w) @ w.T >= 0.5",
    "c = 1.; c += 1; w.grad = None; w.data -= 0.1 * c  # step",
]
# Lark's terminal names must never show: users see words and characters.
LARK_NAMES = re.compile(
    r"\b(LPAR|RPAR|LSQB|RSQB|NAME|NUMBER|STRING|_NL|COMMA|COLON|SEMICOLON|EQUAL|DOT|"
    r"PLUS|MINUS|STAR|SLASH|POW|IMPORT|FROM|__ANON\w*)\b|\$END"
)


def variants(program: str):
    for i in range(len(program) + 1):
        yield program[:i]  # typed up to here
        yield program[i:]  # pasted from here
        yield program[:i] + program[i + 1 :]  # one character lost


def check(source: str) -> None:
    try:
        parse(source)
    except GradcalcSyntaxError as error:
        assert_well_formed(error, source)
        assert error.exit_code == 2
        assert not LARK_NAMES.search(error.message), error.message
        assert not LARK_NAMES.search(error.hint or ""), error.hint
    assert is_complete(source) in (True, False)


@pytest.mark.parametrize("program", PROGRAMS, ids=range(len(PROGRAMS)))
def test_every_prefix_suffix_and_deletion_parses_or_says_where(program):
    for source in variants(program):
        check(source)


@pytest.mark.parametrize("program", PROGRAMS[:2], ids=range(2))
def test_every_prefix_runs_through_a_session_without_a_traceback(program):
    session = Session(max_elements=10_000)
    for i in range(len(program) + 1):
        result = session.run(program[:i], keep_going=True)
        for error in result.errors:
            assert isinstance(error, GradcalcError)
            assert_no_python_leak(error.message)
            assert_no_python_leak(error.hint)


def test_an_incomplete_line_asks_the_repl_for_more_and_a_wrong_one_does_not():
    for source in ("x = (1 +", "f(x,", "[1, 2,\n", "y = x +", "import"):
        assert is_complete(source) is False, source
    for source in ("x = 1)", "x = = 1", "1 2", "x = 1 +* 2"):
        assert is_complete(source) is True, source


@pytest.mark.parametrize(
    "source, position, wanted",
    [
        ("x = ", (1, 5), r"unexpected end of input — expected an expression"),
        ("x = 1 +* 2", (1, 8), r"unexpected '\*' — expected an expression"),
        ("x = 1 2", (1, 7), r"unexpected number 2"),
        ("x = [1, 2", (1, 10), r"'\[' opened at column 5 is not closed"),
        ("x = (1, 2]", (1, 10), r"unexpected '\]'"),
        ("y = x)", (1, 6), r"unexpected '\)'"),
        ("x = 1 $ 2", (1, 7), r"unexpected character '\$'"),
        ("s = 'abc", (1, 5), r"unterminated string"),
        ("x = 1.2.3", (1, 9), r"unexpected number 3"),
        ("5.grad = 1", (1, 3), r"unexpected name 'grad'"),
        ("True = 1", (1, 1), r"cannot assign to True"),
        ("f(a=1, 2)", (1, 8), r"positional argument follows keyword argument"),
        ("f(a=1, a=2)", (1, 8), r"keyword argument repeated: a"),
        ("x = 1" + "0" * 5000, (1, 5), r"number too long"),
    ],
)
def test_syntax_errors_say_what_and_where(source, position, wanted):
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse(source)
    error = caught.value
    assert re.search(wanted, error.message), error.message
    assert (error.span.line, error.span.column) == position
