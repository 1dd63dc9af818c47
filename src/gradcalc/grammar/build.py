"""Build the dataclasses of ``gradcalc.grammar.ast`` as the parser reduces each rule.

``SyntaxTreeBuilder`` has one method per grammar rule or alias; the parser's loop
(``parser.py``) calls it with the rule's children, minus filtered punctuation: tokens (which
carry their positions) and already-built nodes. Spans run from the first child to the last.
Building during the parse, with no intermediate tree and no recursion, is what keeps a
10,000-line script well under a second and a long ``- - - ... x`` chain off the Python stack.
"""

from __future__ import annotations

import dataclasses
import re

from gradcalc.errors import GradcalcSyntaxError, Span
from gradcalc.grammar import ast
from gradcalc.grammar.lexer import Token

CONSTANTS = {"True": True, "False": False, "None": None, "true": True, "false": False}


def _span_maker():
    """A constructor equal to ``Span(...)``, twice as fast.

    A parse makes a span per token and per node, and a frozen dataclass's ``__init__`` goes
    through ``object.__setattr__`` field by field; filling the instance dict directly gives the
    same object. Falls back to ``Span`` itself should it ever lose its ``__dict__``.
    """
    new = object.__new__
    try:
        new(Span).__dict__  # noqa: B018 - probing for an instance dict
    except AttributeError:  # pragma: no cover - Span with __slots__
        return Span

    def make(line, column, end_line, end_column, start, end):
        span = new(Span)
        fields = span.__dict__
        fields["line"] = line
        fields["column"] = column
        fields["end_line"] = end_line
        fields["end_column"] = end_column
        fields["start"] = start
        fields["end"] = end
        return span

    return make


make_span = _span_maker()


def token_span(token: Token) -> Span:
    return make_span(
        token.line, token.column, token.end_line, token.end_column, token.start_pos, token.end_pos
    )


def join_spans(first: Span, last: Span) -> Span:
    return make_span(
        first.line, first.column, last.end_line, last.end_column, first.start, last.end
    )


_ESCAPES = {
    "n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"',
    "a": "\a", "b": "\b", "f": "\f", "v": "\v",
}  # fmt: skip
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")


def _unescape_one(match: re.Match) -> str:
    code = match.group(1)
    if len(code) > 1:
        value = int(code[1:], 16)
        if value > 0x10FFFF:
            return match.group(0)
        return chr(value)
    # Like Python, an unknown escape such as "\d" keeps its backslash (einsum specs, paths).
    return _ESCAPES.get(code, match.group(0))


def unescape(literal: str) -> str:
    """The value of a quoted string literal (quotes included in ``literal``)."""
    return _ESCAPE.sub(_unescape_one, literal[1:-1])


def _syntax_error(message: str, span: Span, hint: str | None = None) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(message, hint=hint, span=span)


def span_of(item) -> Span:
    """The span of a child: a node, or a token."""
    if type(item) is Token:
        return token_span(item)
    return item.span


def _between(first, last) -> Span:
    return join_spans(span_of(first), span_of(last))


def _is_token(item, kind: str) -> bool:
    return getattr(item, "type", None) == kind


class SyntaxTreeBuilder:
    """One method per rule or alias of ``gradcalc.lark``; each gets the rule's children."""

    # ---- program and statements ----------------------------------------------------------

    def start(self, statements):
        flat: list = []
        for statement in statements:
            if isinstance(statement, list):  # one import line can bind several modules
                flat.extend(statement)
            else:
                flat.append(statement)
        return flat

    def _target_name(self, token: Token) -> ast.Name:
        if token.value in CONSTANTS:
            raise _syntax_error(
                f"cannot assign to {token.value}",
                token_span(token),
                "True, False and None are constants; pick another name",
            )
        return ast.Name(token_span(token), token.value)

    def assign_name(self, children):
        name, value = children
        return ast.Assign(_between(name, value), self._target_name(name), value)

    def _attribute(self, value, name) -> ast.Attribute:
        return ast.Attribute(_between(value, name), value, name.value, token_span(name))

    def assign_attr(self, children):
        value_of, name, value = children
        return ast.Assign(_between(value_of, value), self._attribute(value_of, name), value)

    def aug_assign(self, children):
        name, op, value = children
        target = self._target_name(name)
        return ast.AugAssign(_between(name, value), target, op.value[:-1], value)

    def aug_assign_attr(self, children):
        # ``w.data -= lr * w.grad`` (the SGD step of PyTorch tutorials) is written as the
        # assignment it means: ``w.data = w.data - lr * w.grad``.
        value_of, name, op, value = children
        target = self._attribute(value_of, name)
        span = _between(value_of, value)
        combined = ast.BinOp(span, op.value[:-1], target, value, token_span(op))
        return ast.Assign(span, target, combined)

    def assign_subscript(self, children):
        raise _syntax_error(
            "cannot assign to an indexed element",
            _between(children[0], children[3]),
            "tensors are not changed in place here; build a new one instead "
            "(for example with where(), cat() or arithmetic)",
        )

    def expr_stmt(self, children):
        (expr,) = children
        return ast.ExprStatement(expr.span, expr)

    def dotted_name(self, names):
        return ".".join(name.value for name in names), names[-1]

    def _alias(self, alias) -> str | None:
        return None if alias is None else self._target_name(alias).id

    def import_item(self, children):
        (module, last), *alias = children
        return module, self._alias(alias[0] if alias else None), alias[0] if alias else last

    def from_item(self, children):
        name, *alias = children
        bound = alias[0] if alias else name
        return name.value, self._target_name(bound).id, bound

    def import_stmt(self, children):
        keyword, *items = children
        span = _between(keyword, items[-1][2])
        return [ast.Import(span, module, alias) for module, alias, _ in items]

    def from_import(self, children):
        # ``from torch import nn`` binds nn to torch.nn: the same as ``import torch.nn as nn``.
        keyword, (package, _), _import, *items = children
        span = _between(keyword, items[-1][2])
        return [ast.Import(span, f"{package}.{name}", alias) for name, alias, _ in items]

    # ---- expressions ---------------------------------------------------------------------

    def binop(self, children):
        left, op, right = children
        return ast.BinOp(_between(left, right), op.value, left, right, token_span(op))

    def unary(self, children):
        op, operand = children
        return ast.UnaryOp(_between(op, operand), op.value, operand)

    def call(self, children):
        func, _, *arguments, closing = children
        args: list = []
        keywords: list[ast.Keyword] = []
        for argument in arguments:
            if isinstance(argument, ast.Keyword):
                if any(k.name == argument.name for k in keywords):
                    raise _syntax_error(
                        f"keyword argument repeated: {argument.name}", argument.span
                    )
                keywords.append(argument)
            elif keywords:
                raise _syntax_error(
                    "positional argument follows keyword argument",
                    argument.span,
                    "put the positional arguments first, as in f(x, dim=0)",
                )
            else:
                args.append(argument)
        return ast.Call(_between(func, closing), func, tuple(args), tuple(keywords))

    def keyword(self, children):
        name, value = children
        return ast.Keyword(_between(name, value), name.value, value)

    def attribute(self, children):
        value, name = children
        return self._attribute(value, name)

    def subscript(self, children):
        value, _, index, closing = children
        return ast.Subscript(_between(value, closing), value, index)

    def subscripts(self, items):
        return tuple(items)

    def slice(self, children):
        parts: list = [None, None, None]
        position = 0
        for child in children:
            if _is_token(child, "COLON"):
                position += 1
            else:
                parts[position] = child
        return ast.Slice(_between(children[0], children[-1]), *parts)

    def group(self, children):
        # Parentheses make no node; the inner node's span grows to include them, so that an
        # enclosing node, e.g. ``(a + b) * c``, starts at the '(' like its source text does.
        opening, inner, closing = children
        return dataclasses.replace(inner, span=_between(opening, closing))

    def tuple(self, children):
        opening, *elements, closing = children
        return ast.TupleLiteral(_between(opening, closing), tuple(elements))

    def list(self, children):
        opening, *elements, closing = children
        return ast.ListLiteral(_between(opening, closing), tuple(elements))

    def number(self, children):
        (token,) = children
        text = token.value
        try:
            value = float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:  # an integer literal with thousands of digits
            raise _syntax_error(
                f"number too long ({len(text)} digits)", token_span(token)
            ) from None
        return ast.Number(token_span(token), value, text)

    def string(self, children):
        (token,) = children
        return ast.String(token_span(token), unescape(token.value))

    def name(self, children):
        (token,) = children
        if token.value in CONSTANTS:
            return ast.Constant(token_span(token), CONSTANTS[token.value])
        return ast.Name(token_span(token), token.value)

    def ellipsis(self, children):
        (token,) = children
        return ast.EllipsisLiteral(token_span(token))
