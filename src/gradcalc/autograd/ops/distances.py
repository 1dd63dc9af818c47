"""Distances between rows: ``cdist`` and ``pdist`` with PyTorch's nodes (``CdistBackward0``,
``PdistBackward0``) and, like PyTorch, no second derivative (their backward ops refuse to be
differentiated: ``the derivative for '_cdist_backward' is not implemented.``). Sources:
aten/src/ATen/native/Distance.cpp and derivatives.yaml at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, op
from gradcalc.autograd.ops.pointwise import no_derivative
from gradcalc.errors import EvaluationError


def _mT(x):
    return F.transpose(x, -2, -1)


def _pair_terms(diff: np.ndarray, dist: np.ndarray, p: float) -> np.ndarray:
    """d||diff||_p / d(diff) over the last axis (0 where the distance is 0), in float64."""
    d = dist[..., None]
    with np.errstate(all="ignore"):
        if p == 0:
            term = np.zeros_like(diff)
        elif p == 1:
            term = np.sign(diff)
        elif p == 2:
            term = diff / d
        elif math.isinf(p):
            term = np.sign(diff) * (np.abs(diff) == d)
        else:
            term = np.sign(diff) * np.abs(diff) ** (p - 1) / d ** (p - 1)
    return np.where(d == 0, 0.0, term)


def _norms(diff: np.ndarray, p: float) -> np.ndarray:
    diff = np.abs(diff.astype(np.float64))
    if p == 0:
        return (diff != 0).sum(-1).astype(np.float64)
    if math.isinf(p):
        return diff.max(-1) if diff.shape[-1] else np.zeros(diff.shape[:-1])
    return (diff**p).sum(-1) ** (1.0 / p)


def _no_double_backward(name: str):
    return no_derivative(f"the derivative for '{name}' is not implemented.", "NotImplementedError")


_CDIST_NONE = _no_double_backward("_cdist_backward")
_PDIST_NONE = _no_double_backward("_pdist_backward")


@op(
    "_cdist_backward(Tensor grad, Tensor x1, Tensor x2, float p, Tensor cdist) -> Tensor",
    "CdistBackwardBackward0",
    grads={"grad": _CDIST_NONE, "x1": _CDIST_NONE, "x2": _CDIST_NONE, "cdist": _CDIST_NONE},
    function=False,
    method=False,
)
def _cdist_backward(grad, x1, x2, p, cdist):
    diff = x1[..., :, None, :].astype(np.float64) - x2[..., None, :, :]
    terms = _pair_terms(diff, cdist.astype(np.float64), p)
    return (grad[..., None].astype(np.float64) * terms).sum(-2).astype(x1.dtype)


def _cdist_grad(which: str):
    def formula(grad, x1, x2, p, result):
        if which == "x1":
            return F._cdist_backward(grad, x1, x2, p, result)
        return F._cdist_backward(_mT(grad), x2, x1, p, _mT(result))

    return formula


@op(
    "cdist(Tensor x1, Tensor x2, float p=2.0, int? compute_mode=None) -> Tensor",
    "CdistBackward0",
    method=False,
    grads={"x1": _cdist_grad("x1"), "x2": _cdist_grad("x2")},
    example="torch.cdist(A, A)",
)
def cdist(x1, x2, p=2.0, compute_mode=None):
    """The p-norm distance between each row of ``x1`` and each row of ``x2``."""
    if x1.ndim < 2 or x2.ndim < 2:
        which = "X1" if x1.ndim < 2 else "X2"
        nd = x1.ndim if x1.ndim < 2 else x2.ndim
        raise EvaluationError(f"cdist only supports at least 2D tensors, {which} got: {nd}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise EvaluationError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    if p < 0:
        raise EvaluationError("cdist only supports non-negative p values")
    diff = x1[..., :, None, :].astype(np.float64) - x2[..., None, :, :].astype(np.float64)
    return _norms(diff, p).astype(np.result_type(x1, x2))


def _pdist_pairs(n: int):
    return np.triu_indices(n, 1)


@op(
    "_pdist_backward(Tensor grad, Tensor self, float p, Tensor pdist) -> Tensor",
    "PdistBackwardBackward0",
    grads={"grad": _PDIST_NONE, "self": _PDIST_NONE, "pdist": _PDIST_NONE},
    function=False,
    method=False,
)
def _pdist_backward(grad, self, p, pdist):
    i, j = _pdist_pairs(self.shape[0])
    diff = self[i].astype(np.float64) - self[j]
    per_pair = grad[:, None].astype(np.float64) * _pair_terms(diff, pdist.astype(np.float64), p)
    out = np.zeros(self.shape, np.float64)
    np.add.at(out, i, per_pair)
    np.add.at(out, j, -per_pair)
    return out.astype(self.dtype)


@op(
    "pdist(Tensor self, float p=2) -> Tensor",
    "PdistBackward0",
    method=False,
    namespaces=("torch", "F"),
    grads={"self": lambda grad, self, p, result: F._pdist_backward(grad, self, p, result)},
    example="F.pdist(A)",
)
def pdist(self, p=2):
    """The p-norm distances between all pairs of rows (i < j), as a vector."""
    if self.ndim != 2:
        raise EvaluationError(f"pdist only supports 2D tensors, got: {self.ndim}D")
    if p < 0:
        raise EvaluationError("pdist only supports non-negative p values")
    i, j = _pdist_pairs(self.shape[0])
    return _norms(self[i].astype(np.float64) - self[j], p).astype(self.dtype)
