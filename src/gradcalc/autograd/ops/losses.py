"""Loss functions (``torch.nn.functional`` names and keywords; reduction='mean' default)."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.ops.arithmetic import _div
from gradcalc.autograd.ops.common import as_tensor, broadcast_shapes, is_int
from gradcalc.autograd.registry import rule
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ShapeError, ValueDomainError

_REDUCTIONS = ("mean", "sum", "none")
_DIV_BY_COUNT = _div.renamed("DivBackward1")


def _reduce(loss, reduction):
    if reduction == "mean":
        return np.mean(loss)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def _spread(g, reduction, n, B):
    """The gradient of a reduction over all ``n`` elements, ready to broadcast."""
    return g / n if reduction == "mean" else g


@rule(
    "mse_loss",
    "MseLossBackward0",
    formula="self: grad * 2 * (self - target) / N; target: -grad * 2 * (self - target) / N",
    save=True,
)
def _mse_loss(x, target, reduction):
    d = x - target
    return _reduce(d * d, reduction)


@_mse_loss.defvjp
def _(ctx, g, reduction):
    x, target = ctx.inputs
    d = x - target
    n = d.size if type(d) is np.ndarray else d.data.size
    gd = _spread(g, reduction, n, ctx.B) * 2.0 * d
    return gd, (-gd if ctx.needs[1] else None)  # the target is usually a constant


@rule(
    "binary_cross_entropy",
    "BinaryCrossEntropyBackward0",
    formula=(
        "self: grad * weight * (self - target) / max(self * (1 - self), 1e-12); "
        "target: grad * weight * (log(1 - self) - log(self))"
    ),
    save=True,
)
def _binary_cross_entropy(x, target, weight, reduction):
    # PyTorch clamps the logs at -100 so that a 0 or 1 prediction gives a finite loss.
    log_x = np.maximum(np.log(x), -100.0)
    log_1mx = np.maximum(np.log1p(-x), -100.0)
    return _reduce(-weight * (target * log_x + (1.0 - target) * log_1mx), reduction)


@_binary_cross_entropy.defvjp
def _(ctx, g, reduction):
    x, target, weight = ctx.inputs
    B = ctx.B
    n = x.size if type(x) is np.ndarray else x.data.size
    gw = _spread(g, reduction, n, B) * weight
    gx = gt = None
    if ctx.needs[0]:
        gx = gw * (x - target) / B.maximum((1.0 - x) * x, 1e-12)
    if ctx.needs[1]:
        gt = gw * (B.maximum(B.log(1.0 - x), -100.0) - B.maximum(B.log(x), -100.0))
    gweight = None
    if ctx.needs[2]:
        log_x = B.maximum(B.log(x), -100.0)
        log_1mx = B.maximum(B.log(1.0 - x), -100.0)
        gweight = -_spread(g, reduction, n, B) * (target * log_x + (1.0 - target) * log_1mx)
    return gx, gt, gweight


@rule("nll_loss", "NllLossBackward0", formula="-grad / N at each target class, 0 elsewhere")
def _nll_loss(x, indices, reduction):
    picked = -np.take_along_axis(x, indices, axis=_class_axis(x.ndim))
    picked = np.squeeze(picked, axis=_class_axis(x.ndim))
    return _reduce(picked, reduction)


@_nll_loss.defvjp
def _(ctx, g, indices, reduction):
    shape = ctx.shapes[0]
    axis = _class_axis(len(shape))
    mask = np.zeros(shape, dtype=ctx.dtypes[0])
    np.put_along_axis(mask, indices, -1.0, axis=axis)
    if reduction == "none":
        return (ctx.B.expand_dims(g, axis) * ctx.B.const(mask),)
    n = indices.size
    return (_spread(g, reduction, n, ctx.B) * ctx.B.const(mask),)


def _class_axis(ndim: int) -> int:
    return 0 if ndim == 1 else 1


# ---- public functions ------------------------------------------------------------------------


def _check_reduction(reduction, fname):
    if reduction not in _REDUCTIONS:
        raise ArgumentError(
            f"{fname}(): {reduction!r} is not a valid value for reduction",
            hint="use reduction='mean', 'sum' or 'none'",
        )


def mse_loss(input, target, reduction="mean"):
    """Mean squared error ``mean((input - target) ** 2)``."""
    _check_reduction(reduction, "mse_loss")
    x, t = as_tensor(input), as_tensor(target, "target")
    broadcast_shapes(x.shape, t.shape, "compare")
    return _mse_loss(x, t, reduction=reduction)


def l1_loss(input, target, reduction="mean"):
    """Mean absolute error ``mean(|input - target|)``."""
    from gradcalc.autograd.ops.arithmetic import sub
    from gradcalc.autograd.ops.elementwise import abs
    from gradcalc.autograd.ops.reductions import mean, sum

    _check_reduction(reduction, "l1_loss")
    x, t = as_tensor(input), as_tensor(target, "target")
    loss = abs(sub(x, t))
    if reduction == "mean":
        return mean(loss)
    if reduction == "sum":
        return sum(loss)
    return loss


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """``-(target * log(input) + (1 - target) * log(1 - input))``; input in [0, 1]."""
    _check_reduction(reduction, "binary_cross_entropy")
    x, t = as_tensor(input), as_tensor(target, "target")
    if x.shape != t.shape:
        raise ShapeError(
            f"Using a target size ({_size(t.shape)}) that is different to the input size "
            f"({_size(x.shape)}) is deprecated. Please ensure they have the same size."
        )
    data = x.data
    if data.size and not np.all((data >= 0) & (data <= 1)):
        raise ValueDomainError(
            "all elements of input should be between 0 and 1",
            hint="pass probabilities, e.g. sigmoid(logits)",
        )
    w = 1.0 if weight is None else as_tensor(weight, "weight")
    if type(w) is Tensor:
        broadcast_shapes(x.shape, w.shape, "weight")
    return _binary_cross_entropy(x, t, w, reduction=reduction)


def _size(shape) -> str:
    return "torch.Size([" + ", ".join(str(n) for n in shape) + "])"


def nll_loss(input, target, reduction="mean"):
    """Negative log-likelihood of class indices ``target`` under log-probabilities ``input``."""
    _check_reduction(reduction, "nll_loss")
    x = as_tensor(input)
    indices = _class_indices(x, target)
    return _nll_loss(x, indices=indices, reduction=reduction)


def _class_indices(x: Tensor, target) -> np.ndarray:
    if x.ndim == 0:
        raise ShapeError("cross_entropy/nll_loss: input must have at least 1 dimension (classes)")
    if is_int(target):
        target = np.array(target)
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    expected = x.shape[:1] + x.shape[2:] if x.ndim > 1 else ()
    if t.shape != expected:
        raise ShapeError(
            f"expected target of shape {expected} (class indices) for input of shape "
            f"{x.shape}, got {t.shape}"
        )
    if t.dtype.kind == "f":
        if t.size and not np.all(t == np.round(t)):
            raise ValueDomainError("class index targets must be whole numbers")
    elif t.dtype.kind not in "iu":
        raise ArgumentError("target must hold class indices (integers)")
    t = t.astype(np.int64)
    classes = x.shape[_class_axis(x.ndim)]
    bad = t[(t < 0) | (t >= classes)]
    if bad.size:
        raise ValueDomainError(
            f"Target {int(bad.flat[0])} is out of bounds.",
            hint=f"class indices must be in [0, {classes - 1}]",
        )
    return np.expand_dims(t, _class_axis(x.ndim))


def cross_entropy(input, target, reduction="mean"):
    """Cross entropy of logits ``input`` (N, C) against class indices (N,) or probabilities.

    As PyTorch: ``nll_loss(log_softmax(input, 1), target)``.
    """
    from gradcalc.autograd.ops.arithmetic import mul, neg
    from gradcalc.autograd.ops.reductions import log_softmax, sum

    _check_reduction(reduction, "cross_entropy")
    x = as_tensor(input)
    if x.ndim == 0:
        raise ShapeError("cross_entropy: input must have at least 1 dimension (classes)")
    axis = _class_axis(x.ndim)
    t = target if isinstance(target, Tensor) else None
    if t is not None and t.shape == x.shape and t.dtype.kind == "f":
        # Class probabilities, built as PyTorch builds them (same nodes in the graph).
        weighted = mul(log_softmax(x, axis), t)
        if reduction == "none":
            return neg(sum(weighted, axis))
        total = neg(sum(weighted))
        if reduction == "sum":
            return total
        return _DIV_BY_COUNT(total, float(x.shape[0] if x.ndim > 1 else 1))
    indices = _class_indices(x, target)
    return _nll_loss(log_softmax(x, axis), indices=indices, reduction=reduction)
