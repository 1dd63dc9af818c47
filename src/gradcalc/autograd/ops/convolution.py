"""Convolutions: ``torch.convolution`` (one node, ``ConvolutionBackward0``, for every
spatial rank, stride, padding, dilation, groups and the transposed form) and the
``conv1d``/``conv2d``/``conv3d``/``conv_transpose1d``/``conv_transpose2d``/``conv_transpose3d``
spellings that call it as torch/nn/functional.py and aten/src/ATen/native/Convolution.cpp do
(unbatched inputs through unsqueeze/squeeze, ``padding='same'`` with a ``constant_pad_nd``
when the padding is lopsided), with Convolution.cpp's checks and messages
(https://github.com/pytorch/pytorch).

The forward computes in float64 and rounds once, so float32 results are the correctly rounded
sums (PyTorch's float32 kernels may differ in the last bit: their summation order). The
derivatives are convolutions too (as ``convolution_backward`` in FunctionsManual.cpp): the
input's is the transposed convolution of the gradient, the weight's a convolution of the
input by the gradient with stride and dilation exchanged, so double backward works.
"""

from __future__ import annotations

import itertools
import string

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.settings import warn
from gradcalc.errors import EvaluationError

_BOTH = ("torch", "F")


def _dims_text(shape) -> str:
    return f"[{', '.join(str(n) for n in shape)}]"


def _per_dim(name: str, value, n: int) -> tuple:
    """An ``int[]`` argument as one value per spatial dimension."""
    values = (value,) if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        raise EvaluationError(
            f"expected {name} to be a single integer value or a list of {n} values to match "
            f"the convolution dimensions, but got {name}={_dims_text(values)}"
        )
    return values


def _conv_dtype(op, values):
    first, weight, bias = values[0], values[1], values[2]
    d = dtypes.BY_NUMPY[first.array.dtype]
    for other in (weight, bias):
        if other is not None and other.array.dtype != first.array.dtype:
            raise EvaluationError(
                f"expected scalar type {d.kind_name} but found "
                f"{dtypes.BY_NUMPY[other.array.dtype].kind_name}"
            )
    return None, d


def _check(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    n = weight.ndim - 2
    if input.ndim != weight.ndim:
        raise EvaluationError(
            f"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight "
            f"{_dims_text(weight.shape)}, but got {input.ndim}-dimensional input of size "
            f"{_dims_text(input.shape)} instead"
        )
    if any(s <= 0 for s in stride):
        raise EvaluationError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise EvaluationError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise EvaluationError("dilation should be greater than zero")
    if groups <= 0:
        raise EvaluationError("non-positive groups is not supported")
    if weight.shape[0] % groups:
        raise EvaluationError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension "
            f"0, but got weight of size [{_dims_text(weight.shape)}] instead"
        )
    channels = weight.shape[0] if transposed else weight.shape[1] * groups
    if input.shape[1] != channels:
        kind = "transposed=1" if transposed else f"groups={groups}"
        raise EvaluationError(
            f"Given {kind}, weight of size {_dims_text(weight.shape)}, expected "
            f"input{_dims_text(input.shape)} to have {channels} channels, but got "
            f"{input.shape[1]} channels instead"
        )
    out_channels = weight.shape[1] * groups if transposed else weight.shape[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != out_channels):
        raise EvaluationError(
            f"Given weight of size {_dims_text(weight.shape)}, expected bias to be "
            f"1-dimensional with {out_channels} elements, but got bias of size "
            f"{_dims_text(bias.shape)} instead"
        )
    if transposed:
        if any(p >= s and p >= d for p, s, d in zip(output_padding, stride, dilation)):
            names = ("depth", "height", "width")[3 - n :] if n <= 3 else ()
            parts = [
                f"{kind}_{name}: {value}"
                for kind, group in (
                    ("output_padding", output_padding),
                    ("stride", stride),
                    ("dilation", dilation),
                )
                for name, value in zip(names, group)
            ]
            raise EvaluationError(
                "output padding must be smaller than either stride or dilation, but got "
                + " ".join(parts)
            )
        return
    padded = [size + 2 * p for size, p in zip(input.shape[2:], padding)]
    extent = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(e > s for e, s in zip(extent, padded)):
        raise EvaluationError(
            f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). "
            f"Kernel size: ({' x '.join(map(str, extent))}). Kernel size can't be greater than "
            "actual input size"
        )


def _correlate(x, w, stride, padding, dilation, groups):
    """The (cross-)correlation of x (N, C, *S) with w (O, C/groups, *K) in float64."""
    n = w.ndim - 2
    x = np.pad(x, [(0, 0), (0, 0), *((p, p) for p in padding)])
    extent = tuple(d * (k - 1) + 1 for d, k in zip(dilation, w.shape[2:]))
    windows = np.lib.stride_tricks.sliding_window_view(x, extent, axis=tuple(range(2, 2 + n)))
    windows = windows[(slice(None), slice(None), *(slice(None, None, s) for s in stride))]
    windows = windows[(Ellipsis, *(slice(None, None, d) for d in dilation))]
    batch, channels = x.shape[:2]
    out_shape = windows.shape[2 : 2 + n]
    windows = windows.reshape(batch, groups, channels // groups, *out_shape, *w.shape[2:])
    kernel = w.reshape(groups, w.shape[0] // groups, *w.shape[1:])
    letters = string.ascii_lowercase
    spatial, taps = letters[:n], letters[n : 2 * n]
    out = np.einsum(f"NGC{spatial}{taps},GOC{taps}->NGO{spatial}", windows, kernel, optimize=True)
    return out.reshape(batch, w.shape[0], *out_shape)


def _transposed(x, w, stride, padding, dilation, output_padding, groups):
    """The adjoint of the correlation: x (N, C, *S), w (C, O/groups, *K)."""
    batch, channels = x.shape[:2]
    per_group = w.shape[1]
    sizes = [
        (s - 1) * st - 2 * p + d * (k - 1) + op + 1
        for s, st, p, d, k, op in zip(
            x.shape[2:], stride, padding, dilation, w.shape[2:], output_padding
        )
    ]
    full = np.zeros(
        (batch, groups, per_group, *[size + 2 * p for size, p in zip(sizes, padding)]),
        np.float64,
    )
    xg = x.reshape(batch, groups, channels // groups, *x.shape[2:])
    wg = w.reshape(groups, channels // groups, per_group, *w.shape[2:])
    for taps in itertools.product(*(range(k) for k in w.shape[2:])):
        contribution = np.einsum("NGC...,GCO->NGO...", xg, wg[(Ellipsis, *taps)])
        where = tuple(
            slice(t * d, t * d + (s - 1) * st + 1, st)
            for t, d, s, st in zip(taps, dilation, x.shape[2:], stride)
        )
        full[(slice(None), slice(None), slice(None), *where)] += contribution
    crop = tuple(slice(p, p + size) for p, size in zip(padding, sizes))
    return full[(slice(None), slice(None), slice(None), *crop)].reshape(
        batch, groups * per_group, *sizes
    )


def _settings(n: int, stride, padding, dilation) -> tuple:
    return tuple(
        _per_dim(name, value, n)
        for name, value in (("stride", stride), ("padding", padding), ("dilation", dilation))
    )


def _input_grad(grad, weight, input_shape, stride, padding, dilation, transposed, groups):
    n = len(input_shape) - 2
    stride, padding, dilation = _settings(n, stride, padding, dilation)
    if transposed:
        return F.convolution(grad, weight, None, stride, padding, dilation, False, (0,) * n, groups)
    made = [
        (g - 1) * s - 2 * p + d * (k - 1) + 1
        for g, s, p, d, k in zip(grad.shape[2:], stride, padding, dilation, weight.shape[2:])
    ]
    extra = tuple(size - m for size, m in zip(input_shape[2:], made))
    return F.convolution(grad, weight, None, stride, padding, dilation, True, extra, groups)


def _correlation_weight_grad(source, grad, kernel, stride, padding, dilation, groups):
    """d(sum(correlate(source, w) * grad))/dw for a weight shaped ``kernel``: a correlation
    of ``source`` (channels as the batch) by ``grad`` (with stride and dilation exchanged)."""
    n = len(kernel) - 2
    batch, channels = source.shape[:2]
    per_group = channels // groups
    moved = F.reshape(source, (batch, groups, per_group, *source.shape[2:]))
    moved = F.permute(moved, (2, 1, 0, *range(3, 3 + n)))
    moved = F.reshape(moved, (per_group, groups * batch, *source.shape[2:]))
    taps = F.transpose(grad, 0, 1)
    out = F.convolution(
        moved, taps, None, dilation, padding, stride, False, (0,) * n, groups
    )  # (per_group, out_channels, *K'), K' >= K
    for axis, k in enumerate(kernel[2:]):
        if out.shape[2 + axis] != k:
            out = F.narrow(out, 2 + axis, 0, k)
    return F.transpose(out, 0, 1)


def _weight_grad(grad, input, weight_shape, stride, padding, dilation, transposed, groups):
    stride, padding, dilation = _settings(len(weight_shape) - 2, stride, padding, dilation)
    if transposed:
        return _correlation_weight_grad(
            grad, input, weight_shape, stride, padding, dilation, groups
        )
    return _correlation_weight_grad(input, grad, weight_shape, stride, padding, dilation, groups)


def _bias_grad(grad):
    return F.sum_dim(grad, (0, *range(2, len(grad.shape))), False)


@op(
    "convolution(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, "
    "int[] dilation, bool transposed, int[] output_padding, int groups) -> Tensor",
    "ConvolutionBackward0",
    dtype=_conv_dtype,
    method=False,
    grads={"input": _input_grad, "weight": _weight_grad, "bias": _bias_grad},
    example=(
        "torch.convolution(x.view(1, 1, 4), torch.ones(1, 1, 2), None, [1], [0], [1], False, [0], 1)"
    ),
)
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):
    """The N-d (transposed) convolution behind every ``conv*`` function."""
    n = weight.ndim - 2
    stride, padding, dilation = _settings(n, stride, padding, dilation)
    output_padding = _per_dim("output_padding", output_padding, n)
    _check(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups)
    x, w = input.astype(np.float64), weight.astype(np.float64)
    if transposed:
        out = _transposed(x, w, stride, padding, dilation, output_padding, groups)
    else:
        out = _correlate(x, w, stride, padding, dilation, groups)
    if bias is not None:
        out = out + bias.astype(np.float64).reshape(-1, *(1,) * n)
    return out.astype(input.dtype)


def _batched(name: str, input, n: int):
    """Convolution.cpp's ``batchify``: an unbatched input gets a batch of one."""
    if input.ndim == n + 2:
        return input, False
    if input.ndim == n + 1:
        return F.unsqueeze(input, 0), True
    raise EvaluationError(
        f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to {name}, but got input "
        f"of size: {_dims_text(input.shape)}"
    )


def _same_padding(input, weight, stride, dilation, n: int):
    """``padding='same'``: the symmetric part as the convolution's padding, the odd
    remainder as a ``constant_pad_nd`` of the input (Convolution.cpp, _convolution_mode)."""
    if any(s != 1 for s in _per_dim("stride", stride, n)):
        raise EvaluationError("padding='same' is not supported for strided convolutions")
    dilation = _per_dim("dilation", dilation, n)
    totals = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    padding = tuple(t // 2 for t in totals)
    if all(t % 2 == 0 for t in totals):
        return input, padding
    warn(
        "Using padding='same' with even kernel lengths and odd dilation may require a "
        "zero-padded copy of the input be created (Triggered internally at "
        "/__w/pytorch/pytorch/aten/src/ATen/native/Convolution.cpp:1101.)"
    )
    extra = []
    for t in reversed(totals):
        extra.extend((0, t % 2))
    return F.constant_pad_nd(input, tuple(extra), 0), padding


def _conv(name: str, n: int, input, weight, bias, stride, padding, dilation, groups):
    input, unbatched = _batched(name, input, n)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            input, padding = _same_padding(input, weight, stride, dilation, n)
        else:
            raise EvaluationError(f"Invalid padding string: '{padding}'")
    out = F.convolution(input, weight, bias, stride, padding, dilation, False, 0, groups)
    return F.squeeze(out, 0) if unbatched else out


def _conv_transpose(
    name, n, input, weight, bias, stride, padding, output_padding, groups, dilation
):
    input, unbatched = _batched(name, input, n)
    out = F.convolution(
        input, weight, bias, stride, padding, dilation, True, output_padding, groups
    )
    return F.squeeze(out, 0) if unbatched else out


_CONV_TAIL = "Tensor? bias=None, int[] stride=1, Any padding=0, int[] dilation=1, int groups=1"
_TRANSPOSE_TAIL = (
    "Tensor? bias=None, int[] stride=1, int[] padding=0, int[] output_padding=0, "
    "int groups=1, int[] dilation=1"
)


@composite(
    f"conv1d(Tensor input, Tensor weight, {_CONV_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv1d(x.view(1, 1, 4), torch.ones(1, 1, 2))",
)
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation) of (N, C, L) input by (O, C/groups, K) weight."""
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


@composite(
    f"conv2d(Tensor input, Tensor weight, {_CONV_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv2d(x.view(1, 1, 2, 2), torch.ones(1, 1, 2, 2), padding=1)",
)
def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution of (N, C, H, W) input by (O, C/groups, kH, kW) weight."""
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


@composite(
    f"conv3d(Tensor input, Tensor weight, {_CONV_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv3d(x.view(1, 1, 1, 2, 2), torch.ones(1, 1, 1, 2, 2))",
)
def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution of (N, C, D, H, W) input by (O, C/groups, kD, kH, kW) weight."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


@composite(
    f"conv_transpose1d(Tensor input, Tensor weight, {_TRANSPOSE_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv_transpose1d(x.view(1, 1, 4), torch.ones(1, 1, 2), stride=2)",
)
def conv_transpose1d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """1-d transposed convolution (the gradient of conv1d): weight (C, O/groups, K)."""
    return _conv_transpose(
        "conv_transpose1d",
        1,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@composite(
    f"conv_transpose2d(Tensor input, Tensor weight, {_TRANSPOSE_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv_transpose2d(x.view(1, 1, 2, 2), torch.ones(1, 1, 2, 2))",
)
def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """2-d transposed convolution: weight (C, O/groups, kH, kW)."""
    return _conv_transpose(
        "conv_transpose2d",
        2,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )


@composite(
    f"conv_transpose3d(Tensor input, Tensor weight, {_TRANSPOSE_TAIL}) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.conv_transpose3d(x.view(1, 1, 1, 2, 2), torch.ones(1, 1, 1, 2, 2))",
)
def conv_transpose3d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1
):
    """3-d transposed convolution: weight (C, O/groups, kD, kH, kW)."""
    return _conv_transpose(
        "conv_transpose3d",
        3,
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
    )
