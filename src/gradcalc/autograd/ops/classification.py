"""Classification losses of ``torch.nn.functional``: ``nll_loss`` and ``cross_entropy`` (class
indices or class probabilities, class weights, ``ignore_index``, ``label_smoothing``), and
``one_hot``.

``F.cross_entropy`` is ATen's composite: ``nll_loss_nd(log_softmax(input, 1), target)``
(NllLossBackward0 over LogSoftmaxBackward0); ``nll_loss_nd`` picks ``nll_loss`` (1-D or
2-D input), ``nll_loss2d`` (4-D) or ``nll_loss2d`` on a (N, C, 1, -1) view (3-D, 5-D...).
The checks and their order are ATen's (LossNLL.cpp, LossNLL2d.cpp at
https://github.com/pytorch/pytorch) and torch/nn/functional.py's.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd import dtypes
from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.dtype_rules import int64
from gradcalc.autograd.ops.losses import (
    ONLY_F,
    check_no_grad,
    legacy_reduction,
    reduction_of,
)
from gradcalc.autograd.ops.reductions import data, dtype_of, like
from gradcalc.autograd.ops.support import shape_of
from gradcalc.errors import EvaluationError, IndexOutOfRange

_HIDDEN = {"method": False, "function": False}


# ---- negative log likelihood and cross entropy ------------------------------------------


def _class_picks(shape, target: np.ndarray, weight, ignore_index: int, class_dim: int):
    """(safe targets, per-target weights): ignored targets weigh 0 and point at class 0."""
    ignored = target == ignore_index
    safe = np.where(ignored, 0, target)
    w = np.ones(target.shape) if weight is None else np.asarray(weight)[safe]
    return safe, np.where(ignored, 0.0, w)


def _nll_forward(self, target, weight, reduction, ignore_index, class_dim):
    safe, w = _class_picks(self.shape, target, weight, ignore_index, class_dim)
    picked = np.squeeze(
        np.take_along_axis(self, np.expand_dims(safe, class_dim), class_dim), class_dim
    )
    losses = (-w * picked).astype(self.dtype)
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.sum(losses)
    with np.errstate(all="ignore"):
        return np.asarray(np.sum(losses) / np.sum(w), dtype=self.dtype)


def _nll_grad(class_dim_of):
    def formula(grad, self, target, weight, reduction, ignore_index):
        self_shape = shape_of(self)
        class_dim = class_dim_of(len(self_shape))
        t = data(target)
        if len(self_shape) == 1 and t.ndim == 1:  # PyTorch's backward refuses what its forward took
            raise EvaluationError(
                f"size mismatch (got input: [{self_shape[0]}], target: [{t.shape[0]}])"
            )
        safe, w = _class_picks(
            self_shape, t, None if weight is None else data(weight), ignore_index, class_dim
        )
        if reduction == "mean":  # ignored targets get no gradient, not 0 / 0
            with np.errstate(all="ignore"):
                w = np.where(t == ignore_index, 0.0, w / np.sum(w))
        picks = np.zeros(self_shape, dtype=data(grad).dtype)
        np.put_along_axis(
            picks, np.expand_dims(safe, class_dim), np.expand_dims(-w, class_dim), class_dim
        )
        g = F.unsqueeze(grad, class_dim) if reduction == "none" and len(self_shape) > 1 else grad
        return g * like(grad, picks)

    return formula


def _nll_dtype(op, values):
    self, target, weight = values[0], values[1], values[2]
    if target.array.dtype not in (np.int64, np.uint8):
        raise EvaluationError(
            f"expected target dtype to be Long or Byte, but got {dtype_of(target).kind_name}"
        )
    if weight is not None and weight.array.dtype != self.array.dtype:
        raise EvaluationError(
            f"expected scalar type {dtype_of(self).kind_name} but found "
            f"{dtype_of(weight).kind_name}"
        )
    return None, dtypes.BY_NUMPY[self.array.dtype]


def _check_targets(target: np.ndarray, classes: int, ignore_index: int) -> None:
    bad = target[((target < 0) | (target >= classes)) & (target != ignore_index)]
    if bad.size:
        raise IndexOutOfRange(
            f"Target {int(bad.flat[0])} is out of bounds.",
            hint=f"class indices go from 0 to {classes - 1}",
        )


@op(
    "nll_loss(Tensor self, Tensor target, Tensor? weight=None, str reduction='mean', "
    "int ignore_index=-100) -> Tensor",
    "NllLossBackward0",
    dtype=_nll_dtype,
    grads={"self": _nll_grad(lambda ndim: 0 if ndim == 1 else 1)},
    **_HIDDEN,
)
def nll_loss_op(self, target, weight=None, reduction="mean", ignore_index=-100):
    """``-self[n, target[n]]`` (times the class weight), reduced."""
    if not 0 < self.ndim <= 2:
        raise EvaluationError("input tensor should be 1D or 2D")
    if target.ndim > 1:
        raise EvaluationError("0D or 1D target tensor expected, multi-target not supported")
    classes = self.shape[-1]
    if weight is not None and (weight.ndim != 1 or weight.size != classes):
        raise EvaluationError(
            f"weight tensor should be defined either for all {classes} classes or no classes "
            f"but got weight tensor of shape: [{', '.join(map(str, weight.shape))}]"
        )
    _check_targets(target, classes, ignore_index)
    if self.ndim == 1 and target.ndim == 1:  # one target for one sample: no batch dim
        target = target.reshape(())
    return _nll_forward(self, target, weight, reduction, ignore_index, 0 if self.ndim == 1 else 1)


@op(
    "nll_loss2d(Tensor self, Tensor target, Tensor? weight=None, str reduction='mean', "
    "int ignore_index=-100) -> Tensor",
    "NllLoss2DBackward0",
    dtype=_nll_dtype,
    grads={"self": _nll_grad(lambda ndim: 1)},
    **_HIDDEN,
)
def nll_loss2d_op(self, target, weight=None, reduction="mean", ignore_index=-100):
    """``nll_loss`` of images: input (N, C, H, W), target (N, H, W)."""
    if target.ndim != 3:
        raise EvaluationError(
            "only batches of spatial targets supported (3D tensors) but got targets of "
            f"dimension: {target.ndim}"
        )
    if self.shape[:1] + self.shape[2:] != target.shape:
        raise EvaluationError(
            f"size mismatch (got input: [{', '.join(map(str, self.shape))}] , target: "
            f"[{', '.join(map(str, target.shape))}]"
        )
    if weight is not None and (weight.ndim != 1 or weight.size != self.shape[1]):
        raise EvaluationError("weight tensor should be defined either for all or no classes")
    _check_targets(target, self.shape[1], ignore_index)
    return _nll_forward(self, target, weight, reduction, ignore_index, 1)


def nll_loss_nd(self, target, weight, reduction: str, ignore_index: int):
    """ATen's nll_loss_nd: by the input's dims, ``nll_loss``, ``nll_loss2d``, or
    ``nll_loss2d`` on a (N, C, 1, -1) view."""
    ndim = len(self.shape)
    if ndim < 1:
        raise EvaluationError(f"Expected 1 or more dimensions (got {ndim})", kind="ValueError")
    if ndim == 1 and len(target.shape) == 1:
        if target.shape[0] != 1:
            raise EvaluationError(
                f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}",
                kind="ValueError",
            )
    elif ndim != 1 and self.shape[0] != target.shape[0]:
        raise EvaluationError(
            f"Expected input batch_size ({self.shape[0]}) to match target batch_size "
            f"({target.shape[0]}).",
            kind="ValueError",
        )
    if ndim <= 2:
        return OPS["nll_loss"].raw(self, target, weight, reduction, ignore_index)
    if ndim == 4:
        return OPS["nll_loss2d"].raw(self, target, weight, reduction, ignore_index)
    n, c = self.shape[0], self.shape[1]
    out_size = (n, *self.shape[2:])
    if tuple(target.shape[1:]) != tuple(self.shape[2:]):
        raise EvaluationError(
            f"Expected target size [{', '.join(map(str, out_size))}], got "
            f"[{', '.join(map(str, target.shape))}]"
        )
    empty = data(self).size == 0
    flat_input = F.view(F.contiguous(self), (n, c, 0, 0) if empty else (n, c, 1, -1))
    flat_target = F.view(F.contiguous(target), (n, 0, 0) if data(target).size == 0 else (n, 1, -1))
    out = OPS["nll_loss2d"].raw(flat_input, flat_target, weight, reduction, ignore_index)
    return F.view(out, out_size) if reduction == "none" else out


@composite(
    "nll_loss.functional(Tensor self, Tensor target, Tensor? weight=None, bool? size_average=None, "
    "int ignore_index=-100, bool? reduce=None, str reduction='mean') -> Tensor",
    example="F.nll_loss(F.log_softmax(B, 1), idx)",
    **ONLY_F,
)
def nll_loss(
    self, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"
):
    """Negative log likelihood: ``-input[n, target[n]]`` for log-probabilities ``input``."""
    reduction = reduction_of(legacy_reduction(size_average, reduce, reduction))
    check_no_grad("nll_loss_forward", "weight", weight)
    return nll_loss_nd(self, target, weight, reduction, ignore_index)


def _class_dim(x) -> int:
    return 0 if len(x.shape) == 1 else 1


def _broadcast_weight(weight, logp, class_dim: int):
    shape = [1] * len(logp.shape)
    shape[class_dim] = weight.shape[0]
    return F.view(weight, tuple(shape)) if len(logp.shape) > 1 else weight


def _probability_targets(self, target, weight, reduction, label_smoothing):
    """ATen's cross_entropy_loss_prob_target."""
    class_dim = _class_dim(self)
    classes = self.shape[class_dim]
    if weight is not None and (len(weight.shape) != 1 or weight.shape[0] != classes):
        raise EvaluationError(
            f"cross_entropy: weight tensor should be defined either for all {classes} classes "
            f"or no classes but got weight tensor of shape: "
            f"[{', '.join(map(str, weight.shape))}]"
        )
    logp = F._log_softmax(self, class_dim, False)
    if label_smoothing > 0:
        _check_label_smoothing(label_smoothing)
        target = F.add_Scalar(F.mul_Scalar(target, 1 - label_smoothing), label_smoothing / classes)
    product = logp * target
    if weight is not None:
        product = product * _broadcast_weight(weight, logp, class_dim)
    if reduction == "none":
        return -F.sum_dim(product, (class_dim,))
    total = -F.sum(product)
    if reduction == "sum":
        return total
    if data(logp).size == 0:
        return F.masked_fill(total, like(total, np.array(True)), np.nan)
    return F.div_Scalar(total, data(logp).size // classes)


def _check_label_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        raise EvaluationError(
            f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}"
        )


def _label_smoothing(self, target, weight, reduction, ignore_index, label_smoothing):
    """ATen's cross_entropy_loss_label_smoothing: (1 - s) nll + s / C * (smooth loss)."""
    class_dim = _class_dim(self)
    logp = F._log_softmax(self, class_dim, False)
    nll = nll_loss_nd(logp, target, weight, reduction, ignore_index)
    classes = logp.shape[class_dim]
    if weight is not None:
        smooth = -F.sum_dim(logp * _broadcast_weight(weight, logp, class_dim), (class_dim,))
    else:
        smooth = -F.sum_dim(logp, (class_dim,))
    ignored = data(target) == ignore_index
    smooth = F.masked_fill(smooth, like(target, ignored), 0.0)
    if reduction == "mean":
        if weight is not None:
            picked = data(weight)[data(target)[~ignored].reshape(-1)]
            ret = F.sum(smooth) / like(target, np.sum(picked))
        else:
            ret = F.sum(smooth) / like(target, np.sum(~ignored))
    elif reduction == "sum":
        ret = F.sum(smooth)
    else:
        ret = smooth
    return F.mul_Scalar(nll, 1 - label_smoothing) + F.mul_Scalar(ret, label_smoothing / classes)


@composite(
    "cross_entropy(Tensor self, Tensor target, Tensor? weight=None, bool? size_average=None, "
    "int ignore_index=-100, bool? reduce=None, str reduction='mean', "
    "float label_smoothing=0.0) -> Tensor",
    example="F.cross_entropy(B, idx)",
    **ONLY_F,
)
def cross_entropy(
    self,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """Cross entropy of logits ``input`` against class indices, or against class
    probabilities (a target of the input's shape): ``nll_loss(log_softmax(input, 1), t)``."""
    reduction = reduction_of(legacy_reduction(size_average, reduce, reduction))
    if tuple(self.shape) == tuple(target.shape):
        if dtype_of(target).category != dtypes.FLOATING:
            raise EvaluationError(
                "Expected floating point type for target with class probabilities, got "
                f"{dtype_of(target).kind_name}",
                hint="class indices have one dim less than the input: (N,) for input (N, C)",
            )
        if ignore_index >= 0:
            raise EvaluationError("ignore_index is not supported for floating point target")
        return _probability_targets(self, target, weight, reduction, label_smoothing)
    check_no_grad("nll_loss_forward", "weight", weight)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        return _label_smoothing(self, target, weight, reduction, ignore_index, label_smoothing)
    logp = F._log_softmax(self, _class_dim(self), False)
    return nll_loss_nd(logp, target, weight, reduction, ignore_index)


@op(
    "one_hot(Tensor self, int num_classes=-1) -> Tensor",
    dtype=int64,
    example="F.one_hot(idx, 3)",
    **ONLY_F,
)
def one_hot(self, num_classes=-1):
    """Class indices as rows of 0/1 (int64), one more dim of size ``num_classes``."""
    if self.dtype != np.int64:
        raise EvaluationError("one_hot is only applicable to index tensor of type LongTensor.")
    if self.size == 0:
        if num_classes == -1:
            raise EvaluationError("Can not infer total number of classes from empty tensor.")
        return np.zeros(self.shape + (num_classes,), np.int64)
    if self.min() < 0:
        raise EvaluationError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(self.max()) + 1
    elif num_classes <= self.max():
        raise EvaluationError("Class values must be smaller than num_classes.")
    return (self[..., None] == np.arange(num_classes)).astype(np.int64)
