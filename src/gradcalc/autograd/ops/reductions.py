"""Reductions over dims (an int or a tuple, negative allowed; None or (): every dim), keepdim.

A reduction's derivative spreads the output gradient back over the reduced dims:
``unreduce`` restores them as size-1 dims, then ``expand`` broadcasts (a zero-stride view,
so a mean's gradient over a million elements costs one value). Derivatives follow
PyTorch's ``derivatives.yaml`` and ``FunctionsManual.cpp`` (prod_backward,
cumprod_backward, var_backward, logsumexp_backward), read at
https://github.com/pytorch/pytorch (tools/autograd/derivatives.yaml,
torch/csrc/autograd/FunctionsManual.cpp); the messages are torch 2.13's.

Also here: the index scatter/gather pair behind every "gradient goes to the selected
element" derivative (max(dim), sort, topk, median(dim), cummax), and the helpers the other
reduction-like modules (``extremes``, ``moments``, ``sorting``, ``losses``) share.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.fidelity as fidelity
import gradcalc.autograd.numerics.reductions as exact
import gradcalc.autograd.numerics.softmax as exact_softmax
from gradcalc.autograd import dtypes
from gradcalc.autograd.declare import F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import accumulate, floating_only, int64, to_float
from gradcalc.autograd.ops.support import shape_of
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import EvaluationError

# ---- helpers shared by the reduction families -------------------------------------------


def data(value) -> np.ndarray:
    """The array behind a formula argument (an array, or a Tensor under create_graph)."""
    return value if type(value) is np.ndarray else value.array


def like(reference, array: np.ndarray):
    """A constant ``array`` as the same kind of value as ``reference`` (array or Tensor)."""
    return array if type(reference) is np.ndarray else make_tensor(np.asarray(array))


def all_dims(dim):
    """``dim`` as numpy's axis: PyTorch reads an empty list of dims as every dim."""
    return dim if dim else None


def _numpy_sum(x, dim, keepdim):
    return np.sum(x, axis=dim, keepdims=keepdim)


def _numpy_mean(x, dim, keepdim):
    return np.mean(x, axis=dim, keepdims=keepdim)


def _numpy_prod(x, dim, keepdim):
    return np.prod(x, axis=dim, keepdims=keepdim)


def _numpy_running_sum(x, dim):
    return np.add.accumulate(x, axis=dim)


def unreduce(grad, shape: tuple, dim, keepdim: bool):
    """``grad`` of a reduction, reshaped so that it broadcasts against the input's shape."""
    if keepdim or not dim:
        return grad
    if type(grad) is not Tensor:
        return np.reshape(grad, tuple(1 if i in dim else n for i, n in enumerate(shape)))
    for d in sorted(dim):  # PyTorch's unsqueeze_multiple: one UnsqueezeBackward0 per dim
        grad = F.unsqueeze(grad, d)
    return grad


def count(shape: tuple, dim) -> int:
    return math.prod(shape) if not dim else math.prod(shape[i] for i in dim)


def dtype_of(value) -> dtypes.DType:
    return dtypes.BY_NUMPY[data(value).dtype]


def flip(x, dim: int):
    """``x`` reversed along ``dim`` (an ``index`` op, so that it is differentiable)."""
    n = x.shape[dim]
    return F.index(x, (slice(None),) * dim + (np.arange(n - 1, -1, -1),))


def running_sum(x, dim: int):
    """The scan op along ``dim`` (recorded as its own node): for compositions elsewhere,
    which keep the op's name in this module."""
    return F.cumsum(x, dim)


def reversed_cumsum(x, dim: int):
    """Sums from the end along ``dim``: the derivative of ``cumsum``."""
    if len(x.shape) == 0 or x.shape[dim] <= 1:
        return x
    return flip(F.cumsum(flip(x, dim), dim), dim)


def _along(index: np.ndarray, dim: int) -> tuple:
    """Full fancy-index tuple that picks ``index`` along ``dim`` (others: every position)."""
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    return tuple(grid)


def _scatter_node(src, index, sizes, dim, keepdim, accumulate):
    return "ScatterAddBackward0" if accumulate else "ScatterBackward0"


@op(
    "_scatter_into(Tensor src, Tensor index, int[] sizes, int dim, bool keepdim, "
    "bool accumulate) -> Tensor",
    _scatter_node,
    method=False,
    function=False,
    grads={"src": lambda grad, index, dim, keepdim: F._gather_from(grad, index, dim, keepdim)},
)
def _scatter_into(src, index, sizes, dim, keepdim, accumulate):
    """Zeros of ``sizes`` with ``src`` written (or added) at ``index`` along ``dim``."""
    out = np.zeros(sizes, dtype=src.dtype)
    if out.ndim == 0:
        out[()] = src
        return out
    if not keepdim:
        src = np.expand_dims(src, dim)
        index = np.expand_dims(index, dim)
    key = _along(index, dim)
    if accumulate:
        np.add.at(out, key, src)
    else:
        out[key] = src
    return out


@op(
    "_gather_from(Tensor self, Tensor index, int dim, bool keepdim) -> Tensor",
    "GatherBackward0",
    method=False,
    function=False,
    grads={
        "self": lambda grad, self_shape, index, dim, keepdim: F._scatter_into(
            grad, index, self_shape, dim, keepdim, True
        )
    },
)
def _gather_from(self, index, dim, keepdim):
    """``self``'s elements at ``index`` along ``dim`` (that dim dropped unless keepdim)."""
    if self.ndim == 0:
        return self.copy()
    if not keepdim:
        index = np.expand_dims(index, dim)
    out = self[_along(index, dim)]
    return out if keepdim else np.squeeze(out, dim)


def to_selected(grad, index: np.ndarray, shape: tuple, dim: int, keepdim: bool):
    """PyTorch's value_selecting_reduction_backward: ``grad`` at ``index``, 0 elsewhere."""
    return F._scatter_into(grad, like(grad, index), tuple(shape), dim, keepdim, False)


def evenly_distribute(grad, self, result):
    """``grad`` shared equally by the elements equal to ``result`` (for a NaN result: by
    the NaNs), as PyTorch's evenly_distribute_backward (``max()``, ``median()``)."""
    mask = (self != self) if np.isnan(data(result)) else (self == result)
    with np.errstate(all="ignore"):
        return F.where(mask, grad / F.sum(mask), 0.0)


# ---- sum, mean, prod ----------------------------------------------------------------------


# PyTorch has two overloads of each: over every element (``x.sum()``: SumBackward0, which
# saves only the shape) and over ``dim`` (``x.sum(0)``, also ``x.sum(dim=None)``:
# SumBackward1, which saves dim and keepdim too). Which one a call binds decides the node.


@op(
    "sum(Tensor self, *, ScalarType? dtype=None) -> Tensor",
    "SumBackward0",
    dtype=accumulate,
    grads={"self": lambda grad, self_shape: F.expand(grad, self_shape)},
    example="torch.sum(B)",
)
def sum(self, dtype=None):
    """Sum of all the elements."""
    return fidelity.reduction(exact.reduce_sum, _numpy_sum, self, None, False)


@op(
    "sum.dim(Tensor self, Dim[]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    "SumBackward1",
    dtype=accumulate,
    grads={
        "self": lambda grad, self_shape, dim, keepdim: F.expand(
            unreduce(grad, self_shape, dim, keepdim), self_shape
        )
    },
    example="torch.sum(B, dim=1)",
)
def sum_dim(self, dim, keepdim=False, dtype=None):
    """Sum of the elements over ``dim`` (None or (): all of them)."""
    return fidelity.reduction(
        exact.reduce_sum, _numpy_sum, self, all_dims(dim) if self.ndim else None, keepdim
    )


def _mean_grad(grad, self_shape, self_numel, dim, keepdim):
    # reads self_numel as PyTorch's mean_backward does, so the node keeps it
    n = self_numel if dim is None else count(self_shape, dim)
    g = unreduce(grad, self_shape, dim, keepdim)
    return F.expand(g / n if n else g, self_shape)


def _mean(self, dim, keepdim):
    axis = all_dims(dim) if self.ndim else None
    n = count(self.shape, axis)
    if n:
        return fidelity.reduction(exact.reduce_mean, _numpy_mean, self, axis, keepdim)
    return np.full_like(np.sum(self, axis=axis, keepdims=keepdim), np.nan)


@op(
    "mean(Tensor self, *, ScalarType? dtype=None) -> Tensor",
    "MeanBackward0",
    dtype=floating_only,
    grads={
        "self": lambda grad, self_shape, self_numel: _mean_grad(
            grad, self_shape, self_numel, None, False
        )
    },
    example="torch.mean(B)",
)
def mean(self, dtype=None):
    """Mean of all the elements (``nan`` for none)."""
    return _mean(self, None, False)


@op(
    "mean.dim(Tensor self, Dim[]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    "MeanBackward1",
    dtype=floating_only,
    grads={"self": _mean_grad},
    example="torch.mean(B, dim=0)",
)
def mean_dim(self, dim, keepdim=False, dtype=None):
    """Mean of the elements over ``dim`` (None or (): all of them; ``nan`` for none)."""
    return _mean(self, dim, keepdim)


def _exclusive_cumprod(x, dim: int):
    """``[1, x0, x0*x1, ...]`` along ``dim``, from differentiable ops."""
    shape = tuple(x.shape)
    n = shape[dim]
    shifted = F.slice_backward(F.slice(x, dim, 0, n - 1, 1), shape, dim, 1, n, 1)
    first = np.zeros([n if i == dim else 1 for i in range(len(shape))], dtype=data(x).dtype)
    first[(0,) * len(shape)] = 1
    return F.cumprod(shifted + like(x, first), dim)


def _product_of_others(x, dim: int):
    """For each element, the product of the other elements along ``dim`` (no division, so
    zeros are fine: PyTorch's prod_safe_zeros_backward)."""
    left = _exclusive_cumprod(x, dim)
    right = flip(_exclusive_cumprod(flip(x, dim), dim), dim)
    return left * right


def _prod_grad(grad, self, result, dim, keepdim):
    self_shape = shape_of(self)
    if not self_shape:
        return grad
    dims = None if dim is None else (dim,)
    g = unreduce(grad, self_shape, dims, keepdim)
    if np.all(data(self) != 0):
        return g * (unreduce(result, self_shape, dims, keepdim) / self)
    if dim is None:
        flat = F.reshape(self, (-1,))
        return g * F.reshape(_product_of_others(flat, 0), self_shape)
    return g * _product_of_others(self, dim)


@op(
    "prod(Tensor self, *, ScalarType? dtype=None) -> Tensor",
    "ProdBackward0",
    dtype=accumulate,
    grads={"self": lambda grad, self, result: _prod_grad(grad, self, result, None, False)},
    example="torch.prod(x)",
)
def prod(self, dtype=None):
    """Product of all the elements."""
    return fidelity.reduction(exact.reduce_prod, _numpy_prod, self, None, False)


@op(
    "prod.dim_int(Tensor self, Dim dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    "ProdBackward1",
    dtype=accumulate,
    grads={"self": _prod_grad},
    example="torch.prod(B, 1)",
)
def prod_dim(self, dim, keepdim=False, dtype=None):
    """Product of the elements along ``dim``."""
    if self.ndim == 0:
        return self.copy()
    return fidelity.reduction(exact.reduce_prod, _numpy_prod, self, dim, keepdim)


# ---- sums that skip NaN ---------------------------------------------------------------------


def _nansum_grad(grad, self, dim, keepdim):
    self_shape = shape_of(self)
    spread = F.expand(unreduce(grad, self_shape, all_dims(dim), keepdim), self_shape)
    return spread * (self == self)


@op(
    "nansum(Tensor self, Dim[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor",
    "NansumBackward0",
    dtype=accumulate,
    grads={"self": _nansum_grad},
    example="torch.nansum(torch.log(x))",
)
def nansum(self, dim=None, keepdim=False, dtype=None):
    """Sum of the elements that are not NaN."""
    return np.nansum(self, axis=all_dims(dim) if self.ndim else None, keepdims=keepdim)


@composite(
    "nanmean(Tensor self, Dim[]? dim=None, bool keepdim=False, *, ScalarType? dtype=None) "
    "-> Tensor",
    example="torch.nanmean(torch.log(x))",
)
def nanmean(self, dim=None, keepdim=False, dtype=None):
    """Mean of the elements that are not NaN (PyTorch: ``nansum / count``)."""
    d = dtype_of(self)
    if d.category != dtypes.FLOATING:
        raise EvaluationError(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{d.kind_name}",
            hint="convert first: x.float().nanmean()",
        )
    present = F.sum_dim(self == self, dim, keepdim)
    return F.nansum(self, dim, keepdim, dtype=dtype) / present


# ---- logsumexp ---------------------------------------------------------------------------


def _logsumexp_grad(grad, self, result, dim, keepdim):
    self_shape = shape_of(self)
    dims = all_dims(dim)
    g = unreduce(grad, self_shape, dims, keepdim)
    with np.errstate(all="ignore"):  # inf - inf where the input has infinities: NaN, as in PyTorch
        return g * F.exp(self - unreduce(result, self_shape, dims, keepdim))


@op(
    "logsumexp(Tensor self, Dim[] dim, bool keepdim=False) -> Tensor",
    "LogsumexpBackward0",
    dtype=to_float,
    namespaces=("torch", "special"),
    grads={"self": _logsumexp_grad},
    example="torch.logsumexp(B, 1)",
)
def logsumexp(self, dim, keepdim=False):
    """``log(sum(exp(self), dim))``, computed without overflow."""
    if dim == () and self.size and self.ndim and not keepdim:  # PyTorch's own failure
        raise EvaluationError(
            "output with shape [] doesn't match the broadcast shape "
            f"[{', '.join(['1'] * self.ndim)}]"
        )
    dims = all_dims(dim) if self.ndim else None
    if self.ndim and fidelity.reduction_exact(self):
        return np.asarray(exact.logsumexp(self, dims, keepdim))
    if self.size:
        top = np.max(self, axis=dims, keepdims=True)
        top = np.where(np.abs(top) == np.inf, 0, top).astype(self.dtype)
    else:
        top = np.zeros(np.sum(self, axis=dims, keepdims=True).shape, dtype=self.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.log(np.sum(np.exp(self - top), axis=dims, keepdims=True)) + top
    return out if keepdim else np.reshape(out, np.sum(self, axis=dims).shape)


# ---- scans: cumsum, cumprod --------------------------------------------------------------


@op(
    "cumsum(Tensor self, Dim dim, *, ScalarType? dtype=None) -> Tensor",
    "CumsumBackward0",
    dtype=accumulate,
    inplace=True,
    grads={"self": lambda grad, dim: reversed_cumsum(grad, dim)},
    example="torch.cumsum(x, 0)",
)
def cumsum(self, dim, dtype=None):
    """Running sums along ``dim``. Integers and bools accumulate in int64."""
    if not self.ndim:
        return self.copy()
    return fidelity.reduction(exact.cumulative_sum, _numpy_running_sum, self, dim)


def _cumprod_grad(grad, self, result, dim):
    """PyTorch's cumprod_backward: exact also where ``self`` has zeros."""
    x = data(self)
    if x.size <= 1:
        return grad
    if np.all(x != 0):
        return reversed_cumsum(grad * result, dim) / self
    zero = x == 0
    zeros_so_far = np.cumsum(zero, axis=dim)
    before = zeros_so_far == 0  # no zero up to and including this position
    first_zero = zero & (zeros_so_far == 1)
    # Before the first zero the usual formula holds; at the first zero, the derivative is
    # the cumprod with that zero replaced by 1; after it, every product holds a zero.
    part_before = reversed_cumsum(grad * result, dim) / F.where(like(grad, before), self, 1.0)
    at_zero = F.cumprod(F.where(like(grad, first_zero), 1.0, self), dim)
    part_zero = reversed_cumsum(grad * at_zero, dim)
    return F.where(like(grad, before), part_before, F.where(like(grad, first_zero), part_zero, 0.0))


@op(
    "cumprod(Tensor self, Dim dim, *, ScalarType? dtype=None) -> Tensor",
    "CumprodBackward0",
    dtype=accumulate,
    inplace=True,
    grads={"self": _cumprod_grad},
    example="torch.cumprod(x, 0)",
)
def cumprod(self, dim, dtype=None):
    """Running products along ``dim``. Integers and bools accumulate in int64."""
    return np.cumprod(self, axis=dim) if self.ndim else self.copy()


# ---- truth tests and counts (no gradient) -----------------------------------------------


def _truth_dtype(op, values):
    """``all``/``any`` give bool, except uint8 in, uint8 out (as PyTorch)."""
    return None, dtypes.uint8 if values[0].array.dtype == np.uint8 else dtypes.bool_


@op(
    "all(Tensor self, Dim[]? dim=None, bool keepdim=False) -> Tensor",
    dtype=_truth_dtype,
    example="torch.all(x > 0)",
)
def all_true(self, dim=None, keepdim=False):
    """Whether every element (along ``dim``) is nonzero."""
    if dim == () and self.ndim:  # an empty list of dims reduces nothing here
        return self != 0
    return np.all(self, axis=dim, keepdims=keepdim)


@op(
    "any(Tensor self, Dim[]? dim=None, bool keepdim=False) -> Tensor",
    dtype=_truth_dtype,
    example="torch.any(x > 0)",
)
def any_true(self, dim=None, keepdim=False):
    """Whether some element (along ``dim``) is nonzero."""
    if dim == () and self.ndim:
        return self != 0
    return np.any(self, axis=dim, keepdims=keepdim)


@op(
    "count_nonzero(Tensor self, Dim[]? dim=None) -> Tensor",
    dtype=int64,
    example="torch.count_nonzero(torch.relu(x))",
)
def count_nonzero(self, dim=None):
    """How many elements (along ``dim``) are nonzero (int64)."""
    return np.asarray(np.count_nonzero(self, axis=all_dims(dim) if self.ndim else None))


# ---- softmax, log_softmax ------------------------------------------------------------------


def _check_floating(kernel: str, x: np.ndarray, dim: int) -> None:
    if x.dtype.kind != "f":
        where = "lastdim_" if dim == max(x.ndim - 1, 0) else ""
        raise EvaluationError(
            f'"{kernel}_{where}kernel_impl" not implemented for '
            f"'{dtypes.BY_NUMPY[x.dtype].kind_name}'",
            kind="NotImplementedError",
            hint=f"convert first (x.float()), or pass dtype=torch.float32 to {kernel}",
        )


def _shifted(x: np.ndarray, dim: int) -> np.ndarray:
    """``x`` minus its maximum along ``dim``, so that ``exp`` cannot overflow."""
    return x - np.max(x, axis=dim, keepdims=True)


@op(
    "_softmax(Tensor self, Dim dim, bool half_to_float=False) -> Tensor",
    "SoftmaxBackward0",
    method=False,
    function=False,
    grads={
        "self": lambda grad, result, dim: result * (grad - F.sum_dim(grad * result, (dim,), True))
    },
)
def _softmax(self, dim, half_to_float=False):
    _check_floating("softmax", self, dim)
    if self.size == 0:
        return self.copy()
    if self.dtype == np.float32 and self.ndim and fidelity.reduction_exact(self):
        return np.asarray(exact_softmax.softmax(self, dim))
    x = self.reshape(1) if self.ndim == 0 else self
    with np.errstate(invalid="ignore"):
        e = np.exp(_shifted(x, dim))
        return (e / np.sum(e, axis=dim, keepdims=True)).reshape(self.shape)


@op(
    "_log_softmax(Tensor self, Dim dim, bool half_to_float=False) -> Tensor",
    "LogSoftmaxBackward0",
    method=False,
    function=False,
    grads={"self": lambda grad, result, dim: grad - F.exp(result) * F.sum_dim(grad, (dim,), True)},
)
def _log_softmax(self, dim, half_to_float=False):
    _check_floating("log_softmax", self, dim)
    if self.size == 0:
        return self.copy()
    if self.dtype == np.float32 and self.ndim and fidelity.reduction_exact(self):
        return np.asarray(exact_softmax.log_softmax(self, dim))
    x = self.reshape(1) if self.ndim == 0 else self
    with np.errstate(invalid="ignore", divide="ignore"):
        shifted = _shifted(x, dim)
        return (shifted - np.log(np.sum(np.exp(shifted), axis=dim, keepdims=True))).reshape(
            self.shape
        )


def _cast_for(x, dtype):
    """``x`` as ``dtype`` first, as PyTorch's ``softmax(dtype=)`` does (a ToCopyBackward0)."""
    if dtype is None or dtype_of(x) is dtype:
        return x
    return F._to_copy(x, dtype)


def _implicit_dim(name: str, ndim: int) -> int:
    from gradcalc.autograd.settings import warn

    warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument."
    )
    return 0 if ndim in (0, 1, 3) else 1


@composite(
    "softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor",
    namespaces=("torch", "special"),
    example="x.softmax(0)",
)
def softmax(self, dim, dtype=None):
    """``exp(self) / sum(exp(self), dim)``: each slice along ``dim`` becomes probabilities."""
    return F._softmax(_cast_for(self, dtype), dim, False)


@composite(
    "softmax.functional(Tensor self, int? dim=None, int _stacklevel=3, ScalarType? dtype=None) "
    "-> Tensor",
    namespaces=("F",),
    method=False,
    example="F.softmax(B, dim=1)",
)
def softmax_functional(self, dim=None, _stacklevel=3, dtype=None):
    """``torch.nn.functional.softmax``: without ``dim``, PyTorch's deprecated implicit dim."""
    if dim is None:
        dim = _implicit_dim("softmax", len(self.shape))
    return F._softmax(_cast_for(self, dtype), dim, False)


@composite(
    "log_softmax(Tensor self, int dim, ScalarType? dtype=None) -> Tensor",
    namespaces=("torch", "special"),
    example="x.log_softmax(0)",
)
def log_softmax(self, dim, dtype=None):
    """``log(softmax(self, dim))``, computed stably."""
    return F._log_softmax(_cast_for(self, dtype), dim, False)


@composite(
    "log_softmax.functional(Tensor self, int? dim=None, int _stacklevel=3, "
    "ScalarType? dtype=None) -> Tensor",
    namespaces=("F",),
    method=False,
    example="F.log_softmax(B, dim=1)",
)
def log_softmax_functional(self, dim=None, _stacklevel=3, dtype=None):
    """``torch.nn.functional.log_softmax``: without ``dim``, the implicit dim."""
    if dim is None:
        dim = _implicit_dim("log_softmax", len(self.shape))
    return F._log_softmax(_cast_for(self, dtype), dim, False)


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(cumsum, cumprod)
