"""Expressions compiled to Python closures: ``f(env) -> value``.

Each syntax-tree node becomes one closure, made once; running a program only calls them.
Names resolve by Python's scoping rules (``scope.py``), attributes through the sandbox's
allowlist (``attributes.py``), operators through Python's own operators on the values
(tensors implement them). A failing node attaches its span to the error; Python's own errors
from native operations (``1 / 0``) become gradcalc errors of the same type.
"""

from __future__ import annotations

import operator

from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, GradcalcError, NameLookupError
from gradcalc.interpreter import attributes, pyerrors, text
from gradcalc.interpreter.functions import Function, Parameters
from gradcalc.interpreter.runtime import Env
from gradcalc.interpreter.scope import Scope, comprehension_scope, function_scope
from gradcalc.interpreter.unpacking import iterate

_MISSING = object()
NATIVE = pyerrors.NATIVE

BINARY = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "//": operator.floordiv,
    "%": operator.mod,
    "**": operator.pow,
    "@": operator.matmul,
    "&": operator.and_,
    "|": operator.or_,
    "^": operator.xor,
    "<<": operator.lshift,
    ">>": operator.rshift,
}
INPLACE = {
    "+": operator.iadd,
    "-": operator.isub,
    "*": operator.imul,
    "/": operator.itruediv,
    "//": operator.ifloordiv,
    "%": operator.imod,
    "**": operator.ipow,
    "@": operator.imatmul,
    "&": operator.iand,
    "|": operator.ior,
    "^": operator.ixor,
    "<<": operator.ilshift,
    ">>": operator.irshift,
}
COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "is": operator.is_,
    "is not": operator.is_not,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}
UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert, "not": operator.not_}


_LABELLED = frozenset({"UnaryOp", "Call", "Subscript", "Attribute", "List"})


def is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__") and len(name) > 4


def dunder_error(name: str, span) -> NameLookupError:
    return NameLookupError(
        f"name '{name}' is not defined",
        hint="names that start and end with '__' are not part of gradcalc's language",
        span=span,
    )


def guarded(fn, span):
    """``fn(env)`` with ``span`` on its errors and Python's own errors converted."""

    def run(env):
        try:
            return fn(env)
        except GradcalcError as error:
            if error.span is None:
                error.span = span
            raise
        except NATIVE as error:
            raise pyerrors.from_native(error, span) from None

    return run


class ExprCompiler:
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
        text = label_text(self.source, node.span)
        operands = (
            [node.left, node.right] if type(node).__name__ == "BinOp" else getattr(node, "args", [])
        )
        constants = tuple(
            (self.source[o.span.start : o.span.end], o.value)
            for o in operands
            if type(o).__name__ == "Constant" and type(o.value) in (int, float)
        )

        def labelled(env):
            value = fn(env)
            if type(value) is Tensor:
                labels = env.rt.labels
                if labels is not None and (value.grad_fn is None or value.grad_fn not in labels):
                    env.rt.observer_label(value, text, constants)
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
            span = getattr(link, "op_span", None) or link.span
            op = _modulo if link.op == "%" else _bounded(link.op)
            label = self._step_label(link) if self.record else None
            steps.append((op, self.operand(link.right, scope), span, label, link.right))
        source = self.source

        def failed(error, a, b, span, right_node, left_node):
            """The error of one step, with its place and, for a None operand, why None."""
            if isinstance(error, GradcalcError):
                if error.span is None:
                    error.span = span
            else:
                error = pyerrors.from_native(error, span)
            if error.hint is None and (a is None or b is None):
                culprit = left_node if a is None else right_node
                if culprit is not None:
                    error.hint = _why_none(culprit, source)
            return error

        if len(steps) == 1:
            op, right, span, label, right_node = steps[0]

            def binop(env):
                a = first(env)
                b = right(env)
                try:
                    value = op(a, b)
                except (GradcalcError, *NATIVE) as error:
                    raise failed(error, a, b, span, right_node, first_node) from None
                if label is not None:
                    label(env, value)
                return value

            return binop

        def fold(env):
            value = first(env)
            left_node = first_node
            for op, right, span, label, right_node in steps:
                b = right(env)
                try:
                    value = op(value, b)
                except (GradcalcError, *NATIVE) as error:
                    raise failed(error, value, b, span, right_node, left_node) from None
                if label is not None:
                    label(env, value)
                left_node = None  # later left operands are results, not source expressions
            return value

        return fold

    def _step_label(self, node):
        text = label_text(self.source, node.span)
        constants = tuple(
            (self.source[o.span.start : o.span.end], o.value)
            for o in (node.left, node.right)
            if type(o).__name__ == "Constant" and type(o.value) in (int, float)
        )

        def label(env, value):
            if type(value) is Tensor:
                env.rt.observer_label(value, text, constants)

        return label

    def e_UnaryOp(self, node, scope):
        operand = self.operand(node.operand, scope)
        op = UNARY[node.op]
        return guarded(lambda env: op(operand(env)), node.span)

    def e_BoolOp(self, node, scope):
        parts = [self.expr(v, scope) for v in node.values]
        if node.op == "and":

            def all_of(env):
                value = True
                for part in parts:
                    value = part(env)
                    if not value:
                        return value
                return value

            return guarded(all_of, node.span)

        def any_of(env):
            value = False
            for part in parts:
                value = part(env)
                if value:
                    return value
            return value

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
        get = attributes.get_attribute
        span = node.span
        owner, source = node.value, self.source  # the hint's text is cut only when needed

        def attribute(env):
            obj = value(env)
            try:
                return get(obj, name)
            except GradcalcError as error:
                if obj is None and error.hint is None:
                    error.hint = _why_none(owner, source)
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

    def _comprehension(self, node, scope, collect):
        inner = comprehension_scope(node, scope)
        generators = []
        for i, g in enumerate(node.generators):
            iterable = self.expr(g.iter, scope if i == 0 else inner)
            target = self.store_target(g.target, inner, g.iter.span)
            conditions = [self.expr(c, inner) for c in g.ifs]
            generators.append((iterable, target, conditions))
        first_iterable = generators[0][0]
        return inner, generators, first_iterable

    def e_ListComp(self, node, scope):
        inner, generators, first = self._comprehension(node, scope, list)
        element = self.expr(node.elt, inner)

        def build(env):
            out: list = []
            local = Env({}, env, env.globals, env.rt)
            _fill(local, generators, 0, first(env), lambda e: out.append(element(e)))
            return out

        return guarded(build, node.span)

    def e_SetComp(self, node, scope):
        inner, generators, first = self._comprehension(node, scope, set)
        element = self.expr(node.elt, inner)

        def build(env):
            out: set = set()
            local = Env({}, env, env.globals, env.rt)
            _fill(local, generators, 0, first(env), lambda e: out.add(element(e)))
            return out

        return guarded(build, node.span)

    def e_DictComp(self, node, scope):
        inner, generators, first = self._comprehension(node, scope, dict)
        key = self.expr(node.key, inner)
        value = self.expr(node.value, inner)

        def build(env):
            out: dict = {}
            local = Env({}, env, env.globals, env.rt)

            def put(e):
                out[key(e)] = value(e)

            _fill(local, generators, 0, first(env), put)
            return out

        return guarded(build, node.span)

    def e_GeneratorExp(self, node, scope):
        inner, generators, first = self._comprehension(node, scope, list)
        element = self.expr(node.elt, inner)
        span = node.span

        def build(env):
            local = Env({}, env, env.globals, env.rt)
            return _generate(local, generators, 0, first(env), element, span)

        return guarded(build, span)

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
            set_attr = attributes.set_attribute

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


LABEL_HEAD, LABEL_TAIL = 120, 60  # characters of a long expression a graph label keeps


def label_text(source: str, span) -> str:
    """The source of ``span`` for a graph label, abbreviated in the middle when long.

    Each link of a chain ``x * a * b * ...`` is labelled with the text up to it, so keeping
    whole texts would cost memory quadratic in the chain's length."""
    if span is None:
        return ""
    start, end = span.start, span.end
    if end - start <= LABEL_HEAD + LABEL_TAIL + 3:
        return source[start:end]
    return source[start : start + LABEL_HEAD] + " … " + source[end - LABEL_TAIL : end]


def _why_none(node, source: str) -> str:
    """Why the value of ``node`` may be None, said from what the code is."""
    text = source[node.span.start : node.span.end] if node.span is not None else "the value"
    if type(node).__name__ == "Attribute":
        if node.attr == "grad":
            return (
                f"{text} stays None until a backward pass reaches the tensor: call backward() "
                "first (a non-leaf tensor keeps .grad only after .retain_grad())"
            )
        if node.attr == "grad_fn":
            owner = source[node.value.span.start : node.value.span.end]
            return (
                f"{owner} is a leaf (a tensor made directly, not computed): leaves have no grad_fn"
            )
    return f"the value is None: {text} holds None here"


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


MAX_INT_BITS = 1_000_000  # a Python int result larger than this is refused
MAX_SEQUENCE = 50_000_000  # elements of a repeated list, tuple or string


def _bounded(symbol: str):
    op = BINARY[symbol]
    if symbol == "**":
        return _power
    if symbol == "<<":
        return _shift
    if symbol == "*":
        return _times
    return op


def _int_too_large(bits) -> None:
    if bits > MAX_INT_BITS:
        from gradcalc.errors import LimitError

        raise LimitError(
            f"integer result of about {int(bits):,} bits is over gradcalc's limit of "
            f"{MAX_INT_BITS:,}",
            kind="OverflowError",
            hint="use floats (2.0 ** 100) or tensors for large values",
        )


def _power(a, b):
    if type(a) is int and type(b) is int and b > 0 and abs(a) > 1:
        _int_too_large(b * abs(a).bit_length())
    return a**b


def _shift(a, b):
    if type(a) is int and type(b) is int and b > 0:
        _int_too_large(b + a.bit_length())
    return a << b


def _times(a, b):
    if (
        type(b) is int
        and isinstance(a, str | list | tuple)
        or (type(a) is int and isinstance(b, str | list | tuple))
    ):
        n, seq = (b, a) if type(b) is int else (a, b)
        if n > 0 and len(seq) * n > MAX_SEQUENCE:
            from gradcalc.errors import LimitError

            raise LimitError(
                f"a sequence of {len(seq) * n:,} elements is over the limit of {MAX_SEQUENCE:,}",
                kind="MemoryError",
            )
    if type(a) is int and type(b) is int:
        _int_too_large(a.bit_length() + b.bit_length())
    return a * b


def _modulo(a, b):
    if type(a) is str:
        from gradcalc.interpreter.strformat import percent_format

        return percent_format(a, b)
    return a % b


def _fill(env, generators, level, iterable, emit) -> None:
    iterable_, store, conditions = generators[level]
    step = env.rt.step
    last = level == len(generators) - 1
    for item in iterate(iterable):
        step()
        store(env, item)
        if conditions and not all(c(env) for c in conditions):
            continue
        if last:
            emit(env)
        else:
            _fill(env, generators, level + 1, generators[level + 1][0](env), emit)


def _generate(env, generators, level, iterable, element, span):
    _, store, conditions = generators[level]
    step = env.rt.step
    last = level == len(generators) - 1
    try:
        for item in iterate(iterable):
            step()
            store(env, item)
            if conditions and not all(c(env) for c in conditions):
                continue
            if last:
                yield element(env)
            else:
                yield from _generate(
                    env, generators, level + 1, generators[level + 1][0](env), element, span
                )
    except GradcalcError as error:
        if error.span is None:
            error.span = span
        raise


def name_error(name: str, env, span) -> NameLookupError:
    """Python's NameError. Its 'did you mean' hint compares the name with every known name,
    so it is worked out only if the error reaches the user (``finish_hint``), not each time
    a loop's ``except NameError`` catches it."""
    error = NameLookupError(f"name '{name}' is not defined", span=span)
    names, builtins = env.globals, env.rt.builtins
    error.pending_hint = lambda: _suggest_name(name, names, builtins)
    return error


def _suggest_name(name: str, names: dict, builtins: dict) -> str | None:
    from gradcalc.interpreter.suggest import did_you_mean

    return did_you_mean(name, [*names, *builtins])


def finish_hint(error: GradcalcError) -> None:
    """Work out a hint left pending by ``name_error`` (the error is being reported)."""
    pending = error.__dict__.pop("pending_hint", None)
    if pending is not None and error.hint is None:
        error.hint = pending()


def numeric_literal(node) -> bool:
    """A list literal of numbers (nested, signed): tensor data in gradcalc's own language."""
    kind = type(node).__name__
    if kind == "List":
        return bool(node.elts) and all(numeric_literal(e) for e in node.elts)
    if kind == "UnaryOp" and node.op in "-+":
        return numeric_literal(node.operand) and type(node.operand).__name__ == "Constant"
    if kind == "Constant":
        return type(node.value) in (int, float, bool)
    return False


def literal_data(node):
    kind = type(node).__name__
    if kind == "List":
        return [literal_data(e) for e in node.elts]
    if kind == "UnaryOp":
        value = literal_data(node.operand)
        return -value if node.op == "-" else value
    return node.value


__all__ = ["ExprCompiler", "INPLACE", "Tensor"]
