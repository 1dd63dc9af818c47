"""Piecewise functions: signs, rounding, remainders, floor division, clamps, selections
(``where``, ``maximum``, ``masked_fill``), and the tests and replacements of nan and inf.

As in PyTorch (torchgen/packaged/autograd/derivatives.yaml, torch 2.13): the rounding
functions and signs have a zero gradient, ``frac`` and the remainders pass it to the
dividend, a clamp passes it where the value lies within its bounds (bounds included), a tie
of ``maximum``/``minimum`` splits it in half.
PyTorch records floor division and ``heaviside`` without a derivative: their node is
``NotImplemented`` and backward through it fails with PyTorch's message. Integer inputs
keep their dtype; bool inputs fail where PyTorch's kernels have no bool loop.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.declare import F, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import boolean, promote, same
from gradcalc.autograd.ops.pointwise import (
    NOT_IMPLEMENTED,
    at_least,
    at_most,
    cpp_name,
    inplace_alias,
    kernel_error,
    no_derivative,
    zeros_like,
)
from gradcalc.autograd.schema import type_name
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError

_ZERO_GRAD = {"self": lambda grad: zeros_like(grad)}

# ---- signs --------------------------------------------------------------------------------


def _sign(self):
    if self.dtype == np.bool_:
        return self.copy()
    if self.dtype.kind != "f":
        return np.sign(self)
    # PyTorch's (0 < x) - (x < 0): 0 for nan and for -0.0, where numpy's sign keeps them
    return (self > 0).astype(self.dtype) - (self < 0).astype(self.dtype)


@op(
    "sign(Tensor self) -> Tensor",
    "SignBackward0",
    inplace=True,
    grads=_ZERO_GRAD,
    example="torch.sign(x)",
)
def sign(self):
    """-1, 0 or 1 by the sign of each element (0 for nan); its gradient is 0."""
    return _sign(self)


@op(
    "sgn(Tensor self) -> Tensor",
    "SgnBackward0",
    inplace=True,
    grads=_ZERO_GRAD,
    example="torch.sgn(x)",
)
def sgn(self):
    """The sign of each element (``sign`` for real tensors); its gradient is 0."""
    return _sign(self)


@op("signbit(Tensor self) -> Tensor", dtype=boolean, example="torch.signbit(x)")
def signbit(self):
    """True where the sign bit is set (also for -0.0)."""
    if self.dtype == np.bool_:
        return np.zeros(self.shape, dtype=bool)
    return np.signbit(self)


# ---- rounding ---------------------------------------------------------------------------------


def _rounding(name: str, node: str, ufunc, doc: str, **spellings):
    kernel = f"{name}_vml_cpu"

    def forward(self):
        if self.dtype == np.bool_:
            raise kernel_error(kernel, dtypes.bool_)
        return ufunc(self) if self.dtype.kind == "f" else self.copy()

    forward.__doc__ = doc
    forward.__name__ = name
    return op(
        f"{name}(Tensor self) -> Tensor",
        node,
        inplace=True,
        grads=_ZERO_GRAD,
        example=f"torch.{name}(x)",
        **spellings,
    )(forward)


floor = _rounding("floor", "FloorBackward0", np.floor, "Round down; the gradient is 0.")
ceil = _rounding("ceil", "CeilBackward0", np.ceil, "Round up; the gradient is 0.")
trunc = _rounding(
    "trunc", "TruncBackward0", np.trunc, "Round toward zero; the gradient is 0.", aliases=("fix",)
)
fix_ = inplace_alias(trunc, "fix_", example="x.clone().fix_()")


def _round_node(self, decimals=None):
    return "RoundBackward0" if decimals is None else "RoundBackward1"


@op(
    "round(Tensor self, *, int? decimals=None) -> Tensor",
    _round_node,
    inplace=True,
    namespaces=("torch", "special"),
    grads=_ZERO_GRAD,
    example="torch.round(x / 3, decimals=2)",
)
def round(self, decimals=None):
    """Round half to even, to ``decimals`` places (negative: tens, hundreds...)."""
    if self.dtype.kind != "f":
        if decimals is not None:
            raise kernel_error("round_cpu", dtypes.BY_NUMPY[self.dtype])
        if self.dtype == np.bool_:
            raise kernel_error("round_vml_cpu", dtypes.bool_)
        return self.copy()
    if not decimals:
        return np.rint(self)
    # PyTorch's kernel: nearbyint(x * 10**d) / 10**d, or nearbyint(x / 10**-d) * 10**-d.
    scale = self.dtype.type(10.0 ** abs(decimals))
    if decimals > 0:
        return np.rint(self * scale) / scale
    return np.rint(self / scale) * scale


@op(
    "frac(Tensor self) -> Tensor",
    "FracBackward0",
    inplace=True,
    grads={"self": lambda grad: grad},
    example="torch.frac(x)",
)
def frac(self):
    """The fractional part, x - trunc(x) (with the sign of x)."""
    if self.dtype.kind != "f":
        raise kernel_error("frac_cpu", dtypes.BY_NUMPY[self.dtype])
    with np.errstate(invalid="ignore"):
        return self - np.trunc(self)


# ---- remainders and floor division ------------------------------------------------------------


def _refuse_bools(kernel: str, *operands) -> None:
    arrays = [np.asarray(x) for x in operands]
    if all(a.dtype == np.bool_ for a in arrays):
        raise kernel_error(kernel, dtypes.bool_)


def _refuse_integer_zero(divisor, result_kind: str) -> None:
    if result_kind != "f" and np.any(np.equal(divisor, 0)):
        raise EvaluationError(
            "ZeroDivisionError",
            hint="an integer tensor divided by 0 has no value; divide floats to get inf/nan",
        )


def _fmod_node(self, other):
    return "FmodBackward1" if type(other) is Tensor else "FmodBackward0"


@op(
    "fmod(Tensor self, Tensor|Scalar other) -> Tensor",
    _fmod_node,
    dtype=promote,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad: grad,
        "other": lambda grad, self, other: -grad * F.div(self, other, rounding_mode="trunc"),
    },
    example="torch.fmod(x, 1.5)",
)
def fmod(self, other):
    """C's remainder: self - trunc(self / other) * other, with the sign of ``self``."""
    _refuse_bools("fmod_cpu", self, other)
    kind = np.result_type(self, other).kind
    _refuse_integer_zero(other, kind)
    with np.errstate(all="ignore"):
        return np.fmod(self, other)


_NO_REMAINDER_GRAD = no_derivative("derivative for aten::remainder is not implemented")


def _remainder_node(self, other):
    return "RemainderBackward1" if type(other) is Tensor else "RemainderBackward0"


@op(
    "remainder(Tensor self, Tensor|Scalar other) -> Tensor",
    _remainder_node,
    dtype=promote,
    broadcast=True,
    inplace=True,
    operators=("__mod__",),
    grads={
        "self": lambda grad: grad,
        "other": lambda grad, self, other: -grad * F.floor(self / other),
    },
    example="torch.remainder(x, 2)",
)
def remainder(self, other):
    """Python's ``%``: the result has the sign of ``other``."""
    _refuse_bools("remainder_cpu", self, other)
    _refuse_integer_zero(other, np.result_type(self, other).kind)
    with np.errstate(all="ignore"):
        if np.result_type(self, other).kind != "f":
            return np.remainder(self, other)
        # PyTorch's kernel: fmod, moved by one divisor when the signs differ, so an exact
        # multiple gives +0 where numpy's remainder gives -0 for a negative divisor.
        mod = np.fmod(self, other)
        shift = (mod != 0) & ((np.asarray(other) < 0) != (mod < 0))
        return np.where(shift, mod + other, mod)


@op(
    "remainder.Scalar_Tensor(Tensor|Scalar self, Tensor other) -> Tensor",
    NOT_IMPLEMENTED,
    dtype=promote,
    broadcast=True,
    method=False,
    grads={"self": _NO_REMAINDER_GRAD, "other": _NO_REMAINDER_GRAD},
    example="torch.remainder(3, x)",
)
def remainder_scalar_tensor(self, other):
    """``number % tensor``; as in PyTorch, backward through it fails."""
    return remainder.forward(self, other)


_FLOOR_DIVIDE = no_derivative("derivative for aten::floor_divide is not implemented")


@op(
    "floor_divide(Tensor|Scalar self, Tensor|Scalar other) -> Tensor",
    NOT_IMPLEMENTED,
    dtype=promote,
    broadcast=True,
    inplace=True,
    operators=("__floordiv__",),
    grads={"self": _FLOOR_DIVIDE, "other": _FLOOR_DIVIDE},
    example="torch.floor_divide(x, 2)",
)
def floor_divide(self, other):
    """``//``: floor(self / other). As in PyTorch, backward through it fails."""
    _refuse_bools("div_floor_cpu", self, other)
    kind = np.result_type(self, other).kind
    _refuse_integer_zero(other, kind)
    with np.errstate(all="ignore"):
        return np.floor_divide(self, other)


def _heaviside_dtype(op, values):
    self, values_ = values
    if self.array.dtype != values_.array.dtype:
        raise EvaluationError(
            "heaviside is not yet implemented for tensors with different dtypes.",
            hint="convert one so both have the same dtype, e.g. values.to(x.dtype)",
        )
    return same(op, values)


_HEAVISIDE = no_derivative("derivative for aten::heaviside is not implemented")


@op(
    "heaviside(Tensor self, Tensor values) -> Tensor",
    NOT_IMPLEMENTED,
    dtype=_heaviside_dtype,
    broadcast=True,
    inplace=True,
    grads={"self": _HEAVISIDE, "values": _HEAVISIDE},
    example="torch.heaviside(x, torch.tensor(0.5))",
)
def heaviside(self, values):
    """0 below zero, 1 above, ``values`` at zero (0 for nan)."""
    return np.where(self == 0, values, self > 0).astype(self.dtype, copy=False)


# ---- clamps -----------------------------------------------------------------------------------


def _mixed_bounds(min, max) -> bool:
    """One bound a tensor, the other a number: PyTorch's Scalar overload takes both, the
    tensor (0-d, without grad) as a number, so it records ClampBackward1 and gives that
    tensor no gradient."""
    return (type(min) is Tensor) != (type(max) is Tensor) and min is not None and max is not None


_CLAMP_SIGNATURES = (
    " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
    " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n"
)


def _clamp_dtype(op, values):
    _, min, max = values
    if _mixed_bounds(min, max):
        bound = min if type(min) is Tensor else max
        if bound.array.ndim or bound._requires_grad:
            got = ", ".join(["Tensor", type_name(min), type_name(max)])
            raise ArgumentError(
                f"clamp() received an invalid combination of arguments - got ({got}), but "
                f"expected one of:\n{_CLAMP_SIGNATURES}",
                hint="give both bounds as tensors, or both as numbers",
            )
    return promote(op, values)


def _clamp_node(self, min=None, max=None):
    if _mixed_bounds(min, max):
        return "ClampBackward1"
    tensor_bound = type(min) is Tensor or type(max) is Tensor
    return "ClampBackward0" if tensor_bound else "ClampBackward1"


def _clamp_grad_self(grad, self, min, max):
    if min is None:
        inside = self <= max
    elif max is None:
        inside = self >= min
    else:
        inside = (self >= min) & (self <= max)
    return F.where(inside, grad, 0.0)


def _clamp_grad_min(grad, self, min, max):
    if _mixed_bounds(min, max):
        return None
    # PyTorch's clamp_backward_min_max: a lower bound above the upper one gets nothing.
    below = self < min if max is None else (self < min) & (min < max)
    return F.where(below, grad, 0.0)


def _clamp_grad_max(grad, self, min, max):
    if _mixed_bounds(min, max):
        return None
    above = self > max if min is None else (self > max) | (max < min)
    return F.where(above, grad, 0.0)


@op(
    "clamp(Tensor self, Tensor|Scalar? min=None, Tensor|Scalar? max=None) -> Tensor",
    _clamp_node,
    dtype=_clamp_dtype,
    broadcast=True,
    inplace=True,
    aliases=("clip",),
    grads={"self": _clamp_grad_self, "min": _clamp_grad_min, "max": _clamp_grad_max},
    example="torch.clamp(x, min=0)",
)
def clamp(self, min=None, max=None):
    """Each element limited to ``[min, max]``; the gradient passes at the bounds."""
    if min is None and max is None:
        raise EvaluationError(
            "torch.clamp: At least one of 'min' or 'max' must not be None",
            hint="give a bound: x.clamp(min=0), x.clamp(max=1) or x.clamp(0, 1)",
        )
    out = self
    if min is not None:
        out = at_least(out, min)
    if max is not None:
        out = at_most(out, max)
    return out.astype(self.dtype, copy=False) if out is not self else out.copy()


clip_ = inplace_alias(clamp, "clip_", example="x.clone().clip_(-1, 1)")


def _one_sided_node(name: str):
    def node(self, bound):
        return f"{name}Backward1" if type(bound) is Tensor else f"{name}Backward0"

    return node


@op(
    "clamp_min(Tensor self, Tensor|Scalar min) -> Tensor",
    _one_sided_node("ClampMin"),
    dtype=promote,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad, self, min: F.where(self >= min, grad, 0.0),
        "min": lambda grad, self, min: F.where(self < min, grad, 0.0),
    },
    example="torch.clamp_min(x, 0)",
)
def clamp_min(self, min):
    """max(self, min) elementwise; the gradient goes to ``self`` at ties."""
    return at_least(self, min)


@op(
    "clamp_max(Tensor self, Tensor|Scalar max) -> Tensor",
    _one_sided_node("ClampMax"),
    dtype=promote,
    broadcast=True,
    inplace=True,
    grads={
        "self": lambda grad, self, max: F.where(self <= max, grad, 0.0),
        "max": lambda grad, self, max: F.where(self > max, grad, 0.0),
    },
    example="torch.clamp_max(x, 1)",
)
def clamp_max(self, max):
    """min(self, max) elementwise; the gradient goes to ``self`` at ties."""
    return at_most(self, max)


# ---- selection --------------------------------------------------------------------------------


@op(
    "where(Tensor condition, Tensor|Scalar self, Tensor|Scalar other) -> Tensor",
    "WhereBackward0",
    wraps_numbers=True,
    dtype=promote,
    broadcast=True,
    method=False,
    grads={
        "self": lambda grad, condition: F.where(condition, grad, 0.0),
        "other": lambda grad, condition: F.where(condition, 0.0, grad),
    },
    example="torch.where(x > 0, x, 0.0)",
)
def where(condition, self, other):
    """``self`` where ``condition`` holds, else ``other``."""
    if condition.dtype != np.bool_:
        raise EvaluationError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{dtypes.BY_NUMPY[condition.dtype].kind_name}",
            hint="compare to get a condition: torch.where(x > 0, x, 0.0)",
        )
    return np.where(condition, self, other)


def _split_tie(grad, self, other):
    # PyTorch: half the gradient to each at a tie; where a nan makes neither side smaller,
    # both get all of it.
    return F.where(self == other, grad / 2, grad)


@op(
    "maximum(Tensor self, Tensor other) -> Tensor",
    "MaximumBackward0",
    dtype=promote,
    broadcast=True,
    grads={
        "self": lambda grad, self, other: F.where(self < other, 0.0, _split_tie(grad, self, other)),
        "other": lambda grad, self, other: F.where(
            self > other, 0.0, _split_tie(grad, self, other)
        ),
    },
    example="torch.maximum(x, y)",
)
def maximum(self, other):
    """Elementwise larger value (nan if either is); a tie splits the gradient in half."""
    return at_least(self, other)


@op(
    "minimum(Tensor self, Tensor other) -> Tensor",
    "MinimumBackward0",
    dtype=promote,
    broadcast=True,
    grads={
        "self": lambda grad, self, other: F.where(self > other, 0.0, _split_tie(grad, self, other)),
        "other": lambda grad, self, other: F.where(
            self < other, 0.0, _split_tie(grad, self, other)
        ),
    },
    example="torch.minimum(x, y)",
)
def minimum(self, other):
    """Elementwise smaller value (nan if either is); a tie splits the gradient in half."""
    return at_most(self, other)


def _masked_fill_dtype(op, values):
    self, mask, value = values
    if mask.array.dtype != np.bool_:
        raise EvaluationError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{cpp_name(mask.array)}",
            hint="compare to get a mask: x.masked_fill(x > 0, 0.0)",
        )
    if type(value) is Tensor and value.array.ndim:
        raise EvaluationError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.array.ndim} dimension(s).",
            hint="pass a number or a 0-d tensor: value.squeeze() or value.item()",
        )
    d = dtypes.BY_NUMPY[self.array.dtype]
    return d.np, d


def _masked_fill_node(self, mask, value):
    return "MaskedFillBackward1" if type(value) is Tensor else "MaskedFillBackward0"


@op(
    "masked_fill(Tensor self, Tensor mask, Tensor|Scalar value) -> Tensor",
    _masked_fill_node,
    dtype=_masked_fill_dtype,
    inplace=True,
    grads={
        "self": lambda grad, mask: F.where(mask, 0.0, grad),
        "value": lambda grad, mask: F.sum(F.where(mask, grad, 0.0)),
    },
    example="x.masked_fill(mask, 0.0)",
)
def masked_fill(self, mask, value):
    """``value`` where ``mask`` is True, else ``self`` (the mask broadcasts)."""
    broadcast_shapes(mask.shape, self.shape)
    if self.dtype.kind != "f" and isinstance(value, float):
        value = np.trunc(value)  # an integer tensor keeps its dtype: 1.5 is written as 1
    return np.where(mask, value, self).astype(self.dtype, copy=False)


# ---- nan and inf ------------------------------------------------------------------------------


@op(
    "nan_to_num(Tensor self, float? nan=None, float? posinf=None, float? neginf=None) -> Tensor",
    "NanToNumBackward0",
    inplace=True,
    grads={"self": lambda grad, self: grad * F.isfinite(self)},
    example="torch.nan_to_num(torch.log(x))",
)
def nan_to_num(self, nan=None, posinf=None, neginf=None):
    """nan -> 0 (or ``nan``), ±inf -> the dtype's largest finite values (or those given)."""
    if self.dtype.kind != "f":
        return self.copy()
    return np.nan_to_num(self, nan=0.0 if nan is None else nan, posinf=posinf, neginf=neginf)


def _test(name: str, predicate, integers: bool, doc: str, example: str):
    def forward(self):
        if self.dtype.kind != "f":
            return np.full(self.shape, integers)
        return predicate(self)

    forward.__doc__ = doc
    forward.__name__ = name
    return op(f"{name}(Tensor self) -> Tensor", dtype=boolean, example=example)(forward)


_SPECIAL_VALUES = "torch.tensor([1.0, 0.0, -0.0, float('nan')])"
isnan = _test(
    "isnan", np.isnan, False, "True where the element is nan.", "torch.isnan(torch.log(x))"
)
isinf = _test(
    "isinf",
    np.isinf,
    False,
    "True where the element is inf or -inf.",
    f"torch.isinf(1 / {_SPECIAL_VALUES})",
)
isfinite = _test(
    "isfinite",
    np.isfinite,
    True,
    "True where the element is neither inf nor nan.",
    f"torch.isfinite(1 / {_SPECIAL_VALUES})",
)
isposinf = _test(
    "isposinf",
    np.isposinf,
    False,
    "True where the element is inf.",
    f"torch.isposinf(1 / {_SPECIAL_VALUES})",
)
isneginf = _test(
    "isneginf",
    np.isneginf,
    False,
    "True where the element is -inf.",
    f"torch.isneginf(1 / {_SPECIAL_VALUES})",
)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(sign, sgn, fmod, remainder, floor_divide, heaviside, masked_fill)
