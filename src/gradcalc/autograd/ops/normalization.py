"""Normalization layers: ``native_layer_norm``, ``native_batch_norm`` and ``native_group_norm``
(PyTorch's nodes ``NativeLayerNormBackward0``, ``NativeBatchNormBackward0``,
``NativeGroupNormBackward0``) and the functional spellings over them and over other ops, as
torch/nn/functional.py and aten/src/ATen/native/{layer_norm,Normalization,group_norm}.cpp
write them (https://github.com/pytorch/pytorch): ``layer_norm``, ``batch_norm`` (running
statistics updated in place when training), ``group_norm``, ``instance_norm`` (a batch norm of
the reshaped input), ``rms_norm`` and ``local_response_norm`` (compositions).

Forwards compute the statistics in float64 and round once. The input's derivative is the
usual ``rstd * (g - mean(g) - xhat * mean(g * xhat))``, written with ops that recompute the
statistics from the input, so double backward works.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.support import array_of, constant_as
from gradcalc.errors import EvaluationError, ShapeError

_ONLY_F = {"namespaces": ("F",), "method": False}


def _dims_text(shape) -> str:
    return f"[{', '.join(str(n) for n in shape)}]"


def _standardize(x: np.ndarray, axes: tuple, eps: float):
    """(xhat, mean, rstd) over ``axes`` in float64, the statistics kept as dims of size 1."""
    x = x.astype(np.float64)
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    return (x - mean) * rstd, mean, rstd


def _input_grad(grad, x, axes: tuple, eps: float):
    """d/dx of sum(grad * standardize(x)) over ``axes`` (grad already times the weight)."""
    mean = F.mean_dim(x, axes, True)
    centered = x - mean
    rstd = F.rsqrt(F.mean_dim(centered * centered, axes, True) + eps)
    xhat = centered * rstd
    return rstd * (grad - F.mean_dim(grad, axes, True) - xhat * F.mean_dim(grad * xhat, axes, True))


def _xhat(x, axes: tuple, eps: float):
    mean = F.mean_dim(x, axes, True)
    centered = x - mean
    return centered * F.rsqrt(F.mean_dim(centered * centered, axes, True) + eps)


# ---- layer norm ----------------------------------------------------------------------------


def _layer_axes(ndim: int, normalized_shape) -> tuple:
    return tuple(range(ndim - len(normalized_shape), ndim))


def _check_layer(input_shape, normalized_shape, weight, bias, star: str = "*, ") -> None:
    n = len(normalized_shape)
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != tuple(normalized_shape):
            raise ShapeError(
                f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                f"shape {_dims_text(t.shape)} and normalized_shape = "
                f"{_dims_text(normalized_shape)}"
            )
    if len(input_shape) < n or tuple(input_shape[len(input_shape) - n :]) != tuple(
        normalized_shape
    ):
        raise ShapeError(
            f"Given normalized_shape={_dims_text(normalized_shape)}, expected input with shape "
            f"[{star}{', '.join(map(str, normalized_shape))}], but got input of size"
            f"{_dims_text(input_shape)}"
        )


def _layer_input_grad(grads, input, weight, normalized_shape, eps):
    shape = _shape_list(normalized_shape)
    axes = _layer_axes(len(input.shape), shape)
    grad = grads[0] if weight is None else grads[0] * weight
    return _input_grad(grad, input, axes, eps)


def _layer_weight_grad(grads, input, normalized_shape, eps):
    shape = _shape_list(normalized_shape)
    axes = _layer_axes(len(input.shape), shape)
    lead = tuple(range(len(input.shape) - len(shape)))
    product = grads[0] * _xhat(input, axes, eps)
    return F.sum_dim(product, lead, False) if lead else product


def _layer_bias_grad(grads, input_shape, normalized_shape):
    lead = tuple(range(len(input_shape) - len(_shape_list(normalized_shape))))
    return F.sum_dim(grads[0], lead, False) if lead else grads[0]


def _shape_list(shape) -> tuple:
    return (shape,) if isinstance(shape, int) else tuple(shape)


@op(
    "native_layer_norm.op(Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, "
    "float eps) -> (Tensor, Tensor, Tensor)",
    "NativeLayerNormBackward0",
    outputs=3,
    method=False,
    grads={"input": _layer_input_grad, "weight": _layer_weight_grad, "bias": _layer_bias_grad},
    function=False,
)
def native_layer_norm_op(input, normalized_shape, weight, bias, eps):
    """Layer norm with its per-row mean and reciprocal standard deviation."""
    shape = _shape_list(normalized_shape)
    _check_layer(input.shape, shape, weight, bias)
    xhat, mean, rstd = _standardize(input, _layer_axes(input.ndim, shape), eps)
    out = xhat
    if weight is not None:
        out = out * weight.astype(np.float64)
    if bias is not None:
        out = out + bias.astype(np.float64)
    return out.astype(input.dtype), mean.astype(input.dtype), rstd.astype(input.dtype)


@composite(
    "layer_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, Tensor? bias=None, "
    "float eps=1e-05) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.layer_norm(x, (4,))",
)
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Standardizes over the last dimensions (``normalized_shape``), then ``* weight + bias``."""
    return F.native_layer_norm_op(input, _shape_list(normalized_shape), weight, bias, eps)[0]


# ---- batch norm ----------------------------------------------------------------------------


def _batch_axes(ndim: int) -> tuple:
    return (0, *range(2, ndim))


def _channel_shape(ndim: int) -> tuple:
    return (1, -1, *(1,) * (ndim - 2))


def _batch_input_grad(grads, input, weight, running_var, training, eps):
    ndim = len(input.shape)
    grad = grads[0]
    if weight is not None:
        grad = grad * F.reshape(weight, _channel_shape(ndim))
    if training:
        return _input_grad(grad, input, _batch_axes(ndim), eps)
    scale = 1.0 / np.sqrt(array_of(running_var).astype(np.float64) + eps)
    scale = constant_as(grad, scale.astype(array_of(grad).dtype).reshape(_channel_shape(ndim)))
    return grad * scale


def _batch_weight_grad(grads, input, running_mean, running_var, training, eps):
    ndim = len(input.shape)
    if training:
        xhat = _xhat(input, _batch_axes(ndim), eps)
    else:
        dtype = array_of(input).dtype
        mean = array_of(running_mean).astype(dtype).reshape(_channel_shape(ndim))
        rstd = 1.0 / np.sqrt(array_of(running_var).astype(np.float64) + eps)
        rstd = rstd.astype(dtype).reshape(_channel_shape(ndim))
        xhat = (input - constant_as(input, mean)) * constant_as(input, rstd)
    return F.sum_dim(grads[0] * xhat, _batch_axes(ndim), False)


def _batch_bias_grad(grads):
    if grads[0] is None:
        return None
    return F.sum_dim(grads[0], _batch_axes(len(grads[0].shape)), False)


def _check_batch(input, weight, bias, running_mean, running_var) -> None:
    channels = input.shape[1] if input.ndim > 1 else 1
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is not None and t.size != channels:
            raise EvaluationError(f"{name} should contain {channels} elements not {t.size}")


@op(
    "native_batch_norm.op(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, "
    "Tensor? running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)",
    "NativeBatchNormBackward0",
    outputs=3,
    method=False,
    grads={"input": _batch_input_grad, "weight": _batch_weight_grad, "bias": _batch_bias_grad},
    function=False,
)
def native_batch_norm_op(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch norm over all dimensions but the channels (dim 1), with the batch's mean and
    reciprocal standard deviation; when training, the running statistics are updated."""
    _check_batch(input, weight, bias, running_mean, running_var)
    axes = _batch_axes(input.ndim)
    shape = _channel_shape(input.ndim)
    if training:
        xhat, mean, rstd = _standardize(input, axes, eps)
        count = input.size // input.shape[1]
        if running_mean is not None:
            update = (1 - momentum) * running_mean + momentum * mean.reshape(-1)
            np.copyto(running_mean, update.astype(running_mean.dtype))
        if running_var is not None:
            var = ((input.astype(np.float64) - mean) ** 2).sum(axis=axes) / max(count - 1, 1)
            update = (1 - momentum) * running_var + momentum * var
            np.copyto(running_var, update.astype(running_var.dtype))
        saved_mean, saved_rstd = mean.reshape(-1), rstd.reshape(-1)
    else:
        mean = running_mean.astype(np.float64).reshape(shape)
        rstd = 1.0 / np.sqrt(running_var.astype(np.float64).reshape(shape) + eps)
        xhat = (input.astype(np.float64) - mean) * rstd
        saved_mean = saved_rstd = np.zeros(0)
    out = xhat
    if weight is not None:
        out = out * weight.astype(np.float64).reshape(shape)
    if bias is not None:
        out = out + bias.astype(np.float64).reshape(shape)
    return (
        out.astype(input.dtype),
        saved_mean.astype(input.dtype),
        saved_rstd.astype(input.dtype),
    )


@composite(
    "batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight=None, "
    "Tensor? bias=None, bool training=False, float momentum=0.1, float eps=1e-05) -> Tensor",
    example="F.batch_norm(x.view(2, 2), None, None, training=True)",
    **_ONLY_F,
)
def batch_norm(
    input,
    running_mean,
    running_var,
    weight=None,
    bias=None,
    training=False,
    momentum=0.1,
    eps=1e-05,
):
    """Standardizes each channel (dim 1) by the batch's statistics when ``training`` (and
    updates the running ones), else by the running ones; then ``* weight + bias``."""
    if training:
        count = math.prod(input.shape) // input.shape[1] if len(input.shape) > 1 else 0
        if count == 1:
            raise EvaluationError(
                "Expected more than 1 value per channel when training, got input size "
                f"torch.Size({list(input.shape)})",
                kind="ValueError",
            )
    elif running_mean is None or running_var is None:
        missing = "running_mean" if running_mean is None else "running_var"
        raise EvaluationError(f"{missing} must be defined in evaluation mode")
    # The kernel writes the running statistics without a version bump, as PyTorch's does.
    return F.native_batch_norm_op(
        input, weight, bias, running_mean, running_var, training, momentum, eps
    )[0]


@composite(
    "instance_norm(Tensor input, Tensor? running_mean=None, Tensor? running_var=None, "
    "Tensor? weight=None, Tensor? bias=None, bool use_input_stats=True, float momentum=0.1, "
    "float eps=1e-05) -> Tensor",
    example="F.instance_norm(x.view(1, 2, 2))",
    **_ONLY_F,
)
def instance_norm(
    input,
    running_mean=None,
    running_var=None,
    weight=None,
    bias=None,
    use_input_stats=True,
    momentum=0.1,
    eps=1e-05,
):
    """Standardizes each sample's channel over its spatial dimensions (a batch norm of the
    input seen as one sample of N*C channels), then ``* weight + bias``."""
    shape = tuple(input.shape)
    if math.prod(shape[2:]) == 1:
        raise EvaluationError(
            "Expected more than 1 spatial element when training, got input size "
            f"torch.Size({list(shape)})",
            kind="ValueError",
        )
    batch = shape[0]
    viewed = F.view(input, (1, batch * shape[1], *shape[2:]))
    weight = F.repeat(weight, (batch,)) if weight is not None else None
    bias = F.repeat(bias, (batch,)) if bias is not None else None
    mean = F.repeat(running_mean, (batch,)) if running_mean is not None else None
    var = F.repeat(running_var, (batch,)) if running_var is not None else None
    out = F.native_batch_norm_op(viewed, weight, bias, mean, var, use_input_stats, momentum, eps)
    if use_input_stats and running_mean is not None:
        from gradcalc.autograd.inplace import bump_version

        channels = shape[1]
        running_mean.array[...] = mean.array.reshape(batch, channels).mean(0)
        bump_version(running_mean)
        if running_var is not None:
            running_var.array[...] = var.array.reshape(batch, channels).mean(0)
            bump_version(running_var)
    return F.view(out[0], shape)


# ---- group norm ----------------------------------------------------------------------------


def _group_view(shape, group: int) -> tuple:
    return (shape[0], group, -1)


def _group_input_grad(grads, input, weight, group, eps):
    shape = tuple(input.shape)
    grad = grads[0]
    if grad is None:
        return None
    if weight is not None:
        grad = grad * F.reshape(weight, _channel_shape(len(shape)))
    flat = F.reshape(input, _group_view(shape, group))
    result = _input_grad(F.reshape(grad, _group_view(shape, group)), flat, (2,), eps)
    return F.reshape(result, shape)


def _group_weight_grad(grads, input, group, eps):
    if grads[0] is None:
        return None
    shape = tuple(input.shape)
    xhat = F.reshape(_xhat(F.reshape(input, _group_view(shape, group)), (2,), eps), shape)
    return F.sum_dim(grads[0] * xhat, _batch_axes(len(shape)), False)


@op(
    "native_group_norm.op(Tensor input, Tensor? weight, Tensor? bias, int N, int C, int HxW, "
    "int group, float eps) -> (Tensor, Tensor, Tensor)",
    "NativeGroupNormBackward0",
    outputs=3,
    method=False,
    grads={"input": _group_input_grad, "weight": _group_weight_grad, "bias": _batch_bias_grad},
    function=False,
)
def native_group_norm_op(input, weight, bias, N, C, HxW, group, eps):
    """Group norm with each group's mean and reciprocal standard deviation (N, group)."""
    xhat, mean, rstd = _standardize(input.reshape(N, group, -1), (2,), eps)
    out = xhat.reshape(input.shape)
    shape = _channel_shape(input.ndim)
    if weight is not None:
        out = out * weight.astype(np.float64).reshape(shape)
    if bias is not None:
        out = out + bias.astype(np.float64).reshape(shape)
    return (
        out.astype(input.dtype),
        mean.reshape(N, group).astype(input.dtype),
        rstd.reshape(N, group).astype(input.dtype),
    )


@composite(
    "group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, "
    "float eps=1e-05) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.group_norm(x.view(1, 2, 2), 1)",
)
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Standardizes each sample over groups of channels (and the spatial dimensions), then
    ``* weight + bias`` per channel."""
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise EvaluationError(
            f"Expected at least 2 dimensions for input tensor but received {len(shape)}"
        )
    channels = shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise EvaluationError(
            "Expected number of channels in input to be divisible by num_groups, but got input "
            f"of shape {_dims_text(shape)} and num_groups={num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (len(t.shape) != 1 or t.shape[0] != channels):
            raise EvaluationError(
                f"Expected {name} to be a vector of size equal to the number of channels in "
                f"input, but got {name} of shape {_dims_text(t.shape)} and input of shape "
                f"{_dims_text(shape)}"
            )
    hxw = math.prod(shape[2:])
    return F.native_group_norm_op(input, weight, bias, shape[0], channels, hxw, num_groups, eps)[0]


# ---- torch.native_*_norm: the statistics outputs of layer and batch norm have no graph, --
# those of group norm have one that gives no gradient (derivatives.yaml)


def _statistics_detached(outputs) -> tuple:
    return (outputs[0], F.detach(outputs[1]), F.detach(outputs[2]))


@composite(
    "native_layer_norm(Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, "
    "float eps) -> (Tensor, Tensor, Tensor)",
    method=False,
    example="torch.native_layer_norm(x, [4], None, None, 1e-5)",
)
def native_layer_norm(input, normalized_shape, weight, bias, eps):
    """Layer norm with its per-row mean and reciprocal standard deviation."""
    outputs = F.native_layer_norm_op(input, _shape_list(normalized_shape), weight, bias, eps)
    return _statistics_detached(outputs)


@composite(
    "native_batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, "
    "Tensor? running_var, bool training, float momentum, float eps) -> (Tensor, Tensor, Tensor)",
    method=False,
    example="torch.native_batch_norm(x.view(2, 2), None, None, None, None, True, 0.1, 1e-5)",
)
def native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """Batch norm with the batch's mean and reciprocal standard deviation per channel."""
    outputs = F.native_batch_norm_op(
        input, weight, bias, running_mean, running_var, training, momentum, eps
    )
    return _statistics_detached(outputs)


@composite(
    "native_group_norm(Tensor input, Tensor? weight, Tensor? bias, int N, int C, int HxW, "
    "int group, float eps) -> (Tensor, Tensor, Tensor)",
    method=False,
    example="torch.native_group_norm(x.view(1, 2, 2), None, None, 1, 2, 2, 1, 1e-5)",
)
def native_group_norm(input, weight, bias, N, C, HxW, group, eps):
    """Group norm with each group's mean and reciprocal standard deviation (N, group)."""
    return tuple(F.native_group_norm_op(input, weight, bias, N, C, HxW, group, eps))


# ---- compositions: rms_norm, local_response_norm -------------------------------------------


@composite(
    "rms_norm(Tensor input, int[] normalized_shape, Tensor? weight=None, float? eps=None) "
    "-> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.rms_norm(x, (4,))",
)
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """``input / sqrt(mean(input**2) + eps)`` over the last dimensions, then ``* weight``
    (``eps`` defaults to the dtype's machine epsilon)."""
    shape = _shape_list(normalized_shape)
    _check_layer(tuple(input.shape), shape, weight, None, "*")
    if eps is None:
        eps = float(np.finfo(array_of(input).dtype).eps)
    axes = _layer_axes(len(input.shape), shape)
    squares = F.mean_dim(F.pow(input, 2), axes, True)
    result = F.mul(input, F.rsqrt(F.add_Scalar(squares, eps)))
    return F.mul(result, weight) if weight is not None else result


@composite(
    "local_response_norm(Tensor input, int size, float alpha=0.0001, float beta=0.75, "
    "float k=1.0) -> Tensor",
    example="F.local_response_norm(x.view(1, 4, 1), 2)",
    **_ONLY_F,
)
def local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0):
    """Each value over ``(k + alpha * mean of squares of size neighbouring channels) **
    beta``."""
    shape = tuple(input.shape)
    if len(shape) < 3:
        raise EvaluationError(
            # PyTorch's message has this run of spaces (a line break in its source).
            "Expected 3D or higher dimensionality                          input (got "
            f"{len(shape)} dimensions)",
            kind="ValueError",
        )
    if math.prod(shape) == 0:
        return input
    div = F.mul(input, input)
    if len(shape) == 3:
        div = F.constant_pad_nd(F.unsqueeze(div, 1), (0, 0, size // 2, (size - 1) // 2), 0)
        div = F.squeeze(F.avg_pool2d(div, (size, 1), 1, 0, False, True, None), 1)
    else:
        div = F.view(div, (shape[0], 1, shape[1], shape[2], -1))
        div = F.constant_pad_nd(div, (0, 0, 0, 0, size // 2, (size - 1) // 2), 0)
        div = F.squeeze(F.avg_pool3d(div, (size, 1, 1), 1, 0, False, True, None), 1)
        div = F.view(div, shape)
    return F.div(input, F.pow(F.add(F.mul(div, alpha), k), beta))
