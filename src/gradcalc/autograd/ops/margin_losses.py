"""More losses of torch.nn.functional: the ops ``soft_margin_loss``, ``multi_margin_loss`` and
``multilabel_margin_loss`` (PyTorch's own nodes), and the compositions
``hinge_embedding_loss``, ``cosine_embedding_loss``, ``multilabel_soft_margin_loss``,
``triplet_margin_loss``, ``triplet_margin_with_distance_loss``, ``poisson_nll_loss`` and
``gaussian_nll_loss``, written in the order aten/src/ATen/native/Loss.cpp and
torch/nn/functional.py use (https://github.com/pytorch/pytorch), so the graphs show
PyTorch's nodes; messages are theirs.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.losses import ONLY_F, legacy_reduction, reduce_loss, reduction_of
from gradcalc.autograd.ops.pointwise import no_derivative
from gradcalc.autograd.ops.support import array_of
from gradcalc.autograd.tensor import make_tensor
from gradcalc.errors import EvaluationError

_HIDDEN = {"method": False, "function": False}
_LEGACY = "bool? size_average=None, bool? reduce=None, str reduction='mean'"
_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction(size_average, reduce, reduction) -> str:
    return reduction_of(legacy_reduction(size_average, reduce, reduction))


def _constant(like, value: float):
    """A 0-d constant of ``like``'s dtype: what ATen's ``1 - x`` makes (``SubBackward0``)."""
    return make_tensor(np.array(value, dtype=array_of(like).dtype))


def _reduce_array(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        return np.asarray(loss.mean())
    if reduction == "sum":
        return np.asarray(loss.sum())
    return loss


def _scaled(grad, reduction: str, count: int):
    return grad / count if reduction == "mean" else grad


# ---- soft margin ---------------------------------------------------------------------------


def _soft_margin_grad(grad, self, target, reduction):
    name = {0: "none", 1: "mean", 2: "sum"}[reduction]
    count = int(np.prod(np.broadcast_shapes(tuple(self.shape), tuple(target.shape))))
    return _scaled(grad, name, count) * -target * F.sigmoid(-target * self)


@op(
    "soft_margin_loss.op(Tensor self, Tensor target, int reduction) -> Tensor",
    "SoftMarginLossBackward0",
    broadcast=True,
    grads={"self": _soft_margin_grad},
    **_HIDDEN,
)
def soft_margin_loss_op(self, target, reduction):
    loss = np.log1p(np.exp(-target.astype(np.float64) * self))
    name = {0: "none", 1: "mean", 2: "sum"}[reduction]
    return _reduce_array(loss, name).astype(self.dtype)


@composite(
    f"soft_margin_loss(Tensor input, Tensor target, {_LEGACY}) -> Tensor",
    example="F.soft_margin_loss(x, torch.tensor([1.0, -1.0, 1.0, -1.0]))",
    **ONLY_F,
)
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``log(1 + exp(-target * input))``: a logistic loss for targets of 1 and -1."""
    reduction = _reduction(size_average, reduce, reduction)
    return F.soft_margin_loss_op(input, target, _REDUCTIONS[reduction])


# ---- multi margin --------------------------------------------------------------------------


def _as_rows(x):
    return x.reshape(1, -1) if x.ndim == 1 else x


def _multi_margin_terms(x: np.ndarray, target: np.ndarray, margin: float):
    rows = _as_rows(x).astype(np.float64)
    picked = np.take_along_axis(rows, target.reshape(-1, 1), 1)
    z = margin - picked + rows
    others = np.ones(rows.shape, bool)
    np.put_along_axis(others, target.reshape(-1, 1), False, 1)
    return z, others & (z > 0)


def _multi_margin_check(self, target, weight) -> None:
    samples = self.shape[0] if self.ndim == 2 else 1
    if self.ndim > 2 or target.size != samples or target.ndim > 1:
        raise EvaluationError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{samples}], but got "
            f"[{', '.join(map(str, target.shape))}]. Input has shape "
            f"[{', '.join(map(str, self.shape))}]."
        )
    classes = self.shape[-1] if self.ndim else 1
    if target.size and (target.min() < 0 or target.max() >= classes):
        raise EvaluationError("target out of range")
    if weight is not None and weight.size != classes:
        raise EvaluationError(
            f"inconsistent weight size, expected {classes} but got "
            f"[{', '.join(map(str, weight.shape))}]"
        )


def _not_implemented(name: str):
    return no_derivative(f"derivative for aten::{name} is not implemented")


@op(
    "multi_margin_loss_backward(Tensor grad_output, Tensor self, Tensor target, Scalar p, "
    "Scalar margin, Tensor? weight, int reduction) -> Tensor",
    "NotImplemented",
    grads={
        "grad_output": _not_implemented("multi_margin_loss_backward"),
        "self": _not_implemented("multi_margin_loss_backward"),
    },
    **_HIDDEN,
)
def multi_margin_loss_backward(grad_output, self, target, p, margin, weight, reduction):
    index = target.astype(np.int64).reshape(-1)
    z, active = _multi_margin_terms(self, index, margin)
    rows, classes = z.shape
    scale = np.ones(rows) if weight is None else weight.astype(np.float64)[index]
    per_class = active * scale.reshape(-1, 1) / classes
    if p == 2:
        per_class = per_class * 2 * z
    np.put_along_axis(per_class, index.reshape(-1, 1), -per_class.sum(1, keepdims=True), 1)
    g = grad_output.astype(np.float64)
    g = g.reshape(-1, 1) if reduction == 0 else g / rows if reduction == 1 else g
    return (per_class * g).reshape(self.shape).astype(self.dtype)


@op(
    "multi_margin_loss.op(Tensor self, Tensor target, Scalar p, Scalar margin, Tensor? weight, "
    "int reduction) -> Tensor",
    "MultiMarginLossBackward0",
    grads={
        "self": lambda grad, self, target, p, margin, weight, reduction: (
            F.multi_margin_loss_backward(grad, self, target, p, margin, weight, reduction)
        )
    },
    **_HIDDEN,
)
def multi_margin_loss_op(self, target, p, margin, weight, reduction):
    _multi_margin_check(self, target, weight)
    z, active = _multi_margin_terms(self, target.astype(np.int64), margin)
    terms = np.where(active, z**p, 0.0)
    if weight is not None:
        terms = terms * weight.astype(np.float64)[target.reshape(-1)].reshape(-1, 1)
    loss = terms.sum(1) / z.shape[1]
    name = {0: "none", 1: "mean", 2: "sum"}[reduction]
    if name == "none" and self.ndim == 1:
        loss = loss.reshape(())
    return _reduce_array(loss, name).astype(self.dtype)


@composite(
    "multi_margin_loss(Tensor input, Tensor target, int p=1, float margin=1.0, "
    f"Tensor? weight=None, {_LEGACY}) -> Tensor",
    example="F.multi_margin_loss(x.view(1, 4), torch.tensor([2]))",
    **ONLY_F,
)
def multi_margin_loss(
    input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """Per sample, ``sum over classes i != y of max(0, margin - x[y] + x[i]) ** p`` over the
    number of classes (times the weight of y)."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise EvaluationError("only p == 1 and p == 2 supported", kind="ValueError")
    return F.multi_margin_loss_op(input, target, p, margin, weight, _REDUCTIONS[reduction])


# ---- multilabel margin ---------------------------------------------------------------------


def _label_masks(target: np.ndarray):
    """(is a label, the labels before the first -1) per row."""
    rows = target.reshape(-1, target.shape[-1]) if target.ndim else target.reshape(1, 1)
    labels = np.zeros(rows.shape, bool)
    for r, row in enumerate(rows):
        for value in row:
            if value < 0:
                break
            labels[r, value] = True
    return labels


def _multilabel_pairs(x: np.ndarray, target: np.ndarray):
    rows = x.reshape(-1, x.shape[-1] if x.ndim else 1).astype(np.float64)
    labels = _label_masks(target)
    z = 1 - rows[:, :, None] + rows[:, None, :]  # z[n, j, i] = 1 - (x_j - x_i)
    active = labels[:, :, None] & ~labels[:, None, :] & (z > 0)
    return z, active


@op(
    "multilabel_margin_loss_backward(Tensor grad_output, Tensor self, Tensor target, "
    "int reduction) -> Tensor",
    "NotImplemented",
    grads={
        "grad_output": _not_implemented("multilabel_margin_loss_backward"),
        "self": _not_implemented("multilabel_margin_loss_backward"),
    },
    **_HIDDEN,
)
def multilabel_margin_loss_backward(grad_output, self, target, reduction):
    _, active = _multilabel_pairs(self, target.astype(np.int64))
    rows, classes = active.shape[:2]
    per_class = (active.sum(1) - active.sum(2)) / classes
    g = grad_output.astype(np.float64)
    g = g.reshape(-1, 1) if reduction == 0 else g / rows if reduction == 1 else g
    return (per_class * g).reshape(self.shape).astype(self.dtype)


@op(
    "multilabel_margin_loss.op(Tensor self, Tensor target, int reduction) -> Tensor",
    "MultilabelMarginLossBackward0",
    grads={
        "self": lambda grad, self, target, reduction: F.multilabel_margin_loss_backward(
            grad, self, target, reduction
        )
    },
    **_HIDDEN,
)
def multilabel_margin_loss_op(self, target, reduction):
    if self.shape != target.shape or self.ndim > 2:
        raise EvaluationError(
            f"inconsistent target size: [{', '.join(map(str, target.shape))}] for input of "
            f"size: [{', '.join(map(str, self.shape))}]"
        )
    z, active = _multilabel_pairs(self, target.astype(np.int64))
    loss = np.where(active, z, 0.0).sum((1, 2)) / z.shape[1]
    name = {0: "none", 1: "mean", 2: "sum"}[reduction]
    if name == "none" and self.ndim <= 1:
        loss = loss.reshape(())
    return _reduce_array(loss, name).astype(self.dtype)


@composite(
    f"multilabel_margin_loss(Tensor input, Tensor target, {_LEGACY}) -> Tensor",
    example="F.multilabel_margin_loss(x.view(1, 4), torch.tensor([[3, 0, -1, 1]]))",
    **ONLY_F,
)
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Per sample, ``sum over labels j and non-labels i of max(0, 1 - (x[j] - x[i]))`` over
    the number of classes; ``target`` lists the labels, ended by -1."""
    reduction = _reduction(size_average, reduce, reduction)
    return F.multilabel_margin_loss_op(input, target, _REDUCTIONS[reduction])


# ---- compositions --------------------------------------------------------------------------


@composite(
    f"hinge_embedding_loss(Tensor input, Tensor target, float margin=1.0, {_LEGACY}) -> Tensor",
    example="F.hinge_embedding_loss(x, torch.tensor([1.0, -1.0, 1.0, -1.0]))",
    **ONLY_F,
)
def hinge_embedding_loss(
    input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"
):
    """``input`` where target is 1, ``max(0, margin - input)`` where it is -1."""
    reduction = _reduction(size_average, reduce, reduction)
    zeros = F.zeros_like(input)
    margin_clamp = F.clamp_min(F.sub(_constant(input, margin), input), 0)
    output_margin = F.where(target != 1, margin_clamp, zeros)
    output_self = F.where(target != -1, input, zeros)
    return reduce_loss(output_margin + output_self, reduction)


_EPSILON = 1e-12


@composite(
    "cosine_embedding_loss(Tensor input1, Tensor input2, Tensor target, float margin=0, "
    f"{_LEGACY}) -> Tensor",
    example="F.cosine_embedding_loss(x.view(2, 2), y.view(2, 2), torch.tensor([1.0, -1.0]))",
    **ONLY_F,
)
def cosine_embedding_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``1 - cos(input1, input2)`` where target is 1, ``max(0, cos - margin)`` where -1."""
    reduction = _reduction(size_average, reduce, reduction)
    dim = len(target.shape)
    sizes = f"{list(input1.shape)} and {list(input2.shape)}"
    if dim not in (0, 1):
        raise EvaluationError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not len(input1.shape) == len(input2.shape) == 2:
        raise EvaluationError(
            f"1D target tensor expects 2D input tensors, but found inputs with sizes {sizes}."
        )
    if dim == 0 and not len(input1.shape) == len(input2.shape) == 1:
        raise EvaluationError(
            f"0D target tensor expects 1D input tensors, but found inputs with sizes {sizes}."
        )
    prod_sum = F.sum_dim(input1 * input2, (dim,), False)
    mag_square1 = F.add_Scalar(F.sum_dim(input1 * input1, (dim,), False), _EPSILON)
    mag_square2 = F.add_Scalar(F.sum_dim(input2 * input2, (dim,), False), _EPSILON)
    cos = prod_sum / F.sqrt(mag_square1 * mag_square2)
    zeros = F.zeros_like(cos)
    pos = F.sub(_constant(cos, 1.0), cos)
    neg = F.clamp_min(F.sub(cos, margin), 0)
    output = F.where(target == 1, pos, zeros) + F.where(target == -1, neg, zeros)
    return reduce_loss(output, reduction)


@composite(
    "multilabel_soft_margin_loss(Tensor input, Tensor target, Tensor? weight=None, "
    f"{_LEGACY}) -> Tensor",
    example="F.multilabel_soft_margin_loss(x.view(1, 4), torch.tensor([[1.0, 0.0, 1.0, 0.0]]))",
    **ONLY_F,
)
def multilabel_soft_margin_loss(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """The mean over classes of the binary logistic losses of ``input`` for 0/1 ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    positive = target * F.logsigmoid(input)
    negative = (1 - target) * F.logsigmoid(F.neg(input))
    loss = F.neg(positive + negative)
    if weight is not None:
        loss = loss * weight
    class_dim = len(input.shape) - 1
    loss = F.sum_dim(loss, (class_dim,), False) / input.shape[class_dim]
    return reduce_loss(loss, reduction)


def _triplet_dims(anchor, positive, negative) -> None:
    a, p, n = len(anchor.shape), len(positive.shape), len(negative.shape)
    if not a == p == n:
        raise EvaluationError(
            "The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs"
        )


@composite(
    "triplet_margin_loss(Tensor anchor, Tensor positive, Tensor negative, float margin=1.0, "
    f"float p=2, float eps=1e-06, bool swap=False, {_LEGACY}) -> Tensor",
    example="F.triplet_margin_loss(x.view(2, 2), y.view(2, 2), -y.view(2, 2))",
    **ONLY_F,
)
def triplet_margin_loss(
    anchor,
    positive,
    negative,
    margin=1.0,
    p=2,
    eps=1e-06,
    swap=False,
    size_average=None,
    reduce=None,
    reduction="mean",
):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with the p-norm
    distance (``swap``: the smaller of d(anchor, negative) and d(positive, negative))."""
    reduction = _reduction(size_average, reduce, reduction)
    _triplet_dims(anchor, positive, negative)
    dist_pos = F.pairwise_distance(anchor, positive, p, eps, False)
    dist_neg = F.pairwise_distance(anchor, negative, p, eps, False)
    if swap:
        dist_neg = F.minimum(dist_neg, F.pairwise_distance(positive, negative, p, eps, False))
    return reduce_loss(F.clamp_min(F.add_Scalar(dist_pos, margin) - dist_neg, 0), reduction)


@composite(
    "triplet_margin_with_distance_loss(Tensor anchor, Tensor positive, Tensor negative, *, "
    "Callable? distance_function=None, float margin=1.0, bool swap=False, "
    "str reduction='mean') -> Tensor",
    example="F.triplet_margin_with_distance_loss(x.view(2, 2), y.view(2, 2), -y.view(2, 2))",
    **ONLY_F,
)
def triplet_margin_with_distance_loss(
    anchor, positive, negative, distance_function=None, margin=1.0, swap=False, reduction="mean"
):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` for a distance function
    (pairwise_distance by default)."""
    if margin <= 0:
        raise EvaluationError(
            f"margin must be greater than 0, got {float(margin)}", kind="ValueError"
        )
    _triplet_dims(anchor, positive, negative)
    distance = distance_function or (lambda a, b: F.pairwise_distance(a, b, 2.0, 1e-6, False))
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        dist_neg = F.minimum(dist_neg, distance(positive, negative))
    loss = F.clamp_min(F.add(_constant(dist_pos, margin), dist_pos) - dist_neg, 0)
    return reduce_loss(loss, reduction_of(reduction))


@composite(
    "poisson_nll_loss(Tensor input, Tensor target, bool log_input=True, bool full=False, "
    "bool? size_average=None, float eps=1e-08, bool? reduce=None, str reduction='mean') "
    "-> Tensor",
    example="F.poisson_nll_loss(x, torch.tensor([1.0, 0.0, 2.0, 3.0]))",
    **ONLY_F,
)
def poisson_nll_loss(
    input,
    target,
    log_input=True,
    full=False,
    size_average=None,
    eps=1e-08,
    reduce=None,
    reduction="mean",
):
    """The negative log likelihood of ``target`` under a Poisson of rate ``exp(input)`` (or
    ``input`` when ``log_input`` is False); ``full`` adds Stirling's term."""
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = F.exp(input) - target * input
    else:
        loss = input - target * F.log(F.add_Scalar(input, eps))
    if full:
        stirling = F.sub(target * F.log(target), target) + F.mul_Scalar(
            F.log(F.mul_Scalar(target, 2 * math.pi)), 0.5
        )
        loss = loss + F.masked_fill(stirling, target <= 1, 0)
    return reduce_loss(loss, reduction)


@composite(
    "gaussian_nll_loss(Tensor input, Tensor target, Tensor|Scalar var, bool full=False, "
    "float eps=1e-06, str reduction='mean') -> Tensor",
    example="F.gaussian_nll_loss(x, y, torch.ones(4))",
    **ONLY_F,
)
def gaussian_nll_loss(input, target, var, full=False, eps=1e-06, reduction="mean"):
    """The negative log likelihood of ``target`` under a Gaussian of mean ``input`` and
    variance ``var``: ``0.5 * (log(var) + (input - target) ** 2 / var)``."""
    if isinstance(var, float | int):
        if var < 0:
            raise EvaluationError("var has negative entry/entries", kind="ValueError")
        var = F.mul(F.ones_like(input), var)
    elif bool(np.any(array_of(var) < 0)):
        raise EvaluationError("var has negative entry/entries", kind="ValueError")
    in_shape, var_shape = tuple(input.shape), tuple(var.shape)
    if var_shape != in_shape:
        if in_shape[:-1] == var_shape:
            var = F.unsqueeze(var, -1)
        elif len(in_shape) == len(var_shape) and (
            sum(b for a, b in zip(in_shape, var_shape) if a != b) == 1
        ):
            pass
        else:
            raise EvaluationError("var is of incorrect size", kind="ValueError")
    if reduction not in ("none", "mean", "sum"):
        raise EvaluationError(f"{reduction} is not valid", kind="ValueError")
    var = F.clone(var)
    var.array[...] = np.maximum(var.array, eps)  # PyTorch's clamp_ under no_grad
    diff = input - target
    loss = F.mul(_constant(diff, 0.5), F.log(var) + diff**2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)
