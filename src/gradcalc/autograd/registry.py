"""Every spelling of every declared op, generated from the declarations in ``ops/``.

``namespace("torch")["exp"]`` is what ``torch.exp`` calls, ``METHODS["exp"]`` what
``x.exp()`` calls; ``torch.max`` dispatches over its overloads (``max``, ``max.dim``,
``max.other``) by which one's signature the arguments fit, as PyTorch does. Two
declarations claiming the same spelling in the same place fail here, at import.
"""

from __future__ import annotations

from gradcalc.autograd.declare import OPS, Composite, Op
from gradcalc.autograd.inplace import apply_inplace
from gradcalc.autograd.lenient import to_tensor
from gradcalc.autograd.schema import call_summary
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor
from gradcalc.autograd.values import return_type
from gradcalc.errors import ArgumentError

NAMESPACES = ("torch", "F", "linalg", "special", "autograd")
_UNDECIDED = object()


class Spelling:
    """One name in one place (``torch.max``, ``Tensor.max``): its overloads, in order."""

    __slots__ = ("binary", "name", "overloads", "type_prefix")

    def __init__(self, name: str, type_prefix: str = "") -> None:
        self.name = name
        self.overloads: list = []
        # The op whose operator path two-operand calls take (``_binary_op``), found on first use.
        self.binary = _UNDECIDED
        # ``torch.linalg.qr`` returns ``torch.return_types.linalg_qr``, ``torch.max`` ``max``.
        self.type_prefix = type_prefix

    def __call__(self, *args, **kwargs):
        return self._dispatch(args, kwargs, False)

    def call_method(self, tensor, *args, **kwargs):
        return self._dispatch((tensor, *args), kwargs, True)

    def _dispatch(self, args, kwargs, method: bool):
        binary = self.binary
        if binary is _UNDECIDED:
            binary = self.binary = _binary_op(self)
        if binary is not None and len(args) == 2 and not kwargs and type(args[0]) is Tensor:
            other = type(args[1])
            if other is Tensor or other is float or other is int:
                # ``x.pow(2)``, ``torch.mul(a, b)``: what ``x ** 2`` and ``a * b`` run
                return binary.binary(args[0], args[1])
        convert = to_tensor if STATE.lenient else None
        overloads = self.overloads
        if len(overloads) == 1:
            declared = overloads[0]
            if (
                isinstance(declared, Composite)
                and type(declared).__call__ is not Composite.__call__
            ):
                return declared(*args, **kwargs)  # it binds its arguments itself (einsum)
            return self._call(declared, declared.schema.bind(args, kwargs, method, convert))
        failures = []
        for declared in overloads:
            try:
                values = declared.schema.bind(args, kwargs, method, convert)
            except ArgumentError as error:
                failures.append((declared.schema, error))
                continue
            return self._call(declared, values)
        # As PyTorch's argument parser: when only one overload takes this many arguments,
        # its own complaint ("got an unexpected keyword argument 'axs'"), else the list.
        given = len(args) - method + len(kwargs)
        plausible = [
            error
            for schema, error in failures
            if schema.min_args - method <= given <= len(schema.params) - method
        ]
        if len(plausible) == 1:
            raise plausible[0]
        signatures = "\n".join(
            f" * {declared.schema.described(method)}" for declared in self.overloads
        )
        # a misspelt keyword's suggestion ("did you mean 'axis'?") says more than the list
        suggested = [e.hint for _, e in failures if e.hint and e.hint.startswith("did you mean")]
        raise ArgumentError(
            f"{self.name}() received an invalid combination of arguments - got "
            f"{call_summary(args, kwargs, method)}, but expected one of:\n{signatures}\n",
            hint=suggested[0] if suggested else f"see help({self.name}) for the forms it takes",
        )

    def _call(self, declared, values: list):
        result = declared.fn(*values) if isinstance(declared, Composite) else declared.apply(values)
        names = declared.schema.return_names
        if names is None:
            return result
        return return_type(self.type_prefix + self.name, names)(result)

    @property
    def doc(self) -> str:
        return self.overloads[0].doc

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of type object>"


class InplaceSpelling:
    """``x.exp_()``: the op applied in place (``inplace.py``); overloads tried in order."""

    __slots__ = ("name", "ops")

    def __init__(self, name: str, op) -> None:
        self.name = name
        self.ops = [op]

    @property
    def op(self):
        return self.ops[0]

    def _bound(self, args, kwargs, method: bool):
        convert = to_tensor if STATE.lenient else None
        if len(self.ops) == 1:
            return self.ops[0], self.ops[0].schema.bind(args, kwargs, method, convert)
        for op in self.ops:
            try:
                return op, op.schema.bind(args, kwargs, method, convert)
            except ArgumentError:
                continue
        raise ArgumentError(
            f"{self.name}() received an invalid combination of arguments - got "
            f"{call_summary(args, kwargs, method)}"
        )

    def call_method(self, tensor, *args, **kwargs):
        op, values = self._bound((tensor, *args), kwargs, True)
        return apply_inplace(op, values)

    def __call__(self, *args, **kwargs):
        """``torch.exp_(x)``: the in-place method as a function."""
        op, values = self._bound(args, kwargs, False)
        return apply_inplace(op, values)

    @property
    def doc(self) -> str:
        return f"In place: {self.op.doc}"


FUNCTIONS: dict[str, dict[str, Spelling]] = {ns: {} for ns in NAMESPACES}
METHODS: dict = {}
OPERATORS: dict[str, object] = {}  # dunder -> op


def _add(table: dict, name: str, declared, type_prefix: str = "") -> None:
    spelling = table.get(name)
    if spelling is None:
        spelling = table[name] = Spelling(name, type_prefix)
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
                    _add(FUNCTIONS[ns], n, declared, "linalg_" if ns == "linalg" else "")
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
        if isinstance(inplace, str):
            names = [inplace]
        else:
            names = [f"{n}_" for n in (name, *declared.aliases)]
        for inplace_name in names:
            existing = METHODS.get(inplace_name)
            if isinstance(existing, InplaceSpelling):
                if declared in existing.ops:
                    raise RuntimeError(f"in-place method {inplace_name!r} declared twice")
                existing.ops.append(declared)  # another overload of the same in-place name
                continue
            if existing is not None:
                continue  # a declared function of that name (a composite) wins
            spelling = METHODS[inplace_name] = InplaceSpelling(inplace_name, declared)
            if declared.function and "torch" in declared.namespaces and declared.inplace_function:
                FUNCTIONS["torch"].setdefault(inplace_name, spelling)


def _binary_op(spelling: Spelling):
    """The single overload of ``spelling`` when it is a pointwise op spelled by a binary
    operator (``Op.binary``'s case: ``(Tensor self, Tensor|Scalar other, <defaults>)``)."""
    if len(spelling.overloads) != 1:
        return None
    declared = spelling.overloads[0]
    if not isinstance(declared, Op) or not declared.operators or not declared.pointwise:
        return None
    params = declared.schema.params
    if (
        len(params) < 2
        or params[0].kind not in ("Tensor", "Tensor|Scalar")
        or params[1].kind not in ("Tensor", "Tensor|Scalar")
        or params[0].keyword_only
        or params[1].keyword_only
        or not all(p.has_default for p in params[2:])
    ):
        return None
    return declared


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
