"""The statement classes of the syntax tree (Python's ``ast`` names and fields), and
``Module``. See ``gradcalc.grammar.ast``."""

from __future__ import annotations

from gradcalc.errors import Span
from gradcalc.grammar.node import AST, header_property, span_of, stmt

# ---- modules and statements ----------------------------------------------------------------


class Module(AST):
    __slots__ = ("body", "source")
    _fields = ("body",)

    def __init__(self, body, source="", _loc=None, _depth=1):
        self.body = body
        self.source = source
        self._loc = _loc
        self._depth = _depth


class FunctionDef(stmt):
    __slots__ = ("name", "args", "body", "decorator_list", "returns", "_header_loc")
    _fields = ("name", "args", "body", "decorator_list", "returns")
    header_span = header_property()

    def __init__(
        self, name, args, body, decorator_list=(), returns=None, _loc=None, _depth=1, _header=None
    ):
        self.name = name
        self.args = args
        self.body = body
        self.decorator_list = list(decorator_list)
        self.returns = returns
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class ClassDef(stmt):
    __slots__ = ("name", "bases", "keywords", "body", "decorator_list", "_header_loc")
    _fields = ("name", "bases", "keywords", "body", "decorator_list")
    header_span = header_property()

    def __init__(
        self, name, bases, keywords, body, decorator_list=(), _loc=None, _depth=1, _header=None
    ):
        self.name = name
        self.bases = bases
        self.keywords = keywords
        self.body = body
        self.decorator_list = list(decorator_list)
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class Return(stmt):
    __slots__ = ("value",)
    _fields = ("value",)

    def __init__(self, value=None, _loc=None, _depth=1):
        self.value = value
        self._loc = _loc
        self._depth = _depth


class Delete(stmt):
    __slots__ = ("targets",)
    _fields = ("targets",)

    def __init__(self, targets, _loc=None, _depth=1):
        self.targets = targets
        self._loc = _loc
        self._depth = _depth


class Assign(stmt):
    """``a = b = value``: ``targets`` holds ``a`` and ``b``, left to right."""

    __slots__ = ("targets", "value")
    _fields = ("targets", "value")

    def __init__(self, targets, value, _loc=None, _depth=1):
        self.targets = targets
        self.value = value
        self._loc = _loc
        self._depth = _depth


class AugAssign(stmt):
    """``target op= value`` with ``op`` the operator without its ``=`` (``"+"``, ``"//"``)."""

    __slots__ = ("target", "op", "value", "_op_loc")
    _fields = ("target", "op", "value")

    def __init__(self, target, op, value, _loc=None, _depth=1, _op_loc=None):
        self.target = target
        self.op = op
        self.value = value
        self._loc = _loc
        self._depth = _depth
        self._op_loc = _op_loc

    @property
    def op_span(self) -> Span | None:
        return span_of(self._op_loc)


class AnnAssign(stmt):
    """``target: annotation = value``; ``simple`` is 1 for a bare name, as in Python."""

    __slots__ = ("target", "annotation", "value", "simple")
    _fields = ("target", "annotation", "value", "simple")

    def __init__(self, target, annotation, value=None, simple=1, _loc=None, _depth=1):
        self.target = target
        self.annotation = annotation
        self.value = value
        self.simple = simple
        self._loc = _loc
        self._depth = _depth


class For(stmt):
    __slots__ = ("target", "iter", "body", "orelse", "_header_loc")
    _fields = ("target", "iter", "body", "orelse")
    header_span = header_property()

    def __init__(self, target, iter, body, orelse=(), _loc=None, _depth=1, _header=None):
        self.target = target
        self.iter = iter
        self.body = body
        self.orelse = list(orelse)
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class While(stmt):
    __slots__ = ("test", "body", "orelse", "_header_loc")
    _fields = ("test", "body", "orelse")
    header_span = header_property()

    def __init__(self, test, body, orelse=(), _loc=None, _depth=1, _header=None):
        self.test = test
        self.body = body
        self.orelse = list(orelse)
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class If(stmt):
    """``elif`` is an ``If`` alone in the ``orelse`` of the one before, as in Python."""

    __slots__ = ("test", "body", "orelse", "_header_loc")
    _fields = ("test", "body", "orelse")
    header_span = header_property()

    def __init__(self, test, body, orelse=(), _loc=None, _depth=1, _header=None):
        self.test = test
        self.body = body
        self.orelse = list(orelse)
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class With(stmt):
    __slots__ = ("items", "body", "_header_loc")
    _fields = ("items", "body")
    header_span = header_property()

    def __init__(self, items, body, _loc=None, _depth=1, _header=None):
        self.items = items
        self.body = body
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class withitem(AST):
    __slots__ = ("context_expr", "optional_vars")
    _fields = ("context_expr", "optional_vars")

    def __init__(self, context_expr, optional_vars=None, _loc=None, _depth=1):
        self.context_expr = context_expr
        self.optional_vars = optional_vars
        self._loc = _loc
        self._depth = _depth


class Raise(stmt):
    __slots__ = ("exc", "cause")
    _fields = ("exc", "cause")

    def __init__(self, exc=None, cause=None, _loc=None, _depth=1):
        self.exc = exc
        self.cause = cause
        self._loc = _loc
        self._depth = _depth


class Try(stmt):
    __slots__ = ("body", "handlers", "orelse", "finalbody", "_header_loc")
    _fields = ("body", "handlers", "orelse", "finalbody")
    header_span = header_property()

    def __init__(self, body, handlers, orelse=(), finalbody=(), _loc=None, _depth=1, _header=None):
        self.body = body
        self.handlers = handlers
        self.orelse = list(orelse)
        self.finalbody = list(finalbody)
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class ExceptHandler(AST):
    """``except type as name:`` and its block; ``type`` and ``name`` may be None."""

    __slots__ = ("type", "name", "body", "_header_loc")
    _fields = ("type", "name", "body")
    header_span = header_property()

    def __init__(self, type, name, body, _loc=None, _depth=1, _header=None):
        self.type = type
        self.name = name
        self.body = body
        self._loc = _loc
        self._depth = _depth
        self._header_loc = _header


class Assert(stmt):
    __slots__ = ("test", "msg")
    _fields = ("test", "msg")

    def __init__(self, test, msg=None, _loc=None, _depth=1):
        self.test = test
        self.msg = msg
        self._loc = _loc
        self._depth = _depth


class Import(stmt):
    __slots__ = ("names",)
    _fields = ("names",)

    def __init__(self, names, _loc=None, _depth=1):
        self.names = names
        self._loc = _loc
        self._depth = _depth


class ImportFrom(stmt):
    """``from ..a.b import c``: module ``"a.b"`` (None for ``from . import c``), level 2."""

    __slots__ = ("module", "names", "level")
    _fields = ("module", "names", "level")

    def __init__(self, module, names, level=0, _loc=None, _depth=1):
        self.module = module
        self.names = names
        self.level = level
        self._loc = _loc
        self._depth = _depth


class alias(AST):
    """``name as asname`` in an import; ``name`` is dotted (``"torch.nn"``) or ``"*"``."""

    __slots__ = ("name", "asname")
    _fields = ("name", "asname")

    def __init__(self, name, asname=None, _loc=None, _depth=1):
        self.name = name
        self.asname = asname
        self._loc = _loc
        self._depth = _depth


class Global(stmt):
    __slots__ = ("names",)
    _fields = ("names",)

    def __init__(self, names, _loc=None, _depth=1):
        self.names = names
        self._loc = _loc
        self._depth = _depth


class Nonlocal(stmt):
    __slots__ = ("names",)
    _fields = ("names",)

    def __init__(self, names, _loc=None, _depth=1):
        self.names = names
        self._loc = _loc
        self._depth = _depth


class Expr(stmt):
    """An expression used as a statement."""

    __slots__ = ("value",)
    _fields = ("value",)

    def __init__(self, value, _loc=None, _depth=1):
        self.value = value
        self._loc = _loc
        self._depth = _depth


class Pass(stmt):
    __slots__ = ()

    def __init__(self, _loc=None, _depth=1):
        self._loc = _loc
        self._depth = _depth


class Break(stmt):
    __slots__ = ()

    def __init__(self, _loc=None, _depth=1):
        self._loc = _loc
        self._depth = _depth


class Continue(stmt):
    __slots__ = ()

    def __init__(self, _loc=None, _depth=1):
        self._loc = _loc
        self._depth = _depth


class Invalid(stmt):
    """A statement that does not parse, kept in place by ``parse(..., recover=True)``.

    ``error`` is the ``GradcalcSyntaxError`` it raised; the span covers the statement's text.
    """

    __slots__ = ("error",)
    _fields = ("error",)

    def __init__(self, error, _loc=None, _depth=1):
        self.error = error
        self._loc = _loc
        self._depth = _depth
