"""The statement rules of ``gradcalc.lark``: one method per rule or alias, building ``ast``
statement nodes (and parameter lists) while lark parses. See ``build_expressions``.

A statement's span runs from its first token to the end of its last child (for a compound
statement, the end of its last block); a compound statement's ``header_span`` from its
keyword to the ``:`` of its header line.
"""

from __future__ import annotations

from lark import Token

import gradcalc.grammar.ast as ast
from gradcalc.grammar.checks import (
    check_single_target,
    check_target,
    joined,
    parameter_list,
    token_loc,
)


def _end(children) -> tuple:
    """The position of the last child: a token, a node or a block (a list of statements)."""
    last = children[-1]
    while type(last) is list:  # a clause ends with its block
        last = last[-1]
    return token_loc(last) if type(last) is Token else last._loc


class StatementRules:
    """Mixed into ``builder.SyntaxTreeBuilder`` with ``ExpressionRules`` (``_node``)."""

    # ---- simple statements ---------------------------------------------------------------

    def expr_stmt(self, children):
        (value,) = children
        return ast.Expr(value, value._loc, value._depth + 1)

    def assign(self, children):
        *targets, value = children
        for target in targets:
            check_target(target, "assign")
        return self._node(ast.Assign, joined(targets[0]._loc, value._loc), targets, value)

    def aug_assign(self, children):
        target, op, value = children
        check_single_target(target, "augmented")
        node = self._node(
            ast.AugAssign, joined(target._loc, value._loc), target, op.value[:-1], value
        )
        node._op_loc = token_loc(op)
        return node

    def ann_assign(self, children):
        target, annotation, *value = children
        check_single_target(target, "annotated")
        value = value[0] if value else None
        # ``simple`` is 1 for a name not in parentheses, as in Python.
        simple = int(type(target) is ast.Name and target._loc[5] - target._loc[4] == len(target.id))
        loc = joined(target._loc, (value or annotation)._loc)
        return self._node(ast.AnnAssign, loc, target, annotation, value, simple)

    def del_stmt(self, children):
        keyword, target = children
        check_target(target, "del")
        # ``del a, b`` deletes two targets; ``del (a, b)`` one tuple of them, as in Python.
        bare = (
            type(target) is ast.Tuple
            and target.elts
            and target._loc == joined(target.elts[0]._loc, target.elts[-1]._loc)
        )
        targets = target.elts if bare else [target]
        return self._node(ast.Delete, joined(token_loc(keyword), target._loc), targets)

    def pass_stmt(self, children):
        return ast.Pass(token_loc(children[0]))

    def break_stmt(self, children):
        return ast.Break(token_loc(children[0]))

    def continue_stmt(self, children):
        return ast.Continue(token_loc(children[0]))

    def return_stmt(self, children):
        keyword, *value = children
        loc = joined(token_loc(keyword), _end(children))
        return self._node(ast.Return, loc, value[0] if value else None)

    def raise_stmt(self, children):
        parts = [child for child in children[1:] if type(child) is not Token]
        exc = parts[0] if parts else None
        cause = parts[1] if len(parts) > 1 else None
        return self._node(ast.Raise, joined(token_loc(children[0]), _end(children)), exc, cause)

    def global_stmt(self, children):
        loc = joined(token_loc(children[0]), _end(children))
        return ast.Global([name.value for name in children[1:]], loc)

    def nonlocal_stmt(self, children):
        loc = joined(token_loc(children[0]), _end(children))
        return ast.Nonlocal([name.value for name in children[1:]], loc)

    def assert_stmt(self, children):
        keyword, test, *message = children
        loc = joined(token_loc(keyword), _end(children))
        return self._node(ast.Assert, loc, test, message[0] if message else None)

    # ---- imports -------------------------------------------------------------------------

    def dotted_name(self, names):
        return ".".join(name.value for name in names), joined(
            token_loc(names[0]), token_loc(names[-1])
        )

    def dotted_as_name(self, children):
        (name, loc), *rest = children
        if rest:
            return ast.alias(name, rest[1].value, joined(loc, token_loc(rest[1])))
        return ast.alias(name, None, loc)

    def import_as_name(self, children):
        name = children[0]
        if len(children) > 1:
            alias = children[2]
            return ast.alias(name.value, alias.value, joined(token_loc(name), token_loc(alias)))
        return ast.alias(name.value, None, token_loc(name))

    def import_name(self, children):
        keyword, *names = children
        return ast.Import(names, joined(token_loc(keyword), names[-1]._loc))

    def import_from(self, children):
        keyword = children[0]
        level = 0
        module = None
        names: list[ast.alias] = []
        for child in children[1:]:
            if type(child) is tuple:
                module = child[0]
            elif type(child) is ast.alias:
                names.append(child)
            elif child.type == "DOT":
                level += 1
            elif child.type == "ELLIPSIS":
                level += 3
            elif child.type == "STAR":
                names.append(ast.alias("*", None, token_loc(child)))
        return ast.ImportFrom(module, names, level, joined(token_loc(keyword), _end(children)))

    # ---- compound statements -------------------------------------------------------------

    def suite(self, statements):
        return statements

    def elif_clause(self, children):
        return children

    def else_clause(self, children):
        return children

    def finally_clause(self, children):
        return children

    def _compound(self, cls, children, header_end, *fields):
        """``cls(*fields)`` spanning ``children``, its header up to ``children[header_end]``."""
        node = self._node(cls, joined(token_loc(children[0]), _end(children)), *fields)
        node._header_loc = joined(token_loc(children[0]), token_loc(children[header_end]))
        return node

    def if_stmt(self, children):
        keyword, test, colon, body, *clauses = children
        orelse: list = []
        if clauses and clauses[-1][0].type == "ELSE":
            orelse = clauses.pop()[2]
        # ``elif`` is an If alone in the orelse of the one before, built from the last.
        for clause in reversed(clauses):
            clause_keyword, clause_test, clause_colon, clause_body = clause
            parts = [clause_keyword, clause_test, clause_colon, clause_body, orelse or None]
            node = self._compound(
                ast.If, [p for p in parts if p is not None], 2, clause_test, clause_body, orelse
            )
            orelse = [node]
        parts = [keyword, test, colon, body, orelse or None]
        return self._compound(ast.If, [p for p in parts if p is not None], 2, test, body, orelse)

    def while_stmt(self, children):
        keyword, test, colon, body, *clauses = children
        orelse = clauses[0][2] if clauses else []
        return self._compound(ast.While, [keyword, colon, body, *clauses], 1, test, body, orelse)

    def for_stmt(self, children):
        keyword, target, _in, iterable, colon, body, *clauses = children
        check_target(target, "for")
        orelse = clauses[0][2] if clauses else []
        return self._compound(
            ast.For, [keyword, colon, body, *clauses], 1, target, iterable, body, orelse
        )

    def try_stmt(self, children):
        keyword, colon, body, *rest = children
        handlers = [child for child in rest if type(child) is ast.ExceptHandler]
        orelse = finalbody = []
        for clause in rest:
            if type(clause) is list:
                if clause[0].type == "ELSE":
                    orelse = clause[2]
                else:
                    finalbody = clause[2]
        return self._compound(ast.Try, children, 1, body, handlers, orelse, finalbody)

    def except_clause(self, children):
        keyword, *middle, colon, body = children
        parts = [child for child in middle if type(child) is not Token or child.type == "NAME"]
        exc_type = parts[0] if parts else None
        name = parts[1].value if len(parts) > 1 else None
        header_end = len(children) - 2
        return self._compound(ast.ExceptHandler, children, header_end, exc_type, name, body)

    def with_item(self, children):
        context, *rest = children
        target = rest[1] if rest else None
        if target is not None:
            check_target(target, "with")
        loc = joined(context._loc, (target or context)._loc)
        return self._node(ast.withitem, loc, context, target)

    def with_stmt(self, children):
        keyword, *items, colon, body = children
        return self._compound(ast.With, children, len(children) - 2, items, body)

    def funcdef(self, children):
        keyword, name, opening, *rest = children
        index = rest.index(next(c for c in rest if type(c) is Token and c.type == "RPAR"))
        args = rest[0] if index else ast.arguments(_loc=None)
        returns = rest[index + 1] if type(rest[index + 1]) is not Token else None
        body = rest[-1]
        header_end = len(children) - 2
        return self._compound(
            ast.FunctionDef, children, header_end, name.value, args, body, [], returns
        )

    def classdef(self, children):
        keyword, name, *rest = children
        bases: list = []
        keywords: list = []
        for child in rest:
            if type(child) is tuple:
                bases, keywords = child
        body = rest[-1]
        header_end = len(children) - 2
        return self._compound(
            ast.ClassDef, children, header_end, name.value, bases, keywords, body, []
        )

    def decorator(self, children):
        return children[1]

    def decorated(self, children):
        *decorators, definition = children
        definition.decorator_list = decorators
        deepest = max(node._depth for node in decorators) + 1
        if deepest > definition._depth:
            definition._depth = deepest
        return definition

    # ---- parameters ----------------------------------------------------------------------

    def parameters(self, items):
        first, last = items[0], items[-1]
        start = token_loc(first) if type(first) is Token else first[-1]
        end = token_loc(last) if type(last) is Token else last[-1]
        return parameter_list([item[:-1] if type(item) is tuple else item for item in items],
                              joined(start, end))  # fmt: skip

    lambda_parameters = parameters

    def _make_parameter(self, name, annotation, default, end):
        node = self._node(ast.arg, joined(token_loc(name), end), name.value, annotation)
        loc = joined(token_loc(name), default._loc if default is not None else end)
        return ("name", node, default, loc)

    def parameter(self, children):
        (name,) = children
        return self._make_parameter(name, None, None, token_loc(name))

    def parameter_annotated(self, children):
        name, annotation = children
        return self._make_parameter(name, annotation, None, annotation._loc)

    def parameter_default(self, children):
        name, default = children
        return self._make_parameter(name, None, default, token_loc(name))

    def parameter_annotated_default(self, children):
        name, annotation, default = children
        return self._make_parameter(name, annotation, default, annotation._loc)

    def star_parameter(self, children):
        star, *rest = children
        if not rest:
            return ("*", None, star, token_loc(star))
        name, *annotation = rest
        end = annotation[0]._loc if annotation else token_loc(name)
        node = self._node(ast.arg, joined(token_loc(name), end), name.value,
                          annotation[0] if annotation else None)  # fmt: skip
        return ("*", node, star, joined(token_loc(star), end))

    def kwargs_parameter(self, children):
        stars, name, *annotation = children
        end = annotation[0]._loc if annotation else token_loc(name)
        node = self._node(ast.arg, joined(token_loc(name), end), name.value,
                          annotation[0] if annotation else None)  # fmt: skip
        return ("**", node, joined(token_loc(stars), end))
