"""Tensor methods and operators, made from the declarations (``registry``).

Each method is the same spelling object the ``torch.`` function uses, so ``x.sum(0)`` and
``torch.sum(x, 0)`` bind and run identically; operators take the ops' fast path
(``Op.binary``) when no type promotion is needed.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.registry as registry
from gradcalc.autograd.api import backward
from gradcalc.autograd.declare import F
from gradcalc.autograd.inplace import apply_inplace, check_writable, inplace_name, write_result
from gradcalc.autograd.ops.indexing import getitem, setitem
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import EvaluationError

T_WARNING = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to transpose "
    "batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
    "dimensions of a tensor. (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)"
)


def _method(spelling):
    def method(self, *args, **kwargs):
        return spelling.call_method(self, *args, **kwargs)

    method.__name__ = spelling.name
    method.__doc__ = spelling.doc
    return method


_OPERANDS = (Tensor, bool, int, float, np.bool_, np.integer, np.floating)


def _binary(op):
    def operator(self, other):
        if not isinstance(other, _OPERANDS):
            return NotImplemented  # Python then says: unsupported operand type(s) for +
        return op.binary(self, other)

    return operator


def _unary(op):
    def operator(self):
        return op.apply(op.schema.bind((self,), {}))

    return operator


def _in_place(op):
    name = None

    def operator(self, other):
        nonlocal name
        if type(other) is Tensor or type(other) is float or type(other) is int:
            # as apply_inplace, with the operator's path to the op (no binding when the
            # operands need no promotion)
            if name is None:
                name = inplace_name(op)
            check_writable(self, name)
            return write_result(self, op.binary(self, other))
        if not isinstance(other, _OPERANDS):
            return NotImplemented  # Python then says: unsupported operand type(s) for +=
        return apply_inplace(op, op.schema.bind((self, other), {}))

    return operator


def _reverse(name: str):
    """``other <op> self`` for ops whose reflected form is another op or a composite."""

    def operator(self, other):
        return getattr(F, name)(other, self) if name != "rdiv" else F.mul(F.reciprocal(self), other)

    return operator


def _invert(self):
    """``~x``: Python's operator refuses float tensors before bitwise_not's kernel does."""
    if self.array.dtype.kind == "f":
        raise EvaluationError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors",
            kind="TypeError",
        )
    return F.bitwise_not(self)


def _T(self):
    if self.ndim != 2:
        warn(T_WARNING)
    return F.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    backward(self, gradient, retain_graph, create_graph, inputs)


def _install() -> None:
    for name, spelling in registry.METHODS.items():
        setattr(Tensor, name, _method(spelling))
    for dunder, op in registry.OPERATORS.items():
        unary = len(op.schema.positional) == 1
        setattr(Tensor, dunder, _unary(op) if unary else _binary(op))
        if op.inplace and not unary and not dunder.startswith("__r"):
            setattr(Tensor, "__i" + dunder[2:], _in_place(op))
    Tensor.__rtruediv__ = _reverse("rdiv")
    Tensor.__rpow__ = _reverse("pow")
    Tensor.__rmatmul__ = _reverse("matmul")
    Tensor.__rfloordiv__ = _reverse("floor_divide")
    Tensor.__rmod__ = _reverse("remainder_Scalar_Tensor")
    Tensor.__pos__ = lambda self: F.positive(self)
    Tensor.__invert__ = _invert
    Tensor.__getitem__ = getitem
    Tensor.__setitem__ = setitem
    Tensor.__iter__ = lambda self: iter(F.unbind(self, 0))
    Tensor.T = property(_T)
    Tensor.mT = property(lambda self: F.transpose(self, -2, -1))
    Tensor.backward = _backward


_install()
