"""Regression and binary losses of ``torch.nn.functional``, built as PyTorch builds them,
and the argument handling every ``F.<loss>`` shares (also used by ``classification``).

Each ``F.<loss>`` is a composite doing what torch/nn/functional.py does (argument checks,
the legacy ``size_average``/``reduce``, the target-size warning, broadcasting with
``expand``) and then calls the ATen op, which is either a derivative-carrying op here
(``mse_loss``: MseLossBackward0, ``huber_loss``: HuberLossBackward0, ...) or, where ATen
composes it (``l1_loss``, ``kl_div``, ``margin_ranking_loss``), the same chain of ops, so
the graph shows PyTorch's nodes. Sources: torch/nn/functional.py of torch 2.13,
aten/src/ATen/native/Loss.cpp and tools/autograd/derivatives.yaml at
https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd import dtypes
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.dtype_rules import promote, same
from gradcalc.autograd.ops.reductions import data, dtype_of
from gradcalc.autograd.settings import STATE, warn
from gradcalc.autograd.values import Size
from gradcalc.errors import AutogradError, EvaluationError

ONLY_F = {"namespaces": ("F",), "method": False}
_HIDDEN = {"method": False, "function": False}

# ---- what torch/nn/functional.py does before calling ATen --------------------------------


def reduction_of(reduction: str) -> str:
    """PyTorch's _Reduction.get_enum: the reduction, checked."""
    if reduction == "elementwise_mean":
        warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.")
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise EvaluationError(
            f"{reduction} is not a valid value for reduction",
            kind="ValueError",
            hint="reduction is 'mean', 'sum' or 'none'",
        )
    return reduction


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """The reduction the deprecated ``size_average``/``reduce`` ask for (with the warning)."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    chosen = "mean" if size_average and reduce else "sum" if reduce else "none"
    warn(
        f"size_average and reduce args will be deprecated, please use reduction='{chosen}' instead."
    )
    return chosen


def _warn_target_size(input, target) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warn(
            f"Using a target size ({Size(target.shape)!r}) that is different to the input size "
            f"({Size(input.shape)!r}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size."
        )


def _broadcast_pair(a, b):
    """``torch.broadcast_tensors(a, b)``: an ``expand`` for the one whose shape differs."""
    shape = broadcast_shapes(tuple(a.shape), tuple(b.shape))
    a = a if tuple(a.shape) == shape else F.expand(a, shape)
    b = b if tuple(b.shape) == shape else F.expand(b, shape)
    return a, b


def check_no_grad(function: str, argument: str, value) -> None:
    if value is not None and value.requires_grad and STATE.grad_enabled:
        raise AutogradError(
            f"The function '{function}' is not differentiable with respect to argument "
            f"'{argument}'. This input cannot have requires_grad True.",
            hint=f"pass {argument}.detach()",
        )


def reduce_loss(loss, reduction: str):
    """ATen's apply_loss_reduction: ``mean()`` or ``sum()`` of the elementwise loss."""
    if reduction == "mean":
        return F.mean(loss)
    if reduction == "sum":
        return F.sum(loss)
    return loss


def _reduced(loss: np.ndarray, reduction: str) -> np.ndarray:
    if reduction == "mean":
        with np.errstate(all="ignore"):
            return np.asarray(np.mean(loss) if loss.size else np.nan, dtype=loss.dtype)
    if reduction == "sum":
        return np.sum(loss)
    return loss


def _scale(grad, reduction: str, n: int):
    """The gradient reaching each element of the unreduced loss (``n`` elements)."""
    return grad / n if reduction == "mean" else grad


def _require_floating(kernel: str, x: np.ndarray) -> None:
    if x.dtype.kind != "f":
        raise EvaluationError(
            f"\"{kernel}\" not implemented for '{dtypes.BY_NUMPY[x.dtype].kind_name}'",
            kind="NotImplementedError",
            hint="convert first: x.float()",
        )


def _weighted(loss, weight, reduction: str, name: str):
    """functional.py's weighted path of mse_loss/l1_loss/huber_loss."""
    weighted = loss * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return F.sum(weighted)
    if reduction == "mean":
        return F.sum(weighted) / F.sum(weight) if name != "huber_loss" else F.mean(weighted)
    raise EvaluationError(
        f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.",
        kind="ValueError",
    )


def _check_weight_size(weight, input) -> None:
    if tuple(weight.shape) != tuple(input.shape):
        raise EvaluationError("Weights and input must have the same size.", kind="ValueError")


# ---- regression losses -------------------------------------------------------------------


def _mse_grad(sign: float):
    def formula(grad, self, target, reduction):
        d = self - target
        return _scale(grad, reduction, data(d).size) * (2 * d) * sign

    return formula


@op(
    "mse_loss(Tensor self, Tensor target, str reduction='mean') -> Tensor",
    "MseLossBackward0",
    dtype=promote,
    broadcast=True,
    grads={"self": _mse_grad(1.0), "target": _mse_grad(-1.0)},
    **_HIDDEN,
)
def mse_loss_op(self, target, reduction="mean"):
    """Squared differences, reduced."""
    _require_floating("mse_cpu", self)
    d = self - target
    return _reduced(d * d, reduction)


@composite(
    "mse_loss.functional(Tensor self, Tensor target, bool? size_average=None, bool? reduce=None, "
    "str reduction='mean', Tensor? weight=None) -> Tensor",
    example="F.mse_loss(x, y)",
    **ONLY_F,
)
def mse_loss(self, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``mean((input - target) ** 2)`` (optionally weighted)."""
    _warn_target_size(self, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    a, b = _broadcast_pair(self, target)
    if weight is not None:
        _check_weight_size(weight, self)
        return _weighted(F.pow(a - b, 2), weight, reduction, "mse_loss")
    return OPS["mse_loss"].raw(a, b, reduction_of(reduction))


@composite(
    "l1_loss(Tensor self, Tensor target, bool? size_average=None, bool? reduce=None, "
    "str reduction='mean', Tensor? weight=None) -> Tensor",
    example="F.l1_loss(x, y)",
    **ONLY_F,
)
def l1_loss(self, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``mean(|input - target|)`` (optionally weighted)."""
    _warn_target_size(self, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    a, b = _broadcast_pair(self, target)
    if weight is not None:
        _check_weight_size(weight, self)
        return _weighted(F.abs(a - b), weight, reduction, "l1_loss")
    return reduce_loss(F.abs(a - b), reduction_of(reduction))


def _smooth_l1_grad(sign):
    def formula(grad, self, target, reduction, beta):
        d = self - target
        return _scale(grad, reduction, data(d).size) * F.clamp(d / beta, -1.0, 1.0) * sign

    return formula


@op(
    "smooth_l1_loss(Tensor self, Tensor target, str reduction='mean', float beta=1.0) -> Tensor",
    "SmoothL1LossBackward0",
    dtype=promote,
    broadcast=True,
    grads={"self": _smooth_l1_grad(1.0), "target": _smooth_l1_grad(-1.0)},
    **_HIDDEN,
)
def smooth_l1_loss_op(self, target, reduction="mean", beta=1.0):
    """``0.5 d² / beta`` below ``beta``, ``|d| - beta / 2`` above."""
    _require_floating("smooth_l1_cpu", self)
    if beta < 0:
        raise EvaluationError("smooth_l1_loss does not support negative values for beta.")
    d = np.abs(self - target)
    return _reduced(np.where(d < beta, 0.5 * d * d / beta, d - 0.5 * beta), reduction)


@composite(
    "smooth_l1_loss.functional(Tensor self, Tensor target, bool? size_average=None, bool? reduce=None, "
    "str reduction='mean', float beta=1.0) -> Tensor",
    example="F.smooth_l1_loss(x, y)",
    **ONLY_F,
)
def smooth_l1_loss(self, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """Squared error for small differences (below ``beta``), absolute error beyond."""
    _warn_target_size(self, target)
    reduction = legacy_reduction(size_average, reduce, reduction)
    a, b = _broadcast_pair(self, target)
    if beta == 0.0:
        return reduce_loss(F.abs(a - b), reduction_of(reduction))
    return OPS["smooth_l1_loss"].raw(a, b, reduction_of(reduction), beta)


def _huber_grad(sign):
    def formula(grad, self, target, reduction, delta):
        d = self - target
        return _scale(grad, reduction, data(d).size) * F.clamp(d, -delta, delta) * sign

    return formula


@op(
    "huber_loss(Tensor self, Tensor target, str reduction='mean', float delta=1.0) -> Tensor",
    "HuberLossBackward0",
    dtype=promote,
    broadcast=True,
    grads={"self": _huber_grad(1.0), "target": _huber_grad(-1.0)},
    **_HIDDEN,
)
def huber_loss_op(self, target, reduction="mean", delta=1.0):
    """``0.5 d²`` below ``delta``, ``delta (|d| - delta / 2)`` above."""
    _require_floating("huber_cpu", self)
    if delta <= 0:
        raise EvaluationError("huber_loss does not support non-positive values for delta.")
    d = np.abs(self - target)
    return _reduced(np.where(d < delta, 0.5 * d * d, delta * (d - 0.5 * delta)), reduction)


@composite(
    "huber_loss.functional(Tensor self, Tensor target, str reduction='mean', float delta=1.0, "
    "Tensor? weight=None) -> Tensor",
    example="F.huber_loss(x, y)",
    **ONLY_F,
)
def huber_loss(self, target, reduction="mean", delta=1.0, weight=None):
    """Squared error for small differences (below ``delta``), linear beyond."""
    _warn_target_size(self, target)
    a, b = _broadcast_pair(self, target)
    if weight is None:
        return OPS["huber_loss"].raw(a, b, reduction_of(reduction), delta)
    _check_weight_size(weight, self)
    return _weighted(OPS["huber_loss"].raw(a, b, "none", delta), weight, reduction, "huber_loss")


# ---- binary cross entropy ----------------------------------------------------------------


# ATen's EPSILON is a float: 1e-12 rounded to float32, then widened.
_BCE_EPSILON = float(np.float32(1e-12))


def _bce_self_grad(grad, self, target, weight, reduction):
    with np.errstate(all="ignore"):
        g = _scale(grad, reduction, data(self).size) * (self - target)
        g = g / F.clamp((1 - self) * self, _BCE_EPSILON, None)
    return g if weight is None else g * weight


def _bce_target_grad(grad, self, target, weight, reduction):
    with np.errstate(all="ignore"):
        g = -F.log(self / (1 - self)) * _scale(grad, reduction, data(target).size)
    return g if weight is None else g * weight


@op(
    "binary_cross_entropy(Tensor self, Tensor target, Tensor? weight=None, "
    "str reduction='mean') -> Tensor",
    "BinaryCrossEntropyBackward0",
    dtype=same,
    grads={"self": _bce_self_grad, "target": _bce_target_grad},
    **_HIDDEN,
)
def binary_cross_entropy_op(self, target, weight=None, reduction="mean"):
    """``-(t log x + (1 - t) log(1 - x))``, each log clamped at -100 as in PyTorch."""
    if self.size and not np.all((self >= 0) & (self <= 1)):
        raise EvaluationError(
            "all elements of input should be between 0 and 1",
            hint="pass probabilities, e.g. torch.sigmoid(logits), or use "
            "binary_cross_entropy_with_logits",
        )
    if target.size and not np.all((target >= 0) & (target <= 1)):
        raise EvaluationError("all elements of target should be between 0 and 1")
    with np.errstate(divide="ignore"):
        log_x = np.maximum(np.log(self), -100)
        log_rest = np.maximum(np.log1p(-self), -100)
    loss = (target - 1) * log_rest - target * log_x
    if weight is not None:
        loss = (loss * weight).astype(self.dtype)
    return _reduced(loss, reduction)


@composite(
    "binary_cross_entropy.functional(Tensor self, Tensor target, Tensor? weight=None, "
    "bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor",
    example="F.binary_cross_entropy(p, mask.float())",
    **ONLY_F,
)
def binary_cross_entropy(
    self, target, weight=None, size_average=None, reduce=None, reduction="mean"
):
    """Binary cross entropy of probabilities ``input`` against ``target`` (both in [0, 1])."""
    reduction = reduction_of(legacy_reduction(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(self.shape):
        raise EvaluationError(
            f"Using a target size ({Size(target.shape)!r}) that is different to the input size "
            f"({Size(self.shape)!r}) is deprecated. Please ensure they have the same size.",
            kind="ValueError",
        )
    if weight is not None:
        shape = _broadcast_to_target(tuple(target.shape), tuple(weight.shape))
        weight = weight if tuple(weight.shape) == shape else F.expand(weight, shape)
        check_no_grad("binary_cross_entropy", "weight", weight)
    if dtype_of(target) is not dtype_of(self):
        raise EvaluationError(
            f"Found dtype {dtype_of(target).kind_name} but expected {dtype_of(self).kind_name}"
        )
    return OPS["binary_cross_entropy"].raw(self, target, weight, reduction)


def _broadcast_to_target(target: tuple, weight: tuple) -> tuple:
    """``torch.broadcast_shapes(target, weight)`` as functional.py calls it, its message too."""
    result = list(target)
    for i in range(-1, -len(weight) - 1, -1):
        if -i > len(result):
            result.insert(0, weight[i])
        elif weight[i] != 1 and weight[i] != result[i]:
            if result[i] != 1:
                raise EvaluationError(
                    f"Attempting to broadcast a dimension of length {weight[i]} at {i}! "
                    f"Mismatching argument at index 1 had {Size(weight)!r}; but expected shape "
                    f"should be broadcastable to {list(target)}"
                )
            result[i] = weight[i]
    return tuple(result)


def _log_sigmoid(x):
    """``log(sigmoid(x))`` without overflow: ``min(x, 0) - log(1 + exp(-|x|))``."""
    if type(x) is np.ndarray:
        return np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    return F.clamp(x, None, 0.0) - F.log(1 + F.exp(-F.abs(x)))


def _finish_logits_grad(g, weight, reduction, n):
    g = g if weight is None else g * weight
    return g / n if reduction == "mean" else g


def _logits_self_grad(grad, self, target, weight, pos_weight, reduction):
    if pos_weight is None:
        g = (F.sigmoid(self) - target) * grad
    else:
        t = pos_weight * target
        g = ((t + 1 - target) * F.sigmoid(self) - t) * grad
    return _finish_logits_grad(g, weight, reduction, data(self).size)


def _logits_target_grad(grad, self, target, weight, pos_weight, reduction):
    if pos_weight is None:
        g = -self * grad
    else:
        g = (_log_sigmoid(-self) - _log_sigmoid(self) * pos_weight) * grad
    return _finish_logits_grad(g, weight, reduction, data(self).size)


@op(
    "binary_cross_entropy_with_logits(Tensor self, Tensor target, Tensor? weight=None, "
    "Tensor? pos_weight=None, str reduction='mean') -> Tensor",
    "BinaryCrossEntropyWithLogitsBackward0",
    dtype=promote,
    grads={"self": _logits_self_grad, "target": _logits_target_grad},
    **_HIDDEN,
)
def binary_cross_entropy_with_logits_op(
    self, target, weight=None, pos_weight=None, reduction="mean"
):
    """Binary cross entropy of ``sigmoid(self)``, computed from the logits stably."""
    log_sigmoid = _log_sigmoid(self)
    if pos_weight is not None:
        log_sigmoid = log_sigmoid * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * self - log_sigmoid
    if weight is not None:
        loss = loss * weight
    return _reduced(loss.astype(self.dtype, copy=False), reduction)


@composite(
    "binary_cross_entropy_with_logits.functional(Tensor self, Tensor target, Tensor? weight=None, "
    "bool? size_average=None, bool? reduce=None, str reduction='mean', "
    "Tensor? pos_weight=None) -> Tensor",
    example="F.binary_cross_entropy_with_logits(x, mask.float())",
    **ONLY_F,
)
def binary_cross_entropy_with_logits(
    self, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    """Binary cross entropy of logits ``input`` (``sigmoid`` inside); ``pos_weight``
    weighs the positive class."""
    reduction = reduction_of(legacy_reduction(size_average, reduce, reduction))
    if tuple(target.shape) != tuple(self.shape):
        raise EvaluationError(
            f"Target size ({Size(target.shape)!r}) must be the same as input size "
            f"({Size(self.shape)!r})",
            kind="ValueError",
        )
    for name, value in (("weight", weight), ("pos_weight", pos_weight)):
        if value is not None:
            shape = broadcast_shapes(tuple(value.shape), tuple(target.shape))
            broadcast_shapes(tuple(self.shape), shape)
            check_no_grad("binary_cross_entropy_with_logits", name, value)
    result = dtypes.result_type(self, target)
    if dtype_of(target).category != dtypes.FLOATING:
        raise EvaluationError(
            f"result type {result.kind_name} can't be cast to the desired output type "
            f"{dtype_of(target).kind_name}"
        )
    return OPS["binary_cross_entropy_with_logits"].raw(self, target, weight, pos_weight, reduction)


# ---- KL divergence -------------------------------------------------------------------------


@composite(
    "kl_div(Tensor self, Tensor target, bool? size_average=None, bool? reduce=None, "
    "str reduction='mean', bool log_target=False) -> Tensor",
    example="F.kl_div(F.log_softmax(B, 1), torch.full((2, 3), 1 / 3), reduction='batchmean')",
    **ONLY_F,
)
def kl_div(self, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence of ``target`` from log-probabilities ``input``:
    ``sum(target * (log(target) - input))`` (``log_target``: target given as logs)."""
    if size_average is not None or reduce is not None:
        enum = reduction_of(legacy_reduction(size_average, reduce, reduction))
    else:
        if reduction == "mean":
            warn(
                "reduction: 'mean' divides the total loss by both the batch size and the "
                "support size.'batchmean' divides only by the batch size, and aligns with the "
                "KL div math definition.'mean' will be changed to behave the same as "
                "'batchmean' in the next major release."
            )
        enum = "sum" if reduction == "batchmean" else reduction_of(reduction)
    for x in (self, target):
        if dtype_of(x).category != dtypes.FLOATING:
            raise EvaluationError("kl_div: Integral inputs not supported.")
    if log_target:
        loss = F.exp(target) * (target - self)
    else:
        loss = F.xlogy(target, target) - target * self
    reduced = reduce_loss(loss, enum)
    if reduction == "batchmean" and len(self.shape) != 0:
        reduced = reduced / self.shape[0]
    return reduced


@composite(
    "margin_ranking_loss(Tensor input1, Tensor input2, Tensor target, float margin=0, "
    "bool? size_average=None, bool? reduce=None, str reduction='mean') -> Tensor",
    example="F.margin_ranking_loss(x, y, torch.tensor([1.0, -1.0, 1.0, -1.0]))",
    **ONLY_F,
)
def margin_ranking_loss(
    input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"
):
    """``max(0, -target * (input1 - input2) + margin)``: target 1 wants input1 ranked higher."""
    reduction = reduction_of(legacy_reduction(size_average, reduce, reduction))
    if not len(input1.shape) == len(input2.shape) == len(target.shape):
        raise EvaluationError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {Size(input1.shape)!r}, input2: {Size(input2.shape)!r}, target: "
            f"{Size(target.shape)!r} "
        )
    unclamped = F.add_Scalar(-target * (input1 - input2), margin)
    return reduce_loss(F.clamp_min(unclamped, 0), reduction)
