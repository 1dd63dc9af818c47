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


def _constructor(cls):
    """A function equal to calling the frozen dataclass ``cls`` with every field, twice as fast.

    A parse makes a span per token and per node, and a frozen dataclass's ``__init__`` goes
    through ``object.__setattr__`` field by field; filling the instance dict directly gives the
    same object. Falls back to ``cls`` itself should it ever lose its ``__dict__`` or gain a
    ``__post_init__``.
    """
    names = tuple(field.name for field in dataclasses.fields(cls))
    new = object.__new__
    try:
        new(cls).__dict__  # noqa: B018 - probing for an instance dict
    except AttributeError:  # pragma: no cover - a class with __slots__
        return cls
    if hasattr(cls, "__post_init__") or not 1 <= len(names) <= 6:  # pragma: no cover
        return cls
    a, b, c, d, e, f = names + ("",) * (6 - len(names))

    def make1(va):
        instance = new(cls)
        instance.__dict__[a] = va
        return instance

    def make2(va, vb):
        instance = new(cls)
        fields = instance.__dict__
        fields[a] = va
        fields[b] = vb
        return instance

    def make3(va, vb, vc):
        instance = new(cls)
        fields = instance.__dict__
        fields[a] = va
        fields[b] = vb
        fields[c] = vc
        return instance

    def make4(va, vb, vc, vd):
        instance = new(cls)
        fields = instance.__dict__
        fields[a] = va
        fields[b] = vb
        fields[c] = vc
        fields[d] = vd
        return instance

    def make5(va, vb, vc, vd, ve):
        instance = new(cls)
        fields = instance.__dict__
        fields[a] = va
        fields[b] = vb
        fields[c] = vc
        fields[d] = vd
        fields[e] = ve
        return instance

    def make6(va, vb, vc, vd, ve, vf):
        instance = new(cls)
        fields = instance.__dict__
        fields[a] = va
        fields[b] = vb
        fields[c] = vc
        fields[d] = vd
        fields[e] = ve
        fields[f] = vf
        return instance

    return (make1, make2, make3, make4, make5, make6)[len(names) - 1]


make_span = _constructor(Span)
_Number = _constructor(ast.Number)
_Name = _constructor(ast.Name)
_Constant = _constructor(ast.Constant)
_BinOp = _constructor(ast.BinOp)
_UnaryOp = _constructor(ast.UnaryOp)
_Keyword = _constructor(ast.Keyword)
_Call = _constructor(ast.Call)
_Attribute = _constructor(ast.Attribute)
_Subscript = _constructor(ast.Subscript)
_Slice = _constructor(ast.Slice)
_ListLiteral = _constructor(ast.ListLiteral)
_TupleLiteral = _constructor(ast.TupleLiteral)
_Assign = _constructor(ast.Assign)
_AugAssign = _constructor(ast.AugAssign)
_ExprStatement = _constructor(ast.ExprStatement)
_String = _constructor(ast.String)


def token_span(token: Token) -> Span:
    # By index: Token is (type, value, start_pos, line, column, end_line, end_column, end_pos).
    return make_span(token[3], token[4], token[5], token[6], token[2], token[7])


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


_ESCAPE_ACROSS_LINES = re.compile(_ESCAPE.pattern, re.DOTALL)


def _unescape_or_join(match: re.Match) -> str:
    # In a triple-quoted string a backslash at the end of a line joins it to the next.
    return "" if match.group(1) == "\n" else _unescape_one(match)


def decode_escapes(text: str) -> str:
    """The value of the text of a string between its quotes (f-strings' text parts)."""
    if "\\" not in text:
        return text
    return _ESCAPE_ACROSS_LINES.sub(_unescape_or_join, text)


def _syntax_error(message: str, span: Span, hint: str | None = None) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(message, hint=hint, span=span)


def _between(first, last) -> Span:
    """The span from the start of ``first`` to the end of ``last`` (tokens or nodes)."""
    # Reads the fields directly: no intermediate span for a token at either end.
    if type(first) is Token:  # indexes as in token_span
        line, column, start = first[3], first[4], first[2]
    else:
        span = first.span
        line, column, start = span.line, span.column, span.start
    if type(last) is Token:
        return make_span(line, column, last[5], last[6], start, last[7])
    span = last.span
    return make_span(line, column, span.end_line, span.end_column, start, span.end)


def _check_grad_mode_context(context) -> None:
    """Refuse, before anything runs, a ``with`` whose context is not a grad-mode call."""
    func = getattr(context, "func", None)
    base = func
    while type(base) is ast.Attribute:
        base = base.value
    name = func.attr if type(func) is ast.Attribute else getattr(func, "id", None)
    if type(context) is ast.Call and type(base) is ast.Name and name in ast.GRAD_MODE_CONTEXTS:
        return
    raise _syntax_error(
        "with takes torch.no_grad(), torch.enable_grad() or torch.set_grad_enabled(mode) "
        "in gradcalc",
        context.span,
        "gradcalc's only blocks switch gradient recording off or on, as in "
        "with torch.no_grad(): w -= lr * w.grad",
    )


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
        return _Name(token_span(token), token.value)

    def assign_name(self, children):
        name, value = children
        return _Assign(_between(name, value), self._target_name(name), value)

    def _attribute(self, value, name) -> ast.Attribute:
        return _Attribute(_between(value, name), value, name.value, token_span(name))

    def assign_attr(self, children):
        value_of, name, value = children
        return _Assign(_between(value_of, value), self._attribute(value_of, name), value)

    def aug_assign(self, children):
        name, op, value = children
        target = self._target_name(name)
        return _AugAssign(_between(name, value), target, op.value[:-1], value)

    def aug_assign_attr(self, children):
        # ``w.data -= lr * w.grad`` (the SGD step of PyTorch tutorials) is written as the
        # assignment it means: ``w.data = w.data - lr * w.grad``.
        value_of, name, op, value = children
        target = self._attribute(value_of, name)
        span = _between(value_of, value)
        combined = _BinOp(span, op.value[:-1], target, value, token_span(op))
        return _Assign(span, target, combined)

    def assign_subscript(self, children):
        raise _syntax_error(
            "cannot assign to an indexed element",
            _between(children[0], children[3]),
            "elements are not assigned one by one; build a new tensor (with where(), cat() "
            "or arithmetic), or update the whole tensor inside `with torch.no_grad():` "
            "(w -= lr * w.grad)",
        )

    def assign_unpack(self, children):
        *names, value = children
        targets = tuple(self._target_name(name) for name in names)
        return ast.Unpack(_between(names[0], value), targets, value)

    def assign_unpack_group(self, children):
        opening, *elements, closing, value = children
        for element in elements:
            if type(element) is not ast.Name:
                what = (
                    "True, False and None are constants"
                    if isinstance(element, ast.Constant)
                    else "only names can be unpacked into"
                )
                raise _syntax_error(
                    "cannot assign to an expression", element.span, f"{what}: (a, b) = ..."
                )
        return ast.Unpack(_between(opening, value), tuple(elements), value)

    def bare_tuple(self, children):
        return _TupleLiteral(_between(children[0], children[-1]), tuple(children))

    def with_stmt(self, children):
        keyword, context, colon, *statements = children
        _check_grad_mode_context(context)
        body = self.start(statements)
        return ast.With(_between(keyword, body[-1]), context, tuple(body), _between(keyword, colon))

    def expr_stmt(self, children):
        (expr,) = children
        return _ExprStatement(expr.span, expr)

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
        return _BinOp(_between(left, right), op.value, left, right, token_span(op))

    def unary(self, children):
        op, operand = children
        return _UnaryOp(_between(op, operand), op.value, operand)

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
        return _Call(_between(func, closing), func, tuple(args), tuple(keywords))

    def keyword(self, children):
        name, value = children
        return _Keyword(_between(name, value), name.value, value)

    def attribute(self, children):
        value, name = children
        return self._attribute(value, name)

    def subscript(self, children):
        value, _, index, closing = children
        return _Subscript(_between(value, closing), value, index)

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
        return _Slice(_between(children[0], children[-1]), *parts)

    def group(self, children):
        # Parentheses make no node; the inner node's span grows to include them, so that an
        # enclosing node, e.g. ``(a + b) * c``, starts at the '(' like its source text does.
        opening, inner, closing = children
        return dataclasses.replace(inner, span=_between(opening, closing))

    def tuple(self, children):
        opening, *elements, closing = children
        return _TupleLiteral(_between(opening, closing), tuple(elements))

    def list(self, children):
        opening, *elements, closing = children
        return _ListLiteral(_between(opening, closing), tuple(elements))

    def number(self, children):
        (token,) = children
        text = token.value
        try:
            value = float(text) if "." in text or "e" in text or "E" in text else int(text)
        except ValueError:  # an integer literal with thousands of digits
            raise _syntax_error(
                f"number too long ({len(text)} digits)", token_span(token)
            ) from None
        return _Number(token_span(token), value, text)

    def string(self, children):
        (token,) = children
        return _String(token_span(token), unescape(token.value))

    def name(self, children):
        (token,) = children
        if token.value in CONSTANTS:
            return _Constant(token_span(token), CONSTANTS[token.value])
        return _Name(token_span(token), token.value)

    def ellipsis(self, children):
        (token,) = children
        return ast.EllipsisLiteral(token_span(token))
