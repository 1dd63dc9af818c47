"""Which names a function, lambda or comprehension binds: Python's scoping rules, statically.

A name assigned anywhere in a function body (and not declared ``global`` or ``nonlocal``)
is local to it for the whole body, as in Python; a name used but not bound is found in
the enclosing functions' scopes, then the program's globals, then the builtins. Nested
function bodies are not entered (only the name they bind).
"""

from __future__ import annotations

from gradcalc.errors import GradcalcSyntaxError


class Scope:
    """The names one function (or lambda, or comprehension) binds and declares."""

    __slots__ = ("declared_global", "declared_nonlocal", "kind", "locals", "parent")

    def __init__(self, kind: str, parent: Scope | None) -> None:
        self.kind = kind  # "function" | "lambda" | "comprehension" | "class"
        self.parent = parent
        self.locals: set[str] = set()
        self.declared_global: set[str] = set()
        self.declared_nonlocal: set[str] = set()

    def depth_of(self, name: str) -> int | None:
        """How many function scopes out ``name`` is local (0: here); None: global."""
        depth = 0
        scope: Scope | None = self
        while scope is not None:
            if scope.kind == "class" and depth:
                scope = scope.parent
                continue
            if name in scope.declared_global:
                return None
            if name in scope.locals and name not in scope.declared_nonlocal:
                return depth
            if scope.kind != "class":
                depth += 1
            scope = scope.parent
        return None


def function_scope(node, parent: Scope | None, kind: str = "function") -> Scope:
    """The scope of a ``FunctionDef``/``Lambda``: its parameters and what its body binds."""
    scope = Scope(kind, parent)
    args = node.args
    for a in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        scope.locals.add(a.arg)
    if args.vararg is not None:
        scope.locals.add(args.vararg.arg)
    if args.kwarg is not None:
        scope.locals.add(args.kwarg.arg)
    if isinstance(node.body, list):
        for statement in node.body:
            _collect(statement, scope)
    else:  # a lambda: one expression, which binds only with :=
        _collect_walrus(node.body, scope)
    for name in scope.declared_nonlocal:
        if parent is None or parent.depth_of(name) is None:
            raise GradcalcSyntaxError(f"no binding for nonlocal '{name}' found", span=node.span)
    scope.locals -= scope.declared_global
    return scope


def comprehension_scope(node, parent: Scope | None) -> Scope:
    scope = Scope("comprehension", parent)
    for generator in node.generators:
        _bind_target(generator.target, scope)
    return scope


def class_scope(node, parent: Scope | None) -> Scope:
    scope = Scope("class", parent)
    for statement in node.body:
        _collect(statement, scope)
    return scope


def _bind_target(target, scope: Scope) -> None:
    kind = type(target).__name__
    if kind == "Name":
        scope.locals.add(target.id)
    elif kind in ("Tuple", "List"):
        for element in target.elts:
            _bind_target(element, scope)
    elif kind == "Starred":
        _bind_target(target.value, scope)


def _collect(node, scope: Scope) -> None:
    """Names ``node`` binds in ``scope`` (not entering nested functions or classes)."""
    kind = type(node).__name__
    if kind in ("FunctionDef", "ClassDef"):
        scope.locals.add(node.name)
        return
    if kind == "Global":
        scope.declared_global.update(node.names)
        return
    if kind == "Nonlocal":
        scope.declared_nonlocal.update(node.names)
        return
    if kind == "Assign":
        for target in node.targets:
            _bind_target(target, scope)
    elif kind in ("AugAssign", "AnnAssign"):
        _bind_target(node.target, scope)
    elif kind == "For":
        _bind_target(node.target, scope)
    elif kind == "With":
        for item in node.items:
            if item.optional_vars is not None:
                _bind_target(item.optional_vars, scope)
    elif kind == "Import" or kind == "ImportFrom":
        for alias in node.names:
            scope.locals.add((alias.asname or alias.name).split(".")[0])
    elif kind == "Delete":
        for target in node.targets:
            _bind_target(target, scope)
    elif kind == "ExceptHandler":
        if node.name:
            scope.locals.add(node.name)
    _collect_walrus(node, scope)
    for field in ("body", "orelse", "finalbody", "handlers"):
        for child in getattr(node, field, None) or ():
            _collect(child, scope)


def _collect_walrus(node, scope: Scope) -> None:
    """``(y := ...)`` binds ``y`` in the enclosing function, even inside a comprehension."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current).__name__
        if kind == "NamedExpr":
            _bind_target(current.target, scope)
        if kind in ("FunctionDef", "ClassDef", "Lambda") and current is not node:
            continue
        for field in getattr(current, "_fields", ()):
            if field in ("body", "orelse", "finalbody", "handlers") and kind not in (
                "IfExp",
                "Lambda",
            ):
                continue
            value = getattr(current, field, None)
            if isinstance(value, list):
                stack.extend(v for v in value if hasattr(v, "_fields"))
            elif hasattr(value, "_fields"):
                stack.append(value)
