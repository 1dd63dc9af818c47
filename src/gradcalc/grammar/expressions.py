"""The expression classes of the syntax tree (Python's ``ast`` names and fields), and the
parameter lists of ``def`` and ``lambda``. See ``gradcalc.grammar.ast``."""

from __future__ import annotations

from gradcalc.errors import Span
from gradcalc.grammar.node import AST, expr, span_of

# ---- expressions ---------------------------------------------------------------------------


class BoolOp(expr):
    """``a and b and c`` is one node with three values; ``op`` is ``"and"`` or ``"or"``."""

    __slots__ = ("op", "values")
    _fields = ("op", "values")

    def __init__(self, op, values, _loc=None, _depth=1):
        self.op = op
        self.values = values
        self._loc = _loc
        self._depth = _depth


class NamedExpr(expr):
    __slots__ = ("target", "value")
    _fields = ("target", "value")

    def __init__(self, target, value, _loc=None, _depth=1):
        self.target = target
        self.value = value
        self._loc = _loc
        self._depth = _depth


class BinOp(expr):
    """``left op right`` for ``+ - * / // % ** @ & | ^ << >>``."""

    __slots__ = ("left", "op", "right", "_op_loc")
    _fields = ("left", "op", "right")

    def __init__(self, left, op, right, _loc=None, _depth=1, _op_loc=None):
        self.left = left
        self.op = op
        self.right = right
        self._loc = _loc
        self._depth = _depth
        self._op_loc = _op_loc

    @property
    def op_span(self) -> Span | None:
        """Where the operator itself is."""
        return span_of(self._op_loc)


class UnaryOp(expr):
    """``op`` is ``"-"``, ``"+"``, ``"~"`` or ``"not"``."""

    __slots__ = ("op", "operand")
    _fields = ("op", "operand")

    def __init__(self, op, operand, _loc=None, _depth=1):
        self.op = op
        self.operand = operand
        self._loc = _loc
        self._depth = _depth


class Lambda(expr):
    __slots__ = ("args", "body")
    _fields = ("args", "body")

    def __init__(self, args, body, _loc=None, _depth=1):
        self.args = args
        self.body = body
        self._loc = _loc
        self._depth = _depth


class IfExp(expr):
    """``body if test else orelse``."""

    __slots__ = ("test", "body", "orelse")
    _fields = ("test", "body", "orelse")

    def __init__(self, test, body, orelse, _loc=None, _depth=1):
        self.test = test
        self.body = body
        self.orelse = orelse
        self._loc = _loc
        self._depth = _depth


class Dict(expr):
    """``{k: v, **d}``: a None key stands for the ``**d``."""

    __slots__ = ("keys", "values")
    _fields = ("keys", "values")

    def __init__(self, keys, values, _loc=None, _depth=1):
        self.keys = keys
        self.values = values
        self._loc = _loc
        self._depth = _depth


class Set(expr):
    __slots__ = ("elts",)
    _fields = ("elts",)

    def __init__(self, elts, _loc=None, _depth=1):
        self.elts = elts
        self._loc = _loc
        self._depth = _depth


class ListComp(expr):
    __slots__ = ("elt", "generators")
    _fields = ("elt", "generators")

    def __init__(self, elt, generators, _loc=None, _depth=1):
        self.elt = elt
        self.generators = generators
        self._loc = _loc
        self._depth = _depth


class SetComp(expr):
    __slots__ = ("elt", "generators")
    _fields = ("elt", "generators")

    def __init__(self, elt, generators, _loc=None, _depth=1):
        self.elt = elt
        self.generators = generators
        self._loc = _loc
        self._depth = _depth


class GeneratorExp(expr):
    __slots__ = ("elt", "generators")
    _fields = ("elt", "generators")

    def __init__(self, elt, generators, _loc=None, _depth=1):
        self.elt = elt
        self.generators = generators
        self._loc = _loc
        self._depth = _depth


class DictComp(expr):
    __slots__ = ("key", "value", "generators")
    _fields = ("key", "value", "generators")

    def __init__(self, key, value, generators, _loc=None, _depth=1):
        self.key = key
        self.value = value
        self.generators = generators
        self._loc = _loc
        self._depth = _depth


class comprehension(AST):
    """One ``for target in iter if ...`` clause of a comprehension."""

    __slots__ = ("target", "iter", "ifs")
    _fields = ("target", "iter", "ifs")

    def __init__(self, target, iter, ifs=(), _loc=None, _depth=1):
        self.target = target
        self.iter = iter
        self.ifs = list(ifs)
        self._loc = _loc
        self._depth = _depth


class Compare(expr):
    """``a < b <= c`` is one node: ``ops`` ``["<", "<="]``, ``comparators`` ``[b, c]``.

    The operators are ``== != < <= > >= is in`` and ``"is not"``, ``"not in"``.
    """

    __slots__ = ("left", "ops", "comparators")
    _fields = ("left", "ops", "comparators")

    def __init__(self, left, ops, comparators, _loc=None, _depth=1):
        self.left = left
        self.ops = ops
        self.comparators = comparators
        self._loc = _loc
        self._depth = _depth


class Call(expr):
    """``func(*args, **keywords)``; a ``Starred`` in ``args`` is a ``*x`` argument."""

    __slots__ = ("func", "args", "keywords")
    _fields = ("func", "args", "keywords")

    def __init__(self, func, args=(), keywords=(), _loc=None, _depth=1):
        self.func = func
        self.args = list(args)
        self.keywords = list(keywords)
        self._loc = _loc
        self._depth = _depth


class keyword(AST):
    """``arg=value`` in a call or a class's bases; ``arg`` is None for ``**value``."""

    __slots__ = ("arg", "value")
    _fields = ("arg", "value")

    def __init__(self, arg, value, _loc=None, _depth=1):
        self.arg = arg
        self.value = value
        self._loc = _loc
        self._depth = _depth


class FormattedValue(expr):
    """One ``{value!conversion:format_spec}`` field of an f-string.

    ``conversion`` is ``"r"``, ``"s"``, ``"a"`` or None; ``format_spec`` a ``JoinedStr`` or
    None. ``{x=}`` is the text ``"x="`` before a field whose conversion is ``"r"`` (unless a
    format spec is given), as in Python.
    """

    __slots__ = ("value", "conversion", "format_spec")
    _fields = ("value", "conversion", "format_spec")

    def __init__(self, value, conversion=None, format_spec=None, _loc=None, _depth=1):
        self.value = value
        self.conversion = conversion
        self.format_spec = format_spec
        self._loc = _loc
        self._depth = _depth


class JoinedStr(expr):
    """An f-string (or strings joined with one): ``Constant`` texts and ``FormattedValue``s."""

    __slots__ = ("values",)
    _fields = ("values",)

    def __init__(self, values, _loc=None, _depth=1):
        self.values = values
        self._loc = _loc
        self._depth = _depth


class Constant(expr):
    """A number, a string, True/False/None or ``...`` (``value`` is ``Ellipsis``).

    ``text`` is the literal as written (``"1."``, ``"1e-3"``, ``"0x1F"``), None for the text
    parts of an f-string. It is kept for display and is not part of ``==``, which compares
    the value and its type (``Constant(1) != Constant(1.0) != Constant(True)``).
    """

    __slots__ = ("value", "text")
    _fields = ("value",)

    def _shown_fields(self) -> list[tuple[str, object]]:
        if self.text is None or self.text == repr(self.value):
            return [("value", self.value)]
        return [("value", self.value), ("text", self.text)]

    def __init__(self, value, text=None, _loc=None, _depth=1):
        self.value = value
        self.text = text
        self._loc = _loc
        self._depth = _depth


class Attribute(expr):
    __slots__ = ("value", "attr", "_attr_loc")
    _fields = ("value", "attr")

    def __init__(self, value, attr, _loc=None, _depth=1, _attr_loc=None):
        self.value = value
        self.attr = attr
        self._loc = _loc
        self._depth = _depth
        self._attr_loc = _attr_loc

    @property
    def attr_span(self) -> Span | None:
        """Where the attribute's name is."""
        return span_of(self._attr_loc)


class Subscript(expr):
    """``value[slice]``; ``x[1, :]`` has a ``Tuple`` slice, as in Python."""

    __slots__ = ("value", "slice")
    _fields = ("value", "slice")

    def __init__(self, value, slice, _loc=None, _depth=1):
        self.value = value
        self.slice = slice
        self._loc = _loc
        self._depth = _depth


class Starred(expr):
    __slots__ = ("value",)
    _fields = ("value",)

    def __init__(self, value, _loc=None, _depth=1):
        self.value = value
        self._loc = _loc
        self._depth = _depth


class Name(expr):
    __slots__ = ("id",)
    _fields = ("id",)

    def __init__(self, id, _loc=None, _depth=1):
        self.id = id
        self._loc = _loc
        self._depth = _depth


class List(expr):
    __slots__ = ("elts",)
    _fields = ("elts",)

    def __init__(self, elts, _loc=None, _depth=1):
        self.elts = elts
        self._loc = _loc
        self._depth = _depth


class Tuple(expr):
    __slots__ = ("elts",)
    _fields = ("elts",)

    def __init__(self, elts, _loc=None, _depth=1):
        self.elts = elts
        self._loc = _loc
        self._depth = _depth


class Slice(expr):
    """``lower:upper:step`` inside brackets; absent parts are None."""

    __slots__ = ("lower", "upper", "step")
    _fields = ("lower", "upper", "step")

    def __init__(self, lower=None, upper=None, step=None, _loc=None, _depth=1):
        self.lower = lower
        self.upper = upper
        self.step = step
        self._loc = _loc
        self._depth = _depth


# ---- parameters ----------------------------------------------------------------------------


class arguments(AST):
    """A parameter list. ``defaults`` belong to the last of ``posonlyargs + args``;
    ``kw_defaults`` has one entry (or None) per ``kwonlyargs``, as in Python."""

    __slots__ = ("posonlyargs", "args", "vararg", "kwonlyargs", "kw_defaults", "kwarg", "defaults")
    _fields = ("posonlyargs", "args", "vararg", "kwonlyargs", "kw_defaults", "kwarg", "defaults")

    def __init__(
        self,
        posonlyargs=(),
        args=(),
        vararg=None,
        kwonlyargs=(),
        kw_defaults=(),
        kwarg=None,
        defaults=(),
        _loc=None,
        _depth=1,
    ):
        self.posonlyargs = list(posonlyargs)
        self.args = list(args)
        self.vararg = vararg
        self.kwonlyargs = list(kwonlyargs)
        self.kw_defaults = list(kw_defaults)
        self.kwarg = kwarg
        self.defaults = list(defaults)
        self._loc = _loc
        self._depth = _depth


class arg(AST):
    """One parameter: its name and annotation (kept, not checked)."""

    __slots__ = ("arg", "annotation")
    _fields = ("arg", "annotation")

    def __init__(self, arg, annotation=None, _loc=None, _depth=1):
        self.arg = arg
        self.annotation = annotation
        self._loc = _loc
        self._depth = _depth
