"""What Python's compiler checks that the grammar does not: assignment targets, the order of
parameters and of call arguments. Each failure is a ``GradcalcSyntaxError`` with Python's
message. Also the position helpers the tree builders share.
"""

from __future__ import annotations

import gradcalc.grammar.ast as ast
from gradcalc.errors import GradcalcSyntaxError, Span


def token_loc(token) -> tuple:
    """A lark token's position as a node's ``_loc`` tuple."""
    return (
        token.line,
        token.column,
        token.end_line,
        token.end_column,
        token.start_pos,
        token.end_pos,
    )


def joined(first: tuple, last: tuple) -> tuple:
    """The position from the start of ``first`` to the end of ``last``."""
    return (first[0], first[1], last[2], last[3], first[4], last[5])


def syntax_error(message: str, loc: tuple, hint: str | None = None) -> GradcalcSyntaxError:
    return GradcalcSyntaxError(message, span=Span(*loc), hint=hint)


# ---- assignment targets --------------------------------------------------------------------

_NAMES = {
    ast.Attribute: "attribute",
    ast.Subscript: "subscript",
    ast.Starred: "starred",
    ast.Name: "name",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Lambda: "lambda",
    ast.Call: "function call",
    ast.BoolOp: "expression",
    ast.BinOp: "expression",
    ast.UnaryOp: "expression",
    ast.GeneratorExp: "generator expression",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.Dict: "dict literal",
    ast.Set: "set display",
    ast.JoinedStr: "f-string expression",
    ast.FormattedValue: "f-string expression",
    ast.Compare: "comparison",
    ast.IfExp: "conditional expression",
    ast.NamedExpr: "named expression",
}


def expression_name(node: ast.expr) -> str:
    """What Python's messages call an expression: "function call", "literal", ..."""
    if type(node) is ast.Constant:
        value = node.value
        if value is None or value is True or value is False:
            return str(value)
        return "ellipsis" if value is Ellipsis else "literal"
    return _NAMES.get(type(node), "expression")


_COMPARE_HINT = "to compare two values use '=='"


def check_target(node: ast.expr, action: str) -> None:
    """Refuse what cannot be assigned to (``action`` "assign", "for", "with",
    "comprehension") or deleted ("del"): Python's messages, at the offending part."""
    deleting = action == "del"
    pending = [(node, True)]
    while pending:
        target, top = pending.pop()
        kind = type(target)
        if kind is ast.Name or kind is ast.Attribute or kind is ast.Subscript:
            continue
        if kind is ast.Tuple or kind is ast.List:
            starred = [elt for elt in target.elts if type(elt) is ast.Starred]
            if len(starred) > 1 and not deleting:
                raise syntax_error("multiple starred expressions in assignment", starred[1]._loc)
            pending.extend((elt, False) for elt in reversed(target.elts))
            continue
        if kind is ast.Starred and not deleting:
            if top:
                raise syntax_error(
                    "starred assignment target must be in a list or tuple",
                    target._loc,
                    "add a comma to make it a tuple: *rest, = values",
                )
            pending.append((target.value, False))
            continue
        what = expression_name(target)
        if deleting:
            raise syntax_error(f"cannot delete {what}", target._loc)
        hint = (
            _COMPARE_HINT if action == "assign" and what not in ("True", "False", "None") else None
        )
        raise syntax_error(f"cannot assign to {what}", target._loc, hint)


def check_single_target(node: ast.expr, action: str) -> None:
    """The target of ``x += 1`` ("augmented") or ``x: int`` ("annotated"): a name, an
    attribute or a subscript."""
    kind = type(node)
    if kind is ast.Name or kind is ast.Attribute or kind is ast.Subscript:
        return
    what = expression_name(node)
    if action == "annotated":
        if kind is ast.Tuple or kind is ast.List:
            raise syntax_error(f"only single target (not {what}) can be annotated", node._loc)
        raise syntax_error("illegal target for annotation", node._loc)
    raise syntax_error(f"'{what}' is an illegal expression for augmented assignment", node._loc)


def check_named_target(node: ast.expr) -> None:
    if type(node) is not ast.Name:
        raise syntax_error(
            f"cannot use assignment expressions with {expression_name(node)}", node._loc
        )


# ---- parameters and arguments --------------------------------------------------------------


def parameter_list(items: list, loc: tuple | None) -> ast.arguments:
    """The ``arguments`` of a ``def`` or ``lambda`` from its parameters in order: tuples
    ``("name", arg, default or None)``, ``("*", arg or None, token)``, ``("**", arg)`` and
    ``"/"`` tokens. Checks their order as Python's compiler does."""
    positional: list[ast.arg] = []
    defaults: list = []
    posonly_count = 0
    vararg = kwarg = None
    star_token = None
    kwonly: list[ast.arg] = []
    kw_defaults: list = []
    seen: set[str] = set()
    for item in items:
        if type(item) is not tuple:  # the '/' token
            position = token_loc(item)
            if posonly_count:
                raise syntax_error("/ may appear only once", position)
            if star_token is not None:
                raise syntax_error("/ must be ahead of *", position)
            if not positional:
                raise syntax_error("at least one argument must precede /", position)
            posonly_count = len(positional)
            continue
        if kwarg is not None:
            raise syntax_error("arguments cannot follow var-keyword argument", item[1]._loc)
        kind, parameter = item[0], item[1]
        if parameter is not None:
            if parameter.arg in seen:
                raise syntax_error(
                    f"duplicate argument '{parameter.arg}' in function definition",
                    parameter._loc,
                )
            seen.add(parameter.arg)
        if kind == "name":
            default = item[2]
            if star_token is not None:
                kwonly.append(parameter)
                kw_defaults.append(default)
            elif default is not None:
                positional.append(parameter)
                defaults.append(default)
            elif defaults:
                raise syntax_error("non-default argument follows default argument", parameter._loc)
            else:
                positional.append(parameter)
        elif kind == "*":
            if star_token is not None:
                raise syntax_error("* argument may appear only once", token_loc(item[2]))
            star_token = item[2]
            vararg = parameter
        else:
            if star_token is not None and vararg is None and not kwonly:
                raise syntax_error("named arguments must follow bare *", token_loc(star_token))
            kwarg = parameter
    if star_token is not None and vararg is None and not kwonly and kwarg is None:
        raise syntax_error("named arguments must follow bare *", token_loc(star_token))
    return ast.arguments(
        positional[:posonly_count],
        positional[posonly_count:],
        vararg,
        kwonly,
        kw_defaults,
        kwarg,
        defaults,
        loc,
        _depth_of_parameters(positional, vararg, kwonly, kwarg, defaults, kw_defaults),
    )


def _depth_of_parameters(positional, vararg, kwonly, kwarg, defaults, kw_defaults) -> int:
    deepest = 0
    for group in (positional, kwonly, defaults, kw_defaults, (vararg, kwarg)):
        for node in group:
            if node is not None and node._depth > deepest:
                deepest = node._depth
    return deepest + 1


def call_arguments(items: list) -> tuple[list, list]:
    """(args, keywords) of a call or a class's bases, checked for Python's order: no
    positional argument after a keyword or ``**``, no ``*x`` after ``**``, no keyword twice."""
    args: list = []
    keywords: list[ast.keyword] = []
    names: set[str] = set()
    unpacking = False  # a **mapping came before
    for item in items:
        if type(item) is ast.keyword:
            if item.arg is None:
                unpacking = True
            elif item.arg in names:
                raise syntax_error(f"keyword argument repeated: {item.arg}", item._loc)
            else:
                names.add(item.arg)
            keywords.append(item)
            continue
        if type(item) is ast.Starred:
            if unpacking:
                raise syntax_error(
                    "iterable argument unpacking follows keyword argument unpacking", item._loc
                )
        elif unpacking:
            raise syntax_error("positional argument follows keyword argument unpacking", item._loc)
        elif keywords:
            raise syntax_error(
                "positional argument follows keyword argument",
                item._loc,
                "put the positional arguments first, as in f(x, dim=0)",
            )
        args.append(item)
    return args, keywords
