"""Syntax error messages in a user's words, never Lark's terminal names.

``unexpected_token`` and ``unexpected_character`` turn what the parser saw (plus the brackets
open at that moment) into a ``GradcalcSyntaxError``: what was unexpected, what would have fit,
where, and a hint for the common slips (a missing operator, ``=`` for ``==``, an unclosed
bracket, a stray ``:``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gradcalc.errors import GradcalcSyntaxError, Span

OPENERS = {"LPAR": "(", "LSQB": "["}
CLOSERS = {"RPAR": ")", "RSQB": "]"}
CLOSER_OF = {"(": ")", "[": "]", "{": "}"}  # '{': the field of an f-string

VALUE_TOKENS = {"NAME", "NUMBER", "STRING", "FSTRING", "ELLIPSIS"}
# What Python puts before a string's quote; gradcalc takes only f (and rf/fr) there.
STRING_PREFIXES = {"r", "b", "u", "br", "rb"}
BINARY_OPERATORS = {
    "PLUS", "MINUS", "STAR", "SLASH", "DSLASH", "PERCENT", "AT", "POW",
    "EQ", "NE", "LT", "LE", "GT", "GE",
}  # fmt: skip
COMPARISONS = {"EQ", "NE", "LT", "LE", "GT", "GE"}
AUGMENTED = {"PLUS_ASSIGN", "MINUS_ASSIGN", "STAR_ASSIGN", "SLASH_ASSIGN"}
STATEMENT_ENDS = {"_NL", "SEMICOLON", "$END", "_DEDENT"}
# Tokens implied by "an operator": after a complete value the parser also accepts a call,
# an index, an attribute or an assignment, which would only clutter the message.
IMPLIED_BY_OPERATOR = {"LPAR", "LSQB", "DOT", "EQUAL"} | AUGMENTED
# Punctuation worth naming, in the order a message lists it.
LISTED = ["RPAR", "RSQB", "COMMA", "COLON", "EQUAL", "IMPORT", "AS", "DOT", "LPAR", "LSQB"]

# Python's other compound statements: what to write instead.
NO_SUCH_STATEMENT = {
    "for": "there are no loops: write the steps out one after another (a script can hold "
    "them), or work on a whole dimension at once with tensor operations",
    "while": "there are no loops: write the steps out one after another (a script can hold them)",
    "if": "there are no conditionals: where(condition, a, b) chooses between two values "
    "element by element",
    "elif": "there are no conditionals: where(condition, a, b) chooses between two values",
    "else": "there are no conditionals: where(condition, a, b) chooses between two values",
    "def": "there are no functions: write the expression out, binding intermediate results "
    "to names",
    "class": "there are no classes: bind tensors to names",
    "try": "there is no exception handling: with --keep-going (-k) a script goes on after a "
    "failing statement",
    "except": "there is no exception handling: with --keep-going (-k) a script goes on after "
    "a failing statement",
    "finally": "there is no exception handling",
    "async": "there is nothing asynchronous in gradcalc",
}

PYTHON_ONLY_KEYWORDS = {
    "if", "elif", "else", "for", "while", "def", "class", "return", "lambda", "with", "try",
    "except", "finally", "raise", "del", "global", "nonlocal", "pass", "break", "continue",
    "yield", "assert", "and", "or", "not", "in", "is", "async", "await",
}  # fmt: skip

LOOKALIKES = {
    "×": "*", "·": "*", "∙": "*", "⋅": "*", "÷": "/", "−": "-", "–": "-", "—": "-",
    "²": "**2", "³": "**3", "≤": "<=", "≥": ">=", "≠": "!=",
    "‘": "'", "’": "'", "“": '"', "”": '"',
}  # fmt: skip


def describe_token(kind: str, value: str) -> str:
    """How a message names the token the parser did not expect."""
    if kind == "$END":
        return "end of input"
    if kind in ("_NL", "_DEDENT"):
        return "end of line"
    if kind == "_INDENT":
        return "the start of a block"
    if kind == "NAME":
        return f"name '{value}'"
    if kind == "NUMBER":
        return f"number {value}"
    if kind in ("STRING", "FSTRING"):
        shown = value if len(value) <= 30 else value[:27] + "..."
        shown = shown.replace("\n", "\\n")
        return f"string {shown}" if kind == "STRING" else f"f-string {shown}"
    return f"'{value}'"


def describe_expected(expected: Iterable[str], terminal_text: dict[str, str]) -> str:
    """Summarise the set of acceptable terminals: "an expression", "an operator", ')' ..."""
    expected = set(expected)
    parts: list[str] = []
    wants_value = {"NAME", "NUMBER"} <= expected
    if wants_value and "IMPORT" in expected:  # the start of a statement
        return "a statement"
    if "_INDENT" in expected:  # just after a block's ':'
        return "a statement after ':' or an indented block on the next lines"
    if wants_value:
        parts.append("an expression")
    elif "NAME" in expected:
        parts.append("a name")
    wants_operator = not wants_value and bool(expected & BINARY_OPERATORS)
    if wants_operator:
        parts.append("an operator")
    for kind in LISTED:
        if kind in expected and not (wants_operator and kind in IMPLIED_BY_OPERATOR):
            if wants_value and kind in ("LPAR", "LSQB"):
                continue  # an expression may start with a bracket; no need to say so
            parts.append(f"'{terminal_text.get(kind, kind)}'")
    if expected & STATEMENT_ENDS:
        parts.append("the end of the statement")
    if not parts:
        parts = sorted(f"'{terminal_text[k]}'" for k in expected if k in terminal_text)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def _where(span: Span, here: Span) -> str:
    """Where ``span`` is, said relative to the error at ``here``: a message names no line
    number for its own line, so it stays true when a front end renumbers the lines (the
    CLI's --batch runs each line of a file as its own program)."""
    if span.line == here.line:
        return f"column {span.column}"
    return f"line {span.line}, column {span.column}"


def _open_bracket_text(kind_value_span: tuple[str, Span], here: Span) -> str:
    value, span = kind_value_span
    return f"'{value}' opened at {_where(span, here)}"


def unexpected_token(
    kind: str,
    value: str,
    span: Span,
    expected: Iterable[str],
    terminal_text: dict[str, str],
    open_brackets: Sequence[tuple[str, Span]],
    previous: tuple[str, str, Span] | None,
    at_end: bool,
) -> GradcalcSyntaxError:
    """The error for a token the parser cannot accept.

    ``open_brackets`` holds (bracket, span) for each bracket still open, innermost last;
    ``previous`` is (kind, value, span) of the token before, if any; ``at_end`` is True when
    nothing but blank lines and comments follow, so more input could complete the program.
    """
    expected = set(expected)
    what = describe_token(kind, value)
    hint: str | None = None

    if kind == "$END" and open_brackets:
        innermost = open_brackets[-1]
        message = f"unexpected end of input — {_open_bracket_text(innermost, span)} is not closed"
        hint = f"add the missing '{CLOSER_OF[innermost[0]]}'"
        return _error(message, span, hint, at_end)

    if not open_brackets and expected & BINARY_OPERATORS:
        # After a statement's first name ',' could start ``a, b = ...``: not worth saying.
        expected.discard("COMMA")
    wanted = describe_expected(expected, terminal_text)
    message = f"unexpected {what}" + (f" — expected {wanted}" if wanted else "")

    prev_kind, prev_value, prev_span = previous if previous else (None, None, None)
    innermost = open_brackets[-1] if open_brackets else None

    if innermost and innermost[1].line < span.line and kind not in CLOSERS:
        # A bracket left open swallows the newlines after it, so the error shows up later.
        hint = f"{_open_bracket_text(innermost, span)} is still open"
    elif kind in CLOSERS:
        closer = value or CLOSERS[kind]  # an f-string field's '}' stands for a ')'
        if closer not in CLOSER_OF.values():
            closer = CLOSERS[kind]
        if innermost is None:
            hint = f"there is no open bracket for this '{closer}' to close"
        elif CLOSER_OF[innermost[0]] != closer:
            hint = (
                f"the innermost open bracket is {_open_bracket_text(innermost, span)}; "
                f"close it with '{CLOSER_OF[innermost[0]]}' first"
            )
    elif kind == "NAME" and value in PYTHON_ONLY_KEYWORDS:
        hint = _python_keyword_hint(value)
    elif prev_kind == "NAME" and prev_value in PYTHON_ONLY_KEYWORDS:
        hint = _python_keyword_hint(prev_value)
    elif (
        kind == "STRING"
        and prev_kind == "NAME"
        and prev_value.lower() in STRING_PREFIXES
        and prev_span.end == span.start
    ):
        hint = (
            f"gradcalc strings take no '{prev_value}' prefix; only f-strings have one "
            '(f"...", rf"..."): write the string without it'
        )
    elif kind in VALUE_TOKENS and expected & BINARY_OPERATORS and "NAME" not in expected:
        hint = "two values in a row: is an operator such as '*' missing between them?"
    elif kind == "EQUAL":
        if open_brackets:
            hint = (
                "to compare two values use '=='; inside a call '=' only names a keyword "
                "argument, as in sum(x, dim=0)"
            )
        else:
            hint = (
                "only a name or an attribute (like x.grad) can be assigned to; "
                "to compare two values use '=='"
            )
    elif kind in AUGMENTED and expected & BINARY_OPERATORS and "NAME" not in expected:
        hint = f"only a name or an attribute can be the target of '{value}'"
    elif kind == "AS" and "COLON" in expected:
        hint = "write with torch.no_grad(): without 'as name': it gives nothing to bind"
    elif kind == "COLON":
        hint = (
            "':' only appears in slices inside brackets, like x[1:3], and after a with "
            "statement's context (with torch.no_grad():)"
        )
    elif kind in COMPARISONS and prev_kind is not None:
        hint = "comparisons cannot be chained; compare two values at a time"
    elif kind in ("STAR", "POW") and prev_kind in ("LPAR", "COMMA"):
        hint = "unpacking arguments with '*' or '**' is not supported"
    elif kind in ("$END", "_NL", "_DEDENT") and prev_kind in BINARY_OPERATORS:
        hint = f"the '{prev_value}' at {_where(prev_span, span)} needs a value after it"
    return _error(message, span, hint, at_end)


def no_such_statement(keyword: str, span: Span) -> GradcalcSyntaxError:
    """The error for a Python statement gradcalc does not have (``for``, ``if``, ``def``...)."""
    return _error(f"gradcalc has no '{keyword}' statement", span, NO_SUCH_STATEMENT[keyword], False)


def indentation_error(
    message: str, span: Span, hint: str, needs_more_input: bool
) -> GradcalcSyntaxError:
    """The error for indentation that does not fit the open blocks."""
    return _error(message, span, hint, needs_more_input)


def _python_keyword_hint(keyword: str) -> str:
    return (
        f"'{keyword}' is Python syntax that gradcalc does not have; a program is made of "
        "assignments, expressions and imports"
    )


def unexpected_character(char: str, span: Span, rest_of_line: str) -> GradcalcSyntaxError:
    """The error for text that is not a token at all."""
    if char in ("'", '"'):
        end = span.start + len(rest_of_line)
        string_span = Span(
            span.line, span.column, span.line, span.column + len(rest_of_line), span.start, end
        )
        return _error(
            "unterminated string",
            string_span,
            f"end the string with {char} on the same line",
            False,
        )
    shown = f"'{char}'" if char.isprintable() and char != "'" else repr(char)
    hint = None
    if char in LOOKALIKES:
        hint = f"write '{LOOKALIKES[char]}' instead"
    elif char == "^":
        hint = "use '**' for powers"
    elif char == "!":
        hint = "'!=' means 'not equal'; there is no '!' operator"
    elif char in "&|~":
        hint = "logical and bitwise operators are not supported"
    elif char in "{}":
        hint = "there are no dictionaries, sets or blocks in gradcalc"
    elif char == "\\":
        hint = "'\\' continues a line only at its very end; inside brackets newlines are free"
    elif char.isalpha():
        hint = "names use the letters A-Z and a-z, digits and '_'"
    return _error(f"unexpected character {shown}", span, hint, False)


def _error(message: str, span: Span, hint: str | None, at_end: bool) -> GradcalcSyntaxError:
    error = GradcalcSyntaxError(message, hint=hint, span=span)
    # Read by is_complete(): more input could still make this program parse.
    error.needs_more_input = at_end
    return error
