"""The expression rules of ``gradcalc.lark``: one method per rule or alias, building
``ast`` nodes from their children (tokens and nodes already built) while lark parses.

Each node gets its position and its depth; a node deeper than the parse's limit stops the
parse (``_too_deep``). The left operand of a binary operator that is itself one (the
``a + b`` of ``a + b + c``) does not count a level: the evaluator folds such a chain in a
loop, so ``x + x + ... + x`` is one level however long.
"""

from __future__ import annotations

from lark import Token

import gradcalc.grammar.ast as ast
from gradcalc.grammar.blocks import too_deep
from gradcalc.grammar.checks import (
    call_arguments,
    check_named_target,
    check_target,
    joined,
    token_loc,
)
from gradcalc.grammar.fstrings import fstring_parts
from gradcalc.grammar.literals import bytes_error, number_value, string_kind, string_value

_CONSTANTS = {"None": None, "True": True, "False": False, "...": Ellipsis}
_COMPARISONS = frozenset({"COMPARISON", "IN", "NOT", "IS"})
_BOOLEAN = frozenset({"AND", "OR"})
# Python's binary operators from loosest to tightest (the reference's 6.17), `**` apart.
_PRECEDENCE = {
    "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "//": 6, "%": 6,
    "@": 6,
}  # fmt: skip

_BinOp = ast.BinOp
_Name = ast.Name
_Constant = ast.Constant
_Attribute = ast.Attribute
_Call = ast.Call


class ExpressionRules:
    """Mixed into ``builder.SyntaxTreeBuilder``, which sets ``max_depth`` and
    ``parse_field``."""

    max_depth: int

    def _too_deep(self, loc: tuple):
        return too_deep(loc, self.max_depth)

    def _deepest(self, nodes) -> int:
        deepest = 0
        for node in nodes:  # nodes, and None (a missing default) or text (Compare's ops)
            depth = getattr(node, "_depth", 0)
            if depth > deepest:
                deepest = depth
        return deepest

    def _node(self, cls, loc: tuple, *fields):
        """``cls(*fields)`` at ``loc``, one level deeper than its deepest child."""
        depth = 1
        for field in fields:
            if type(field) is list:
                depth = max(depth, self._deepest(field) + 1)
            elif isinstance(field, ast.AST) and field._depth >= depth:
                depth = field._depth + 1
        if depth > self.max_depth:
            raise self._too_deep(loc)
        return cls(*fields, loc, depth)

    # ---- atoms ---------------------------------------------------------------------------

    def name(self, children):
        (token,) = children
        return _Name(token.value, token_loc(token))

    def number(self, children):
        (token,) = children
        loc = token_loc(token)
        return _Constant(number_value(token.value, loc), token.value, loc)

    def constant(self, children):
        (token,) = children
        return _Constant(_CONSTANTS[token.value], token.value, token_loc(token))

    def strings(self, tokens):
        first, last = tokens[0], tokens[-1]
        loc = joined(token_loc(first), token_loc(last))
        kinds = [string_kind(token.value) for token in tokens]
        if len(tokens) == 1 and kinds[0] == "str":
            return _Constant(string_value(first.value, loc), first.value, loc)
        parts: list = []
        for token, kind in zip(tokens, kinds):
            if kind == "str":
                text_loc = token_loc(token)
                parts.append(_Constant(string_value(token.value, text_loc), None, text_loc))
            elif kind == "f-string":
                parts.extend(fstring_parts(token.value, token_loc(token), self.parse_field))
            else:
                raise bytes_error(token_loc(token))
        if "f-string" not in kinds:  # "a" "b": one string
            text = " ".join(token.value for token in tokens)
            return _Constant("".join(part.value for part in parts), text, loc)
        return self._node(ast.JoinedStr, loc, _merge_texts(parts))

    def group(self, children):
        # Parentheses make no node; the inner node's span grows to include them, so that
        # an enclosing node, e.g. ``(a + b) * c``, starts at the '(' like its source text.
        opening, inner, closing = children
        inner._loc = joined(token_loc(opening), token_loc(closing))
        return inner

    def tuple(self, children):
        loc = joined(token_loc(children[0]), token_loc(children[-1]))
        return self._node(ast.Tuple, loc, children[1:-1])

    def tuple_bare(self, children):
        return self._node(ast.Tuple, joined(children[0]._loc, children[-1]._loc), children)

    def list(self, children):
        loc = joined(token_loc(children[0]), token_loc(children[-1]))
        return self._node(ast.List, loc, children[1:-1])

    def set(self, children):
        loc = joined(token_loc(children[0]), token_loc(children[-1]))
        return self._node(ast.Set, loc, children[1:-1])

    def dict(self, children):
        loc = joined(token_loc(children[0]), token_loc(children[-1]))
        keys: list = []
        values: list = []
        items = children[1:-1]
        index = 0
        while index < len(items):
            item = items[index]
            if type(item) is Token:  # the '**' of **mapping
                keys.append(None)
            else:
                keys.append(item)
            values.append(items[index + 1])
            index += 2
        return self._node(ast.Dict, loc, keys, values)

    def star_expr(self, children):
        star, value = children
        return self._node(ast.Starred, joined(token_loc(star), value._loc), value)

    # ---- comprehensions ------------------------------------------------------------------

    def comp_for(self, children):
        keyword, target, _in, iterable, *conditions = children
        check_target(target, "comprehension")
        ifs = [node for node in conditions if type(node) is not Token]
        last = ifs[-1] if ifs else iterable
        return self._node(
            ast.comprehension, joined(token_loc(keyword), last._loc), target, iterable, ifs
        )

    def _comprehension(self, cls, children, *elements):
        loc = joined(token_loc(children[0]), token_loc(children[-1]))
        generators = children[1 + len(elements) : -1]
        return self._node(cls, loc, *elements, generators)

    def generator_exp(self, children):
        return self._comprehension(ast.GeneratorExp, children, children[1])

    def list_comp(self, children):
        return self._comprehension(ast.ListComp, children, children[1])

    def set_comp(self, children):
        return self._comprehension(ast.SetComp, children, children[1])

    def dict_comp(self, children):
        return self._comprehension(ast.DictComp, children, children[1], children[2])

    # ---- primaries -----------------------------------------------------------------------

    def attribute(self, children):
        value, name = children
        depth = value._depth + 1
        loc = (*value._loc[:2], name.end_line, name.end_column, value._loc[4], name.end_pos)
        if depth > self.max_depth:
            raise self._too_deep(loc)
        return _Attribute(value, name.value, loc, depth, token_loc(name))

    def call(self, children):
        func = children[0]
        loc = joined(func._loc, token_loc(children[-1]))
        if len(children) == 3:
            depth = func._depth + 1
            if depth > self.max_depth:
                raise self._too_deep(loc)
            return _Call(func, [], [], loc, depth)
        args, keywords = children[2]
        return self._node(_Call, loc, func, args, keywords)

    def call_generator(self, children):
        # ``sum(x * x for x in xs)``: the generator's span is the call's parentheses, as in
        # Python.
        func, opening, element, *generators, closing = children
        loc = joined(token_loc(opening), token_loc(closing))
        generator = self._node(ast.GeneratorExp, loc, element, generators)
        return self._node(_Call, joined(func._loc, loc), func, [generator], [])

    def arguments(self, children):
        return call_arguments(children)

    def star_argument(self, children):
        star, value = children
        return self._node(ast.Starred, joined(token_loc(star), value._loc), value)

    def keyword_argument(self, children):
        name, value = children
        return self._node(ast.keyword, joined(token_loc(name), value._loc), name.value, value)

    def kwargs_argument(self, children):
        stars, value = children
        return self._node(ast.keyword, joined(token_loc(stars), value._loc), None, value)

    def subscript(self, children):
        value, _, index, closing = children
        return self._node(ast.Subscript, joined(value._loc, token_loc(closing)), value, index)

    def slice(self, children):
        parts: list = [None, None, None]
        position = 0
        for child in children:
            if type(child) is Token:
                position += 1
            else:
                parts[position] = child
        first, last = children[0], children[-1]
        start = token_loc(first) if type(first) is Token else first._loc
        end = token_loc(last) if type(last) is Token else last._loc
        return self._node(ast.Slice, joined(start, end), *parts)

    # ---- operators -----------------------------------------------------------------------

    def bin_op(self, children):
        left, op, right = children
        return self._binary(left, op, right)

    def _binary(self, left, op, right):
        loc = (*left._loc[:2], *right._loc[2:4], left._loc[4], right._loc[5])
        # A left operand that is a binary operation folds into this one (see the docstring).
        depth = left._depth if type(left) is _BinOp else left._depth + 1
        if right._depth >= depth:
            depth = right._depth + 1
        if depth > self.max_depth:
            raise self._too_deep(loc)
        return _BinOp(left, op.value, right, loc, depth, token_loc(op))

    def operations(self, children):
        # A row of operands and operators (`a or not b < c + d * e`), arranged by precedence:
        # the `or`s, loosest, split it into the operands of one BoolOp, the `and`s split those
        # likewise, and each of their operands is its `not`s and a row of comparisons.
        alternatives: list = []  # the operands of `or`
        values: list = []  # the operands of the `and`s since the last `or`
        start = 0
        for index, item in enumerate(children):
            if type(item) is Token and item.type in _BOOLEAN:
                values.append(self._negated(children[start:index]))
                if item.type == "OR":
                    alternatives.append(self._bool("and", values))
                    values = []
                start = index + 1
        values.append(self._negated(children[start:]))
        alternatives.append(self._bool("and", values))
        return self._bool("or", alternatives)

    def _negated(self, items: list):
        """The operand of a BoolOp: the `not`s that start it, applied to its comparisons."""
        count = 0
        while type(items[count]) is Token:  # only a prefix `not` can come before an operand
            count += 1
        value = self._compared(items[count:])
        for op in reversed(items[:count]):
            value = self.unary_op((op, value))
        return value

    def _compared(self, children: list):
        # Comparisons, looser than the binary operators, split the row into the operands
        # of one Compare.
        segments: list = []  # (the comparison before it or None, its items)
        comparison = None
        items = [children[0]]
        index = 1
        while index < len(children):
            op = children[index]
            kind = op.type
            if kind in _COMPARISONS:
                words = [op.value]
                if kind in ("NOT", "IS") and type(children[index + 1]) is Token:
                    index += 1
                    words.append(children[index].value)  # not in, is not
                segments.append((comparison, items))
                comparison = " ".join(words)
                items = [children[index + 1]]
            else:
                items += (op, children[index + 1])
            index += 2
        segments.append((comparison, items))
        operands = [self._arranged(items) for _, items in segments]
        if len(operands) == 1:
            return operands[0]
        loc = joined(operands[0]._loc, operands[-1]._loc)
        ops = [comparison for comparison, _ in segments[1:]]
        return self._node(ast.Compare, loc, operands[0], ops, operands[1:])

    def _arranged(self, items: list):
        """One BinOp tree from ``[operand, op, operand, ...]`` by precedence, left to right."""
        if len(items) == 1:
            return items[0]
        operands = [items[0]]
        operators: list = []
        for index in range(1, len(items), 2):
            op = items[index]
            precedence = _PRECEDENCE[op.value]
            while operators and _PRECEDENCE[operators[-1].value] >= precedence:
                right = operands.pop()
                operands[-1] = self._binary(operands[-1], operators.pop(), right)
            operators.append(op)
            operands.append(items[index + 1])
        while operators:
            right = operands.pop()
            operands[-1] = self._binary(operands[-1], operators.pop(), right)
        return operands[0]

    def _bool(self, op: str, values: list):
        if len(values) == 1:
            return values[0]
        return self._node(ast.BoolOp, joined(values[0]._loc, values[-1]._loc), op, values)

    def unary_op(self, children):
        op, operand = children
        return self._node(ast.UnaryOp, joined(token_loc(op), operand._loc), op.value, operand)

    def if_exp(self, children):
        body, _if, test, _else, orelse = children
        return self._node(ast.IfExp, joined(body._loc, orelse._loc), test, body, orelse)

    def named_expr(self, children):
        target, value = children
        check_named_target(target)
        return self._node(ast.NamedExpr, joined(target._loc, value._loc), target, value)

    def lambdef(self, children):
        keyword, *parameters, body = children
        args = parameters[0] if parameters else ast.arguments(_loc=None)
        return self._node(ast.Lambda, joined(token_loc(keyword), body._loc), args, body)


def _merge_texts(parts: list) -> list:
    """Join neighbouring texts into one ``Constant``, as Python does in a ``JoinedStr``."""
    merged: list = []
    for part in parts:
        if type(part) is _Constant and merged and type(merged[-1]) is _Constant:
            previous = merged[-1]
            merged[-1] = _Constant(
                previous.value + part.value, None, joined(previous._loc, part._loc)
            )
        else:
            merged.append(part)
    return merged
