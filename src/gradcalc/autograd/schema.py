"""Op signatures written as PyTorch writes them, and the binder each one compiles to.

``"sum(Tensor self, int[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None)"``
declares the parameters' kinds once. ``Schema.bind(args, kwargs)`` checks a call against it
the way PyTorch's argument parser does (its messages too) and returns the values in
parameter order, each coerced to its kind: ``int[]`` takes ``2`` or ``(2, 3)`` (and, as the
only positional parameter, varargs: ``x.view(2, 3)``), ``ScalarType`` takes ``torch.float32``
or its name, ``Tensor|Scalar`` keeps a Python number as it is (a "wrapped number").
Binders are prepared on first use; a call does no signature inspection.
"""

from __future__ import annotations

import numbers

import numpy as np

from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError

# How PyTorch names each kind in its messages ("must be tuple of ints, not str").
_KIND_TEXT = {
    "Tensor": "Tensor",
    "Tensor|Scalar": "Tensor",
    "Tensor[]": "tuple of Tensors",
    "Scalar": "Number",
    "int": "int",
    "int[]": "tuple of ints",
    "Dim": "int",
    "Dim[]": "tuple of ints",
    "NewDim": "int",
    "float": "float",
    "float[]": "tuple of floats",
    "bool": "bool",
    "str": "str",
    "ScalarType": "torch.dtype",
    "Device": "torch.device",
    "Any": "object",
    "Callable": "callable",
}
# Parameters PyTorch also accepts under numpy's names.
KEYWORD_ALIASES = {"axis": "dim", "keepdims": "keepdim", "input": "self"}
_IGNORED_KINDS = ("Layout", "Generator", "MemoryFormat")
_TENSOR_KINDS = ("Tensor", "Tensor|Scalar", "Tensor[]")


class Param:
    __slots__ = ("default", "has_default", "keyword_only", "kind", "name", "optional")

    def __init__(self, kind, name, default, has_default, keyword_only) -> None:
        self.optional = kind.endswith("?")
        self.kind = kind.rstrip("?")
        self.name = name
        self.default = default
        self.has_default = has_default
        self.keyword_only = keyword_only

    @property
    def public_name(self) -> str:
        return "input" if self.name == "self" else self.name


class Schema:
    """A parsed signature: its name, parameters and the checks of ``bind``. The op
    declarations make ``LazySchema``s, parsed on first use."""

    __slots__ = (
        "coercers",
        "defaults",
        "display",
        "index",
        "min_args",
        "name",
        "nullable",
        "output_names",
        "params",
        "positional",
        "return_names",
        "text",
        "varargs",
    )

    def __init__(self, text: str) -> None:
        self._name(text)
        self._parse()

    def _name(self, text: str) -> None:
        self.text = text
        self.name = text[: text.index("(")].strip()  # unique, with the overload: "max.dim"
        self.display = self.name.split(".")[0]  # what calls spell and messages say: "max"

    def _parse(self) -> None:
        text_in, _, returns = self.text.partition("->")
        # Named results (``-> Tensor values, Tensor indices``) make PyTorch return a
        # ``torch.return_types`` named tuple; unnamed ones a plain tuple.
        names = tuple(piece.split()[-1] for piece in returns.split(",") if " " in piece.strip())
        self.return_names = names if len(names) > 1 and "," in returns else None
        # what a derivative formula calls each output: its name, else PyTorch's result0,
        # result1... (``_saved_indices``, ``_saved_result1``)
        count = returns.count(",") + 1
        self.output_names = (
            self.return_names or tuple(f"result{k}" for k in range(count)) if count > 1 else ()
        )
        inner = text_in.partition("(")[2].rsplit(")", 1)[0]
        params: list[Param] = []
        keyword_only = False
        for piece in _split_params(inner):
            if piece == "*":
                keyword_only = True
                continue
            kind, _, name_default = piece.partition(" ")
            name, eq, default = name_default.partition("=")
            params.append(
                Param(
                    kind,
                    name.strip(),
                    _literal(default.strip()) if eq else None,
                    bool(eq),
                    keyword_only,
                )
            )
        self.index = {p.name: i for i, p in enumerate(params)}
        self.positional = [p for p in params if not p.keyword_only]
        self.defaults = [p.default if p.has_default else _REQUIRED for p in params]
        # The prepared binder: per positional parameter, its coercion (None: any value) and
        # whether None passes as it is.
        self.coercers = tuple(_COERCE.get(p.kind) for p in self.positional)
        self.nullable = tuple(
            p.optional or (p.has_default and p.default is None) for p in self.positional
        )
        required = [i for i, p in enumerate(params) if not p.has_default]
        self.min_args = required[-1] + 1 if required else 0
        # PyTorch takes ``x.view(2, 3)`` for ``x.view((2, 3))`` when the list is the only
        # positional parameter after the tensor.
        rest_positional = [p for p in self.positional if p.name != "self"]
        self.varargs = (
            self.index[rest_positional[0].name]
            if len(rest_positional) == 1 and rest_positional[0].kind == "int[]"
            else None
        )
        self.params = params

    def bind(self, args: tuple, kwargs: dict, method: bool = False, convert=None) -> list:
        """The values in parameter order, checked and coerced (defaults filled in).

        ``convert(value, kind)``: a last chance for a tensor parameter's value (gradcalc's own
        language passes number lists as tensors); it returns None when it cannot help."""
        if kwargs or self.varargs is not None:
            return self._bind(args, kwargs, method, convert)
        # Positional arguments only: the prepared coercions; anything unusual (a mismatch to
        # report or convert, a missing argument) takes the general binder below.
        coercers = self.coercers
        if not self.min_args <= len(args) <= len(coercers):
            return self._bind(args, kwargs, method, convert)
        values = list(self.defaults)
        nullable = self.nullable
        try:
            for i, value in enumerate(args):
                coerce = coercers[i]
                if coerce is not None and not (value is None and nullable[i]):
                    value = coerce(value)
                values[i] = value
        except _Mismatch:
            return self._bind(args, kwargs, method, convert)
        return values

    def _bind(self, args: tuple, kwargs: dict, method: bool, convert) -> list:
        values = list(self.defaults)
        positional = self.positional
        first = self.varargs
        if first is not None and (
            len(args) > len(positional)
            or (len(args) == first + 1 and type(args[first]).__name__ == "Tensor")
            and self.params[first].kind == "Tensor[]"
        ):
            args = (*args[:first], tuple(args[first:]))
        if len(args) > len(positional):
            count = len(positional) - method
            low = min(self.min_args, len(positional)) - method
            given = len(args) - method
            if low != count:
                raise ArgumentError(
                    f"{self.display}() takes from {low} to {count} positional arguments "
                    f"but {given} were given"
                )
            raise ArgumentError(
                f"{self.display}() takes {count} positional argument{'s' if count != 1 else ''} "
                f"but {given} {'was' if given == 1 else 'were'} given"
            )
        for i, value in enumerate(args):
            values[self.index[positional[i].name]] = self._coerce(
                positional[i], value, i + 1, method, convert
            )
        for key, value in kwargs.items():
            i = self.index.get(key)
            if i is None:
                i = self.index.get(KEYWORD_ALIASES.get(key, ""))
            if i is None or (key == "self"):
                import difflib

                names = [p.public_name for p in self.params] + list(KEYWORD_ALIASES)
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                raise ArgumentError(
                    f"{self.display}() got an unexpected keyword argument '{key}'",
                    hint=f"did you mean '{close[0]}'?" if close else None,
                )
            if values[i] is not _REQUIRED and i < len(args):
                raise ArgumentError(f"{self.display}() got multiple values for argument '{key}'")
            values[i] = self._coerce(self.params[i], value, None, method, convert)
        for i, value in enumerate(values):
            if value is _REQUIRED:
                missing = self.params[i].public_name
                raise ArgumentError(
                    f'{self.display}() missing 1 required positional arguments: "{missing}"'
                )
        return values

    def _coerce(self, param: Param, value, position, method: bool, convert=None):
        if value is None:
            if param.optional or (param.has_default and param.default is None):
                return None
            if param.has_default and param.default == () and param.kind == "int[]":
                return ()  # PyTorch reads None as an empty list's default: x.amax(None)
        kind = param.kind
        coerce = _COERCE.get(kind)
        if coerce is None:
            return value
        try:
            return coerce(value)
        except _Mismatch as bad:
            if convert is not None and kind in _TENSOR_KINDS:
                found = convert(value, kind)
                if found is not None:
                    return found
            where = f" (position {position - (1 if method else 0)})" if position else ""
            if bad.element:
                raise ArgumentError(f"{self.display}(): {bad.element}") from None
            if bad.detail:
                raise ArgumentError(
                    f"{self.display}(): argument '{param.public_name}' failed to unpack the object "
                    f'at pos {bad.position} with error "{bad.detail}"'
                ) from None
            raise ArgumentError(
                f"{self.display}(): argument '{param.public_name}'{where} must be "
                f"{_KIND_TEXT.get(kind, kind)}, not {type_name(value)}"
            ) from None

    def described(self, method: bool = False) -> str:
        """``(Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)``."""
        parts = []
        star = False
        for p in self.params:
            if method and p.name == "self":
                continue
            if p.keyword_only and not star:
                parts.append("*")
                star = True
            text = f"{_KIND_TEXT.get(p.kind, p.kind)} {p.public_name}"
            if p.has_default:
                text += f" = {p.default!r}" if p.default is not None else " = None"
            parts.append(text)
        return "(" + ", ".join(parts) + ")"


class LazySchema(Schema):
    """A ``Schema`` that reads only its name until another attribute is read, so declaring
    hundreds of ops stays cheap. That first read parses the text and makes the object a
    plain ``Schema``, as ``importlib.util.LazyLoader`` makes its module a plain module:
    CPython specializes attribute reads only on classes without ``__getattr__`` (about 3x
    faster), and ``bind`` reads several per call."""

    __slots__ = ()

    def __init__(self, text: str) -> None:
        self._name(text)

    def __getattr__(self, name: str):
        # Reached only for a slot not filled yet.
        if name not in Schema.__slots__ or name == "text":
            raise AttributeError(name)
        self._parse()
        self.__class__ = Schema
        return getattr(self, name)


def call_summary(args: tuple, kwargs: dict, method: bool = False) -> str:
    """``(Tensor, dim=str)`` or ``(dim=str, )``: what a call was given, as PyTorch says it
    (keywords last one first; each followed by ", " when nothing was given by position)."""
    parts = [type_name(a) for a in (args[1:] if method else args)]
    named = [f"{k}={type_name(v)}" for k, v in reversed(kwargs.items())]
    if parts:
        return "(" + ", ".join(parts + named) + ")"
    return "(" + "".join(f"{n}, " for n in named) + ")"


class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED = _Required()


class _Mismatch(Exception):
    def __init__(self, detail: str = "", position: int = 0, element: str = "") -> None:
        self.detail = detail
        self.position = position
        self.element = element  # a whole message of its own (a bad element of a list)


def type_name(value) -> str:
    """The type name PyTorch's messages use for ``value``."""
    if type(value) is Tensor:
        return "Tensor"
    return type(value).__name__


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _tensor(value):
    if type(value) is Tensor:
        return value
    raise _Mismatch()


def _tensor_or_scalar(value):
    if type(value) is Tensor or isinstance(value, bool | int | float):
        return value
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    raise _Mismatch()


def _tensor_list(value):
    if isinstance(value, list | tuple) and all(type(v) is Tensor for v in value):
        return tuple(value)
    if isinstance(value, list | tuple):
        for i, v in enumerate(value):
            if type(v) is not Tensor:
                raise _Mismatch(
                    element=f"expected Tensor as element {i} in argument 0, but got {type_name(v)}"
                )
    raise _Mismatch()


def _scalar(value):
    if isinstance(value, bool | int | float):
        return value
    if type(value) is Tensor and value.array.size == 1:
        return value.item()
    raise _Mismatch()


def _int(value):
    if _is_int(value):
        return int(value)
    if type(value) is Tensor and value.array.size == 1 and value.array.dtype.kind in "iu":
        return int(value.item())
    raise _Mismatch()


def _int_list(value):
    if _is_int(value):
        return (int(value),)
    if isinstance(value, list | tuple):
        out = []
        for i, v in enumerate(value):
            if _is_int(v):
                out.append(int(v))
            elif type(v).__name__ == "Tensor" and v.array.size == 1 and v.array.dtype.kind in "iu":
                out.append(int(v.item()))
            else:
                raise _Mismatch(
                    f"type must be tuple of ints,but got {type_name(v)}", position=i + 1
                )
        return tuple(out)
    raise _Mismatch()


def _float(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.floating | np.integer):
        return float(value)
    if type(value).__name__ == "Tensor" and value.array.size == 1:
        return float(value.item())
    raise _Mismatch()


def _float_list(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (float(value),)
    if isinstance(value, list | tuple) and all(isinstance(v, numbers.Real) for v in value):
        return tuple(float(v) for v in value)
    raise _Mismatch()


def _bool(value):
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise _Mismatch()


def _str(value):
    if isinstance(value, str):
        return value
    raise _Mismatch()


def _dtype(value):
    import gradcalc.autograd.dtypes as dtypes

    try:
        return dtypes.as_dtype(value)
    except Exception:  # noqa: BLE001 - reported below as PyTorch reports it
        raise _Mismatch() from None


def _device(value):
    from gradcalc.autograd.values import Device

    if isinstance(value, Device) or value in ("cpu", "cpu:0"):
        return value
    if isinstance(value, str) and value.startswith(("cuda", "mps")):
        raise ArgumentError(
            f"gradcalc computes on the CPU only; device {value!r} is not available",
            hint="drop the device argument, or use device='cpu'",
        )
    raise _Mismatch()


def _callable(value):
    if callable(value):
        return value
    raise _Mismatch()


_COERCE = {
    "Tensor": _tensor,
    "Tensor|Scalar": _tensor_or_scalar,
    "Tensor[]": _tensor_list,
    "Scalar": _scalar,
    "int": _int,
    "int[]": _int_list,
    "Dim": _int,
    "Dim[]": _int_list,
    "NewDim": _int,
    "float": _float,
    "float[]": _float_list,
    "bool": _bool,
    "str": _str,
    "ScalarType": _dtype,
    "Device": _device,
    "Callable": _callable,
}
for _kind in _IGNORED_KINDS:
    _COERCE[_kind] = lambda value: value


def _split_params(inner: str) -> list[str]:
    pieces, depth, current = [], 0, []
    for ch in inner:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        pieces.append("".join(current).strip())
    return pieces


def _literal(text: str):
    """A default value as the schema writes it: None, True, 1, -100, 0.5, 'mean', [0, 1]."""
    if text == "None":
        return None
    if text in ("True", "False"):
        return text == "True"
    if text.startswith(("'", '"')):
        return text[1:-1]
    if text.startswith("["):
        return tuple(_literal(t.strip()) for t in text[1:-1].split(",") if t.strip())
    try:
        return int(text)
    except ValueError:
        return float(text)


# ---- dims ---------------------------------------------------------------------------------


def normalize_dim(dim: int, ndim: int, extra: int = 0) -> int:
    """A dim in ``[-ndim, ndim)`` (``extra=1``: one past the end, for unsqueeze) -> ``>= 0``."""
    span = max(ndim + extra, 1)
    if not -span <= dim < span:
        from gradcalc.errors import IndexOutOfRange

        raise IndexOutOfRange(
            f"Dimension out of range (expected to be in range of [{-span}, {span - 1}], "
            f"but got {dim})"
        )
    return dim % span


def normalize_dims(dims: tuple, ndim: int) -> tuple:
    """Sorted dims ``>= 0``; a repeated dim is PyTorch's error."""
    out = [normalize_dim(d, ndim) for d in dims]
    for d in out:
        if out.count(d) > 1:
            raise ArgumentError(
                f"dim {d} appears multiple times in the list of dims", kind="RuntimeError"
            )
    if not ndim:
        return ()
    return tuple(sorted(out))
