"""The base of the syntax tree's classes: positions, structural ``==``, ``repr`` and ``walk``.

The node classes themselves are in ``statements`` and ``expressions``; ``gradcalc.grammar.ast``
gathers them under Python's names.
"""

from __future__ import annotations

from gradcalc.errors import Span

Loc = tuple  # (line, column, end_line, end_column, start, end): a Span's fields


def span_of(loc: Loc | None) -> Span | None:
    return None if loc is None else Span(*loc)


def loc_of(span: Span | None) -> Loc | None:
    if span is None:
        return None
    return (span.line, span.column, span.end_line, span.end_column, span.start, span.end)


class AST:
    """Base of every node: ``_fields`` as in Python's ``ast``, a position and a depth.

    ``_depth`` is how deeply the node nests (1 for a leaf), counted while parsing so that a
    tree deeper than the parser's limit is refused before anything walks it.
    """

    __slots__ = ("_loc", "_depth")
    _fields: tuple[str, ...] = ()

    @property
    def span(self) -> Span | None:
        return span_of(self._loc)

    @span.setter
    def span(self, span: Span | None) -> None:
        self._loc = loc_of(span)

    def __eq__(self, other):
        if self is other:
            return True
        if type(other) is not type(self):
            return NotImplemented
        return _same_structure(self, other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return dump(self)

    def _shown_fields(self) -> list[tuple[str, object]]:
        """The fields ``repr`` writes: as ``ast.dump``, None and empty lists are left out."""
        return [
            (name, value)
            for name in self._fields
            if (value := getattr(self, name)) is not None
            and not (type(value) is list and not value)
        ]


class stmt(AST):
    __slots__ = ()


class expr(AST):
    __slots__ = ()


def header_property():
    def get(self) -> Span | None:
        return span_of(self._header_loc)

    def set(self, span: Span | None) -> None:
        self._header_loc = loc_of(span)

    return property(get, set, doc="The header line, from the keyword to its ':'.")


# ---- structure, without recursion ----------------------------------------------------------


def _same_value(a, b) -> bool:
    if type(a) is not type(b):
        return False
    return a == b or (a != a and b != b)  # nan equals nan here


def _same_structure(left: AST, right: AST) -> bool:
    pending = [(left, right)]
    while pending:
        a, b = pending.pop()
        if isinstance(a, AST):
            if type(a) is not type(b):
                return False
            if hasattr(a, "error"):  # Invalid: errors compare by message
                if str(a.error) != str(b.error):
                    return False
                continue
            for name in a._fields:
                pending.append((getattr(a, name), getattr(b, name)))
        elif isinstance(a, (list, tuple)):
            if not isinstance(b, (list, tuple)) or len(a) != len(b):
                return False
            pending.extend(zip(a, b))
        elif not _same_value(a, b):
            return False
    return True


def dump(node) -> str:
    """``Name(id='x')``-style text for a node (or a list of them), as ``ast.dump`` writes it."""
    parts: list[str] = []
    # Each entry is either a value to write or a piece of text already made.
    pending: list = [(False, node)]
    while pending:
        is_text, item = pending.pop()
        if is_text:
            parts.append(item)
            continue
        if isinstance(item, AST):
            fields = item._shown_fields()
            todo: list = [(True, ")")]
            for index, (name, value) in reversed(list(enumerate(fields))):
                todo.append((False, value))
                todo.append((True, (", " if index else "") + f"{name}="))
            todo.append((True, f"{type(item).__name__}("))
            pending.extend(todo)
        elif isinstance(item, list):
            todo = [(True, "]")]
            for index, value in reversed(list(enumerate(item))):
                todo.append((False, value))
                if index:
                    todo.append((True, ", "))
            todo.append((True, "["))
            pending.extend(todo)
        else:
            parts.append(repr(item))
    return "".join(parts)


def iter_child_nodes(node: AST):
    """The nodes directly below ``node``, in field order."""
    for name in node._fields:
        value = getattr(node, name)
        if isinstance(value, AST):
            yield value
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, AST):
                    yield item


def walk(node: AST):
    """Every node of the tree under ``node`` (itself included), without recursion."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(list(iter_child_nodes(current))))
