"""The syntax tree: plain dataclasses, each carrying the source span it came from.

The parser (``gradcalc.grammar.parser``) builds these; the interpreter walks them. Nothing
here evaluates anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradcalc.errors import Span


@dataclass(frozen=True)
class Node:
    span: Span = field(repr=False, compare=False)


# ---- expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Number(Node):
    value: int | float
    text: str  # as written: "1", "1.", ".5", "1e-3"


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Constant(Node):
    """True, False, None (and lowercase true/false)."""

    value: bool | None


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class ListLiteral(Node):
    elements: tuple[Expr, ...]


@dataclass(frozen=True)
class TupleLiteral(Node):
    elements: tuple[Expr, ...]


@dataclass(frozen=True)
class UnaryOp(Node):
    op: str  # "-" or "+"
    operand: Expr


@dataclass(frozen=True)
class BinOp(Node):
    """Arithmetic and comparisons: + - * / // % @ ** == != < <= > >=."""

    op: str
    left: Expr
    right: Expr
    op_span: Span = field(repr=False, compare=False)  # where the operator itself is


@dataclass(frozen=True)
class Keyword(Node):
    name: str
    value: Expr


@dataclass(frozen=True)
class Call(Node):
    func: Expr  # a Name, or an Attribute (method call / torch.xxx prefix)
    args: tuple[Expr, ...]
    keywords: tuple[Keyword, ...]


@dataclass(frozen=True)
class Attribute(Node):
    value: Expr
    attr: str
    attr_span: Span = field(repr=False, compare=False)


@dataclass(frozen=True)
class Slice(Node):
    """``start:stop:step`` inside brackets; absent parts are None."""

    start: Expr | None
    stop: Expr | None
    step: Expr | None


@dataclass(frozen=True)
class EllipsisLiteral(Node):
    pass


@dataclass(frozen=True)
class Subscript(Node):
    value: Expr
    index: tuple[Expr | Slice, ...]  # one entry per comma-separated item


@dataclass(frozen=True)
class FormattedValue(Node):
    """One ``{...}`` field of an f-string; its span runs from the ``{`` to the ``}``.

    ``conversion`` is ``"r"``, ``"s"``, ``"a"`` or None; ``format_spec`` the text after the
    ``:`` (escapes decoded) or None, at ``spec_span``; ``debug_text`` is what ``{x=}`` shows
    before the value (``"x="``), else None.
    """

    value: Expr
    conversion: str | None
    format_spec: str | None
    debug_text: str | None
    spec_span: Span | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class FString(Node):
    """``f"step {t} loss {loss.item():.4f}"``: the text and the fields, in order."""

    parts: tuple[str | FormattedValue, ...]


Expr = (
    Number
    | String
    | FString
    | Constant
    | Name
    | ListLiteral
    | TupleLiteral
    | UnaryOp
    | BinOp
    | Call
    | Attribute
    | Subscript
    | EllipsisLiteral
)


# ---- statements --------------------------------------------------------------------------


@dataclass(frozen=True)
class Assign(Node):
    """``target = value``; target is a Name or an Attribute (``x.grad = None``)."""

    target: Name | Attribute
    value: Expr


@dataclass(frozen=True)
class AugAssign(Node):
    """``target op= value`` with op one of + - * /; rebinds the name like ``c = c + 1``."""

    target: Name
    op: str  # "+", "-", "*", "/"
    value: Expr


@dataclass(frozen=True)
class ExprStatement(Node):
    expr: Expr


@dataclass(frozen=True)
class Import(Node):
    """``import torch``, ``import torch.nn.functional as F``, ``import numpy as np``."""

    module: str  # dotted
    alias: str | None


@dataclass(frozen=True)
class Unpack(Node):
    """``a, b = value`` (also ``g, = ...`` and ``(a, b) = ...``): one name per element."""

    targets: tuple[Name, ...]
    value: Expr


@dataclass(frozen=True)
class With(Node):
    """``with torch.no_grad():`` and the statements of its block, in order.

    ``context`` is the call after ``with``; the parser accepts only the grad-mode ones
    (``GRAD_MODE_CONTEXTS``). ``header_span`` covers ``with ...:`` alone.
    """

    context: Call
    body: tuple[Statement, ...]
    header_span: Span = field(repr=False, compare=False)


GRAD_MODE_CONTEXTS = ("no_grad", "enable_grad", "set_grad_enabled", "inference_mode")
"""The functions whose call may follow ``with``, as ``torch.xxx()`` or plain ``xxx()``."""

Statement = Assign | AugAssign | ExprStatement | Import | Unpack | With


@dataclass(frozen=True)
class Program(Node):
    statements: tuple[Statement, ...]
    source: str = field(repr=False, compare=False)
