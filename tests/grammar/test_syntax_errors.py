"""Broken programs: the message a user sees, the place it points at, and the hint."""

from __future__ import annotations

import re

import pytest
from grammar_helpers import syntax_error

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import parse

LARK_WORDS = re.compile(
    r"\b(RPAR|LPAR|LSQB|RSQB|LBRACE|NAME|NUMBER|STRING|FSTRING|COMMA|COLON|AUGOP|__ANON\w*|"
    r"_NEWLINE|_INDENT|_DEDENT|Token|Tree|EQUAL|STAR|POW|SEMICOLON)\b|\$END"
)


def checked_error(source: str) -> GradcalcSyntaxError:
    error = syntax_error(source)
    assert not LARK_WORDS.search(error.message), error.message
    assert error.hint is None or not LARK_WORDS.search(error.hint), error.hint
    assert error.exit_code == 2 and error.kind == "SyntaxError"
    return error


# source, message, (line, column) of the span start, text the span covers, words in the hint
CASES = [
    ("f(1))", "unexpected ')' — expected an operator or the end of the statement", (1, 5), ")", "no open bracket"),
    ("mean(x", "unexpected end of input — '(' opened at column 5 is not closed", (1, 7), "", "add the missing ')'"),
    ("x = [[1, 2],\n     [3, 4]", "unexpected end of input — '[' opened at line 1, column 5 is not closed", (2, 12), "", "add the missing ']'"),
    ("d = {'a': 1", "unexpected end of input — '{' opened at column 5 is not closed", (1, 12), "", "'}'"),
    ("2 x", "unexpected name 'x' — expected an operator or the end of the statement", (1, 3), "x", "operator such as '*' missing"),
    ("2x", "unexpected name 'x' — expected an operator or the end of the statement", (1, 2), "x", "write 2 * x"),
    ("y = 3 4", "unexpected number 4 — expected an operator or the end of the statement", (1, 7), "4", "two values in a row"),
    ("[1, 2 3]", "unexpected number 3 — expected an operator, ']' or ','", (1, 7), "3", "missing"),
    ("f(a 'b')", "unexpected string 'b' — expected an operator, ')' or ','", (1, 5), "'b'", "missing"),
    ("x = $", "unexpected character '$'", (1, 5), "$", None),
    ("x = a ? b : c", "unexpected character '?'", (1, 7), "?", "a if condition else b"),
    ("x = !a", "unexpected character '!'", (1, 5), "!", "not"),
    ("x = 2 × 3", "invalid character '×' (U+00D7)", (1, 7), "×", "'*'"),
    ("x = 2 ÷ 3", "invalid character '÷' (U+00F7)", (1, 7), "÷", "'/'"),
    ("x = a && b", "unexpected '&' — expected an expression", (1, 8), "&", "'and'"),
    ("x = 'abc", "unterminated string literal (detected at line 1)", (1, 5), "'abc", "same line"),
    ("x = r'abc", "unterminated string literal (detected at line 1)", (1, 5), "r'abc", "same line"),
    ("x = '''abc\n", "unterminated triple-quoted string literal (detected at line 2)", (1, 5), "'''", "'''"),
    ("f(x = = 1)", "unexpected '=' — expected an expression", (1, 7), "=", "'=='"),
    ("(a = b)", "unexpected '=' — expected an operator, ')' or ','", (1, 4), "=", "'=='"),
    ("if x = 1:\n    pass", "unexpected '=' — expected an operator or ':'", (1, 6), "=", "':='"),
    ("x = 1 +", "unexpected end of input — expected an expression", (1, 8), "", "needs a value after it"),
    ("x = 1 +\ny = 2", "unexpected end of line — expected an expression", (1, 8), "\n", "'+' at column 7"),
    ("x = (1 +\n y = 2", "unexpected '=' — expected an operator, ')' or ','", (2, 4), "=", "'(' opened at line 1, column 5 is still open"),
    ("(1, 2]", "unexpected ']' — expected an operator, ')' or ','", (1, 6), "]", "close it with ')' first"),
    ("x[0)", "unexpected ')' — expected an operator, ']', ',' or ':'", (1, 4), ")", "close it with ']' first"),
    ("x.", "unexpected end of input — expected a name", (1, 3), "", None),
    ("x.1", "unexpected number 1 — expected a name", (1, 3), "1", None),
    ("x = 1.2.3", "unexpected number 3 — expected a name", (1, 9), "3", "one decimal point"),
    ("x.if", "unexpected keyword 'if' — expected a name", (1, 3), "if", "keyword"),
    ("def if(): pass", "unexpected keyword 'if' — expected a name", (1, 5), "if", "keyword"),
    ("import", "unexpected end of input — expected a name", (1, 7), "", None),
    ("import 1", "unexpected number 1 — expected a name", (1, 8), "1", None),
    ("from torch", "unexpected end of input — expected 'import' or '.'", (1, 11), "", None),
    ("x + * 2", "unexpected '*' — expected an expression", (1, 5), "*", None),
    ("y = x == not 2", "unexpected keyword 'not' — expected an expression", (1, 10), "not", "must be parenthesized: a == (not b)"),
    ("y = -not x", "unexpected keyword 'not' — expected an expression", (1, 6), "not", "'not' after an operator"),
    ("y = a is not not b", "unexpected keyword 'not' — expected an expression", (1, 14), "not", "'not' after an operator"),
    ("y = not", "unexpected end of input — expected an expression", (1, 8), "", "'not' at column 5 needs a value"),
    ("x = 1 if y", "unexpected end of input — expected an operator or 'else'", (1, 11), "", "needs an else"),
    ("x = ()\n)", "unexpected ')' — expected a statement", (2, 1), ")", "no open bracket"),
    (")", "unexpected ')' — expected a statement", (1, 1), ")", "no open bracket"),
    ("x = 1 \\ 2", "unexpected character after line continuation character", (1, 7), "\\", "very end"),
    ("def f()\n    pass", "expected ':'", (1, 8), "\n", "end the 'def' line with ':'"),
    ("for x in y\n    pass", "expected ':'", (1, 11), "\n", "'for'"),
    ("class A(B)\n    pass", "expected ':'", (1, 11), "\n", "'class'"),
    ("else:\n    pass", "unexpected keyword 'else' — expected a statement", (1, 1), "else", "continues the block"),
    ("try:\n    pass\nx = 1", "unexpected name 'x' — expected 'except' or 'finally'", (3, 1), "x", None),
    ("@dec\nx = 1", "unexpected name 'x' — expected 'def', 'class' or another decorator", (2, 1), "x", "right above a def"),
    ("async def f(): pass", "'async' is not supported in gradcalc", (1, 1), "async", "asynchronous"),
    ("x = await f()", "'await' is not supported in gradcalc", (1, 5), "await", "asynchronous"),
    ("def g():\n    yield 1", "'yield' is not supported in gradcalc", (2, 5), "yield", "list"),
    ("match command:\n    case 1: pass", "unexpected name 'command' — expected an operator or the end of the statement", (1, 7), "command", "match statement"),
    ("print 'hello'", "unexpected string 'hello' — expected an operator or the end of the statement", (1, 7), "'hello'", "print(...)"),
    ("exec code", "unexpected name 'code' — expected an operator or the end of the statement", (1, 6), "code", "exec(...)"),
    ("x := 1", "unexpected ':=' — expected an operator or the end of the statement", (1, 3), ":=", "y = f(x)"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "message", "start", "covered", "hint"), CASES)
def test_syntax_error(source, message, start, covered, hint):
    error = checked_error(source)
    assert error.message == message
    assert (error.span.line, error.span.column) == start
    assert source[error.span.start : error.span.end] == covered
    if hint is None:
        assert error.hint is None
    else:
        assert hint in error.hint


def test_error_span_lines_and_columns_agree_with_offsets():
    source = "a = 1\nb = [1,\n  2\n  3]\n"
    error = checked_error(source)
    assert error.message == "unexpected number 3 — expected an operator, ']' or ','"
    assert (error.span.line, error.span.column, error.span.end_column) == (4, 3, 4)
    line_start = source.rfind("\n", 0, error.span.start) + 1
    assert error.span.start - line_start + 1 == error.span.column
    assert "'[' opened at line 2, column 5 is still open" in error.hint


def test_the_first_error_in_the_text_is_the_one_reported():
    assert syntax_error("x = = 1\ny = $").span.line == 1
    assert syntax_error("x = = 1\ny = ((((1))))", max_depth=2).span.line == 1
    assert syntax_error("x = 1\ny = $\nz = = 2").span.line == 2


def test_errors_carry_the_filename():
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse("x = (", "script.gc")
    assert caught.value.filename == "script.gc"
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse("x = f'{1 +}'", "fields.gc")
    assert caught.value.filename == "fields.gc"


def test_to_dict_gives_json_friendly_fields():
    error = checked_error("2 x")
    assert error.to_dict() == {
        "type": "SyntaxError",
        "category": "syntax",
        "message": "unexpected name 'x' — expected an operator or the end of the statement",
        "line": 1,
        "column": 3,
        "end_line": 1,
        "end_column": 4,
        "hint": "two values in a row: is an operator such as '*' missing between them?",
    }
