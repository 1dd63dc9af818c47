"""List, set and dict comprehensions and generator expressions: Python's scoping (the
loop variables are the comprehension's own), one step per element against ``--max-steps``."""

from __future__ import annotations

from gradcalc.errors import GradcalcError
from gradcalc.interpreter.pyerrors import guarded
from gradcalc.interpreter.runtime import Env
from gradcalc.interpreter.scope import comprehension_scope
from gradcalc.interpreter.unpacking import iterate


class ComprehensionCompiler:
    """The comprehension half of ``ExprCompiler`` (which provides ``expr``, ``store_target``
    and ``guarded``)."""

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
