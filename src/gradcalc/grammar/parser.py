"""Parse program text into ``gradcalc.grammar.ast.Module``: ``parse`` and ``is_complete``.

The parser is lark's own LALR(1) parser with its basic lexer, built from
``gradcalc.lark`` once per process on first use (importing this module does not import lark),
with ``blocks.Blocks`` as postlex and ``builder.SyntaxTreeBuilder`` as transformer, so the
tree is built while parsing. Lark caches the built tables in
``$XDG_CACHE_HOME/gradcalc/grammar-<hash>.lark-cache`` (``~/.cache`` without XDG_CACHE_HOME),
which makes a later process load them in a few milliseconds instead of building them.

A part of the source parsed on its own (an f-string's field; a statement under
``recover=True``) is parsed as its own text, with a ``ParseContext`` whose origin moves every
token to its place in the whole source, so its tree and errors point there.
"""

from __future__ import annotations

import gc
import os
import threading

import gradcalc.grammar.ast as ast
from gradcalc.errors import GradcalcError, GradcalcSyntaxError

TYPE_CHECKING = False  # typing's own constant, without importing typing (start-up time)
if TYPE_CHECKING:
    from lark import Lark

    from gradcalc.grammar.blocks import ParseContext

GRAMMAR_PATH = os.path.join(os.path.dirname(__file__), "gradcalc.lark")
PARSER_OPTIONS = {
    "parser": "lalr",
    "lexer": "basic",
    "start": ["start", "field_input"],
    "maybe_placeholders": False,
}
MAX_NESTING_DEPTH = 500
"""Deepest bracket nesting, and deepest syntax tree, a program may have.

Depth counts real nesting, what an evaluator recurses into: brackets, operands, arguments,
attribute and index chains, blocks. A flat left-associative chain (``x + x + ... + x``) is
one level however long, since the evaluator folds it in a loop."""

_COMPOUND = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.FunctionDef, ast.ClassDef)

# One parse at a time: the postlex and the builder hold the settings of the parse under way
# (an f-string field's parse, inside it, is the same thread: the lock is reentrant).
_lock = threading.RLock()
_lark: Lark | None = None


def parse(
    source: str,
    filename: str = "<string>",
    *,
    recover: bool = False,
    max_depth: int = MAX_NESTING_DEPTH,
) -> ast.Module:
    """Parse a whole program into a ``Module`` (``body``, ``span``, ``source``).

    Raises ``GradcalcSyntaxError`` (message, span, often a hint; ``filename`` set) for text
    that does not parse or nests deeper than ``max_depth``. With ``recover=True`` it never
    raises for a syntax error: each top-level statement that does not parse becomes an
    ``ast.Invalid`` holding its error, in its place in ``body``.
    """
    text, bom = _prepared(source)
    try:
        try:
            body = _parse_text(text, "start", _context(text, max_depth, None, bom)).body
        except GradcalcSyntaxError:
            if not recover:
                raise
            from gradcalc.grammar.recovery import parse_units

            body = parse_units(text, bom, max_depth, _parse_part)
    except GradcalcError as error:
        error.filename = filename
        raise
    for statement in body:
        if type(statement) is ast.Invalid:
            statement.error.filename = filename
    return ast.Module(body, source, _whole_loc(text))


def is_complete(source: str) -> bool:
    """Whether the REPL should run ``source`` now rather than ask for another line.

    False while a bracket or a triple-quoted string is open, when the text stops after a
    ``\\``, a binary operator or an import keyword, and, as in Python's REPL, while the last
    statement is compound (``def``, ``for``, ``if``, ...) and the last line is not empty.
    True when it parses otherwise, and also when it is simply wrong (a dangling ``a =``), so
    that the REPL runs it and shows the error.
    """
    text, bom = _prepared(source)
    try:
        body = _parse_text(text, "start", _context(text, MAX_NESTING_DEPTH, None, bom)).body
    except GradcalcSyntaxError as error:
        return not getattr(error, "needs_more_input", False)
    if body and isinstance(body[-1], _COMPOUND):
        return not text[text.rfind("\n") + 1 :].strip()
    return True


def build_parser(*, cache: bool = True, **options) -> Lark:
    """A new lark parser for the grammar; ``options`` add to or override ``PARSER_OPTIONS``
    (the tests build it with ``strict=True`` and ``cache=False``)."""
    from lark import Lark

    with open(GRAMMAR_PATH, encoding="utf-8") as file:
        grammar = file.read()
    options = {**PARSER_OPTIONS, **options}
    cache_file = _cache_file(grammar) if cache else None
    if cache_file is None:
        return Lark(grammar, **options)
    try:
        # Lark writes the file itself when it has none to read (its own hash, which covers
        # the path, tells it whether one is usable); a half-written or unreadable file is
        # ignored and the tables built again.
        return Lark(grammar, cache=cache_file, **options)
    except OSError:
        return Lark(grammar, **options)


def _cache_file(grammar: str) -> str | None:
    """Where lark keeps the built tables, or None when no cache directory can be made."""
    import hashlib

    import lark

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "gradcalc")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return None
    if not os.access(directory, os.W_OK | os.X_OK):
        return None
    key = f"{grammar}\n{lark.__version__}\n{PARSER_OPTIONS}".encode()
    return os.path.join(directory, f"grammar-{hashlib.sha256(key).hexdigest()[:16]}.lark-cache")


def _parser() -> Lark:
    global _lark
    if _lark is None:
        from gradcalc.grammar.blocks import Blocks
        from gradcalc.grammar.builder import SyntaxTreeBuilder

        builder = SyntaxTreeBuilder(_parse_field, MAX_NESTING_DEPTH)
        _lark = build_parser(postlex=Blocks(), transformer=builder)
    return _lark


def _prepared(source: str) -> tuple[str, bool]:
    """The text lark reads: a lone ``\\r`` made a ``\\n`` (lark counts lines at ``\\n``) and a
    byte order mark at the start made a space; neither changes an offset."""
    text = source
    if "\r" in source:
        import re

        text = re.sub(r"\r(?!\n)", "\n", source)
    bom = text.startswith("\ufeff")
    if bom:
        text = " " + text[1:]
    return text, bom


def _context(text: str, max_depth: int, origin, bom=False, closer=None) -> ParseContext:
    from gradcalc.grammar.blocks import ParseContext

    return ParseContext(text, max_depth, origin, bom, closer)


def _parse_text(text: str, start: str, context: ParseContext):
    """Parse ``text`` from the rule ``start``, raising ``GradcalcSyntaxError``."""
    from lark.exceptions import UnexpectedInput

    lark = _parser()
    postlex = lark.options.postlex
    builder = lark.options.transformer
    with _lock:
        postlex.contexts.append(context)
        outer_depth = builder.max_depth
        builder.max_depth = context.max_depth
        # A parse allocates a token and a node or two per word and makes no reference
        # cycles; left on, the cyclic collector would rescan the growing tree again and
        # again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return lark.parse(text, start)
        except UnexpectedInput as error:
            raise _syntax_error(lark, text, start, context, error) from None
        finally:
            if collecting:
                gc.enable()
            builder.max_depth = outer_depth
            postlex.contexts.pop()


def _parse_part(text: str, origin: tuple[int, int, int], max_depth: int, bom: bool = False):
    """The statements of ``text``, a part of a program at ``origin`` (see ``ParseContext``)."""
    return _parse_text(text, "start", _context(text, max_depth, origin, bom)).body


def _parse_field(text: str, brace: tuple[int, int, int], closer: str) -> ast.expr:
    """The expression of an f-string field, ``text``, whose ``{`` is at ``brace`` (line,
    column, offset in the source). It is parsed in parentheses, as Python does (line ends
    are free, ``{a, b}`` is a tuple): the ``(`` stands where the ``{`` is, the ``)`` where
    the ``closer`` (``}``, ``!``, ``:`` or ``=``) that ends the expression is."""
    line, column, offset = brace
    padded = f"({text})"
    builder = _parser().options.transformer
    context = _context(padded, builder.max_depth, (line - 1, column - 1, offset), False, closer)
    try:
        return _parse_text(padded, "field_input", context)
    except GradcalcSyntaxError as error:
        error.needs_more_input = False  # the f-string is closed: more lines cannot help
        if error.hint is None:
            error.hint = 'the {...} of an f-string holds one expression, as in f"{loss:.4f}"'
        raise


def _syntax_error(lark, text: str, start: str, context, error) -> GradcalcSyntaxError:
    from lark.exceptions import UnexpectedCharacters

    import gradcalc.grammar.diagnostics as diagnostics

    if isinstance(error, UnexpectedCharacters):
        loc = _moved(context.origin, (error.line, error.column, error.pos_in_stream))
        span = (loc[0], loc[1], loc[0], loc[1] + 1, loc[2], loc[2] + 1)
        return diagnostics.unexpected_character(text, error.pos_in_stream, span)
    token = error.token
    replay, token = _replay(lark, text, start, context, token)
    end = _moved(context.origin, _end_position(text))
    end_loc = (end[0], end[1], end[0], end[1], end[2], end[2])
    # Nothing but blanks (and line continuations) after it: more input could complete it.
    at_end = token.type == "$END" or (
        token.type in diagnostics.LINE_ENDS
        and not text[token.end_pos - (context.origin[2] if context.origin else 0) :].strip(
            " \t\f\r\n\\"
        )
    )
    if context.closer is not None:
        # In an f-string field, the ')' that closes the field's own '(' is its '}' (or '!',
        # ':', '='), the only one a user sees.
        opener = context.origin[2]
        innermost = diagnostics.open_brackets(replay.history)[-1:]
        if innermost and innermost[0].start_pos == opener:
            replay.terminal_text["RPAR"] = context.closer
            if token.type == "RPAR" and token.end_pos == opener + len(text):
                token = token.update(value=context.closer)
    offset = context.origin[2] if context.origin else 0
    return diagnostics.unexpected_token(token, end_loc, at_end, replay, text, offset)


def _replay(lark, text: str, start: str, context, bad):
    """Parse ``text`` again up to the token ``bad`` that stopped the parse: what the parser
    accepts there, and the tokens it took before (with ``bad``, which a leading ``.`` may
    have changed). Lark's error carries the expected set of the state it stopped in, which
    LALR's merged states make too wide, after reductions it had no business doing; asking
    the parser itself just before the bad token is exact."""
    from lark import Token
    from lark.exceptions import UnexpectedInput

    from gradcalc.grammar.diagnostics import Replay

    history: list = []
    replay_context = _context(text, context.max_depth, context.origin, context.bom, context.closer)
    cursor = lark.parse_interactive(text, start)
    with _lock:
        lark.options.postlex.contexts.append(replay_context)
        try:
            for token in cursor.iter_parse():
                if token.type == bad.type and token.start_pos == bad.start_pos:
                    break
                history.append(token)
        except (UnexpectedInput, GradcalcError):
            pass  # the error again: the cursor stands just before it
        finally:
            lark.options.postlex.contexts.pop()
    accepts = cursor.accepts()
    if bad.type == "NUMBER" and bad.value[0] == "." and "DOT" in accepts:
        # `x.1`, `1.2.3`: the lexer reads `.1` as a number, as Python's does, but after a
        # value the `.` can only be an attribute's, and the error is the number after it.
        line, column, offset = bad.line, bad.column, bad.start_pos
        dot = Token("DOT", ".", offset, line, column, line, column + 1, offset + 1)
        cursor.feed_token(dot)
        history.append(dot)
        accepts = cursor.accepts()
        bad = Token("NUMBER", bad.value[1:], offset + 1, line, column + 1, *_token_end(bad))
    terminal_text = {t.name: t.pattern.value for t in lark.terminals if t.pattern.type == "str"}
    return Replay(accepts, history, terminal_text), bad


def _token_end(token) -> tuple[int, int, int]:
    return token.end_line, token.end_column, token.end_pos


def _end_position(text: str) -> tuple[int, int, int]:
    """(line, column, offset) just past the last character."""
    line = text.count("\n") + 1
    return line, len(text) - (text.rfind("\n") + 1) + 1, len(text)


def _moved(origin, position: tuple[int, int, int]) -> tuple[int, int, int]:
    """A (line, column, offset) of a part's text moved to its place in the whole source."""
    if origin is None:
        return position
    line, column, offset = position
    if line == 1:
        column += origin[1]
    return line + origin[0], column, offset + origin[2]


def _whole_loc(text: str) -> tuple:
    line, column, offset = _end_position(text)
    return (1, 1, line, column, 0, offset)
