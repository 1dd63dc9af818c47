"""Parse program text into ``gradcalc.grammar.ast.Program``.

The Lark parser is built once per process from ``gradcalc.lark`` and cached on disk under
``$XDG_CACHE_HOME/gradcalc/`` (a ~45 ms build becomes a few ms). Lark's lexer produces the
tokens; one loop here drops newlines inside brackets (so a matrix can span lines) and bounds
bracket nesting; and ``_Driver`` runs Lark's LALR tables, building the syntax tree during the
reductions (``build.SyntaxTreeBuilder``). Driving the tables directly, rather than building
Lark's tree and transforming it, is three times faster and never recurses. Error messages come
from ``diagnostics``; Lark is imported on first use so ``import gradcalc.grammar`` is cheap.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
from pathlib import Path
from typing import TYPE_CHECKING

from gradcalc.errors import GradcalcError, GradcalcSyntaxError, Span
from gradcalc.grammar import ast

if TYPE_CHECKING:
    from lark import Lark

    from gradcalc.grammar.lexer import Lexer

GRAMMAR_PATH = Path(__file__).with_name("gradcalc.lark")
PARSER_OPTIONS = {"parser": "lalr", "lexer": "basic", "maybe_placeholders": False}
MAX_NESTING_DEPTH = 500
"""Deepest bracket nesting, and deepest syntax tree, a program may have.

Depth counts real nesting, what the evaluator recurses into: brackets, operands of unary
operators and ``**``, right operands, call arguments, attribute and index chains. A flat
left-associative chain (``x + x + ... + x``) is one level however long, since the evaluator
folds it in a loop."""

_OPENERS = {"LPAR": "(", "LSQB": "["}
_BinOp = ast.BinOp
_CLOSERS = {"RPAR", "RSQB"}

_lark: Lark | None = None
_driver: _Driver | None = None
_lexer: Lexer | None = None
_terminal_text: dict[str, str] = {}


def parse(
    source: str, filename: str = "<string>", *, max_depth: int = MAX_NESTING_DEPTH
) -> ast.Program:
    """Parse a whole program.

    Raises ``GradcalcSyntaxError`` (with a span, a message and often a hint) for text that
    does not parse or nests deeper than ``max_depth``; the error's ``filename`` attribute is
    ``filename``.
    """
    try:
        statements = _parse_statements(source, max_depth)
    except GradcalcError as error:
        error.filename = filename
        raise
    return ast.Program(_whole_span(source), tuple(statements), source)


def is_complete(source: str) -> bool:
    """Whether the REPL should run ``source`` now rather than ask for another line.

    False while a bracket is open or the text stops where more is needed (after a binary
    operator, a ``,`` inside brackets, ``import``, ...); True when it parses and also when it
    is simply wrong, so that the REPL runs it and shows the error.
    """
    try:
        _parse_statements(source, MAX_NESTING_DEPTH)
    except GradcalcSyntaxError as error:
        return not getattr(error, "needs_more_input", False)
    return True


def build_parser(*, cache: bool = True, **options) -> Lark:
    """A new Lark parser for the grammar; ``options`` override ``PARSER_OPTIONS``."""
    from lark import Lark

    grammar = GRAMMAR_PATH.read_text(encoding="utf-8")
    options = {**PARSER_OPTIONS, **options}
    cache_file = _cache_file(grammar) if cache else None
    if cache_file is not None:
        try:
            return Lark(grammar, cache=cache_file, **options)
        except Exception:  # noqa: BLE001 - an unusable cache must never stop a parse
            pass
    return Lark(grammar, **options)


def _parser() -> Lark:
    global _lark, _driver, _lexer
    if _lark is None:
        from gradcalc.grammar.lexer import Lexer

        lark = build_parser()
        for terminal in lark.terminals:
            if terminal.pattern.type == "str":
                _terminal_text[terminal.name] = terminal.pattern.value
        _driver = _Driver(lark)
        _lexer = Lexer(lark.terminals, lark.lexer_conf.ignore)
        _lark = lark
    return _lark


def _cache_file(grammar: str) -> str | None:
    """Where Lark keeps its built tables, or None when no cache directory can be made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "gradcalc")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        return None
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
    return os.path.join(directory, f"grammar-{digest}.lark-cache")


def _parse_statements(source: str, max_depth: int) -> list:
    """Lex and parse ``source`` into its statements, raising ``GradcalcSyntaxError``."""
    from gradcalc.grammar import diagnostics
    from gradcalc.grammar.lexer import UnexpectedCharacter

    _parser()
    open_brackets: list = []
    tokens = _significant_tokens(_lexer.lex(source), open_brackets, max_depth)
    # The parse allocates a node or two per token and creates no reference cycles; left on,
    # the cyclic collector would rescan the growing tree again and again (a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _driver.run(tokens, _end_token(source), max_depth)
    except UnexpectedCharacter as error:
        line_end = source.find("\n", error.pos)
        rest = source[error.pos : line_end if line_end >= 0 else len(source)]
        span = Span(
            error.line, error.column, error.line, error.column + 1, error.pos, error.pos + 1
        )
        raise diagnostics.unexpected_character(error.char, span, rest.rstrip("\r")) from None
    except _UnexpectedToken as error:
        bad, previous = error.token, error.previous
        raise diagnostics.unexpected_token(
            bad.type,
            bad.value,
            _token_span(bad),
            _acceptable(source, bad, max_depth),
            _terminal_text,
            [(_OPENERS[t.type], _token_span(t)) for t in open_brackets],
            (previous.type, previous.value, _token_span(previous)) if previous else None,
            at_end=bad.type == "$END" or (bad.type == "_NL" and _only_blank_after(tokens)),
        ) from None
    finally:
        if collecting:
            gc.enable()


class _UnexpectedToken(Exception):
    def __init__(self, token, previous):
        super().__init__(token.type)
        self.token = token
        self.previous = previous


class _Splice(list):
    """The children of an inlined rule (``_name`` or a ``*``/``+`` helper), for its parent."""


_UNIT, _INLINE, _NODE = 0, 1, 2
_DROP, _KEEP, _MAYBE_SPLICE = 0, 1, 2


class _Driver:
    """Lark's LALR tables, run by a loop that builds ``ast`` nodes as rules are reduced."""

    def __init__(self, lark: Lark):
        from lark.parsers.lalr_analysis import Shift

        from gradcalc.grammar.build import SyntaxTreeBuilder

        conf = lark.parse_interactive("").parser_state.parse_conf
        builder = SyntaxTreeBuilder()
        plans: dict = {}
        self.start_state = conf.start_state
        self.end_state = conf.end_state
        self.actions: dict = {}  # state -> terminal -> (True, next state) | (False, plan)
        self.gotos: dict = {}  # state -> rule name -> next state
        self.unit_chains: dict = {}  # (state below, top state, lookahead) -> top state
        for state, row in conf.states.items():
            actions = self.actions[state] = {}
            gotos = self.gotos[state] = {}
            for symbol, (action, arg) in row.items():
                if action is Shift:
                    if symbol.isupper():
                        actions[symbol] = (True, arg)
                    else:
                        gotos[symbol] = arg
                else:
                    if arg not in plans:
                        plans[arg] = self._plan(arg, builder)
                    actions[symbol] = (False, plans[arg])

    def _follow_units(self, key: tuple) -> int:
        below, top, kind = key
        while True:
            is_shift, plan = self.actions[top].get(kind, (True, None))
            if is_shift or plan[1] != _UNIT:
                return top
            top = self.gotos[below][plan[5]]

    @staticmethod
    def _plan(rule, builder) -> tuple:
        """(size, how, build function, child codes, plain, rule name, left spine) for one
        reduction."""
        codes = []
        for symbol in rule.expansion:
            if symbol.is_term:
                codes.append(_DROP if symbol.filter_out else _KEEP)
            else:
                codes.append(_MAYBE_SPLICE if symbol.name.startswith("_") else _KEEP)
        inline = rule.origin.name.startswith("_")
        single = len(codes) == 1 and codes[0] != _DROP
        if single and rule.alias is None and (rule.options.expand1 or inline):
            how, build = _UNIT, None
        elif inline:
            how, build = _INLINE, None
        else:
            how, build = _NODE, getattr(builder, rule.alias or rule.origin.name)
        plain = all(code == _KEEP for code in codes)
        # A binary operation whose left operand is itself one (``a + b + c``) does not nest
        # any deeper: the evaluator walks that left spine in a loop, not by recursion.
        spine = rule.alias == "binop"
        return len(codes), how, build, tuple(codes), plain, rule.origin.name, spine

    def run(self, tokens, end_token, max_depth: int) -> list:
        actions, gotos, unit_chains = self.actions, self.gotos, self.unit_chains
        states = [self.start_state]
        values: list = []
        depths: list[int] = []
        previous = None
        for token in itertools.chain(tokens, (end_token,)):
            kind = token.type
            while True:
                try:
                    is_shift, arg = actions[states[-1]][kind]
                except KeyError:
                    raise _UnexpectedToken(token, previous) from None
                if is_shift:
                    states.append(arg)
                    values.append(token)
                    depths.append(0)
                    previous = token
                    break
                size, how, build, codes, plain, origin, spine = arg
                if how == _UNIT:
                    # Chains like atom -> postfix -> ... -> expr only move the top state; where
                    # they end depends on (state below, top state, lookahead) alone: memoised.
                    key = (states[-2], states[-1], kind)
                    top = unit_chains.get(key)
                    if top is None:
                        top = unit_chains[key] = self._follow_units(key)
                    states[-1] = top
                    continue
                else:
                    if size:
                        chunk = values[-size:]
                        if spine and type(chunk[0]) is _BinOp:
                            # Real nesting only: the left operand keeps its own depth, the
                            # right one is a level deeper (see _plan).
                            depth = max(depths[-size] - 1, depths[-1])
                        else:
                            depth = max(depths[-size:])
                        del values[-size:], states[-size:], depths[-size:]
                    else:
                        chunk, depth = [], 0
                    if how == _NODE:
                        value = build(chunk if plain else _children(chunk, codes))
                        depth += 1
                        if depth > max_depth:
                            raise _too_deep(value, max_depth)
                    else:
                        value = _splice(chunk, codes)
                    values.append(value)
                    depths.append(depth)
                state = gotos[states[-1]][origin]
                states.append(state)
                if state == self.end_state and kind == "$END":
                    return values[-1]
        raise AssertionError("the parser stopped before the end of input")  # pragma: no cover


def _children(chunk: list, codes: tuple) -> list:
    children = []
    for code, value in zip(codes, chunk):
        if code == _KEEP:
            children.append(value)
        elif code == _MAYBE_SPLICE and type(value) is _Splice:
            children.extend(value)
        elif code == _MAYBE_SPLICE:
            children.append(value)
    return children


def _splice(chunk: list, codes: tuple) -> _Splice:
    # A left-recursive helper (``items: items "," item``) hands its list on to the next
    # reduction, which extends it in place: linear, not quadratic, in the number of items.
    if codes and codes[0] == _MAYBE_SPLICE and type(chunk[0]) is _Splice:
        spliced = chunk[0]
        spliced.extend(_children(chunk[1:], codes[1:]))
        return spliced
    return _Splice(_children(chunk, codes))


def _too_deep(value, max_depth: int) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(
        f"expression nested too deeply (more than {max_depth} levels)",
        span=getattr(value, "span", None),
        hint="split it into smaller expressions assigned to names",
    )


def _significant_tokens(lexed, open_brackets: list, max_depth: int):
    """The tokens the parser sees: newlines inside brackets dropped, nesting bounded.

    ``open_brackets`` is kept up to date as the consumer accepts each token: a bracket is
    pushed or popped only when the generator resumes, i.e. after the parser took it, so on a
    parse error it still shows the brackets open before the offending token.
    """
    for token in lexed:
        kind = token.type
        if kind == "_NL":
            if open_brackets:
                continue
        elif kind in _OPENERS and len(open_brackets) >= max_depth:
            raise GradcalcSyntaxError(
                f"expression nested too deeply (more than {max_depth} levels)",
                span=_token_span(token),
                hint="split it into smaller expressions assigned to names",
            )
        yield token
        if kind in _OPENERS:
            open_brackets.append(token)
        elif kind in _CLOSERS:
            open_brackets.pop()  # the grammar only accepts the bracket that matches


def _acceptable(source: str, bad, max_depth: int) -> set[str]:
    """The terminals the parser could have taken instead of ``bad``.

    Lark's error carries the expected set of the state it stopped in, which LALR's merged
    lookaheads make too wide (after reductions it had no business doing). Replaying the
    tokens before ``bad`` and asking the parser what it accepts there is exact; it only runs
    on the error path.
    """
    from lark import Token

    cursor = _parser().parse_interactive("")
    for token in _significant_tokens(_lexer.lex(source), [], max_depth):
        if token.start_pos >= bad.start_pos and bad.type != "$END":
            break
        cursor.feed_token(Token(token.type, token.value))
    return cursor.accepts()


def _only_blank_after(tokens) -> bool:
    """Whether the rest of the token stream is only newlines (comments are already gone)."""
    from gradcalc.grammar.lexer import UnexpectedCharacter

    try:
        return all(token.type == "_NL" for token in tokens)
    except UnexpectedCharacter:
        return False


def _token_span(token) -> Span:
    if token.type == "_NL":  # keep it on its own line, where a caret can point at it
        return Span(
            token.line,
            token.column,
            token.line,
            token.column + 1,
            token.start_pos,
            token.start_pos + 1,
        )
    return Span(
        token.line, token.column, token.end_line, token.end_column, token.start_pos, token.end_pos
    )


def _end_position(source: str) -> tuple[int, int]:
    """1-based (line, column) just past the last character."""
    line = source.count("\n") + 1
    column = len(source) - (source.rfind("\n") + 1) + 1
    return line, column


def _end_token(source: str):
    from gradcalc.grammar.lexer import Token

    line, column = _end_position(source)
    end = len(source)
    return Token("$END", "", end, line, column, line, column, end)


def _whole_span(source: str) -> Span:
    line, column = _end_position(source)
    return Span(1, 1, line, column, 0, len(source))
