"""Every spelling of every declared op, generated from the declarations in ``ops/``.

``namespace("torch")["exp"]`` is what ``torch.exp`` calls, ``METHODS["exp"]`` what
``x.exp()`` calls; ``torch.max`` dispatches over its overloads (``max``, ``max.dim``,
``max.other``) by which one's signature the arguments fit, as PyTorch does. Two
declarations claiming the same spelling in the same place fail here, at import.
"""

from __future__ import annotations

from gradcalc.autograd import ops as _ops  # noqa: F401  (declares every op)
from gradcalc.autograd.declare import OPS, Composite
from gradcalc.autograd.inplace import apply_inplace
from gradcalc.errors import ArgumentError

NAMESPACES = ("torch", "F", "linalg", "special", "autograd")


class Spelling:
    """One name in one place (``torch.max``, ``Tensor.max``): its overloads, in order."""

    __slots__ = ("name", "overloads")

    def __init__(self, name: str) -> None:
        self.name = name
        self.overloads: list = []

    def __call__(self, *args, **kwargs):
        overloads = self.overloads
        if len(overloads) == 1:
            return overloads[0](*args, **kwargs)
        return self._dispatch(args, kwargs, False)

    def call_method(self, tensor, *args, **kwargs):
        overloads = self.overloads
        if len(overloads) == 1:
            return overloads[0].call_method(tensor, *args, **kwargs)
        return self._dispatch((tensor, *args), kwargs, True)

    def _dispatch(self, args, kwargs, method: bool):
        first_error = None
        for declared in self.overloads:
            try:
                values = declared.schema.bind(args, kwargs, method=method)
            except ArgumentError as error:
                first_error = first_error or error
                continue
            if type(declared) is Composite:
                return declared.fn(*values)
            return declared.apply(values)
        raise first_error

    @property
    def doc(self) -> str:
        return self.overloads[0].doc

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of type object>"


class InplaceSpelling:
    """``x.exp_()``: the op applied in place (``inplace.py``)."""

    __slots__ = ("name", "op")

    def __init__(self, name: str, op) -> None:
        self.name = name
        self.op = op

    def call_method(self, tensor, *args, **kwargs):
        return apply_inplace(self.op, self.op.schema.bind((tensor, *args), kwargs, method=True))

    def __call__(self, *args, **kwargs):
        """``torch.exp_(x)``: the in-place method as a function."""
        return apply_inplace(self.op, self.op.schema.bind(args, kwargs))

    @property
    def doc(self) -> str:
        return f"In place: {self.op.doc}"


FUNCTIONS: dict[str, dict[str, Spelling]] = {ns: {} for ns in NAMESPACES}
METHODS: dict = {}
OPERATORS: dict[str, object] = {}  # dunder -> op


def _add(table: dict, name: str, declared) -> None:
    spelling = table.get(name)
    if spelling is None:
        spelling = table[name] = Spelling(name)
    if declared in spelling.overloads:
        raise RuntimeError(f"{declared.name!r} spelled {name!r} twice")
    spelling.overloads.append(declared)


def _build() -> None:
    for declared in OPS.values():
        name = declared.schema.display
        names = (name, *declared.aliases)
        if declared.function:
            for ns in declared.namespaces:
                for n in names:
                    _add(FUNCTIONS[ns], n, declared)
        if declared.method:
            for n in (declared.method, *declared.aliases):
                _add(METHODS, n, declared)
        for dunder in declared.operators:
            if dunder in OPERATORS:
                raise RuntimeError(f"operator {dunder} declared by two ops")
            OPERATORS[dunder] = declared
    # In-place forms come second: a declared ``relu_`` (a composite with its own rules) wins.
    for declared in OPS.values():
        inplace = getattr(declared, "inplace", False)
        if not inplace:
            continue
        name = declared.schema.display
        inplace_name = inplace if isinstance(inplace, str) else f"{name}_"
        spelling = InplaceSpelling(inplace_name, declared)
        if inplace_name in METHODS:
            if isinstance(METHODS[inplace_name], InplaceSpelling):
                raise RuntimeError(f"in-place method {inplace_name!r} declared twice")
        else:
            METHODS[inplace_name] = spelling
        if declared.function and "torch" in declared.namespaces:
            FUNCTIONS["torch"].setdefault(inplace_name, spelling)


_build()


def namespace(name: str) -> dict:
    return FUNCTIONS[name]


def spelled(name: str):
    """The declaration behind a function or method name (the first overload), or None."""
    for table in (*FUNCTIONS.values(), METHODS):
        found = table.get(name)
        if found is not None:
            return found.overloads[0] if isinstance(found, Spelling) else found.op
    return None
