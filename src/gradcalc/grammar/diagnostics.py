"""Syntax errors in a user's words, never lark's terminal names.

``from_lark`` turns lark's ``UnexpectedToken``/``UnexpectedCharacters`` into a
``GradcalcSyntaxError``: what was found, what would have fit there, where, and a hint for the
common slips (an unclosed bracket and where it was opened, ``=`` for ``==``, a header without
its ``:``, indentation, Python features outside gradcalc's subset). What would have fit, and
the tokens before the error, come from ``Replay`` (``parser.py`` parses the text again up to
the error, which is exact where lark's own expected set is widened by LALR's merged states).

Every error says whether more input could still complete the program
(``error.needs_more_input``), which ``is_complete`` reads for the REPL. Wordings follow
Python 3.11 where Python has one ("unexpected indent", "expected ':'").
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from gradcalc.errors import GradcalcSyntaxError, Span
from gradcalc.grammar.literals import string_kind

OPENERS = {"LPAR": "(", "LSQB": "[", "LBRACE": "{"}
CLOSERS = {"RPAR": ")", "RSQB": "]", "RBRACE": "}"}
CLOSER_OF = {"(": ")", "[": "]", "{": "}"}
LINE_ENDS = {"_NEWLINE", "_DEDENT"}

KEYWORD_TEXT = {
    "FALSE": "False", "NONE": "None", "TRUE": "True", "AND": "and", "AS": "as",
    "ASSERT": "assert", "BREAK": "break", "CLASS": "class", "CONTINUE": "continue",
    "DEF": "def", "DEL": "del", "ELIF": "elif", "ELSE": "else", "EXCEPT": "except",
    "FINALLY": "finally", "FOR": "for", "FROM": "from", "GLOBAL": "global", "IF": "if",
    "IMPORT": "import", "IN": "in", "IS": "is", "LAMBDA": "lambda", "NONLOCAL": "nonlocal",
    "NOT": "not", "OR": "or", "PASS": "pass", "RAISE": "raise", "RETURN": "return",
    "TRY": "try", "WHILE": "while", "WITH": "with",
}  # fmt: skip
VALUES = {"NAME", "NUMBER", "STRING", "ELLIPSIS", "NONE", "TRUE", "FALSE"}
BINARY_OPERATORS = {
    "BINARY_OPERATOR", "COMPARISON", "PLUS", "MINUS", "STAR", "SLASH", "AT", "POW", "AND",
    "OR", "IN", "IS", "NOT",
}  # fmt: skip
# Operators whose right operand cannot start with `not` (a `not` that is unexpected after a
# `not` ends `is not`: a prefix `not not` parses).
NOT_NEEDS_BRACKETS_AFTER = BINARY_OPERATORS - {"AND", "OR"} | {"TILDE"}
# After these a line is unfinished: the REPL asks for another rather than show an error.
CONTINUED_BY = BINARY_OPERATORS | {"TILDE", "DOT", "IMPORT", "FROM", "AS", "LAMBDA"}
# Not worth naming once "an operator" is said: a call, an index, an attribute, an
# assignment, a conditional or a comprehension could also follow a value.
IMPLIED_BY_OPERATOR = {
    "LPAR", "LSQB", "DOT", "EQUAL", "AUGOP", "IF", "FOR", "COLONEQUAL",
}  # fmt: skip
# Punctuation and keywords worth naming, in the order a message lists them.
LISTED = [
    "RPAR", "RSQB", "RBRACE", "COMMA", "COLON", "EQUAL", "IMPORT", "AS", "IN", "ELSE",
    "EXCEPT", "FINALLY", "DOT", "LPAR", "LSQB", "RARROW",
]  # fmt: skip
STATEMENT_ENDS = {"_NEWLINE", "SEMICOLON", "$END"}
HEADERS = {
    "IF": "'if' statement", "ELIF": "'elif' statement", "ELSE": "'else' statement",
    "WHILE": "'while' statement", "FOR": "'for' statement", "TRY": "'try' statement",
    "EXCEPT": "'except' statement", "FINALLY": "'finally' statement",
    "WITH": "'with' statement", "DEF": "function definition", "CLASS": "class definition",
}  # fmt: skip
UNSUPPORTED = {
    "async": "asynchronous code is not in gradcalc's language: write a plain def or loop",
    "await": "asynchronous code is not in gradcalc's language: call the function directly",
    "yield": "generators are not in gradcalc's language: build and return a list instead",
}
LOOKALIKES = {
    "×": "*", "·": "*", "∙": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "—": "-",
    "²": "**2", "³": "**3", "≤": "<=", "≥": ">=", "≠": "!=",
    "‘": "'", "’": "'", "“": '"', "”": '"',
}  # fmt: skip
_EXAMPLE_BLOCK = "for x in xs: total += x"


@dataclass
class Replay:
    """The text parsed again up to an error: what the parser accepted there and the tokens
    it had taken (line ends and block tokens included)."""

    accepts: set[str]
    history: list
    terminal_text: dict[str, str]


def make_error(
    message: str, loc: tuple, hint: str | None = None, needs_more_input: bool = False
) -> GradcalcSyntaxError:
    error = GradcalcSyntaxError(message, span=Span(*loc), hint=hint)
    error.needs_more_input = needs_more_input  # read by is_complete()
    return error


def _loc(token) -> tuple:
    return (
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.start_pos,
        token.end_pos,
    )


def _point(loc: tuple) -> tuple:
    """A one-character position at the start of ``loc`` (a line end shows as one)."""
    return (loc[0], loc[1], loc[0], loc[1] + 1, loc[4], loc[4] + 1)


def _where(loc: tuple, here: tuple) -> str:
    """Where ``loc`` is, said relative to the error at ``here``: no line number for its own
    line, so a message stays true when a front end renumbers lines (--batch)."""
    if loc[0] == here[0]:
        return f"column {loc[1]}"
    return f"line {loc[0]}, column {loc[1]}"


def _opened(token, here: tuple) -> str:
    return f"'{OPENERS[token.type]}' opened at {_where(_loc(token), here)}"


# ---- tokens the parser did not expect ------------------------------------------------------


def unexpected_token(
    token, end_loc: tuple, at_end: bool, replay: Replay, text: str, offset: int = 0
):
    """The error for ``token``, which the parser could not take. ``end_loc`` is the position
    of the end of the text, whose first character is at ``offset`` in the source; ``at_end``
    tells that nothing but line ends and block ends came after it."""
    kind = token.type
    history = replay.history
    previous = history[-1] if history else None
    brackets = open_brackets(history)
    expected = replay.accepts
    made_up = kind == "$END" or (kind in LINE_ENDS and (not token.value or at_end))
    loc = end_loc if made_up and (kind == "$END" or not token.value) else _loc(token)
    if kind in LINE_ENDS and not (made_up and loc is end_loc):
        loc = _point(loc)
    what = _describe_token(token, loc is end_loc)
    last_line_blank = not text[text.rfind("\n") + 1 :].strip()
    needs_more = at_end and (
        _unfinished(previous, brackets, expected, text)
        # ``try:`` and its block, waiting for ``except``: as in Python's REPL, an empty line
        # ends a compound statement.
        or (bool(expected & {"EXCEPT", "FINALLY"}) and not last_line_blank)
    )

    word = _word_at(text, token.start_pos - offset) if kind in KEYWORD_TEXT else ""
    if word in UNSUPPORTED:  # `async` starts with the keyword `as`
        return unsupported(word, _loc(token))
    if kind == "_INDENT":
        return make_error(
            "unexpected indent",
            loc,
            "indent only the lines of a block, under a line ending in ':'",
        )
    if "_INDENT" in expected:
        header = _header(history)
        needs_more = at_end and not last_line_blank
        line = header.line if header is not None else loc[0]
        return make_error(
            f"expected an indented block after {HEADERS.get(header.type, 'the header')} on "
            f"line {line}"
            if header is not None
            else "expected an indented block",
            loc,
            "indent the lines of the block (4 spaces, say), or write a short block on the "
            f"line of its header: {_EXAMPLE_BLOCK}",
            needs_more,
        )
    if kind == "$END" and brackets:
        innermost = brackets[-1]
        return make_error(
            f"unexpected end of input — {_opened(innermost, loc)} is not closed",
            loc,
            f"add the missing '{CLOSER_OF[OPENERS[innermost.type]]}'",
            True,
        )
    wanted = describe_expected(expected, replay.terminal_text)
    if "COLON" in expected and kind in LINE_ENDS and _header(history, include_last=True):
        header = _header(history, include_last=True)
        keyword = KEYWORD_TEXT[header.type]
        return make_error(
            "expected ':'", loc, f"end the '{keyword}' line with ':' and indent its block", False
        )
    message = f"unexpected {what}" + (f" — expected {wanted}" if wanted else "")
    hint = _hint(token, previous, brackets, expected, history, loc)
    return make_error(message, loc, hint, needs_more)


def _unfinished(previous, brackets: list, expected: set[str], text: str) -> bool:
    """Whether the text stops where more is needed: inside brackets, after an operator or
    an import keyword, or before a line continuation."""
    if brackets or text.rstrip(" \t\f").endswith("\\"):
        return True
    if previous is not None and previous.type in CONTINUED_BY:
        return True
    return "IMPORT" in expected or "DEF" in expected  # from torch / a decorator


def _header(history: list, include_last: bool = False):
    """The first token of the block header that the history ends with (``def`` of ``def
    f():``), or None. ``include_last``: the history may end before the header's line end."""
    index = len(history)
    if not include_last:
        while index and history[index - 1].type in LINE_ENDS:
            index -= 1
    start = index
    while start and history[start - 1].type not in ("_NEWLINE", "_INDENT", "_DEDENT"):
        start -= 1
    first = history[start] if start < len(history) else None
    if first is not None and first.type == "AT":  # a decorator line: no header
        return None
    return first if first is not None and first.type in HEADERS else None


def open_brackets(history: list) -> list:
    open_brackets: list = []
    for token in history:
        if token.type in OPENERS:
            open_brackets.append(token)
        elif token.type in CLOSERS and open_brackets:
            open_brackets.pop()
    return open_brackets


def _describe_token(token, at_text_end: bool) -> str:
    kind, value = token.type, token.value
    if kind == "$END" or at_text_end:
        return "end of input"
    if kind in LINE_ENDS:
        return "end of line"
    if kind == "NAME":
        return f"name '{value}'"
    if kind in KEYWORD_TEXT:
        return f"keyword '{value}'"
    if kind == "NUMBER":
        return f"number {value}"
    if kind == "STRING":
        shown = value if len(value) <= 30 else value[:27] + "..."
        shown = shown.replace("\n", "\\n")
        return {"str": "string"}.get(string_kind(value), string_kind(value)) + " " + shown
    return f"'{value}'"


def describe_expected(expected: set[str], terminal_text: dict[str, str]) -> str:
    """Summarise what the parser could have taken: "an expression", "an operator", ')'..."""
    if "NAME" in expected and ("PASS" in expected or "DEF" in expected):
        return "a statement"
    if "DEF" in expected:  # after a decorator
        return "'def', 'class' or another decorator"
    parts: list[str] = []
    wants_value = {"NAME", "NUMBER"} <= expected
    if wants_value:
        parts.append("an expression")
    elif "NAME" in expected:
        parts.append("a name")
    wants_operator = not wants_value and bool(expected & BINARY_OPERATORS)
    if wants_operator:
        parts.append("an operator")
    for kind in LISTED:
        if kind not in expected:
            continue
        if wants_operator and (kind in IMPLIED_BY_OPERATOR or kind in BINARY_OPERATORS):
            continue
        if wants_value and kind in ("LPAR", "LSQB"):
            continue  # an expression may start with a bracket; no need to say so
        if kind in ("COMMA", "COLON", "EQUAL") and "_NEWLINE" in expected and wants_operator:
            continue  # a, b = ... / x: int = ... / x = ... after a statement's first value
        text = KEYWORD_TEXT.get(kind) or terminal_text.get(kind, kind)
        parts.append(f"'{text}'")
    if expected & STATEMENT_ENDS:
        parts.append("the end of the statement")
    if not parts:
        parts = sorted(
            f"'{terminal_text.get(k) or KEYWORD_TEXT[k]}'"
            for k in expected
            if k in terminal_text or k in KEYWORD_TEXT
        )
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _hint(token, previous, brackets, expected, history, loc) -> str | None:
    kind, value = token.type, token.value
    prev_kind = previous.type if previous is not None else None
    line_start = _line_start(history)
    innermost = brackets[-1] if brackets else None
    if innermost is not None and innermost.line < loc[0] and kind not in CLOSERS:
        # A bracket left open swallows the line ends after it: the error shows up later.
        return f"{_opened(innermost, loc)} is still open"
    if kind in CLOSERS:
        closer = CLOSERS[kind]
        if innermost is None:
            return f"there is no open bracket for this '{closer}' to close"
        wanted = CLOSER_OF[OPENERS[innermost.type]]
        if wanted != closer:
            return (
                f"the innermost open bracket is {_opened(innermost, loc)}; close it with "
                f"'{wanted}' first"
            )
        return None
    if line_start is not None and line_start.type == "NAME" and kind not in LINE_ENDS:
        word = line_start.value
        if word in ("print", "exec") and previous is line_start:
            return f"Missing parentheses in call to '{word}'. Did you mean {word}(...)?"
        if word == "match" and previous is line_start:
            return "the match statement is not in gradcalc's language: use if/elif/else"
    if kind in ("ELSE", "ELIF", "EXCEPT", "FINALLY"):
        return (
            f"'{value}' continues the block of an if, for, while or try above it, at the same "
            "indentation"
        )
    if "DEF" in expected and "NAME" not in expected:
        return "a decorator goes on the line right above a def or a class"
    if kind == "NOT" and "NAME" in expected and prev_kind in NOT_NEEDS_BRACKETS_AFTER:
        # `not` binds looser than every operator but `and`/`or` (Python 3.13's message).
        return "'not' after an operator must be parenthesized: a == (not b)"
    if kind in KEYWORD_TEXT and "NAME" in expected:
        return f"'{value}' is a Python keyword: it cannot be used as a name"
    if (
        kind == "NUMBER"
        and prev_kind == "DOT"
        and len(history) > 1
        and history[-2].type == "NUMBER"
        and history[-2].end_pos == previous.start_pos == token.start_pos - 1
    ):
        return "a number has one decimal point at most, as in 1.25"
    if kind in VALUES and prev_kind == "NUMBER" and previous.end_pos == token.start_pos:
        return f"a number cannot run into a name: write {previous.value} * {value} to multiply"
    if kind in VALUES and expected & BINARY_OPERATORS and "NAME" not in expected:
        return "two values in a row: is an operator such as '*' missing between them?"
    if kind == "EQUAL":
        if "COLON" in expected and line_start is not None and line_start.type in HEADERS:
            return "to compare two values use '=='; to assign in a condition use ':='"
        if brackets:
            return (
                "to compare two values use '=='; inside a call '=' only names a keyword "
                "argument, as in sum(x, dim=0)"
            )
        return "to compare two values use '=='"
    if kind in LINE_ENDS and "ELSE" in expected and prev_kind != "COLON":
        return "a conditional expression needs an else: a if condition else b"
    if kind == "COLONEQUAL":
        return "':=' works inside an expression, as in (y := f(x)); as a statement, write y = f(x)"
    if value in ("&", "|") and prev_kind == kind and previous.value == value:
        word = "and" if value == "&" else "or"
        return f"write '{word}' for a logical {word}: '{value}' is a bitwise operator"
    if kind in LINE_ENDS and prev_kind in BINARY_OPERATORS | {"TILDE"}:
        return f"the '{previous.value}' at {_where(_loc(previous), loc)} needs a value after it"
    return None


def _line_start(history: list):
    index = len(history)
    while index and history[index - 1].type not in ("_NEWLINE", "_INDENT", "_DEDENT"):
        index -= 1
    return history[index] if index < len(history) else None


# ---- text that is no token at all ----------------------------------------------------------


def unexpected_character(text: str, pos: int, loc: tuple) -> GradcalcSyntaxError:
    """The error for ``text[pos]``, where no token starts; ``loc`` is its position in the
    whole source."""
    char = text[pos]
    line_end = text.find("\n", pos)
    rest = text[pos : line_end if line_end >= 0 else len(text)].rstrip("\r")
    if char in "'\"":
        return _unterminated(text, pos, loc, rest)
    if char == "\\":
        return make_error(
            "unexpected character after line continuation character",
            loc,
            "'\\' continues a line only at its very end; inside brackets line ends are free",
            pos == len(text) - 1 or not text[pos + 1 :].strip(" \t\f"),
        )
    word = _word_at(text, pos)
    if word in UNSUPPORTED:  # `yield`, `await`: no token starts with them
        return unsupported(word, loc)
    if not char.isprintable() or char in "\u2028\u2029\x85":
        code = f"U+{ord(char):04X}"
        return make_error(
            f"invalid non-printable character {code}",
            loc,
            "delete it: it may have come with pasted text",
        )
    if not char.isascii():
        hint = None
        if char in LOOKALIKES:
            hint = f"write '{LOOKALIKES[char]}' instead"
        elif unicodedata.category(char) == "Nd":
            hint = "write numbers with the digits 0-9"
        elif char.isalpha():
            hint = "names use the letters A-Z and a-z, the digits 0-9 and '_'"
        return make_error(f"invalid character '{char}' (U+{ord(char):04X})", loc, hint)
    hints = {
        "!": "'!=' means 'not equal'; there is no '!' operator: use 'not'",
        "$": None,
        "?": "there is no '?' operator: write a if condition else b",
        "`": "write repr(x) for the text of a value",
    }
    return make_error(f"unexpected character '{char}'", loc, hints.get(char))


def _word_at(text: str, pos: int) -> str:
    end = pos
    while end < len(text) and text[end].isascii() and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[pos:end]


def unsupported(word: str, loc: tuple) -> GradcalcSyntaxError:
    """The error for ``async``, ``await`` or ``yield`` at ``loc``."""
    span = (loc[0], loc[1], loc[0], loc[1] + len(word), loc[4], loc[4] + len(word))
    return make_error(f"'{word}' is not supported in gradcalc", span, UNSUPPORTED[word])


def _unterminated(text: str, pos: int, loc: tuple, rest: str) -> GradcalcSyntaxError:
    quote = text[pos]
    start = pos
    while start > 0 and text[start - 1] in "rRbBuUfF" and pos - start < 2:
        start -= 1  # the string's prefix, lexed as a name before the quote failed
    back = pos - start
    line = loc[0] + text.count("\n", pos)
    if text.startswith(quote * 3, pos):
        span = (loc[0], loc[1] - back, loc[0], loc[1] + 3, loc[4] - back, loc[4] + 3)
        return make_error(
            f"unterminated triple-quoted string literal (detected at line {line})",
            span,
            f"end the string with {quote * 3}",
            True,
        )
    span = (loc[0], loc[1] - back, loc[0], loc[1] + len(rest), loc[4] - back, loc[4] + len(rest))
    return make_error(
        f"unterminated string literal (detected at line {loc[0]})",
        span,
        f"end the string with {quote} on the same line, or use {quote * 3} for text over "
        "several lines",
    )
