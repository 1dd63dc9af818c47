"""Channel-wise and self-normalising dropout: ``dropout1d``/``dropout2d``/``dropout3d``
(``feature_dropout``: one draw per sample and channel), ``alpha_dropout`` and
``feature_alpha_dropout``, as aten/src/ATen/native/Dropout.cpp (``_dropout_impl``) and
torch/nn/functional.py write them (https://github.com/pytorch/pytorch): the noise is drawn
from the default generator in PyTorch's order, so seeded programs drop PyTorch's elements.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite
from gradcalc.autograd.random import default_generator
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import make_tensor
from gradcalc.errors import EvaluationError

_ONLY_F = {"namespaces": ("F",), "method": False}
_ALPHA = 1.7580993408473766


def _check_p(p) -> None:
    if p < 0 or p > 1:
        raise EvaluationError(
            f"dropout probability has to be between 0 and 1, but got {p}", kind="ValueError"
        )


def _feature_shape(shape) -> tuple:
    return (shape[0], shape[1], *(1,) * (len(shape) - 2))


def _dropout_impl(input, p, training, feature: bool, alpha: bool):
    """Dropout.cpp's ``_dropout_impl`` (not in place)."""
    if p < 0 or p > 1:
        raise EvaluationError(f"dropout probability has to be between 0 and 1, but got {p}")
    shape = tuple(input.shape)
    if p == 0 or not training or math.prod(shape) == 0:
        return input
    dtype = input.array.dtype
    if p == 1:
        return F.mul(input, make_tensor(np.zeros((), dtype)))
    noise_shape = _feature_shape(shape) if feature else shape
    noise = default_generator().bernoulli_scalar(noise_shape, 1 - p, dtype)
    if not alpha:
        return F.mul(input, make_tensor((noise / dtype.type(1 - p)).astype(dtype)))
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = ((noise - 1) * dtype.type(_ALPHA * a) + dtype.type(_ALPHA * a * p)).astype(dtype)
    noise = (noise * dtype.type(a)).astype(dtype)
    return F.add(F.mul(input, make_tensor(noise)), make_tensor(b))


def _deprecated_rank(name: str, n: int, ndim: int) -> None:
    warn(
        f"{name}: Received a {ndim}-D input to {name}, which is deprecated and will result in "
        "an error in a future release. To retain the behavior and silence this warning, "
        f"please use dropout instead. Note that {name} exists to provide channel-wise "
        f"dropout on inputs with {n} spatial dimensions, a channel dimension, and an optional "
        f"batch dimension (i.e. {n + 1}D or {n + 2}D inputs)."
    )


def _feature_dropout(input, p, training, unbatched: bool):
    if unbatched:
        input = F.unsqueeze(input, 0)
    if len(input.shape) < 2:
        raise EvaluationError("Feature dropout requires at least 2 dimensions in the input")
    result = _dropout_impl(input, p, training, True, False)
    return F.squeeze(result, 0) if unbatched else result


@composite(
    "dropout1d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor",
    example="F.dropout1d(x.view(1, 2, 2), 0.5)",
    **_ONLY_F,
)
def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zeros whole channels of (N, C, L) input with probability ``p``, scales the rest."""
    _check_p(p)
    ndim = len(input.shape)
    if ndim not in (2, 3):
        raise EvaluationError(
            f"dropout1d: Expected 2D or 3D input, but received a {ndim}D input. Note that "
            "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial "
            "dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D "
            "inputs)."
        )
    return _feature_dropout(input, p, training, ndim == 2)


@composite(
    "dropout2d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor",
    example="F.dropout2d(x.view(1, 2, 2, 1), 0.5)",
    **_ONLY_F,
)
def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zeros whole channels of (N, C, H, W) input with probability ``p``, scales the rest
    (a 3-D input is taken as (N, C, L), as PyTorch still does)."""
    _check_p(p)
    ndim = len(input.shape)
    if ndim not in (3, 4):
        _deprecated_rank("dropout2d", 2, ndim)
    if ndim == 3:
        warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D "
            "dropout behavior is desired - input is interpreted as shape (N, C, L), where C is "
            "the channel dim. This behavior will change in a future release to interpret the "
            "input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
            "channel-wise dropout behavior, please switch to using dropout1d instead."
        )
    return _feature_dropout(input, p, training, False)


@composite(
    "dropout3d(Tensor input, float p=0.5, bool training=True, bool inplace=False) -> Tensor",
    example="F.dropout3d(x.view(1, 2, 2, 1, 1), 0.5)",
    **_ONLY_F,
)
def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zeros whole channels of (N, C, D, H, W) input with probability ``p``."""
    _check_p(p)
    ndim = len(input.shape)
    if ndim not in (4, 5):
        _deprecated_rank("dropout3d", 3, ndim)
    return _feature_dropout(input, p, training, ndim != 5)


@composite(
    "alpha_dropout(Tensor input, float p=0.5, bool training=False, bool inplace=False) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.alpha_dropout(x, 0.5, training=True)",
)
def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout for SELU networks: dropped values go to SELU's negative saturation, and an
    affine map keeps the mean and variance."""
    _check_p(p)
    return _dropout_impl(input, p, training, False, True)


@composite(
    "feature_alpha_dropout(Tensor input, float p=0.5, bool training=False, "
    "bool inplace=False) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.feature_alpha_dropout(x.view(1, 2, 2), 0.5, training=True)",
)
def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """``alpha_dropout`` of whole channels."""
    _check_p(p)
    return _dropout_impl(input, p, training, True, True)
