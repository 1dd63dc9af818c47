"""The fast path of the lexer and the parse loop gives what the plain one does."""

from __future__ import annotations

import gc

import pytest
from gradcalc.grammar.lexer import Lexer, NestedTooDeep, UnexpectedCharacter

from gradcalc.errors import GradcalcSyntaxError
from gradcalc.grammar import parse
from gradcalc.grammar import parser as parser_module

SOURCES = [
    "x = 1",
    "x = 1   ",
    "x = 1 \t\f\r\n\ny = [1,\r\n 2]  # note\n",
    "  \ufeffa=b**-c  ;  d = e(f, g=1)[..., ::2].T\n",
    "s = 'it\\'s' + \"q\"   \\\n  + t\n",
    "import torch as t\nfrom torch import nn\n",
    "x = 1 $ 2",
    "x = 1    ",
    "   ",
    "",
    "y = ((((1))))\n" * 3,
    "a = [\n\n1,\n2\n]\n\n",
]


def _lexers() -> tuple[Lexer, Lexer]:
    lark = parser_module._parser()
    options = {
        "openers": parser_module._OPENERS,
        "closers": parser_module._CLOSERS,
        "newline": "_NL",
    }
    folded = Lexer(lark.terminals, lark.lexer_conf.ignore, **options)
    separate = Lexer(lark.terminals, lark.lexer_conf.ignore, fold_skipped=False, **options)
    return folded, separate


def _outcome(lexer: Lexer, source: str, max_depth: int = 500):
    tokens, stopped = lexer.tokenize(source, max_depth)
    if isinstance(stopped, UnexpectedCharacter):
        stopped = ("char", stopped.pos, stopped.line, stopped.column)
    elif isinstance(stopped, NestedTooDeep):
        stopped = ("deep", stopped.token)
    return tokens, stopped


@pytest.mark.parametrize("source", SOURCES)
def test_whitespace_folded_into_the_next_token_lexes_the_same(source):
    folded, separate = _lexers()
    assert _outcome(folded, source) == _outcome(separate, source)
    assert _outcome(folded, source, 2) == _outcome(separate, source, 2)


def test_token_positions_are_one_based_with_exclusive_end():
    folded, _ = _lexers()
    tokens, stopped = folded.tokenize("ab = 1\r\n  [x,\n y]", 500)
    assert stopped is None
    seen = [
        (t.type, t.value, t.start_pos, t.line, t.column, t.end_line, t.end_column) for t in tokens
    ]
    assert seen == [
        ("NAME", "ab", 0, 1, 1, 1, 3),
        ("EQUAL", "=", 3, 1, 4, 1, 5),
        ("NUMBER", "1", 5, 1, 6, 1, 7),
        ("_NL", "\n", 7, 1, 8, 2, 1),
        ("LSQB", "[", 10, 2, 3, 2, 4),
        ("NAME", "x", 11, 2, 4, 2, 5),
        ("COMMA", ",", 12, 2, 5, 2, 6),
        ("NAME", "y", 15, 3, 2, 3, 3),
        ("RSQB", "]", 16, 3, 3, 3, 4),
    ]


def test_an_error_earlier_in_the_text_wins_over_a_bad_character_after_it():
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse("x = = 1\ny = $")
    assert caught.value.span.line == 1
    with pytest.raises(GradcalcSyntaxError) as caught:
        parse("x = = 1\ny = ((((1))))", max_depth=2)
    assert caught.value.span.line == 1


def test_a_big_parse_leaves_the_collector_as_it_found_it():
    script = "\n".join(f"x{i} = [[{i}, 2], [3, 4]] * (y - {i})" for i in range(6_000))
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    program = parse(script)
    assert len(program.statements) == 6_000
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    gc.disable()
    try:
        parse(script)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_the_program_froze_stay_frozen():
    script = "\n".join(f"x{i} = [[{i}, 2], [3, 4]] * (y - {i})" for i in range(6_000))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        parse(script)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_fast_node_constructors_make_what_the_dataclass_does():
    from gradcalc.errors import Span
    from gradcalc.grammar import ast, build

    span = Span(1, 2, 1, 5, 1, 4)
    fast = build._BinOp(span, "+", ast.Name(span, "a"), ast.Name(span, "b"), span)
    slow = ast.BinOp(span, "+", ast.Name(span, "a"), ast.Name(span, "b"), span)
    assert type(fast) is ast.BinOp
    assert fast == slow and vars(fast) == vars(slow)
    assert build.make_span(1, 2, 3, 4, 5, 6) == Span(1, 2, 3, 4, 5, 6)
    with pytest.raises(AttributeError):
        fast.op = "-"  # still frozen
