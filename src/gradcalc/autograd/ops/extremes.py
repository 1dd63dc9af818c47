"""Largest and smallest elements: max/min (all, dim, other), amax/amin, aminmax,
argmax/argmin, and the running cummax/cummin.

Ties follow PyTorch's gradients (derivatives.yaml, FunctionsManual.cpp at
https://github.com/pytorch/pytorch): ``max()`` and ``amax`` share the gradient evenly
among equal maxima; ``max(dim)`` gives it to the returned index, the first maximum (the
first NaN when there is one); ``cummax`` picks the last of equal values and adds the
gradients of the positions that picked the same element.

Ops with named results (``-> Tensor values, Tensor indices``) return
``torch.return_types.<name>``, as PyTorch's (the registry wraps them).
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import int64
from gradcalc.autograd.ops.reductions import (
    all_dims,
    data,
    evenly_distribute,
    like,
    to_selected,
    unreduce,
)
from gradcalc.autograd.ops.support import shape_of
from gradcalc.autograd.schema import normalize_dims
from gradcalc.errors import EvaluationError, IndexOutOfRange


def check_not_empty(name: str, x: np.ndarray) -> None:
    if x.size == 0:
        raise EvaluationError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
            "Specify the reduction dim with the 'dim' argument.",
            hint=f"give a dim: x.{name}(dim=0)",
        )


def check_dim_not_empty(name: str, x: np.ndarray, dims) -> None:
    for d in dims:
        if x.ndim and x.shape[d] == 0:
            raise IndexOutOfRange(f"{name}(): Expected reduction dim {d} to have non-zero size.")


# ---- max / min ----------------------------------------------------------------------------


def _whole(name: str, pick, node: str, doc: str):
    def forward(self):
        check_not_empty(name, self)
        return pick(self)

    forward.__doc__ = doc
    return op(
        f"{name}(Tensor self) -> Tensor",
        node,
        grads={"self": evenly_distribute},
        example=f"torch.{name}(x)",
    )(forward)


def _other(name: str, elementwise: str):
    def forward(self, other):
        return getattr(F, elementwise)(self, other)

    forward.__doc__ = f"``torch.{elementwise}(self, other)``."
    return composite(
        f"{name}.other(Tensor self, Tensor other) -> Tensor", example=f"torch.{name}(x, y)"
    )(forward)


def _along_dim(name: str, arg, node: str, doc: str):
    def forward(self, dim, keepdim=False):
        if self.ndim == 0:
            return self.copy(), np.zeros((), np.int64)
        check_dim_not_empty(name, self, (dim,))
        index = np.expand_dims(arg(self, axis=dim), dim)
        values = np.take_along_axis(self, index, dim)
        if not keepdim:
            values, index = np.squeeze(values, dim), np.squeeze(index, dim)
        return values, index

    forward.__doc__ = doc
    declared = op(
        f"{name}.dim(Tensor self, Dim dim, bool keepdim=False) -> Tensor values, Tensor indices",
        node,
        outputs=2,
        example=f"torch.{name}(B, dim=1)",
        grads={
            "self": lambda grads, indices, self_shape, dim, keepdim: to_selected(
                grads[0], data(indices), self_shape, dim, keepdim
            )
        },
    )(forward)
    return declared


max_all = _whole("max", np.max, "MaxBackward1", "The largest element (NaN if there is one).")
max_other = _other("max", "maximum")
max_dim = _along_dim(
    "max", np.argmax, "MaxBackward0", "The largest elements along ``dim`` and their indices."
)
min_all = _whole("min", np.min, "MinBackward1", "The smallest element (NaN if there is one).")
min_other = _other("min", "minimum")
min_dim = _along_dim(
    "min", np.argmin, "MinBackward0", "The smallest elements along ``dim`` and their indices."
)


# ---- amax / amin / aminmax ------------------------------------------------------------


def spread_to_extremes(grad, self, result, self_shape, dims, keepdim):
    """``grad`` shared evenly by the elements equal to the reduced value, per slice (a NaN
    result matches nothing, so the gradient is NaN, as in PyTorch's amax)."""
    g = unreduce(grad, self_shape, dims, keepdim)
    mask = unreduce(result, self_shape, dims, keepdim) == self
    with np.errstate(all="ignore"):
        return g / F.sum_dim(mask, dims, True) * mask


def _a_extreme(name: str, pick, node: str, doc: str):
    # ``dim`` stays as given (int[], not Dim[]): PyTorch's messages name the dim as written.
    def forward(self, dim=(), keepdim=False):
        dims = all_dims(normalize_dims(dim, self.ndim)) if self.ndim else None
        if dims is None:
            check_not_empty(name, self)
        for d in dim if dims else ():
            if self.shape[d % self.ndim] == 0:
                raise IndexOutOfRange(
                    f"{name}(): Expected reduction dim {d} to have non-zero size."
                )
        return pick(self, axis=dims, keepdims=keepdim)

    def grad(grad, self, result, dim, keepdim):
        self_shape = shape_of(self)
        dims = all_dims(normalize_dims(dim, len(self_shape))) if self_shape else None
        return spread_to_extremes(grad, self, result, self_shape, dims, keepdim)

    forward.__doc__ = doc
    return op(
        f"{name}(Tensor self, int[] dim=[], bool keepdim=False) -> Tensor",
        node,
        grads={"self": grad},
        example=f"torch.{name}(B, 1)",
    )(forward)


amax = _a_extreme("amax", np.max, "AmaxBackward0", "The largest elements over ``dim``.")
amin = _a_extreme("amin", np.min, "AminBackward0", "The smallest elements over ``dim``.")


def _aminmax_grad(grads, self, min, max, dim, keepdim):  # noqa: A002 - the outputs' names
    self_shape = shape_of(self)
    dims = None if dim is None else (dim,)
    total = None
    for g, r in zip(grads, (min, max)):
        if g is not None:
            part = spread_to_extremes(g, self, r, self_shape, dims, keepdim)
            total = part if total is None else total + part
    return total


@op(
    "aminmax(Tensor self, *, Dim? dim=None, bool keepdim=False) -> Tensor min, Tensor max",
    "AminmaxBackward0",
    outputs=2,
    example="torch.aminmax(x)",
    grads={"self": _aminmax_grad},
)
def aminmax(self, dim=None, keepdim=False):
    """The smallest and the largest elements (over ``dim``)."""
    if dim is None:
        if self.size == 0:
            raise EvaluationError(
                "aminmax(): cannot compute aminmax over an empty dimension as the operation "
                "has no identity."
            )
        shape = (1,) * self.ndim if keepdim else ()
        return np.min(self).reshape(shape), np.max(self).reshape(shape)
    if self.ndim == 0:
        return self.copy(), self.copy()
    if self.shape[dim] == 0:
        raise IndexOutOfRange(f"aminmax: Expected reduction dim {dim} to have non-zero size.")
    return np.min(self, axis=dim, keepdims=keepdim), np.max(self, axis=dim, keepdims=keepdim)


# ---- argmax / argmin ------------------------------------------------------------------


def _arg(name: str, arg, doc: str):
    def forward(self, dim=None, keepdim=False):
        if dim is None:
            if self.size == 0:
                raise IndexOutOfRange(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                )
            found = np.asarray(arg(self))
            return found.reshape((1,) * self.ndim) if keepdim else found
        if self.ndim == 0:
            return np.zeros((), np.int64)
        check_dim_not_empty(name, self, (dim,))
        return arg(self, axis=dim, keepdims=keepdim)

    forward.__doc__ = doc
    return op(
        f"{name}(Tensor self, Dim? dim=None, bool keepdim=False) -> Tensor",
        dtype=int64,
        example=f"torch.{name}(B, dim=1)",
    )(forward)


argmax = _arg(
    "argmax",
    np.argmax,
    "Index of the largest element (of the flattened tensor without ``dim``); the first of "
    "equal ones.",
)
argmin = _arg("argmin", np.argmin, "Index of the smallest element; the first of equal ones.")


# ---- cummax / cummin ------------------------------------------------------------------


def _running(name: str, accumulate, node: str, doc: str):
    def forward(self, dim):
        if self.ndim == 0:
            return self.copy(), np.zeros((), np.int64)
        values = accumulate(self, axis=dim)
        # Where an element equals the running value it is the (latest) pick; NaN picks NaN.
        picked = (self == values) | ((self != self) & (values != values))
        positions = np.arange(self.shape[dim]).reshape(
            [-1 if i == dim else 1 for i in range(self.ndim)]
        )
        index = np.maximum.accumulate(np.where(picked, positions, 0), axis=dim)
        return values, index.astype(np.int64)

    forward.__doc__ = doc
    declared = op(
        f"{name}(Tensor self, Dim dim) -> Tensor values, Tensor indices",
        node,
        outputs=2,
        example=f"torch.{name}(x, 0)",
        grads={
            "self": lambda grads, self, indices, dim: F._scatter_into(
                grads[0], like(grads[0], data(indices)), shape_of(self), dim, True, True
            )
        },
    )(forward)
    return declared


cummax = _running(
    "cummax", np.maximum.accumulate, "CummaxBackward0", "Running maxima along ``dim``."
)
cummin = _running(
    "cummin", np.minimum.accumulate, "CumminBackward0", "Running minima along ``dim``."
)
