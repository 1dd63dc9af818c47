"""PyTorch's dtypes on numpy arrays, and its type promotion (``torch.result_type``).

A tensor stores a numpy array of the matching numpy dtype; ``DType`` is what programs see
(``torch.float32``). Promotion follows c10's rules rather than numpy's: tensors with
dimensions decide over 0-d tensors, which decide over Python numbers, unless a lower
priority operand is of a higher category (bool < integer < floating); a Python float joins
as the default dtype and a Python int as int64.
"""

from __future__ import annotations

import numpy as np

from gradcalc.errors import ArgumentError, EvaluationError, ValueDomainError

BOOL, INTEGRAL, FLOATING = 0, 1, 2


class DType:
    """One of PyTorch's scalar types (``torch.float32``); printed as PyTorch prints it."""

    __slots__ = ("category", "itemsize", "kind_name", "name", "np", "tensor_type")

    def __init__(self, name: str, np_dtype, category: int, tensor_type: str, kind_name: str):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.tensor_type = tensor_type  # "FloatTensor", as in PyTorch's messages
        self.kind_name = kind_name  # "Float", as in "result type Float can't be cast ..."

    @property
    def is_floating_point(self) -> bool:
        return self.category == FLOATING

    @property
    def is_signed(self) -> bool:
        return self.np.kind != "u" and self.category != BOOL

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    __str__ = __repr__

    def __reduce__(self):  # dtypes are singletons, also across worker processes
        return (dtype_named, (self.name,))


float16 = DType("float16", np.float16, FLOATING, "HalfTensor", "Half")
float32 = DType("float32", np.float32, FLOATING, "FloatTensor", "Float")
float64 = DType("float64", np.float64, FLOATING, "DoubleTensor", "Double")
uint8 = DType("uint8", np.uint8, INTEGRAL, "ByteTensor", "Byte")
int8 = DType("int8", np.int8, INTEGRAL, "CharTensor", "Char")
int16 = DType("int16", np.int16, INTEGRAL, "ShortTensor", "Short")
int32 = DType("int32", np.int32, INTEGRAL, "IntTensor", "Int")
int64 = DType("int64", np.int64, INTEGRAL, "LongTensor", "Long")
bool_ = DType("bool", np.bool_, BOOL, "BoolTensor", "Bool")

ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool_)
BY_NUMPY = {d.np: d for d in ALL}
# PyTorch's other spellings of the same dtypes (torch.float is torch.float32, ...).
ALIASES = {
    "half": float16,
    "float": float32,
    "double": float64,
    "short": int16,
    "int": int32,
    "long": int64,
}
BY_NAME = {d.name: d for d in ALL} | ALIASES


def dtype_named(name: str) -> DType:
    return BY_NAME[name]


def of_array(array: np.ndarray) -> DType:
    return BY_NUMPY[array.dtype]


class _Defaults:
    """The default floating dtype (``torch.get_default_dtype()``)."""

    __slots__ = ("float",)

    def __init__(self) -> None:
        self.float = float32


DEFAULTS = _Defaults()


def get_default_dtype() -> DType:
    return DEFAULTS.float


def set_default_dtype(dtype) -> None:
    dtype = as_dtype(dtype)
    if dtype.category != FLOATING:
        raise ArgumentError("only floating-point types are supported as the default type")
    DEFAULTS.float = dtype


def as_dtype(value) -> DType:
    """A DType from a DType, a numpy dtype, or a name (``"float32"``, ``"torch.long"``)."""
    if type(value) is DType:
        return value
    if isinstance(value, str):
        found = BY_NAME.get(value.removeprefix("torch."))
        if found is None:
            raise ValueDomainError(
                f"unsupported dtype {value!r}",
                hint="use one of " + ", ".join(d.name for d in ALL),
            )
        return found
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        found = BY_NUMPY.get(np.dtype(value))
        if found is not None:
            return found
    if value is float:
        return float64  # as torch: dtype=float means torch.float64
    if value is int:
        return int64
    if value is bool:
        return bool_
    raise ArgumentError(f"dtype must be torch.dtype, not {type(value).__name__}")


# ---- promotion ----------------------------------------------------------------------------


def promote_types(a: DType, b: DType) -> DType:
    """``torch.promote_types``: the smallest dtype both convert to without losing category."""
    if a is b:
        return a
    if a.category != b.category:
        # bool < integer < floating: the higher category's dtype wins as it is
        return a if a.category > b.category else b
    if a.category == BOOL:
        return a
    found = BY_NUMPY.get(np.promote_types(a.np, b.np))
    # numpy promotes int64 with uint8 to int64 and float16 with float32 to float32, as torch;
    # only uint64 would fall outside, and it is not a PyTorch dtype we have.
    return found if found is not None else float64


def _combine(higher: DType | None, lower: DType | None) -> DType | None:
    """c10's combine_categories: a lower priority operand counts only across categories."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == FLOATING:
        return higher
    if higher.category == BOOL or lower.category == FLOATING:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value) -> DType:
    """The dtype a Python number joins promotion as (a "wrapped number")."""
    if isinstance(value, bool | np.bool_):
        return bool_
    if isinstance(value, int | np.integer):
        return int64
    return DEFAULTS.float


def result_type(*operands) -> DType:
    """``torch.result_type`` over tensors (anything with ``.array``) and Python numbers."""
    dim = zero = wrapped = None
    for x in operands:
        array = getattr(x, "array", None)
        if array is None:
            if x is None:
                continue
            d = scalar_dtype(x)
            wrapped = d if wrapped is None else promote_types(wrapped, d)
        elif array.ndim:
            d = BY_NUMPY[array.dtype]
            dim = d if dim is None else promote_types(dim, d)
        else:
            d = BY_NUMPY[array.dtype]
            zero = d if zero is None else promote_types(zero, d)
    found = _combine(dim, _combine(zero, wrapped))
    return found if found is not None else DEFAULTS.float


def can_cast(source: DType, target: DType) -> bool:
    """``torch.can_cast`` for in-place results: no step down in category."""
    return source.category <= target.category


def cast_error(source: DType, target: DType) -> EvaluationError:
    return EvaluationError(
        f"result type {source.kind_name} can't be cast to the desired output type "
        f"{target.kind_name}",
        hint="convert first, e.g. x.float(), or write the result to a new name",
    )
