"""Reductions over ``dim`` (an int, a tuple, negative allowed; None = every dim), keepdim.

A reduction's VJP spreads the output gradient back over the reduced dims: ``_keep``
restores them as size-1 dims, then broadcasting (or ``broadcast_to``) does the rest.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from gradcalc.autograd.ops.common import (
    as_tensor,
    is_int,
    is_number,
    normalize_dim,
    normalize_dims,
    run_rule,
)
from gradcalc.autograd.registry import rule
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ValueDomainError

ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


def _kept_shape(shape: tuple, axis) -> tuple:
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def _keep(t, shape, axis, keepdims, B):
    """A reduced value or gradient, reshaped so that it broadcasts against the input."""
    if keepdims or axis is None:  # a reduction over every dim broadcasts as it is
        return t
    return B.reshape(t, _kept_shape(shape, axis))


def _count(shape, axis) -> int:
    if axis is None:
        return math.prod(shape)
    return math.prod(shape[i] for i in axis)


@rule("sum", "SumBackward1", formula="grad expanded to self's shape")
def _sum(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


@_sum.defvjp
def _(ctx, g, axis, keepdims):
    shape = ctx.shapes[0]
    return (ctx.B.broadcast_to(_keep(g, shape, axis, keepdims, ctx.B), shape),)


_SUM_ALL = _sum.renamed("SumBackward0")


@rule("mean", "MeanBackward1", formula="grad expanded to self's shape / N")
def _mean(x, axis, keepdims):
    total = np.sum(x, axis=axis, keepdims=keepdims)
    n = _count(x.shape, axis)
    # The mean of nothing is NaN, as in PyTorch (np.mean would also warn).
    return total / n if n else np.full_like(total, np.nan)


@_mean.defvjp
def _(ctx, g, axis, keepdims):
    shape = ctx.shapes[0]
    n = _count(shape, axis)
    gk = _keep(g, shape, axis, keepdims, ctx.B)
    # n == 0: the input is empty, so is its gradient (no 0/0 on the way).
    return (ctx.B.broadcast_to(gk / n if n else gk, shape),)


_MEAN_ALL = _mean.renamed("MeanBackward0")


def _product_of_others(x: np.ndarray, axis) -> np.ndarray:
    """For each element, the product of the other elements of its reduced slice."""
    axis = tuple(range(x.ndim)) if axis is None else axis
    kept = [i for i in range(x.ndim) if i not in axis]
    moved = np.transpose(x, kept + list(axis))
    lead = moved.shape[: len(kept)]
    flat = moved.reshape(lead + (-1,))
    ones = np.ones(lead + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., ::-1][..., :-1]], axis=-1), axis=-1)
    others = (left * right[..., ::-1]).reshape(moved.shape)
    return np.transpose(others, np.argsort(kept + list(axis)))


@rule(
    "prod",
    "ProdBackward1",
    formula="grad * (product of the other elements)",
    save=(0,),
    save_output=True,
)
def _prod(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


@_prod.defvjp
def _(ctx, g, axis, keepdims):
    x = ctx.inputs[0]
    B = ctx.B
    shape = ctx.shapes[0]
    gk = _keep(g, shape, axis, keepdims, B)
    data = x if type(x) is np.ndarray else x.data
    if np.all(data != 0):
        return (gk * _keep(ctx.out, shape, axis, keepdims, B) / x,)
    # With zeros, out / x is 0/0: use the products of the other elements directly.
    # (On recorded graphs this factor is a constant: second derivatives at zeros are not exact.)
    return (gk * B.const(_product_of_others(data, axis)),)


_PROD_ALL = _prod.renamed("ProdBackward0")


def _extreme_all(name: str, node_name: str, pick):
    @rule(
        name,
        node_name,
        formula="grad / (number of maxima) at every maximum of self, 0 elsewhere",
        save=(0,),
        save_output=True,
    )
    def forward(x):
        return pick(x)

    @forward.defvjp
    def _(ctx, g):
        x = ctx.inputs[0]
        mask = x == ctx.out
        data = mask if type(mask) is np.ndarray else mask.data
        return (g * mask / float(np.count_nonzero(data)),)

    return forward


_MAX_ALL = _extreme_all("max", "MaxBackward1", np.max)
_MIN_ALL = _extreme_all("min", "MinBackward1", np.min)


@rule("max_dim", "MaxBackward0", formula="grad at the index of the maximum, 0 elsewhere")
def _take_at(x, axis, keepdims, indices):
    values = np.take_along_axis(x, indices, axis=axis)
    return values if keepdims else np.squeeze(values, axis=axis)


@_take_at.defvjp
def _(ctx, g, axis, keepdims, indices):
    shape = ctx.shapes[0]
    mask = np.zeros(shape, dtype=bool)
    np.put_along_axis(mask, indices, True, axis=axis)
    gk = g if keepdims else ctx.B.expand_dims(g, axis)
    return (gk * ctx.B.const(mask),)


_TAKE_MIN = _take_at.renamed("MinBackward0")


@rule("cumsum", "CumsumBackward0", formula="grad summed from the end along dim (reversed cumsum)")
def _cumsum(x, axis):
    return np.cumsum(x, axis=axis) if x.ndim else x.copy()


@_cumsum.defvjp
def _(ctx, g, axis):
    if not ctx.shapes[0]:
        return (g,)
    backwards = (slice(None),) * axis + (slice(None, None, -1),)
    return (run_rule(_cumsum, g[backwards], axis=axis)[backwards],)


def _variance_parts(x, axis, correction, B):
    n = _count(x.shape, axis)
    mean = B.sum(x, axis=axis, keepdims=True) / n if n else x
    # PyTorch's degrees of freedom, max(0, N - correction); a numpy scalar so that dividing
    # by zero gives inf/NaN as there, not ZeroDivisionError.
    return x - mean, np.float64(n - correction if n > correction else 0.0)


@rule(
    "var",
    "VarBackward0",
    formula="grad * 2 * (self - mean) / (N - correction)",
    save=(0,),
)
def _var(x, axis, correction, keepdims):
    centered, denominator = _variance_parts(x, axis, correction, np)
    return np.sum(centered * centered, axis=axis, keepdims=keepdims) / denominator


@_var.defvjp
def _(ctx, g, axis, correction, keepdims):
    x = ctx.inputs[0]
    centered, denominator = _variance_parts(x, axis, correction, ctx.B)
    gk = _keep(g, ctx.shapes[0], axis, keepdims, ctx.B)
    return (gk * (2.0 / denominator) * centered,)


@rule(
    "std",
    "StdBackward0",
    formula="grad * (self - mean) / ((N - correction) * result)",
    save=(0,),
    save_output=True,
)
def _std(x, axis, correction, keepdims):
    return np.sqrt(_var.forward(x, axis, correction, keepdims))


@_std.defvjp
def _(ctx, g, axis, correction, keepdims):
    x = ctx.inputs[0]
    B = ctx.B
    centered, denominator = _variance_parts(x, axis, correction, B)
    shape = ctx.shapes[0]
    gk = _keep(g, shape, axis, keepdims, B)
    out = _keep(ctx.out, shape, axis, keepdims, B)
    scale = B.where(out == 0, 0.0, gk / (denominator * out))
    return (scale * centered,)


@rule(
    "norm",
    "LinalgVectorNormBackward0",
    formula="grad * self * |self| ** (p - 2) / result ** (p - 1) (p = 2: grad * self / result)",
    save=(0,),
    save_output=True,
)
def _norm(x, p, axis, keepdims):
    a = np.abs(x)
    if p == 2:
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    if p == 1:
        return np.sum(a, axis=axis, keepdims=keepdims)
    if p == math.inf:
        return np.max(a, axis=axis, keepdims=keepdims)
    if p == -math.inf:
        return np.min(a, axis=axis, keepdims=keepdims)
    if p == 0:
        return np.sum(a != 0, axis=axis, keepdims=keepdims).astype(x.dtype)
    return np.sum(a**p, axis=axis, keepdims=keepdims) ** (1.0 / p)


@_norm.defvjp
def _(ctx, g, p, axis, keepdims):
    x = ctx.inputs[0]
    B = ctx.B
    shape = ctx.shapes[0]
    gk = _keep(g, shape, axis, keepdims, B)
    out = _keep(ctx.out, shape, axis, keepdims, B)
    if p == 0:
        return (gk * 0.0 * x,)
    if p == 1:
        return (gk * B.sign(x),)
    if p == 2:
        return (B.where(out == 0, 0.0, gk / out) * x,)
    if math.isinf(p):
        mask = B.abs(x) == out
        data = mask if type(mask) is np.ndarray else mask.data
        counts = np.sum(data, axis=axis, keepdims=True)
        return (gk * B.sign(x) * mask / B.const(counts.astype(x.dtype)),)
    a = B.abs(x)
    scale = B.where(out == 0, 0.0, gk / out ** (p - 1.0))
    return (scale * x * a ** (p - 2.0),)


@rule(
    "logsumexp",
    "LogsumexpBackward0",
    formula="grad * exp(self - result)",
    save=(0,),
    save_output=True,
)
def _logsumexp(x, axis, keepdims):
    m = np.max(x, axis=axis, keepdims=True) if x.size else np.zeros(_kept_shape(x.shape, axis))
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.reshape(out, _reduced_shape(x.shape, axis))


def _reduced_shape(shape, axis) -> tuple:
    if axis is None:
        return ()
    return tuple(n for i, n in enumerate(shape) if i not in axis)


@_logsumexp.defvjp
def _(ctx, g, axis, keepdims):
    x = ctx.inputs[0]
    B = ctx.B
    shape = ctx.shapes[0]
    out = _keep(ctx.out, shape, axis, keepdims, B)
    return (_keep(g, shape, axis, keepdims, B) * B.exp(x - out),)


@rule(
    "softmax",
    "SoftmaxBackward0",
    formula="result * (grad - sum(grad * result, dim))",
    save_output=True,
)
def _softmax(x, axis):
    if x.size == 0:  # nothing to normalise; np.max has no identity for an empty reduction
        return x.copy()
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


@_softmax.defvjp
def _(ctx, g, axis):
    out = ctx.out
    return (out * (g - ctx.B.sum(g * out, axis=axis, keepdims=True)),)


@rule(
    "log_softmax",
    "LogSoftmaxBackward0",
    formula="grad - exp(result) * sum(grad, dim)",
    save_output=True,
)
def _log_softmax(x, axis):
    if x.size == 0:
        return x.copy()
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


@_log_softmax.defvjp
def _(ctx, g, axis):
    B = ctx.B
    return (g - B.exp(ctx.out) * B.sum(g, axis=axis, keepdims=True),)


# ---- public functions ------------------------------------------------------------------------


def _floating(x: Tensor) -> Tensor:
    if x.dtype.kind != "f":
        from gradcalc.autograd.settings import STATE

        return Tensor._make(x.data.astype(STATE.default_dtype))
    return x


def _check_keepdim(keepdim, fname):
    if not isinstance(keepdim, bool | np.bool_):
        raise ArgumentError(f"{fname}(): keepdim must be True or False, got {keepdim!r}")
    return bool(keepdim)


def sum(input, dim=None, keepdim=False):
    """Sum over ``dim`` (all dims by default)."""
    x = _floating(as_tensor(input))
    keepdim = _check_keepdim(keepdim, "sum")
    axis = normalize_dims(dim, x.ndim)
    if dim is None:
        return _SUM_ALL(x, axis=None, keepdims=keepdim)
    return _sum(x, axis=axis, keepdims=keepdim)


def mean(input, dim=None, keepdim=False):
    """Mean over ``dim`` (all dims by default)."""
    x = _floating(as_tensor(input))
    keepdim = _check_keepdim(keepdim, "mean")
    axis = normalize_dims(dim, x.ndim)
    if dim is None:
        return _MEAN_ALL(x, axis=None, keepdims=keepdim)
    return _mean(x, axis=axis, keepdims=keepdim)


def prod(input, dim=None, keepdim=False):
    """Product over one ``dim`` (all elements by default)."""
    x = _floating(as_tensor(input))
    keepdim = _check_keepdim(keepdim, "prod")
    if dim is None:
        return _PROD_ALL(x, axis=None, keepdims=keepdim)
    if not is_int(dim):
        raise ArgumentError(f"prod(): dim must be an integer, got {dim!r}")
    return _prod(x, axis=normalize_dims(dim, x.ndim), keepdims=keepdim)


def _extreme(input, dim, keepdim, other, fname, whole, take, arg, elementwise):
    if type(dim) is Tensor or other is not None:
        # x.max(y) is maximum(x, y), as in PyTorch.
        return elementwise(input, dim if other is None else other)
    x = _floating(as_tensor(input))
    keepdim = _check_keepdim(keepdim, fname)
    if dim is None:
        if x.data.size == 0:
            raise ValueDomainError(
                f"{fname}(): Expected reduction dim to be specified for input.numel() == 0. "
                "Specify the reduction dim with the 'dim' argument."
            )
        return whole(x)
    axis = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return ValuesIndices(x * 1.0, Tensor._make(np.array(0, dtype=np.int64)))
    if x.shape[axis] == 0:
        raise ValueDomainError(f"{fname}(): Expected reduction dim {axis} to have non-zero size.")
    indices = np.expand_dims(arg(x.data, axis=axis), axis)
    values = take(x, axis=axis, keepdims=keepdim, indices=indices)
    index_tensor = indices if keepdim else np.squeeze(indices, axis=axis)
    return ValuesIndices(values, Tensor._make(index_tensor.astype(np.int64)))


def max(input, dim=None, keepdim=False, other=None):
    """The largest element; with ``dim``, ``(values, indices)`` along it (as PyTorch)."""
    from gradcalc.autograd.ops.elementwise import maximum

    return _extreme(input, dim, keepdim, other, "max", _MAX_ALL, _take_at, np.argmax, maximum)


def min(input, dim=None, keepdim=False, other=None):
    """The smallest element; with ``dim``, ``(values, indices)`` along it (as PyTorch)."""
    from gradcalc.autograd.ops.elementwise import minimum

    return _extreme(input, dim, keepdim, other, "min", _MIN_ALL, _TAKE_MIN, np.argmin, minimum)


def _correction(unbiased, correction, fname) -> float:
    if correction is not None:
        if not is_number(correction):
            raise ArgumentError(f"{fname}(): correction must be a number, got {correction!r}")
        return float(correction)
    if not isinstance(unbiased, bool | np.bool_):
        raise ArgumentError(f"{fname}(): unbiased must be True or False, got {unbiased!r}")
    return 1.0 if unbiased else 0.0


def var(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    """Variance over ``dim``; ``correction`` (default 1, Bessel's) or ``unbiased`` as PyTorch."""
    x = _floating(as_tensor(input))
    c = _correction(unbiased, correction, "var")
    return _var(
        x, axis=normalize_dims(dim, x.ndim), correction=c, keepdims=_check_keepdim(keepdim, "var")
    )


def std(input, dim=None, unbiased=True, keepdim=False, *, correction=None):
    """Standard deviation over ``dim``; ``correction``/``unbiased`` as in ``var``."""
    x = _floating(as_tensor(input))
    c = _correction(unbiased, correction, "std")
    return _std(
        x, axis=normalize_dims(dim, x.ndim), correction=c, keepdims=_check_keepdim(keepdim, "std")
    )


def norm(input, p="fro", dim=None, keepdim=False):
    """The vector p-norm over ``dim`` (all elements by default); ``p`` a number, inf or "fro"."""
    x = _floating(as_tensor(input))
    if p == "fro" or p is None:
        p = 2.0
    elif not is_number(p):
        raise ArgumentError(f"norm(): p must be a number, inf or 'fro', got {p!r}")
    return _norm(
        x,
        p=float(p),
        axis=normalize_dims(dim, x.ndim),
        keepdims=_check_keepdim(keepdim, "norm"),
    )


def logsumexp(input, dim=None, keepdim=False):
    """``log(sum(exp(input), dim))`` computed without overflow."""
    x = _floating(as_tensor(input))
    return _logsumexp(
        x, axis=normalize_dims(dim, x.ndim), keepdims=_check_keepdim(keepdim, "logsumexp")
    )


def _softmax_axis(dim, ndim: int) -> int:
    if dim is None:  # PyTorch's implicit choice (deprecated there, but defined)
        dim = 0 if ndim in (0, 1, 3) else 1
    return normalize_dim(dim, ndim)


def softmax(input, dim=None):
    """``exp(input) / sum(exp(input), dim)``."""
    x = _floating(as_tensor(input))
    return _softmax(x, axis=_softmax_axis(dim, x.ndim) if x.ndim else None)


def log_softmax(input, dim=None):
    """``log(softmax(input, dim))`` computed stably."""
    x = _floating(as_tensor(input))
    return _log_softmax(x, axis=_softmax_axis(dim, x.ndim) if x.ndim else None)


def cumsum(input, dim):
    """Running sums along ``dim``. Integer and bool tensors give int64, as in PyTorch."""
    x = as_tensor(input)
    return _cumsum(x, axis=normalize_dim(dim, x.ndim))


def _index_of_extreme(input, dim, keepdim, fname, arg):
    x = as_tensor(input)
    keepdim = _check_keepdim(keepdim, fname)
    data = x.data
    if dim is None:
        if data.size == 0:
            raise ValueDomainError(
                f"{fname}(): Expected reduction dim to be specified for input.numel() == 0."
            )
        index = np.asarray(arg(data))  # into the flattened tensor
        if keepdim:
            index = index.reshape((1,) * data.ndim)
    else:
        axis = normalize_dim(dim, x.ndim)
        if data.ndim == 0:
            index = np.asarray(0)
        elif data.shape[axis] == 0:
            raise ValueDomainError(
                f"{fname}(): Expected reduction dim {axis} to have non-zero size."
            )
        else:
            index = arg(data, axis=axis, keepdims=keepdim)
    return Tensor._make(np.asarray(index, dtype=np.int64))


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor without ``dim``); the first of
    equal ones. An int64 index tensor, without gradient."""
    return _index_of_extreme(input, dim, keepdim, "argmax", np.argmax)


def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element; as ``argmax``."""
    return _index_of_extreme(input, dim, keepdim, "argmin", np.argmin)


def _test_elements(input, dim, keepdim, fname, reduce):
    x = as_tensor(input)
    keepdim = _check_keepdim(keepdim, fname)
    axis = normalize_dims(dim, x.ndim)
    return Tensor._make(np.asarray(reduce(x.data, axis=axis, keepdims=keepdim)))


def all(input, dim=None, keepdim=False):
    """Whether every element (along ``dim``) is nonzero: a bool tensor, without gradient."""
    return _test_elements(input, dim, keepdim, "all", np.all)


def any(input, dim=None, keepdim=False):
    """Whether some element (along ``dim``) is nonzero: a bool tensor, without gradient."""
    return _test_elements(input, dim, keepdim, "any", np.any)
