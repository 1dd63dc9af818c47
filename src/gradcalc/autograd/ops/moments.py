"""Variance and standard deviation: ``var``, ``std``, ``var_mean``, ``std_mean``.

PyTorch's three signatures each: ``x.var(dim, unbiased, keepdim)``, ``x.var(dim, *,
correction, keepdim)`` and ``x.var(unbiased)``; the first and last are spelled here as
composites over the ``correction`` op. The divisor is ``max(0, N - correction)`` (with
PyTorch's warning when it is 0), while the derivative, as PyTorch's var_backward, uses
``2 / (N - correction)`` as it is (FunctionsManual.cpp at
https://github.com/pytorch/pytorch).
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd import dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.reductions import _mean_grad, all_dims, count, unreduce
from gradcalc.autograd.ops.support import shape_of
from gradcalc.autograd.settings import warn
from gradcalc.errors import EvaluationError

_TRIGGERED = (
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)"
)


def _floating_only(message: str):
    def rule(op, values):
        d = dtypes.BY_NUMPY[values[0].array.dtype]
        if d.category != dtypes.FLOATING:
            raise EvaluationError(message, hint="convert first: x.float()")
        return None, d

    return rule


def _dims(shape: tuple, dim):
    return all_dims(dim) if len(shape) else None


def _correction(correction) -> float:
    return 1 if correction is None else correction


def variance(x: np.ndarray, dim, correction, keepdim: bool, name: str) -> np.ndarray:
    dims = _dims(x.shape, dim)
    n = count(x.shape, dims)
    dof = max(0, n - _correction(correction))
    if dof <= 0:
        warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than "
            f"the reduction factor (input numel divided by output numel). {_TRIGGERED}"
        )
    with np.errstate(all="ignore"):
        centered = x - np.mean(x, axis=dims, keepdims=True)
        squares = np.sum(centered * centered, axis=dims, keepdims=keepdim)
        return np.true_divide(squares, dof, dtype=x.dtype)


def _var_grad(grad, self, dim, correction, keepdim):
    """PyTorch's var_backward, as it is: with dims given, N is the product of their sizes,
    which is 1 for an empty list of dims (whose forward reduces every dim)."""
    self_shape = shape_of(self)
    c = _correction(correction)
    with np.errstate(all="ignore"):
        if not self_shape or dim is None:
            dof = count(self_shape, None) - c
            if dof <= 0:  # 2 / 0: NaN where self is its mean (inf * 0), else inf
                return grad * F.where(self == F.mean(self), np.nan, np.inf)
            return grad * (2.0 / dof) * (self - F.mean(self))
        g = unreduce(grad, self_shape, dim, keepdim)
        factor = np.float64(2.0) / np.float64(math.prod(self_shape[d] for d in dim) - c)
        return g * factor * (self - F.mean_dim(self, dim, True))


def _std_grad(grad, self, result, dim, correction, keepdim):
    with np.errstate(divide="ignore", invalid="ignore"):
        grad_var = F.where(result == 0, 0.0, grad / (result * 2))
    return _var_grad(grad_var, self, dim, correction, keepdim)


def _with_mean_grad(first, grads, self_shape, dim, keepdim):
    """The derivative of (var or std, mean): each part only where its output has a gradient."""
    total = first() if grads[0] is not None else None
    if grads[1] is not None:
        part = _mean_grad(
            grads[1], self_shape, math.prod(self_shape), _dims(self_shape, dim), keepdim
        )
        total = part if total is None else total + part
    return total


def _declare(name: str, outputs: int, node: str, forward, grad, message: str, doc: str):
    """The ``correction`` op, then the ``dim``/``unbiased`` and ``unbiased`` spellings."""
    returns = "Tensor, Tensor" if outputs == 2 else "Tensor"
    method = outputs == 1  # var_mean and std_mean are no Tensor methods
    forward.__doc__ = doc
    dim_form = composite(
        f"{name}.dim(Tensor self, Dim[]? dim, bool unbiased=True, bool keepdim=False) -> {returns}",
        method=method,
        example=f"torch.{name}(B, 1, unbiased=False)",
    )(
        lambda self, dim, unbiased=True, keepdim=False: correction_form.raw(
            self, dim, correction=int(unbiased), keepdim=keepdim
        )
    )
    correction_form = op(
        f"{name}.correction(Tensor self, Dim[]? dim=None, *, Scalar? correction=None, "
        f"bool keepdim=False) -> {returns}",
        node,
        outputs=outputs,
        method=method,
        dtype=_floating_only(message),
        grads={"self": grad},
        example=f"torch.{name}(B, dim=1, correction=0)",
    )(forward)
    unbiased_form = composite(
        f"{name}(Tensor self, bool unbiased=True) -> {returns}",
        method=method,
        example=f"torch.{name}(x, False)",
    )(lambda self, unbiased=True: correction_form.raw(self, None, correction=int(unbiased)))
    for form in (dim_form, unbiased_form):
        form.doc = doc
    return dim_form, correction_form, unbiased_form


def _var(self, dim=None, correction=None, keepdim=False):
    return variance(self, dim, correction, keepdim, "var")


def _std(self, dim=None, correction=None, keepdim=False):
    return np.sqrt(variance(self, dim, correction, keepdim, "std"))


def _with_mean(self, dim, correction, keepdim, name):
    with np.errstate(all="ignore"):
        mean = np.mean(self, axis=_dims(self.shape, dim), keepdims=keepdim)
    return variance(self, dim, correction, keepdim, name), mean


def _var_mean(self, dim=None, correction=None, keepdim=False):
    return _with_mean(self, dim, correction, keepdim, "var_mean")


def _std_mean(self, dim=None, correction=None, keepdim=False):
    var, mean = _with_mean(self, dim, correction, keepdim, "std_mean")
    return np.sqrt(var), mean


_STD_VAR = "std and var only support floating point and complex dtypes"

var_dim, var_correction, var_unbiased = _declare(
    "var",
    1,
    "VarBackward0",
    _var,
    _var_grad,
    _STD_VAR,
    "Variance over ``dim``: sum of squared deviations / (N - correction); correction 1 by "
    "default (Bessel's), or ``unbiased=False`` for 0.",
)
std_dim, std_correction, std_unbiased = _declare(
    "std",
    1,
    "StdBackward0",
    _std,
    _std_grad,
    _STD_VAR,
    "Standard deviation over ``dim`` (the square root of ``var``, same corrections).",
)
var_mean_dim, var_mean_correction, var_mean_unbiased = _declare(
    "var_mean",
    2,
    "VarMeanBackward0",
    _var_mean,
    lambda grads, self, dim, correction, keepdim: _with_mean_grad(
        lambda: _var_grad(grads[0], self, dim, correction, keepdim),
        grads,
        shape_of(self),
        dim,
        keepdim,
    ),
    "var_mean only support floating point and complex dtypes",
    "``(var, mean)`` over ``dim`` in one pass.",
)
std_mean_dim, std_mean_correction, std_mean_unbiased = _declare(
    "std_mean",
    2,
    "StdMeanBackward0",
    _std_mean,
    lambda grads, self, result0, dim, correction, keepdim: _with_mean_grad(
        lambda: _std_grad(grads[0], self, result0, dim, correction, keepdim),
        grads,
        shape_of(self),
        dim,
        keepdim,
    ),
    "std_mean only support floating point and complex dtypes",
    "``(std, mean)`` over ``dim`` in one pass.",
)
