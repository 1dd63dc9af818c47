"""Statements compiled to closures: ``f(env) -> None | BREAK | CONTINUE | RETURN``.

Loops count steps against ``--max-steps`` (and look at the ``--timeout`` clock); ``try``
catches gradcalc errors by their Python type, except the bounds (``LimitError``), which no
``except`` clause can swallow. In notebook mode an expression statement outside functions
echoes its value, as Python's interactive interpreter does, also inside a top-level loop.
"""

from __future__ import annotations

import gradcalc.interpreter.pyerrors as pyerrors
from gradcalc.errors import ArgumentError, GradcalcError, GradcalcSyntaxError, RaisedError
from gradcalc.interpreter.compile_expr import INPLACE, NATIVE, ExprCompiler, guarded
from gradcalc.interpreter.functions import BREAK, CONTINUE, RETURN
from gradcalc.interpreter.runtime import EXCEPTION_STEPS, Env
from gradcalc.interpreter.scope import class_scope, function_scope
from gradcalc.interpreter.text import show
from gradcalc.interpreter.unpacking import iterate


def statement(fn, node):
    """``fn(env)`` with ``node``'s span on its errors (the statement and, if unset, the
    place). The span is made when an error needs it: most statements never fail."""

    def run(env):
        try:
            return fn(env)
        except GradcalcError as error:
            if error.span is None:
                error.span = node.span
            if error.last_span is None:
                error.last_span = node.span
            raise
        except NATIVE as error:
            raise pyerrors.from_native(error, node.span) from None

    return run


def _all_names(targets: list) -> bool:
    return all(type(target).__name__ == "Name" for target in targets)


def block(statements: list):
    if len(statements) == 1:
        return statements[0]

    def run(env):
        for s in statements:
            signal = s(env)
            if signal:
                return signal
        return None

    return run


class StmtCompiler(ExprCompiler):
    def __init__(
        self, builtins: dict, calculator: bool, echo: bool, *, source: str = "", record=False
    ) -> None:
        super().__init__(builtins, calculator, source=source, record=record)
        self.echo = echo  # notebook mode: echo expression statements outside functions
        self.top_level = True  # compiling a top-level statement itself (calculator leaves)

    def program_statement(self, node):
        """A top-level statement of the program."""
        self.top_level = True
        return self.stmt(node, None)

    def body(self, statements, scope):
        top = self.top_level
        self.top_level = False
        try:
            return block([self.stmt(s, scope) for s in statements]) if statements else _nothing
        finally:
            self.top_level = top

    def stmt(self, node, scope):
        kind = type(node).__name__
        method = getattr(self, "s_" + kind, None)
        if method is None:
            raise GradcalcSyntaxError(f"{kind} statements are not supported", span=node.span)
        return statement(method(node, scope), node)

    # ---- simple statements -------------------------------------------------------------

    def s_Expr(self, node, scope):
        value = self.expr(node.value, scope)
        if not (self.echo and scope is None):
            if scope is None:

                def evaluate(env):
                    env.rt.last_value = value(env)

                return evaluate

            def discard(env):
                value(env)

            return discard
        span = node.span

        def echo(env):
            v = value(env)
            if v is not None:
                env.rt.emit("value", show(v), span)
            env.rt.last_value = v

        return echo

    def s_Assign(self, node, scope):
        value = self.expr(node.value, scope)
        if self.calculator and self.top_level and scope is None:
            value = self._calculator_leaves(node, value)
        # where an unpacking error points; a name's store needs no span of the value
        value_span = None if _all_names(node.targets) else node.value.span
        stores = [self.store_target(t, scope, value_span) for t in node.targets]
        if len(stores) == 1:
            (store,) = stores

            def assign(env):
                store(env, value(env))

            return assign

        def assign_many(env):
            v = value(env)
            for store in stores:
                store(env, v)

        return assign_many

    def _calculator_leaves(self, node, value):
        """``x = [1., 2.]`` binds a leaf; so does each name of ``a, b = 1.0, [2., 3.]``."""
        from gradcalc.interpreter.calculator import leaf_rule

        made = leaf_rule(node.value, value)
        if made is not None:
            return guarded(made, node.value.span)
        target, v = node.targets[-1], node.value
        if not (
            type(target).__name__ in ("Tuple", "List")
            and type(v).__name__ == "Tuple"
            and len(target.elts) == len(v.elts)
            and not any(type(e).__name__ == "Starred" for e in (*target.elts, *v.elts))
        ):
            return value
        parts = []
        for element in v.elts:
            part = self.expr(element, None)
            made = leaf_rule(element, part)
            parts.append(part if made is None else guarded(made, element.span))
        return lambda env: tuple([part(env) for part in parts])

    def s_AnnAssign(self, node, scope):
        if node.value is None:
            return _nothing
        value = self.expr(node.value, scope)
        store = self.store_target(node.target, scope)
        return lambda env: store(env, value(env))

    def s_AugAssign(self, node, scope):
        op = INPLACE[node.op]
        value = self.operand(node.value, scope)  # w -= [1., 2.]: tensor data in the calculator
        target = node.target
        kind = type(target).__name__
        if kind == "Name":
            load = self.load_name(target.id, scope, target.span)
            store = self.store_name(target.id, scope, target.span)
            return lambda env: store(env, op(load(env), value(env)))
        if kind == "Attribute":
            from gradcalc.interpreter.attributes import get_attribute, set_attribute

            obj = self.expr(target.value, scope)
            name = target.attr

            def aug_attribute(env):
                o = obj(env)
                set_attribute(o, name, op(get_attribute(o, name), value(env)))

            return aug_attribute
        if kind == "Subscript":
            obj = self.expr(target.value, scope)
            index = self.expr(target.slice, scope)

            def aug_item(env):
                o = obj(env)
                i = index(env)
                o[i] = op(o[i], value(env))

            return aug_item
        raise GradcalcSyntaxError("illegal expression for augmented assignment", span=node.span)

    def s_Pass(self, node, scope):
        return _nothing

    def s_Break(self, node, scope):
        return lambda env: BREAK

    def s_Continue(self, node, scope):
        return lambda env: CONTINUE

    def s_Return(self, node, scope):
        if scope is None or scope.kind == "class":
            raise GradcalcSyntaxError("'return' outside function", span=node.span)
        if node.value is None:

            def return_none(env):
                env.result = None
                return RETURN

            return return_none
        value = self.expr(node.value, scope)

        def return_value(env):
            env.result = value(env)
            return RETURN

        return return_value

    def s_Global(self, node, scope):
        return _nothing

    s_Nonlocal = s_Global

    def s_Delete(self, node, scope):
        deletes = [self._delete(t, scope) for t in node.targets]

        def delete(env):
            for d in deletes:
                d(env)

        return delete

    def _delete(self, target, scope):
        kind = type(target).__name__
        if kind == "Name":
            name = target.id
            local = scope is not None and name not in scope.declared_global
            span = target.span

            def delete_name(env):
                table = env.vars if local else env.globals
                if name not in table:
                    from gradcalc.interpreter.suggest import name_error

                    raise name_error(name, env, span)
                del table[name]

            return delete_name
        if kind == "Subscript":
            obj = self.expr(target.value, scope)
            index = self.expr(target.slice, scope)

            def delete_item(env):
                o = obj(env)
                if not isinstance(o, list | dict):
                    raise ArgumentError(
                        f"'{type(o).__name__}' object doesn't support item deletion"
                    )
                del o[index(env)]

            return guarded(delete_item, target.span)
        if kind in ("Tuple", "List"):
            parts = [self._delete(e, scope) for e in target.elts]

            def delete_all(env):
                for p in parts:
                    p(env)

            return delete_all
        raise GradcalcSyntaxError(f"cannot delete {kind.lower()}", span=target.span)

    def s_Assert(self, node, scope):
        test = self.expr(node.test, scope)
        message = self.expr(node.msg, scope) if node.msg is not None else None

        def check(env):
            if not test(env):
                text = "" if message is None else str(message(env))
                raise RaisedError("AssertionError", text)

        return check

    def s_Raise(self, node, scope):
        if node.exc is None:
            return _reraise
        exc = self.expr(node.exc, scope)

        def do_raise(env):
            raise pyerrors.to_error(exc(env))

        return do_raise

    def s_Invalid(self, node, scope):
        error = node.error

        def invalid(env):
            raise error

        return invalid

    def s_Import(self, node, scope):
        from gradcalc.interpreter.modules import import_module

        bindings = []
        for alias in node.names:
            if alias.asname:
                bindings.append((alias.asname, alias.name, True))
            else:
                bindings.append((alias.name.split(".")[0], alias.name, False))
        stores = [self.store_name(bound, scope, node.span) for bound, _, _ in bindings]

        def do_import(env):
            for (_bound, dotted, full), store in zip(bindings, stores):
                module = import_module(env.rt, dotted)
                store(env, module if full else import_module(env.rt, dotted.split(".")[0]))

        return do_import

    def s_ImportFrom(self, node, scope):
        from gradcalc.interpreter.modules import import_from

        names = [(a.name, a.asname or a.name) for a in node.names]
        stores = [self.store_name(bound, scope, node.span) for _, bound in names]
        module = node.module or ""

        def do_import(env):
            for (name, _), store in zip(names, stores):
                store(env, import_from(env.rt, module, name))

        return do_import

    # ---- compound statements -----------------------------------------------------------

    def s_If(self, node, scope):
        test = self.expr(node.test, scope)
        body = self.body(node.body, scope)
        orelse = self.body(node.orelse, scope) if node.orelse else None

        def if_(env):
            if test(env):
                return body(env)
            if orelse is not None:
                return orelse(env)
            return None

        return if_

    def s_For(self, node, scope):
        iterable = self.expr(node.iter, scope)
        store = self.store_target(node.target, scope, node.iter.span)
        body = self.body(node.body, scope)
        orelse = self.body(node.orelse, scope) if node.orelse else None
        span = node.iter.span

        def for_(env):
            step = env.rt.step
            items = iterable(env)
            try:
                iterator = iterate(items)
            except GradcalcError as error:
                raise error.at(span) from None
            except TypeError:
                from gradcalc.interpreter.text import type_name

                raise ArgumentError(
                    f"'{type_name(items)}' object is not iterable", span=span
                ) from None
            for item in iterator:
                step()
                store(env, item)
                signal = body(env)
                if signal:
                    if signal == BREAK:
                        return None
                    if signal == RETURN:
                        return signal
            if orelse is not None:
                return orelse(env)
            return None

        return for_

    def s_While(self, node, scope):
        test = self.expr(node.test, scope)
        body = self.body(node.body, scope)
        orelse = self.body(node.orelse, scope) if node.orelse else None

        def while_(env):
            step = env.rt.step
            while test(env):
                step()
                signal = body(env)
                if signal:
                    if signal == BREAK:
                        return None
                    if signal == RETURN:
                        return signal
            if orelse is not None:
                return orelse(env)
            return None

        return while_

    def s_With(self, node, scope):
        managers = [
            (
                self.expr(item.context_expr, scope),
                None
                if item.optional_vars is None
                else self.store_target(item.optional_vars, scope),
            )
            for item in node.items
        ]
        body = self.body(node.body, scope)
        spans = [item.context_expr.span for item in node.items]

        def with_(env, index=0):
            if index == len(managers):
                return body(env)
            manager_expr, store = managers[index]
            manager = manager_expr(env)
            enter = getattr(manager, "__enter__", None)
            exit_ = getattr(manager, "__exit__", None)
            if enter is None or exit_ is None or not getattr(manager, "context_manager", False):
                from gradcalc.interpreter.text import type_name

                raise ArgumentError(
                    f"'{type_name(manager)}' object does not support the context manager protocol",
                    span=spans[index],
                )
            value = enter()
            try:
                if store is not None:
                    store(env, value)
                return with_(env, index + 1)
            finally:
                exit_(None, None, None)

        return with_

    def s_Try(self, node, scope):
        body = self.body(node.body, scope)
        handlers = []
        for handler in node.handlers:
            wanted = None if handler.type is None else self.expr(handler.type, scope)
            store = None if not handler.name else self.store_name(handler.name, scope, handler.span)
            handlers.append((wanted, store, self.body(handler.body, scope), handler.name, scope))
        orelse = self.body(node.orelse, scope) if node.orelse else None
        final = self.body(node.finalbody, scope) if node.finalbody else None

        def try_(env):
            try:
                try:
                    signal = body(env)
                except GradcalcError as error:
                    if error.category in ("limit", "internal"):
                        raise
                    env.rt.step(EXCEPTION_STEPS)
                    for wanted, store, handler_body, name, _ in handlers:
                        if wanted is not None and not pyerrors.matches(error, wanted(env)):
                            continue
                        # a bare `raise` in the handler puts back where it came from
                        error.handled_chain = (error.frames, error.last_span)
                        error.frames = []
                        error.last_span = None
                        if store is not None:
                            store(env, pyerrors.exception_of(error))
                        _HANDLED.append(error)
                        try:
                            return handler_body(env)
                        finally:
                            _HANDLED.pop()
                            if name is not None:
                                _unbind(env, name, scope)
                    raise
                if signal:
                    return signal
                if orelse is not None:
                    return orelse(env)
                return None
            finally:
                if final is not None:
                    signal = final(env)
                    if signal:
                        return signal  # noqa: B012 - Python's semantics: finally wins

        return try_

    def s_FunctionDef(self, node, scope):
        inner = function_scope(node, scope)
        top = self.top_level
        self.top_level = False
        try:
            body = block([self.stmt(s, inner) for s in node.body]) if node.body else _nothing
        finally:
            self.top_level = top
        qualname = _qualname(node.name, scope)
        make = self.function_maker(node, scope, node.name, body, False, qualname)
        decorators = [self.expr(d, scope) for d in node.decorator_list]
        store = self.store_name(node.name, scope, node.span)

        def define(env):
            function = make(env)
            for decorator in reversed(decorators):
                function = decorator(env)(function)
            store(env, function)

        return define

    def s_ClassDef(self, node, scope):
        from gradcalc.interpreter.custom import make_class

        inner = class_scope(node, scope)
        top = self.top_level
        self.top_level = False
        try:
            body = block([self.stmt(s, inner) for s in node.body]) if node.body else _nothing
        finally:
            self.top_level = top
        bases = [self.expr(b, scope) for b in node.bases]
        decorators = [self.expr(d, scope) for d in node.decorator_list]
        store = self.store_name(node.name, scope, node.span)
        name = node.name
        span = node.header_span or node.span

        def define(env):
            namespace: dict = {}
            body(Env(namespace, env, env.globals, env.rt))
            cls = make_class(name, [b(env) for b in bases], namespace, span)
            for decorator in reversed(decorators):
                cls = decorator(env)(cls)
            store(env, cls)

        return define


_HANDLED: list = []  # errors being handled by an except clause, innermost last


def _reraise(env):
    if not _HANDLED:
        raise RaisedError("RuntimeError", "No active exception to reraise")
    error = _HANDLED[-1]
    error.frames, error.last_span = error.__dict__.pop("handled_chain", ([], None))
    raise error


def _unbind(env, name: str, scope) -> None:
    table = env.globals if scope is None else env.vars
    table.pop(name, None)


def _nothing(env):
    return None


def _qualname(name: str, scope) -> str:
    return name
