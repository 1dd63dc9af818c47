"""The language's own functions (``def`` and ``lambda``): Python's calling rules.

A ``Function`` is a plain Python callable, so the autograd core can call one as a hook, a
custom Function's body or the ``func`` of ``torch.autograd.functional.jacobian`` without
knowing it came from a program. It binds arguments as Python does (with Python's messages),
runs its compiled body in a new ``Env`` whose parent is the environment it was defined in
(closures), and counts against the recursion and step bounds.
"""

from __future__ import annotations

from gradcalc.errors import ArgumentError, GradcalcError
from gradcalc.interpreter.runtime import Env

BREAK, CONTINUE, RETURN = 1, 2, 3  # what a statement returns besides None
_MISSING = object()


class Parameters:
    """A function's parameters, prepared once at ``def`` time."""

    __slots__ = ("kwarg", "kwonly", "names", "positional", "posonly", "vararg")

    def __init__(self, posonly, positional, vararg, kwonly, kwarg) -> None:
        self.posonly = tuple(posonly)
        self.positional = tuple(posonly) + tuple(positional)  # all positional-capable names
        self.vararg = vararg
        self.kwonly = tuple(kwonly)
        self.kwarg = kwarg
        self.names = set(self.positional) | set(self.kwonly)


class Function:
    language_type_name = "function"
    __slots__ = (
        "__weakref__",
        "body",
        "closure",
        "defaults",
        "globals",
        "is_lambda",
        "kw_defaults",
        "name",
        "origin",
        "params",
        "qualname",
        "rt",
        "span",
    )

    def __init__(
        self,
        name,
        qualname,
        params,
        body,
        closure,
        globals_,
        defaults,
        kw_defaults,
        rt,
        is_lambda,
        span,
    ) -> None:
        self.name = name
        self.qualname = qualname
        self.params = params
        self.body = body
        self.closure = closure
        self.globals = globals_
        self.defaults = defaults  # values for the last len(defaults) positional parameters
        self.kw_defaults = kw_defaults  # keyword-only name -> value
        self.rt = rt
        self.is_lambda = is_lambda
        self.span = span
        # Where the error panel finds this function's lines: the input defining it, which
        # need not be the one running when it fails (an earlier REPL input, a loaded file).
        self.origin = (rt.filename, rt.source)

    def __call__(self, *args, **kwargs):
        rt = self.rt
        env = Env(self._bind(args, kwargs), self.closure, self.globals, rt)
        rt.call_depth += 1
        try:
            if rt.call_depth > rt.max_depth:
                raise rt.too_deep()
            rt.step()
            if self.is_lambda:
                return self.body(env)
            if self.body(env) == RETURN:
                return env.result
            return None
        except GradcalcError as error:
            error.frames.append((self.qualname, error.last_span, self.origin))
            error.last_span = None
            raise
        finally:
            rt.call_depth -= 1

    def _bind(self, args: tuple, kwargs: dict) -> dict:
        p = self.params
        names = p.positional
        values: dict = {}
        n = len(names)
        if len(args) > n:
            if p.vararg is None:
                raise self._error(_too_many(n, len(args), len(self.defaults)))
            values[p.vararg] = tuple(args[n:])
            args = args[:n]
        elif p.vararg is not None:
            values[p.vararg] = ()
        for name, value in zip(names, args):
            values[name] = value
        extra = {} if p.kwarg is not None else None
        for key, value in kwargs.items():
            if key in p.names and key not in p.posonly:
                if key in values:
                    raise self._error(f"got multiple values for argument '{key}'")
                values[key] = value
            elif extra is not None:
                extra[key] = value
            else:
                raise self._error(f"got an unexpected keyword argument '{key}'")
        if len(values) - (p.vararg is not None) < len(p.names):
            first_default = len(names) - len(self.defaults)
            missing = []
            for i, name in enumerate(names):
                if name not in values:
                    if i >= first_default:
                        values[name] = self.defaults[i - first_default]
                    else:
                        missing.append(name)
            if missing:
                raise self._error(_missing(missing, "positional"))
            missing = []
            for name in p.kwonly:
                if name not in values:
                    default = self.kw_defaults.get(name, _MISSING)
                    if default is _MISSING:
                        missing.append(name)
                    else:
                        values[name] = default
            if missing:
                raise self._error(_missing(missing, "keyword-only"))
        if extra is not None:
            values[p.kwarg] = extra
        return values

    def _error(self, text: str) -> ArgumentError:
        return ArgumentError(f"{self.qualname}() {text}")

    def __repr__(self) -> str:
        return f"<function {self.qualname} at {id(self):#x}>"


def _too_many(n: int, given: int, defaults: int) -> str:
    if defaults:
        expected = f"from {n - defaults} to {n} positional arguments"
    else:
        expected = f"{n} positional argument{'s' if n != 1 else ''}"
    return f"takes {expected} but {given} {'was' if given == 1 else 'were'} given"


def _missing(names: list, kind: str) -> str:
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        listed = quoted[0]
    else:
        listed = ", ".join(quoted[:-1]) + (", and " if len(quoted) > 2 else " and ") + quoted[-1]
    count = len(names)
    return f"missing {count} required {kind} argument{'s' if count != 1 else ''}: {listed}"
