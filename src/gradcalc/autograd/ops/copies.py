"""Copies and conversions: ``clone``, ``to(dtype)``, ``float()``/``long()``/..., ``detach``."""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import from_forward
from gradcalc.autograd.tensor import make_tensor, version_box
from gradcalc.errors import AutogradError


@op(
    "clone(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor",
    "CloneBackward0",
    grads={"self": lambda grad: grad},
    example="torch.clone(x)",
)
def clone(self, memory_format=None):
    """A copy that stays in the graph."""
    return np.array(self, copy=True)


@op(
    "_to_copy(Tensor self, ScalarType dtype) -> Tensor",
    "ToCopyBackward0",
    dtype=from_forward,
    method=False,
    function=False,
    grads={"self": lambda grad: grad},
)
def _to_copy(self, dtype):
    with np.errstate(invalid="ignore"):
        return self.astype(dtype.np)


@op(
    "grad_copy(Tensor self) -> Tensor",
    "CopyBackwards",
    method=False,
    function=False,
    grads={"self": lambda grad: grad},
)
def grad_copy(self):
    """A leaf's first gradient under create_graph keeps its graph through this copy."""
    return np.array(self, copy=True)


def _convert(self, dtype):
    if isinstance(self, np.ndarray):
        return self.astype(dtype.np, copy=False)
    if self.array.dtype == dtype.np:
        return self
    return F._to_copy(self, dtype)


@composite(
    "to(Tensor self, ScalarType? dtype=None, bool non_blocking=False, bool copy=False, *, "
    "Device? device=None) -> Tensor",
    function=False,
    example="x.to(torch.float64)",
)
def to(self, dtype=None, non_blocking=False, copy=False, device=None):
    """The values as ``dtype`` (the same tensor when it already is, unless ``copy=True``)."""
    if dtype is None:
        return F.clone(self) if copy else self
    if copy and self.array.dtype == dtype.np:
        return F.clone(self)
    return _convert(self, dtype)


def _conversion(name: str, dtype, example: str = ""):
    def convert(self, memory_format=None):
        return _convert(self, dtype)

    convert.__doc__ = f"``x.to({dtype})``."
    convert.__name__ = name
    return composite(
        f"{name}(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor",
        function=False,
        example=example or f"x.{name}()",
    )(convert)


_float = _conversion("float", dtypes.float32)
_double = _conversion("double", dtypes.float64)
_half = _conversion("half", dtypes.float16)
_long = _conversion("long", dtypes.int64)
_int = _conversion("int", dtypes.int32)
_short = _conversion("short", dtypes.int16)
_char = _conversion("char", dtypes.int8)
_byte = _conversion("byte", dtypes.uint8, example="(10 * p).byte()")
_bool = _conversion("bool", dtypes.bool_)


@composite("type_as(Tensor self, Tensor other) -> Tensor", function=False, example="idx.type_as(x)")
def type_as(self, other):
    """``self.to(other.dtype)``."""
    return _convert(self, other.dtype)


@composite(
    "contiguous(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor",
    function=False,
    example="B.t().contiguous()",
)
def contiguous(self, memory_format=None):
    """The same tensor when its memory is in order, else a copy (``CloneBackward0``)."""
    if self.array.flags.c_contiguous:
        return self
    return F.clone(self)


@composite("detach(Tensor self) -> Tensor", example="x.detach()")
def detach(self):
    """The same values, cut from the graph; shares memory and version counter."""
    out = make_tensor(self.array)
    out._vc = version_box(self)
    return out


@composite("detach_(Tensor self) -> Tensor", function=False, example="x.clone().detach_()")
def detach_(self):
    """Cut this tensor from the graph in place: it becomes a leaf that needs no gradient."""
    if self._base is not None and self._base._requires_grad:
        raise AutogradError(
            "Can't detach views in-place. Use detach() instead. If you are using "
            "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as "
            "True, gradients are views of DDP buckets, and hence detach_() cannot be called "
            "on these gradients. To fix this error, please refer to the Optimizer.zero_grad() "
            "function in torch/optim/optimizer.py as the solution."
        )
    self.grad_fn = None
    self._requires_grad = False
    return self
