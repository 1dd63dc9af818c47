"""Statistics of samples: ``cov``, ``corrcoef``, ``quantile`` and ``nanquantile``.

All four are compositions in PyTorch: ``cov`` centres the observations and multiplies
(``MmBackward0``), ``corrcoef`` divides ``cov`` by the standard deviations and clips,
``quantile`` sorts, gathers the two neighbouring ranks and interpolates with ``lerp``; the
in-place ``squeeze_``/``unsqueeze_``/``transpose_`` it ends with record their own nodes
(``SqueezeBackward4``, ``UnsqueezeBackward1``, ``TransposeBackward1``), declared here as
hidden ops. Sources: aten/src/ATen/native/Correlation.cpp and Sorting.cpp
(``quantile_compute``) at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.support import dim_of
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import EvaluationError

_HIDDEN = {"method": False, "function": False}

# ---- cov, corrcoef --------------------------------------------------------------------------


def _check_weights(name: str, w, observations: int, integral: bool) -> None:
    if len(w.shape) > 1:
        raise EvaluationError(
            f"cov(): expected {name} to have one or fewer dimensions but got {name} with "
            f"{len(w.shape)} dimensions"
        )
    category = w.dtype.category
    if integral and category != dtypes.INTEGRAL:
        raise EvaluationError(
            f"cov(): expected {name} to have integral dtype but got {name} with "
            f"{w.dtype.kind_name} dtype"
        )
    if not integral and category != dtypes.FLOATING:
        raise EvaluationError(
            f"cov(): expected {name} to have floating point dtype but got {name} with "
            f"{w.dtype.kind_name} dtype"
        )
    if w.array.size != observations:
        raise EvaluationError(
            f"cov(): expected {name} to have the same numel as there are observations in the "
            f"input but got {w.array.size} != {observations}"
        )
    if observations and w.array.min() < 0:
        raise EvaluationError(f"cov(): {name} cannot be negative")


@composite(
    "cov(Tensor self, *, int correction=1, Tensor? fweights=None, Tensor? aweights=None) -> Tensor",
    example="torch.cov(B)",
)
def cov(self, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows (observations in the columns);
    ``fweights``/``aweights`` weigh the observations."""
    if len(self.shape) > 2:
        raise EvaluationError(
            "cov(): expected input to have two or fewer dimensions but got an input with "
            f"{len(self.shape)} dimensions"
        )
    if self.dtype is dtypes.bool_:
        raise EvaluationError("cov(): bool dtype is not supported for input")
    data = F.view(self, (1, -1)) if len(self.shape) < 2 else self
    observations = data.shape[1]
    w = None
    if fweights is not None:
        _check_weights("fweights", fweights, observations, True)
        w = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, observations, False)
        w = aweights if w is None else w * aweights
    if w is None:
        w_sum = make_tensor(np.array(observations, np.int64))
    else:
        w_sum = F.sum(w)
        if not np.all(w_sum.array != 0):
            raise EvaluationError("cov(): weights sum to zero, can't be normalized")
    average = F.sum_dim(data if w is None else data * w, (1,)) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - F.sum(w * aweights) * correction / w_sum
    else:
        norm_factor = w_sum - correction
    if np.all(norm_factor.array <= 0):
        warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less than the "
            "number of observations. (Triggered internally at /__w/pytorch/pytorch/aten/src/"
            "ATen/native/Correlation.cpp:129.)"
        )
        norm_factor = make_tensor(np.zeros_like(norm_factor.array))
    centred = data - F.unsqueeze(average, 1)
    product = F.mm(centred, F.t(centred if w is None else centred * w))
    return F.squeeze(F.div(product, norm_factor), None)


@composite("corrcoef(Tensor self) -> Tensor", example="torch.corrcoef(B)")
def corrcoef(self):
    """Pearson correlation coefficients of the variables in the rows."""
    if len(self.shape) > 2:
        raise EvaluationError(
            "corrcoef(): expected input to have two or fewer dimensions but got an input with "
            f"{len(self.shape)} dimensions"
        )
    c = F.cov(self, 1, None, None)
    if not c.shape:
        return c / c
    deviation = F.sqrt(F.diagonal(c, 0, 0, 1))
    c = c / F.view(deviation, (-1, 1))
    c = c / F.view(deviation, (1, -1))
    return F.clamp(c, -1, 1)


# ---- quantile -------------------------------------------------------------------------------


@op(
    "_unsqueeze_result(Tensor self, int dim) -> Tensor",
    "UnsqueezeBackward1",
    grads={"self": lambda grad, dim: F.squeeze(grad, (dim,))},
    **_HIDDEN,
)
def _unsqueeze_result(self, dim):
    """``unsqueeze_`` of a fresh result (PyTorch's in-place view op records its own node)."""
    return np.expand_dims(self, dim)


@op(
    "_transpose_result(Tensor self, int dim0, int dim1) -> Tensor",
    "TransposeBackward1",
    grads={"self": lambda grad, dim0, dim1: F.transpose(grad, dim0, dim1)},
    **_HIDDEN,
)
def _transpose_result(self, dim0, dim1):
    """``transpose_`` of a fresh result."""
    return np.swapaxes(self, dim0, dim1).copy()


_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_checks(self, q) -> None:
    if self.array.size == 0:
        raise EvaluationError("quantile() input tensor must be non-empty")
    if len(q.shape) > 1:
        raise EvaluationError("quantile() q must be a scalar or 1D tensor")
    if self.dtype not in (dtypes.float32, dtypes.float64):
        raise EvaluationError("quantile() input tensor must be either float or double dtype")
    if q.dtype is not self.dtype:
        raise EvaluationError("quantile() q tensor must be same dtype as the input tensor")


def _output_shape(self, q, dim, keepdim: bool, wrapped: int) -> list:
    if dim is not None and self.shape:
        shape = list(self.shape)
        if keepdim:
            shape[wrapped] = 1
        else:
            del shape[wrapped]
    elif keepdim:
        shape = [1] * len(self.shape)
    else:
        shape = []
    if q.shape:
        shape.insert(0, q.array.size)
    return shape


def _quantile(self, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool):
    if type(q) is not Tensor:
        if not 0 <= q <= 1:
            raise EvaluationError(f"quantile() q must be in the range [0, 1] but got {q}")
        q = make_tensor(np.array(q, self.array.dtype))
    if interpolation not in _MODES:
        raise EvaluationError(
            "quantile() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest, but got {interpolation}"
        )
    _quantile_checks(self, q)
    ndim = len(self.shape)
    wrapped = dim_of(0 if dim is None else dim, ndim)
    out_shape = _output_shape(self, q, dim, keepdim, wrapped)
    if not np.all((q.array >= 0) & (q.array <= 1)):
        raise EvaluationError("quantile() q values must be in the range [0, 1]")
    if dim is None:
        ordered = F.sort(F.flatten(self), -1, False)[0]
    elif wrapped == ndim - 1:
        ordered = F.sort(self, -1, False)[0]
    else:
        ordered = F.sort(F.transpose(F.unsqueeze(self, -1), wrapped, -1), -1, False)[0]
    if not q.shape:
        out_shape.insert(0, q.array.size)
    in_shape = [*out_shape[1:], ordered.shape[-1]]
    ordered = F.view(ordered, tuple(in_shape))
    nan = np.isnan(ordered.array)
    if ignore_nan:
        counts = np.sum(~nan, axis=-1, keepdims=True) - 1
        ranks = q * make_tensor(counts)
        ranks = F.masked_fill(ranks, ranks < 0, 0)
    else:
        last = ordered.shape[-1] - 1
        ranks = q * last
        any_nan = np.any(nan, axis=-1, keepdims=True)
        shape = np.broadcast_shapes(tuple(ranks.shape), any_nan.shape)
        if tuple(ranks.shape) != shape:
            ranks = F.expand(ranks, shape)
        ranks = F.masked_fill(ranks, make_tensor(np.broadcast_to(any_nan, shape).copy()), last)
    if interpolation == "lower":
        ranks = F.floor(ranks)
    elif interpolation == "higher":
        ranks = F.ceil(ranks)
    elif interpolation == "nearest":
        ranks = F.round(ranks)
    below = F._to_copy(ranks, dtypes.int64)
    values = F.gather(ordered, -1, below)
    if interpolation in ("linear", "midpoint"):
        if interpolation == "midpoint":
            weights = make_tensor(np.full(tuple(ranks.shape), 0.5, ranks.array.dtype))
        else:
            weights = ranks - below
        above = F._to_copy(F.ceil(ranks), dtypes.int64)
        values = F.lerp(values, F.gather(ordered, -1, above), weights)
    if not q.shape:
        return F._squeeze_result(values, -1)
    moved = F._transpose_result(F._unsqueeze_result(values, 0), 0, -1)
    return F._squeeze_result(moved, -1)


_QUANTILE_TAIL = "Dim? dim=None, bool keepdim=False, *, str interpolation='linear') -> Tensor"


@composite(
    f"quantile(Tensor self, Any q, {_QUANTILE_TAIL}",
    example="torch.quantile(x, 0.25)",
)
def quantile(self, q, dim=None, keepdim=False, interpolation="linear"):
    """The ``q``-th quantiles (``q`` a number in [0, 1] or a 1-D tensor of them) of all
    elements or along ``dim``, interpolating between neighbouring ranks."""
    return _quantile(self, q, dim, keepdim, interpolation, False)


@composite(
    f"nanquantile(Tensor self, Any q, {_QUANTILE_TAIL}",
    example="torch.nanquantile(torch.tensor([1.0, float('nan'), 3.0]), 0.5)",
)
def nanquantile(self, q, dim=None, keepdim=False, interpolation="linear"):
    """``quantile`` ignoring NaNs (NaN only where every value is NaN)."""
    return _quantile(self, q, dim, keepdim, interpolation, True)
