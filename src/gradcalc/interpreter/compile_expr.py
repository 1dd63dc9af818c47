"""Expressions compiled to Python closures: ``f(env) -> value``.

Each syntax-tree node becomes one closure, made once; running a program only calls them.
Names resolve by Python's scoping rules (``scope.py``), attributes through the sandbox's
allowlist (``attributes.py``), operators through Python's own operators on the values
(tensors implement them). A failing node attaches its span to the error; Python's own errors
from native operations (``1 / 0``) become gradcalc errors of the same type.
"""

from __future__ import annotations

import gradcalc.interpreter.attributes as attributes
import gradcalc.interpreter.pyerrors as pyerrors
import gradcalc.interpreter.text as text
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, GradcalcError, NameLookupError
from gradcalc.interpreter.calculator import literal_data, numeric_literal
from gradcalc.interpreter.comprehensions import ComprehensionCompiler
from gradcalc.interpreter.functions import Function, Parameters
from gradcalc.interpreter.observe import SourceLabel
from gradcalc.interpreter.operators import COMPARE, INPLACE, UNARY, bounded
from gradcalc.interpreter.pyerrors import guarded
from gradcalc.interpreter.scope import Scope, function_scope
from gradcalc.interpreter.suggest import name_error, why_none

_MISSING = object()
NATIVE = pyerrors.NATIVE

_LABELLED = frozenset({"UnaryOp", "Call", "Subscript", "Attribute", "List"})


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def dunder_error(name: str, span) -> NameLookupError:
    return NameLookupError(
        f"name '{name}' is not defined",
        hint="names that start and end with '__' are not part of gradcalc's language",
        span=span,
    )


class ExprCompiler(ComprehensionCompiler):
    """Compiles expressions; ``StmtCompiler`` (``compile_stmt.py``) adds statements."""

    def __init__(self, builtins: dict, calculator: bool, *, source: str = "", record=False):
        self.builtins = builtins  # names visible everywhere (Python's and the modules')
        self.calculator = calculator  # gradcalc's own language: number lists are tensors
        self.source = source
        self.record = record  # label the tensors expressions make, for the graph view

    def expr(self, node, scope: Scope | None):
        kind = type(node).__name__
        method = getattr(self, "e_" + kind, None)
        if method is None:
            from gradcalc.errors import GradcalcSyntaxError

            raise GradcalcSyntaxError(f"{kind} is not supported", span=node.span)
        compiled = method(node, scope)
        if self.record and kind in _LABELLED:
            return self._labelled(compiled, node)
        return compiled

    def _labelled(self, fn, node):
        """``fn`` that also labels the tensor it makes with ``node``'s source text."""
        operands = (
            [node.left, node.right] if type(node).__name__ == "BinOp" else getattr(node, "args", [])
        )
        label = SourceLabel(self.source, node, operands)

        def labelled(env):
            value = fn(env)
            if type(value) is Tensor:
                labels = env.rt.labels
                if labels is not None and (value.grad_fn is None or value.grad_fn not in labels):
                    env.rt.observer_label(value, *label.parts())
            return value

        return labelled

    # ---- atoms -------------------------------------------------------------------------

    def e_Constant(self, node, scope):
        value = node.value
        return lambda env: value

    def e_Name(self, node, scope):
        return self.load_name(node.id, scope, node.span)

    def load_name(self, name: str, scope: Scope | None, span):
        if is_dunder(name) and name != "__name__":
            error = dunder_error(name, span)

            def refuse(env):
                raise error

            return refuse
        depth = None if scope is None else scope.depth_of(name)
        builtins = self.builtins
        if depth is None:

            def load_global(env):
                value = env.globals.get(name, _MISSING)
                if value is _MISSING:
                    value = builtins.get(name, _MISSING)
                    if value is _MISSING:
                        raise name_error(name, env, span)
                return value

            return load_global
        if depth == 0:

            def load_local(env):
                try:
                    return env.vars[name]
                except KeyError:
                    raise NameLookupError(
                        f"cannot access local variable '{name}' where it is not associated "
                        "with a value",
                        kind="UnboundLocalError",
                        span=span,
                    ) from None

            return load_local

        def load_free(env):
            for _ in range(depth):
                env = env.parent
            try:
                return env.vars[name]
            except KeyError:
                raise NameLookupError(
                    f"cannot access free variable '{name}' where it is not associated with a "
                    "value in enclosing scope",
                    span=span,
                ) from None

        return load_free

    def e_List(self, node, scope):
        return self._sequence(node.elts, scope, list)

    def operand(self, node, scope):
        """An operator's operand: in gradcalc's own language a number list is tensor data."""
        if self.calculator and type(node).__name__ == "List" and numeric_literal(node):
            from gradcalc.interpreter.calculator import literal_tensor

            data = literal_data(node)
            return lambda env: literal_tensor(data)
        return self.expr(node, scope)

    def e_Tuple(self, node, scope):
        return self._sequence(node.elts, scope, tuple)

    def e_Set(self, node, scope):
        return guarded(self._sequence(node.elts, scope, set), node.span)

    def _sequence(self, elements, scope, kind):
        if not any(type(e).__name__ == "Starred" for e in elements):
            parts = [self.expr(e, scope) for e in elements]
            if kind is list:
                return lambda env: [p(env) for p in parts]
            return lambda env: kind([p(env) for p in parts])
        parts = [
            (True, self.expr(e.value, scope))
            if type(e).__name__ == "Starred"
            else (False, self.expr(e, scope))
            for e in elements
        ]

        def build(env):
            out = []
            for starred, part in parts:
                if starred:
                    out.extend(part(env))
                else:
                    out.append(part(env))
            return kind(out) if kind is not list else out

        return build

    def e_Dict(self, node, scope):
        pairs = [
            (None if k is None else self.expr(k, scope), self.expr(v, scope))
            for k, v in zip(node.keys, node.values)
        ]

        def build(env):
            out = {}
            for key, value in pairs:
                if key is None:
                    out.update(value(env))
                else:
                    out[key(env)] = value(env)
            return out

        return guarded(build, node.span)

    def e_JoinedStr(self, node, scope):
        parts = [self.expr(v, scope) for v in node.values]
        return lambda env: text.joined([p(env) for p in parts])

    def e_FormattedValue(self, node, scope):
        value = self.expr(node.value, scope)
        spec = self.expr(node.format_spec, scope) if node.format_spec is not None else None
        conversion = {"r": text.show, "s": str, "a": ascii}.get(node.conversion)
        spec_span = node.format_spec.span if node.format_spec is not None else node.span

        def field(env):
            v = value(env)
            if conversion is not None:
                v = conversion(v)
            return text.format_value(v, spec(env) if spec is not None else "")

        # an error of the format itself points at the spec; the value's own errors point
        # inside it already
        return guarded(field, spec_span)

    # ---- operators ---------------------------------------------------------------------

    def e_BinOp(self, node, scope):
        # A left-nested chain (a + b + c + ...) is folded in one loop: no recursion however
        # long it is. Each step keeps its own operator, span and label.
        chain = []
        while type(node).__name__ == "BinOp":
            chain.append(node)
            node = node.left
        chain.reverse()
        first = self.operand(node, scope)
        first_node = node
        steps = []
        for link in chain:
            op = bounded(link.op)
            label = self._step_label(link) if self.record else None
            steps.append((op, self.operand(link.right, scope), link, label, link.right))
        source = self.source

        def failed(error, a, b, link, right_node, left_node):
            """The error of one step, with its place (the operator's, made now: most steps
            never fail) and, for a None operand, why None."""
            span = link.op_span or link.span
            if isinstance(error, GradcalcError):
                if error.span is None:
                    error.span = span
            else:
                error = pyerrors.from_native(error, span)
            if error.hint is None and (a is None or b is None):
                culprit = left_node if a is None else right_node
                if culprit is not None:
                    error.hint = why_none(culprit, source)
            return error

        if len(steps) == 1:
            op, right, link, label, right_node = steps[0]

            def binop(env):
                a = first(env)
                b = right(env)
                try:
                    value = op(a, b)
                except (GradcalcError, *NATIVE) as error:
                    raise failed(error, a, b, link, right_node, first_node) from None
                if label is not None:
                    label(env, value)
                return value

            return binop

        def fold(env):
            value = first(env)
            left_node = first_node
            for op, right, link, label, right_node in steps:
                b = right(env)
                try:
                    value = op(value, b)
                except (GradcalcError, *NATIVE) as error:
                    raise failed(error, value, b, link, right_node, left_node) from None
                if label is not None:
                    label(env, value)
                left_node = None  # later left operands are results, not source expressions
            return value

        return fold

    def _step_label(self, node):
        parts = SourceLabel(self.source, node, (node.left, node.right)).parts

        def label(env, value):
            if type(value) is Tensor:
                env.rt.observer_label(value, *parts())

        return label

    def e_UnaryOp(self, node, scope):
        operand = self.operand(node.operand, scope)
        op = UNARY[node.op]
        return guarded(lambda env: op(operand(env)), node.span)

    def e_BoolOp(self, node, scope):
        # As Python: the last operand is the result without being truth-tested
        # (``log.append(t) or t`` returns a tensor of many elements).
        *firsts, last = [self.expr(v, scope) for v in node.values]
        if node.op == "and":

            def all_of(env):
                for part in firsts:
                    value = part(env)
                    if not value:
                        return value
                return last(env)

            return guarded(all_of, node.span)

        def any_of(env):
            for part in firsts:
                value = part(env)
                if value:
                    return value
            return last(env)

        return guarded(any_of, node.span)

    def e_Compare(self, node, scope):
        left = self.operand(node.left, scope)
        ops = [COMPARE[o] for o in node.ops]
        rights = [self.operand(c, scope) for c in node.comparators]
        if len(ops) == 1:
            op, right = ops[0], rights[0]
            return guarded(lambda env: op(left(env), right(env)), node.span)

        def chain(env):
            a = left(env)
            result = True
            for op, right in zip(ops, rights):
                b = right(env)
                result = op(a, b)
                if not result:
                    return result
                a = b
            return result

        return guarded(chain, node.span)

    def e_IfExp(self, node, scope):
        test, body, orelse = (self.expr(n, scope) for n in (node.test, node.body, node.orelse))
        return guarded(lambda env: body(env) if test(env) else orelse(env), node.span)

    def e_NamedExpr(self, node, scope):
        value = self.expr(node.value, scope)
        store = self.store_name(node.target.id, scope, node.target.span)

        def walrus(env):
            v = value(env)
            store(env, v)
            return v

        return walrus

    # ---- attributes, subscripts, calls --------------------------------------------------

    def e_Attribute(self, node, scope):
        value = self.expr(node.value, scope)
        name = node.attr
        get = attributes.getter(name)
        span = node.span
        owner, source = node.value, self.source  # the hint's text is cut only when needed

        def attribute(env):
            obj = value(env)
            try:
                return get(obj, name)
            except GradcalcError as error:
                if obj is None and error.hint is None:
                    error.hint = why_none(owner, source)
                raise

        return guarded(attribute, span)

    def e_Subscript(self, node, scope):
        value = self.expr(node.value, scope)
        index = self.expr(node.slice, scope)
        return guarded(lambda env: value(env)[index(env)], node.span)

    def e_Slice(self, node, scope):
        parts = [
            None if p is None else self.expr(p, scope) for p in (node.lower, node.upper, node.step)
        ]
        lower, upper, step = parts
        return lambda env: slice(
            None if lower is None else lower(env),
            None if upper is None else upper(env),
            None if step is None else step(env),
        )

    def e_Starred(self, node, scope):
        from gradcalc.errors import GradcalcSyntaxError

        raise GradcalcSyntaxError("can't use starred expression here", span=node.span)

    def e_Call(self, node, scope):
        func = self.expr(node.func, scope)
        simple = all(type(a).__name__ != "Starred" for a in node.args) and all(
            k.arg is not None for k in node.keywords
        )
        span = node.span
        for k in node.keywords:
            if k.arg is not None and is_dunder(k.arg):
                error = dunder_error(k.arg, k.span)

                def refuse(env, error=error):
                    raise error

                return refuse
        if simple:
            args = [self.expr(a, scope) for a in node.args]
            names = [k.arg for k in node.keywords]
            values = [self.expr(k.value, scope) for k in node.keywords]
            if not names:
                if len(args) == 1:
                    (a0,) = args

                    def call1(env):
                        f = func(env)
                        x = a0(env)
                        return _invoke(f, (x,), {}, span)

                    return call1

                def call(env):
                    f = func(env)
                    return _invoke(f, [a(env) for a in args], {}, span)

                return call

            def call_kw(env):
                f = func(env)
                positional = [a(env) for a in args]
                return _invoke(f, positional, {n: v(env) for n, v in zip(names, values)}, span)

            return call_kw
        parts = [
            (True, self.expr(a.value, scope))
            if type(a).__name__ == "Starred"
            else (False, self.expr(a, scope))
            for a in node.args
        ]
        keywords = [(k.arg, self.expr(k.value, scope)) for k in node.keywords]

        def call_star(env):
            f = func(env)
            positional = []
            for starred, part in parts:
                if starred:
                    positional.extend(part(env))
                else:
                    positional.append(part(env))
            named = {}
            for name, part in keywords:
                if name is None:
                    for key, value in part(env).items():
                        if is_dunder(str(key)):
                            raise dunder_error(str(key), span)
                        named[key] = value
                else:
                    named[name] = part(env)
            return _invoke(f, positional, named, span)

        return guarded(call_star, span)

    # ---- functions and comprehensions -------------------------------------------------

    def e_Lambda(self, node, scope):
        inner = function_scope(node, scope, "lambda")
        body = self.expr(node.body, inner)
        make = self.function_maker(node, scope, "<lambda>", body, True)
        return make

    def function_maker(self, node, scope, name: str, body, is_lambda: bool, qualname=None):
        """A closure that makes the ``Function`` value when its ``def``/``lambda`` runs."""
        args = node.args
        params = Parameters(
            [a.arg for a in args.posonlyargs],
            [a.arg for a in args.args],
            args.vararg.arg if args.vararg is not None else None,
            [a.arg for a in args.kwonlyargs],
            args.kwarg.arg if args.kwarg is not None else None,
        )
        for n in params.names | {params.vararg, params.kwarg} - {None}:
            if is_dunder(n):
                raise dunder_error(n, node.span)
        defaults = [self.expr(d, scope) for d in args.defaults]
        kw_defaults = [
            (a.arg, self.expr(d, scope))
            for a, d in zip(args.kwonlyargs, args.kw_defaults)
            if d is not None
        ]
        qualname = qualname or name
        span = node.span
        in_class = scope is not None and scope.kind == "class"

        def make(env):
            closure = env.parent if in_class else env
            return Function(
                name,
                qualname,
                params,
                body,
                closure,
                env.globals,
                [d(env) for d in defaults],
                {k: d(env) for k, d in kw_defaults},
                env.rt,
                is_lambda,
                span,
            )

        return make

    # ---- stores (used by statements and comprehensions) --------------------------------

    def store_name(self, name: str, scope: Scope | None, span):
        if is_dunder(name):
            error = dunder_error(name, span)

            def refuse(env, value):
                raise error

            return refuse
        if scope is None or name in scope.declared_global:

            def store_global(env, value):
                env.globals[name] = value

            return store_global
        if name in scope.declared_nonlocal:
            depth = scope.parent.depth_of(name) + 1

            def store_free(env, value):
                for _ in range(depth):
                    env = env.parent
                env.vars[name] = value

            return store_free

        def store_local(env, value):
            env.vars[name] = value

        return store_local

    def store_target(self, target, scope, value_span=None):
        """``store(env, value)`` for an assignment target (names, unpacking, items, attributes).

        ``value_span`` is where the value comes from: an unpacking error points there."""
        kind = type(target).__name__
        if kind == "Name":
            return self.store_name(target.id, scope, target.span)
        if kind in ("Tuple", "List"):
            return self._store_unpack(target, scope, value_span or target.span)
        if kind == "Attribute":
            obj = self.expr(target.value, scope)
            name = target.attr
            set_attr = attributes.setter(name)

            def store_attribute(env, value):
                set_attr(obj(env), name, value)

            return _guarded_store(store_attribute, target.span)
        if kind == "Subscript":
            obj = self.expr(target.value, scope)
            index = self.expr(target.slice, scope)

            def store_item(env, value):
                container = obj(env)
                container[index(env)] = value

            return _guarded_store(store_item, target.span)
        from gradcalc.errors import GradcalcSyntaxError

        raise GradcalcSyntaxError(f"cannot assign to {kind.lower()}", span=target.span)

    def _store_unpack(self, target, scope, span):
        elements = target.elts
        star = [i for i, e in enumerate(elements) if type(e).__name__ == "Starred"]
        stores = [
            self.store_target(e.value if type(e).__name__ == "Starred" else e, scope)
            for e in elements
        ]
        n = len(elements)

        def unpack(env, value):
            from gradcalc.interpreter.unpacking import unpack_values

            values = unpack_values(value, n, star[0] if star else None, span)
            for store, v in zip(stores, values):
                store(env, v)

        return unpack


def _guarded_store(store, span):
    def run(env, value):
        try:
            store(env, value)
        except GradcalcError as error:
            if error.span is None:
                error.span = span
            raise
        except NATIVE as error:
            raise pyerrors.from_native(error, span) from None

    return run


def _invoke(f, args, kwargs, span):
    try:
        return f(*args, **kwargs)
    except GradcalcError as error:
        if error.span is None:
            error.span = span
        if error.hint is None and type(error) is ArgumentError:
            from gradcalc.interpreter.suggest import usage

            error.hint = usage(f)
        raise
    except NATIVE as error:
        if not callable(f):
            raise pyerrors.from_native(
                TypeError(f"'{text.type_name(f)}' object is not callable"), span
            ) from None
        raise pyerrors.from_native(error, span) from None


__all__ = ["INPLACE", "NATIVE", "ExprCompiler", "guarded", "name_error"]
