"""Parse program text into ``gradcalc.grammar.ast.Program``.

The Lark parser is built once per process from ``gradcalc.lark`` and cached on disk under
``$XDG_CACHE_HOME/gradcalc/`` (a ~45 ms build becomes a few ms). ``lexer.Lexer`` turns the
whole text into a list of tokens in one loop, dropping newlines inside brackets (so a matrix
can span lines) and bounding bracket nesting; ``_Driver`` then runs Lark's LALR tables over
that list, building the syntax tree during the reductions (``build.SyntaxTreeBuilder``). Driving the tables directly, rather than building
Lark's tree and transforming it, is three times faster and never recurses. Error messages come
from ``diagnostics``; Lark is imported on first use so ``import gradcalc.grammar`` is cheap.

An f-string is one token; when the parser reduces it, ``fstrings`` splits it and each field's
expression is lexed and parsed in place (``_parse_field``), by the same tables, so that its
spans and its errors point into the source.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import operator
import os
import re
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
_FIELD_TERMINAL_TEXT: dict[str, str] = {}


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
    operator, a ``,`` inside brackets, ``import``, a block's ``:``, ...) and, as in Python's
    REPL, while an indented block is open and the last line is not empty; True when it
    parses and also when it is simply wrong, so that the REPL runs it and shows the error.
    """
    try:
        _parse_statements(source, MAX_NESTING_DEPTH)
    except GradcalcSyntaxError as error:
        return not getattr(error, "needs_more_input", False)
    if _lexer.blocks_open_at_end:
        last_line = source[source.rfind("\n") + 1 :]
        return not last_line.strip()
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
        _FIELD_TERMINAL_TEXT.update(_terminal_text, RPAR="}")
        _driver = _Driver(lark)
        _lexer = Lexer(
            lark.terminals,
            lark.lexer_conf.ignore,
            openers=_OPENERS,
            closers=_CLOSERS,
            newline="_NL",
            blocks=("COLON", "_INDENT", "_DEDENT"),
        )
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
    _parser()
    # The lexer and the parse allocate a token, a node or two per token and create no
    # reference cycles; left on, the cyclic collector would rescan the growing lists and
    # tree again and again (a third of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Lexing first and parsing the list is faster than a token at a time; an error that
        # stopped the lexer is raised only once the parser has taken every token before it,
        # so that what is wrong first in the text is what gets reported.
        tokens, stopped = _lexer.tokenize(source, max_depth)
        if stopped is None:
            tokens.append(_end_token(source))
        return _run(source, tokens, stopped, max_depth)
    finally:
        if collecting:
            _promote_new_objects()
            gc.enable()


def _run(source: str, tokens: list, stopped: Exception | None, max_depth: int) -> list:
    """Parse ``tokens`` (lexed from ``source``) into statements; ``stopped`` is the error that
    ended the lexing early, if any. Raises ``GradcalcSyntaxError``."""
    from gradcalc.grammar import diagnostics
    from gradcalc.grammar.lexer import IndentationProblem, NestedTooDeep, UnexpectedCharacter

    try:
        statements = _driver.run(tokens, max_depth, source)
        if statements is None:
            raise stopped
        return statements
    except NestedTooDeep as error:
        raise _too_deep_bracket(error.token, max_depth) from None
    except UnexpectedCharacter as error:
        line_end = source.find("\n", error.pos)
        rest = source[error.pos : line_end if line_end >= 0 else len(source)]
        span = Span(
            error.line, error.column, error.line, error.column + 1, error.pos, error.pos + 1
        )
        raise diagnostics.unexpected_character(error.char, span, rest.rstrip("\r")) from None
    except IndentationProblem as error:
        span = Span(
            error.line, error.column, error.line, error.column + 1, error.pos, error.pos + 1
        )
        raise diagnostics.indentation_error(
            error.message, span, error.hint, error.needs_more_input
        ) from None
    except _UnexpectedToken as error:
        index = error.index
        bad = tokens[index]
        previous = tokens[index - 1] if index else None
        opening = _statement_start(tokens, index)
        open_brackets = _open_brackets(tokens[:index])
        if (
            opening is not None
            and opening is not bad
            and opening.value in diagnostics.NO_SUCH_STATEMENT
        ):
            raise diagnostics.no_such_statement(opening.value, _token_span(opening)) from None
        raise diagnostics.unexpected_token(
            bad.type,
            bad.value,
            _token_span(bad),
            _acceptable(tokens[:index]),
            # Inside an f-string's {...} the field's own '}' closes it, not a ')'.
            _FIELD_TERMINAL_TEXT
            if open_brackets and open_brackets[-1].value == "{"
            else _terminal_text,
            [(t.value or _OPENERS[t.type], _token_span(t)) for t in open_brackets],
            (previous.type, previous.value, _token_span(previous)) if previous else None,
            at_end=bad.type == "$END"
            or (
                bad.type in _LINE_ENDS
                and _only_blank_after(tokens[index + 1 :], stopped, max_depth)
            ),
        ) from None


def _parse_field(
    source: str, start: int, end: int, line: int, column: int, terminator: str, max_depth: int
) -> tuple:
    """Parse the expression of an f-string field, ``source[start:end]``, in place.

    It is parsed as if in parentheses, as Python does (newlines are free, ``{a, b}`` is a
    tuple): a '(' is put before its first token and its terminator (the '}', '!', ':' or
    '=' after it) stands for the ')', so that an error at the end points there. Returns
    the expression and how deep it nests.
    """
    from gradcalc.grammar.lexer import Token

    simple = _IDENTIFIER.fullmatch(source, start, end)
    if simple is not None and simple.group(1) not in _lexer.keywords.get("NAME", ()):
        # {t}, the most common field, needs no parse (a third of the time of a field).
        from gradcalc.grammar.build import CONSTANTS

        name = simple.group(1)
        first, last = simple.span(1)
        span = Span(line, column + first - start, line, column + last - start, first, last)
        if name in CONSTANTS:
            return ast.Constant(span, CONSTANTS[name]), _SIMPLE_FIELD_DEPTH
        return ast.Name(span, name), _SIMPLE_FIELD_DEPTH
    opened = _lexer.blocks_open_at_end  # for is_complete(), which asks about the whole text
    try:
        tokens, stopped = _lexer.tokenize(
            source, max_depth, start=start, end=end, line=line, column=column, depth=1
        )
    finally:
        _lexer.blocks_open_at_end = opened
    first = tokens[0] if tokens else None
    last = tokens[-1] if tokens else None
    tokens.insert(0, Token("LPAR", "{", start, line, column, line, column, start))
    if stopped is None:
        end_line, end_column = _position_after(tokens[-1], source, end)
        tokens.append(
            Token("RPAR", terminator, end, end_line, end_column, end_line, end_column + 1, end + 1)
        )
        tokens.append(Token("$END", "", end + 1, end_line, end_column + 1, end_line,
                            end_column + 1, end + 1))  # fmt: skip
    try:
        (statement,) = _run(source, tokens, stopped, max_depth)
    except GradcalcSyntaxError as error:
        error.needs_more_input = False  # the f-string is closed: more lines cannot help
        if error.hint is None:
            error.hint = (
                'the {...} of an f-string holds one expression, as in f"loss {loss.item():.4f}"'
            )
        raise
    # The parentheses around the field are not in the text: the span is the expression's.
    expression = dataclasses.replace(statement.expr, span=_between_tokens(first, last))
    return expression, _driver.depth


_IDENTIFIER = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*")
_SIMPLE_FIELD_DEPTH = 4  # what the parse would count: name, parentheses, statement, program


def _position_after(token, source: str, pos: int) -> tuple[int, int]:
    """(line, column) of ``pos``, given a ``token`` that ends at or before it."""
    line, line_start = token[5], token[7] - token[6] + 1
    newlines = source.count("\n", token[7], pos)
    if newlines:
        line += newlines
        line_start = source.rfind("\n", token[7], pos) + 1
    return line, pos - line_start + 1


def _between_tokens(first, last) -> Span:
    return Span(first[3], first[4], last[5], last[6], first[2], last[7])


def _build_fstring(token, source: str, max_depth: int) -> tuple:
    from gradcalc.grammar.fstrings import build_fstring

    def parse_field(start, end, line, column, terminator, depth_left):
        return _parse_field(source, start, end, line, column, terminator, depth_left)

    return build_fstring(token, source, max_depth, parse_field)


_PROMOTE_AFTER = 50_000
"""Objects allocated during a parse above which they are handed to the oldest generation."""


def _promote_new_objects() -> None:
    """Move what the parse allocated to the collector's oldest generation, unscanned.

    A syntax tree lives as long as its program and holds no reference cycles, yet re-enabling
    the collector would have it traverse every node of a big parse at its next collection and
    again when promoting them (a fifth of the time of a 10,000-line parse). ``freeze`` then
    ``unfreeze`` moves all tracked objects to the oldest generation in constant time; it is
    skipped when the program keeps objects frozen itself, so as not to thaw them.
    """
    if gc.get_count()[0] > _PROMOTE_AFTER and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


class _UnexpectedToken(Exception):
    """The parser cannot take the token at ``index``."""

    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class _Splice(list):
    """The children of an inlined rule (``_name`` or a ``*``/``+`` helper), for its parent."""


_UNIT, _INLINE, _NODE, _NESTED = 0, 1, 2, 3
_DROP, _KEEP, _MAYBE_SPLICE = 0, 1, 2


class _Driver:
    """Lark's LALR tables, run by a loop that builds ``ast`` nodes as rules are reduced."""

    def __init__(self, lark: Lark):
        from lark.parsers.lalr_analysis import Shift

        from gradcalc.grammar.build import SyntaxTreeBuilder

        conf = lark.parse_interactive("").parser_state.parse_conf
        builder = SyntaxTreeBuilder()
        plans: dict = {}
        self.depth = 0  # how deep the statements of the last run nest
        self.start_state = conf.start_state
        self.end_state = conf.end_state
        self.actions: dict = {}  # state -> terminal -> (True, next state) | (False, plan)
        # state -> rule name -> (next state, {lookahead: state after the unit chain})
        self.gotos: dict = {}
        for state, row in conf.states.items():
            actions = self.actions[state] = {}
            gotos = self.gotos[state] = {}
            for symbol, (action, arg) in row.items():
                if action is Shift:
                    if symbol.isupper():
                        actions[symbol] = (True, arg)
                    else:
                        gotos[symbol] = (arg, {})
                else:
                    if arg not in plans:
                        plans[arg] = self._plan(arg, builder)
                    plan = plans[arg]
                    if plan[0] == _UNIT:
                        # Where a chain of unit reductions ends depends on (state below, top
                        # state, lookahead) alone: memoised here by the state below, and in
                        # ``gotos`` for the chains that follow a reduction.
                        plan = (_UNIT, {}, plan[2], state, symbol)
                    actions[symbol] = (False, plan)

    def _follow_units(self, below: int, top: int, kind: str) -> int:
        """The top state once the unit reductions (``atom -> postfix -> ... -> expr``) that
        ``kind`` causes above ``below`` are done: they move the top state only."""
        while True:
            is_shift, step = self.actions[top].get(kind, (True, None))
            if is_shift or step[0] != _UNIT:
                return top
            top = self.gotos[below][step[2]][0]

    @staticmethod
    def _plan(rule, builder) -> tuple:
        """How to reduce by ``rule``: ``(_UNIT, None, rule name)``, ``(_INLINE, size, child
        codes, rule name, children appended)`` or ``(_NODE, size, build function, child picker or None, rule name,
        left spine)``."""
        codes = []
        for symbol in rule.expansion:
            if symbol.is_term:
                codes.append(_DROP if symbol.filter_out else _KEEP)
            else:
                codes.append(_MAYBE_SPLICE if symbol.name.startswith("_") else _KEEP)
        codes = tuple(codes)
        origin = rule.origin.name
        inline = origin.startswith("_")
        single = len(codes) == 1 and codes[0] != _DROP
        if single and rule.alias is None and (rule.options.expand1 or inline):
            return _UNIT, None, origin
        if inline:
            # A left-recursive helper (``items: items "," item``) hands its list on to the
            # next reduction, which extends it in place: linear, not quadratic, in the number
            # of items. ``appended`` says which children it appends when that is all it does.
            appended = None
            if codes and codes[0] == _MAYBE_SPLICE and _MAYBE_SPLICE not in codes[1:]:
                appended = tuple(i for i, code in enumerate(codes) if code == _KEEP and i)
            return _INLINE, len(codes), codes, origin, appended
        if rule.alias == "fstring":
            # Its fields are parsed on their own; the function says how deep they nest.
            return _NESTED, _build_fstring, origin
        build = getattr(builder, rule.alias or origin)
        # A binary operation whose left operand is itself one (``a + b + c``) does not nest
        # any deeper: the evaluator walks that left spine in a loop, not by recursion.
        spine = rule.alias == "binop"
        return _NODE, len(codes), build, _picker(codes), origin, spine

    def run(self, tokens: list, max_depth: int, source: str) -> list | None:
        """The statements, or None if ``tokens`` stop before the end token; ``depth`` is then
        how deep they nest. ``source`` is the text the tokens come from."""
        actions, gotos, end_state = self.actions, self.gotos, self.end_state
        state = self.start_state
        states = [state]
        values: list = []
        depths: list[int] = []
        push_state, push_value, push_depth = states.append, values.append, depths.append
        for token in tokens:
            kind = token[0]
            while True:
                try:
                    is_shift, arg = actions[state][kind]
                except KeyError:
                    raise _UnexpectedToken(tokens.index(token)) from None
                if is_shift:
                    state = arg
                    push_state(arg)
                    push_value(token)
                    push_depth(0)
                    break
                how = arg[0]
                if how == _UNIT:
                    top = arg[1].get(states[-2])
                    if top is None:
                        top = arg[1][states[-2]] = self._follow_units(states[-2], state, kind)
                    states[-1] = state = top
                    continue
                if how == _NODE:
                    _, size, build, pick, origin, spine = arg
                    if size:
                        chunk = values[-size:]
                        if size == 1:
                            depth = depths[-1]
                        elif spine and type(chunk[0]) is _BinOp:
                            # Real nesting only: the left operand keeps its own depth, the
                            # right one is a level deeper (see _plan).
                            depth = max(depths[-size] - 1, depths[-1])
                        else:
                            depth = max(depths[-size:])
                        del values[-size:], states[-size:], depths[-size:]
                    else:
                        chunk, depth = [], 0
                    value = build(chunk if pick is None else pick(chunk))
                    depth += 1
                    if depth > max_depth:
                        raise _too_deep(value, max_depth)
                elif how == _NESTED:
                    _, build, origin = arg
                    del states[-1], depths[-1]
                    value, depth = build(values.pop(), source, max_depth)
                    depth += 1
                    if depth > max_depth:
                        raise _too_deep(value, max_depth)
                else:
                    _, size, codes, origin, appended = arg
                    if size:
                        chunk = values[-size:]
                        depth = max(depths[-size:]) if size > 1 else depths[-1]
                        del values[-size:], states[-size:], depths[-size:]
                        value = chunk[0]
                        if appended is not None and type(value) is _Splice:
                            for index in appended:
                                value.append(chunk[index])
                        else:
                            value = _splice(chunk, codes)
                    else:
                        value, depth = _Splice(), 0
                push_value(value)
                push_depth(depth)
                below = states[-1]
                state, chain_ends = gotos[below][origin]
                if state != end_state:
                    top = chain_ends.get(kind)
                    if top is None:
                        top = chain_ends[kind] = self._follow_units(below, state, kind)
                    state = top
                push_state(state)
                if state == end_state and kind == "$END":
                    self.depth = depths[-1]
                    return values[-1]
        return None


def _picker(codes: tuple):
    """None when a rule's builder takes its children as they are on the stack, else a function
    from them to the ones it takes."""
    if all(code == _KEEP for code in codes):
        return None
    if _MAYBE_SPLICE in codes:
        return functools.partial(_children, codes=codes)
    keep = [index for index, code in enumerate(codes) if code == _KEEP]
    if len(keep) == 1:
        (only,) = keep
        return lambda chunk: [chunk[only]]
    return operator.itemgetter(*keep)


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


def _too_deep_bracket(token, max_depth: int) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(
        f"expression nested too deeply (more than {max_depth} levels)",
        span=_token_span(token),
        hint="split it into smaller expressions assigned to names",
    )


def _open_brackets(taken: list) -> list:
    """The opening brackets still open after the tokens ``taken``."""
    open_brackets = []
    for token in taken:
        if token.type in _OPENERS:
            open_brackets.append(token)
        elif token.type in _CLOSERS:
            open_brackets.pop()  # the grammar only accepts the bracket that matches
    return open_brackets


def _acceptable(taken: list) -> set[str]:
    """The terminals the parser could have taken after the tokens ``taken``.

    Lark's error carries the expected set of the state it stopped in, which LALR's merged
    lookaheads make too wide (after reductions it had no business doing). Replaying the
    tokens before the bad one and asking the parser what it accepts there is exact; it only
    runs on the error path.
    """
    from lark import Token

    cursor = _parser().parse_interactive("")
    for token in taken:
        cursor.feed_token(Token(token.type, token.value))
    return cursor.accepts()


_LINE_ENDS = frozenset({"_NL", "_DEDENT"})
_STATEMENT_BOUNDARIES = frozenset({"_NL", "SEMICOLON", "_INDENT", "_DEDENT"})


def _only_blank_after(rest: list, stopped: Exception | None, max_depth: int) -> bool:
    """Whether the tokens after an unexpected newline are only newlines and block ends
    (comments are already gone); ``stopped`` is the error, if any, that ended the lexing
    after them."""
    from gradcalc.grammar.lexer import IndentationProblem, NestedTooDeep

    if not all(token.type in ("_NL", "_DEDENT", "$END") for token in rest):
        return False
    if isinstance(stopped, NestedTooDeep):
        raise _too_deep_bracket(stopped.token, max_depth)
    if isinstance(stopped, IndentationProblem):
        return stopped.needs_more_input
    return stopped is None


def _statement_start(tokens: list, index: int):
    """The first token of the statement the token at ``index`` belongs to, if it is a name."""
    while index > 0 and tokens[index - 1].type not in _STATEMENT_BOUNDARIES:
        index -= 1
    first = tokens[index]
    return first if first.type == "NAME" else None


def _token_span(token) -> Span:
    if token.type in _LINE_ENDS:  # keep it on its own line, where a caret can point at it
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
