"""More of torch.nn.functional's layers: ``glu``, ``softmin``, ``softshrink``, ``hardshrink``,
``prelu`` (``_prelu_kernel``), ``rrelu`` (``rrelu_with_noise``, its training noise drawn from
the default generator in PyTorch's order), ``embedding``, ``pixel_shuffle`` and
``pixel_unshuffle``, with PyTorch's nodes, messages and derivatives (tools/autograd/
derivatives.yaml, aten/src/ATen/native/{Activation,Embedding,PixelShuffle}.cpp and
torch/nn/functional.py at https://github.com/pytorch/pytorch).
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.support import array_of, constant_as, zeros_as
from gradcalc.autograd.random import default_generator
from gradcalc.errors import EvaluationError, IndexOutOfRange

_ONLY_F = {"namespaces": ("F",), "method": False}


def _dims_text(shape) -> str:
    return f"[{', '.join(str(n) for n in shape)}]"


# ---- glu, softmin --------------------------------------------------------------------------


def _halves(x, dim: int):
    half = x.shape[dim] // 2
    return F.narrow(x, dim, 0, half), F.narrow(x, dim, half, half)


def _glu_grad(grad, self, dim):
    first, second = _halves(self, dim)
    gate = F.sigmoid(second)
    return F.cat((grad * gate, grad * first * gate * (1 - gate)), dim)


@op(
    "glu(Tensor self, Dim dim=-1) -> Tensor",
    "GluBackward0",
    method=False,
    namespaces=("F",),
    grads={"self": _glu_grad},
    example="F.glu(x)",
)
def glu(self, dim=-1):
    """The first half along ``dim`` times the sigmoid of the second half."""
    if self.ndim == 0:
        raise EvaluationError("glu does not support scalars because halving size must be even")
    if self.shape[dim] % 2:
        raise EvaluationError(
            f"Halving dimension must be even, but dimension {dim} is size {self.shape[dim]}"
        )
    half = self.shape[dim] // 2
    first = np.take(self, np.arange(half), axis=dim)
    second = np.take(self, np.arange(half, 2 * half), axis=dim)
    with np.errstate(over="ignore"):
        return (first * (1 / (1 + np.exp(-second.astype(np.float64))))).astype(self.dtype)


@composite(
    "softmin(Tensor input, int? dim=None, int _stacklevel=3, ScalarType? dtype=None) -> Tensor",
    example="F.softmin(x, 0)",
    **_ONLY_F,
)
def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input)``: weights that favour the smallest values."""
    return F.softmax_functional(F.neg(input), dim, _stacklevel, dtype)


# ---- shrinks -------------------------------------------------------------------------------


def _outside(self, lambd):
    return F.logical_or(self > lambd, self < -lambd)


@op(
    "softshrink(Tensor self, Scalar lambd=0.5) -> Tensor",
    "SoftshrinkBackward0",
    namespaces=("F",),
    method=False,
    grads={"self": lambda grad, self, lambd: F.where(_outside(self, lambd), grad, 0.0)},
    example="F.softshrink(x)",
)
def softshrink(self, lambd=0.5):
    """Moves values towards 0 by ``lambd``, and those within ``lambd`` of 0 to 0."""
    if lambd < 0:
        kind = dtypes.BY_NUMPY[self.dtype].kind_name
        raise EvaluationError(
            f"lambda must be in range [0, {np.finfo(self.dtype).max:g}] for input dtype {kind}, "
            f"but found {lambd:g}"
        )
    # a * 0 keeps the sign of zero, as the kernel does.
    out = np.where(self > lambd, self - lambd, np.where(self < -lambd, self + lambd, self * 0))
    return out.astype(self.dtype)


@op(
    "hardshrink(Tensor self, Scalar lambd=0.5) -> Tensor",
    "HardshrinkBackward0",
    namespaces=("torch", "F"),
    grads={"self": lambda grad, self, lambd: F.where(_outside(self, lambd), grad, 0.0)},
    example="F.hardshrink(x)",
)
def hardshrink(self, lambd=0.5):
    """Values within ``lambd`` of 0 become 0, the others stay."""
    return np.where((self > lambd) | (self < -lambd), self, 0).astype(self.dtype)


# ---- prelu, rrelu --------------------------------------------------------------------------


@op(
    "_prelu_kernel(Tensor self, Tensor weight) -> Tensor",
    "PreluKernelBackward0",
    broadcast=True,
    function=False,
    method=False,
    grads={
        "self": lambda grad, self, weight: F.where(self > 0, grad, grad * weight),
        "weight": lambda grad, self: F.where(self > 0, 0.0, grad * self),
    },
)
def _prelu_kernel(self, weight):
    return np.where(self > 0, self, weight * self).astype(self.dtype)


@composite(
    "prelu(Tensor self, Tensor weight) -> Tensor",
    namespaces=("torch", "F"),
    example="F.prelu(x, torch.tensor([0.25]))",
)
def prelu(self, weight):
    """``x`` where positive, ``weight * x`` elsewhere (one weight, or one per channel)."""
    ndim, wdim = len(self.shape), len(weight.shape)
    count = int(np.prod(weight.shape))
    if wdim > 1:
        raise EvaluationError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {wdim}"
        )
    if count != 1:
        channels = self.shape[1] if ndim > 1 else 1
        if channels != count:
            raise EvaluationError(
                "Mismatch of parameter numbers and input channel size. Found parameter numbers "
                f"= {count} and channel size = {channels}."
            )
    if ndim != wdim:
        shape = [1] * ndim
        if ndim > 1:
            shape[1] = count
        weight = F.reshape(weight, tuple(shape))
    return F._prelu_kernel(self, weight)


def _rrelu_grad(grad, self, noise, lower, upper, training):
    if training:
        return grad * constant_as(grad, array_of(noise).astype(array_of(grad).dtype))
    slope = (lower + upper) / 2
    return F.where(self > 0, grad, grad * slope)


@op(
    "rrelu_with_noise(Tensor self, Tensor noise, Scalar lower=0.125, Scalar upper=0.3333333333333333, "
    "bool training=False, Generator? generator=None) -> Tensor",
    "RreluWithNoiseBackward0",
    function=False,
    method=False,
    grads={"self": _rrelu_grad},
)
def rrelu_with_noise(self, noise, lower=0.125, upper=1.0 / 3.0, training=False, generator=None):
    if not training:
        slope = np.array((lower + upper) / 2).astype(self.dtype)
        return np.where(self > 0, self, self * slope).astype(self.dtype)
    out = self.copy()
    flat_noise = noise.reshape(-1)
    flat_out = out.reshape(-1)
    gen = default_generator()
    for i, value in enumerate(self.reshape(-1)):
        if value <= 0:
            r = self.dtype.type(gen.uniform((1,), lower, upper, np.float64)[0])
            flat_out[i] = value * r
            flat_noise[i] = r
        else:
            flat_noise[i] = 1
    return out


@composite(
    "rrelu(Tensor self, float lower=0.125, float upper=0.3333333333333333, "
    "bool training=False, bool inplace=False) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.rrelu(x)",
)
def rrelu(self, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU with a random slope in [lower, upper] for negatives when training, their
    mean otherwise."""
    noise = zeros_as(self, tuple(self.shape))
    return F.rrelu_with_noise(self, noise, lower, upper, training, None)


# ---- embedding -----------------------------------------------------------------------------


def _embedding_grad(grad, weight_shape, indices, padding_idx, scale_grad_by_freq):
    index = np.asarray(array_of(indices)).reshape(-1).astype(np.int64)
    rows = F.reshape(grad, (-1, weight_shape[1]))
    keep = index != padding_idx if padding_idx >= 0 else np.ones(index.shape, bool)
    scale = np.where(keep, 1.0, 0.0)
    if scale_grad_by_freq:
        counts = np.bincount(index, minlength=weight_shape[0])
        scale = scale / counts[index]
    dtype = array_of(grad).dtype
    rows = rows * constant_as(grad, scale.astype(dtype).reshape(-1, 1))
    return F.index_add(zeros_as(grad, tuple(weight_shape)), 0, constant_as(grad, index), rows)


@op(
    "embedding.op(Tensor weight, Tensor indices, int padding_idx=-1, "
    "bool scale_grad_by_freq=False, bool sparse=False) -> Tensor",
    "EmbeddingBackward0",
    function=False,
    method=False,
    grads={"weight": _embedding_grad},
)
def embedding_op(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    if indices.dtype.kind not in "iu":
        kind = dtypes.BY_NUMPY[indices.dtype].kind_name
        raise EvaluationError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar "
            f"types: Long, Int; but got torch.{kind}Tensor instead (while checking arguments "
            "for embedding)"
        )
    if indices.size and (indices.min() < 0 or indices.max() >= weight.shape[0]):
        raise IndexOutOfRange("index out of range in self", kind="IndexError")
    return weight[indices.astype(np.int64)]


@composite(
    "embedding(Tensor input, Tensor weight, int? padding_idx=None, float? max_norm=None, "
    "float norm_type=2.0, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor",
    example="F.embedding(torch.tensor([1, 0]), torch.eye(3))",
    **_ONLY_F,
)
def embedding(
    input,
    weight,
    padding_idx=None,
    max_norm=None,
    norm_type=2.0,
    scale_grad_by_freq=False,
    sparse=False,
):
    """The rows of ``weight`` at the indices ``input`` (a lookup table)."""
    rows = weight.shape[0]
    if padding_idx is not None:
        if not -rows <= padding_idx < rows:
            raise EvaluationError(
                "Padding_idx must be within num_embeddings", kind="AssertionError"
            )
        padding_idx = padding_idx % rows
    else:
        padding_idx = -1
    if max_norm is not None:
        _renorm_rows(weight, input, max_norm, norm_type)
    return F.embedding_op(weight, input, padding_idx, scale_grad_by_freq, sparse)


def _renorm_rows(weight, input, max_norm, norm_type) -> None:
    """``embedding_renorm_``: the looked-up rows scaled down to ``max_norm``, in place and
    outside the graph, as PyTorch does under no_grad."""
    from gradcalc.autograd.inplace import bump_version

    table = weight.array
    for row in np.unique(input.array.reshape(-1)):
        norm = np.linalg.norm(table[row].astype(np.float64), ord=norm_type)
        if norm > max_norm:
            table[row] = table[row] * (max_norm / (norm + 1e-7))
    bump_version(weight)


# ---- pixel shuffle -------------------------------------------------------------------------


def _shuffle(x: np.ndarray, r: int) -> np.ndarray:
    *lead, c, h, w = x.shape
    out = x.reshape(*lead, c // (r * r), r, r, h, w)
    n = len(lead)
    order = (*range(n), n, n + 3, n + 1, n + 4, n + 2)
    return out.transpose(order).reshape(*lead, c // (r * r), h * r, w * r)


def _unshuffle(x: np.ndarray, r: int) -> np.ndarray:
    *lead, c, h, w = x.shape
    out = x.reshape(*lead, c, h // r, r, w // r, r)
    n = len(lead)
    order = (*range(n), n, n + 2, n + 4, n + 1, n + 3)
    return out.transpose(order).reshape(*lead, c * r * r, h // r, w // r)


@op(
    "pixel_shuffle(Tensor self, int upscale_factor) -> Tensor",
    "PixelShuffleBackward0",
    namespaces=("torch", "F"),
    method=False,
    grads={"self": lambda grad, upscale_factor: F.pixel_unshuffle(grad, upscale_factor)},
    example="F.pixel_shuffle(torch.arange(8.).view(1, 4, 1, 2), 2)",
)
def pixel_shuffle(self, upscale_factor):
    """(*, C r², H, W) to (*, C, H r, W r): channels spread into r x r blocks."""
    r = upscale_factor
    if self.ndim < 3:
        raise EvaluationError(
            f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
            f"{self.ndim} dimension(s)"
        )
    if r <= 0:
        raise EvaluationError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    if self.shape[-3] % (r * r):
        raise EvaluationError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible by the "
            f"square of upscale_factor, but input.size(-3)={self.shape[-3]} is not divisible "
            f"by {r * r}"
        )
    return np.ascontiguousarray(_shuffle(self, r))


@op(
    "pixel_unshuffle(Tensor self, int downscale_factor) -> Tensor",
    "PixelUnshuffleBackward0",
    namespaces=("torch", "F"),
    method=False,
    grads={"self": lambda grad, downscale_factor: F.pixel_shuffle(grad, downscale_factor)},
    example="F.pixel_unshuffle(torch.arange(8.).view(1, 1, 2, 4), 2)",
)
def pixel_unshuffle(self, downscale_factor):
    """(*, C, H r, W r) to (*, C r², H, W): the inverse of ``pixel_shuffle``."""
    r = downscale_factor
    if self.ndim < 3:
        raise EvaluationError(
            f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
            f"{self.ndim} dimension(s)"
        )
    if r <= 0:
        raise EvaluationError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    for axis, name in ((-2, "height"), (-1, "width")):
        if self.shape[axis] % r:
            raise EvaluationError(
                f"pixel_unshuffle expects {name} to be divisible by downscale_factor, but "
                f"input.size({axis})={self.shape[axis]} is not divisible by {r}"
            )
    return np.ascontiguousarray(_unshuffle(self, r))
