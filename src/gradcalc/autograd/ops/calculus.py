"""Differences, derivatives and integrals of samples: ``diff``, ``gradient``, ``trapezoid``
(``trapz``), ``cumulative_trapezoid``, and the running ``logcumsumexp``.

All but ``logcumsumexp`` are compositions in PyTorch (slices, ``-``, ``/``, ``sum``,
running sums, ``cat``), written here in ATen's order so the graph shows its nodes: a number
times or over a tensor inside ATen is the ``Scalar`` overload (``MulBackward1``,
``DivBackward1``). Sources: aten/src/ATen/native/ReduceOps.cpp (diff, gradient,
logcumsumexp), Integration.cpp (trapezoid), torch/csrc/autograd/FunctionsManual.cpp
(``logcumsumexp_backward``) at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.ops.reductions import running_sum
from gradcalc.autograd.ops.support import constant_as, dim_of
from gradcalc.autograd.schema import normalize_dims
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError, ShapeError


def _floating(t) -> bool:
    return t.dtype.category == dtypes.FLOATING


def _times(t, number: float):
    """``t * number`` as ATen writes it in C++: ``mul.Scalar`` (``MulBackward1``)."""
    return F.mul_Scalar(t, number) if _floating(t) else F.mul(t, number)


def _over(t, number: float):
    """``t / number`` as ATen writes it in C++: ``div.Scalar`` (``DivBackward1``)."""
    return F.div_Scalar(t, number)


# ---- diff -----------------------------------------------------------------------------------


def _check_appended(self, other, dim: int) -> None:
    if other is None:
        return
    if len(other.shape) != len(self.shape):
        raise ShapeError("diff expects prepend or append to be the same dimension as input")
    for i, (a, b) in enumerate(zip(self.shape, other.shape)):
        if i != dim and a != b:
            raise ShapeError(
                "diff expects the shape of tensor to prepend or append to match that of input "
                f"except along the differencing dimension; input.size({i}) = {a}, but got "
                f"tensor.size({i}) = {b}"
            )


@composite(
    "diff(Tensor self, int n=1, int dim=-1, Tensor? prepend=None, Tensor? append=None) -> Tensor",
    example="torch.diff(x)",
)
def diff(self, n=1, dim=-1, prepend=None, append=None):
    """Differences of neighbours along ``dim`` (``n`` times); ``prepend``/``append`` are
    joined to the input first."""
    if not self.shape:
        raise ShapeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise EvaluationError(f"order must be non-negative but got {n}")
    dim = dim_of(dim, len(self.shape))
    _check_appended(self, prepend, dim)
    _check_appended(self, append, dim)
    if n == 0:  # a copy, as PyTorch's (CopyBackwards)
        from gradcalc.autograd.inplace import apply_inplace

        out = leaf(np.empty(self.shape, self.array.dtype), False)
        return apply_inplace(OPS["_copy_from"], [out, self, False])
    parts = [t for t in (prepend, self, append) if t is not None]
    result = F.cat(tuple(parts), dim) if len(parts) > 1 else self
    length = result.shape[dim] - 1
    boolean = result.dtype is dtypes.bool_
    for _ in range(min(n, result.shape[dim])):
        later, earlier = F.narrow(result, dim, 1, length), F.narrow(result, dim, 0, length)
        result = F.logical_xor(later, earlier) if boolean else later - earlier
        length -= 1
    return result


# ---- gradient -------------------------------------------------------------------------------


def _gradient_dims(self, dim) -> list:
    if dim is None:
        return list(range(len(self.shape)))
    if isinstance(dim, int) and not isinstance(dim, bool):
        return [dim_of(dim, len(self.shape))]
    if isinstance(dim, list | tuple):
        normalize_dims(tuple(dim), len(self.shape))  # PyTorch's repeated-dim message
        return [dim_of(d, len(self.shape)) for d in dim]
    raise ArgumentError(
        f"gradient(): argument 'dim' must be int or tuple of ints, not {type(dim).__name__}"
    )


def _gradient_spacing(self, spacing, dim, dims: list) -> list:
    """One spacing per differentiated dim: numbers, or 1-D coordinate tensors."""
    if spacing is None:
        return [1.0] * len(dims)
    if not isinstance(spacing, list | tuple):
        return [spacing] * len(dims)
    if dim is None and len(spacing) != len(self.shape):
        raise EvaluationError(
            "torch.gradient expected spacing to be unspecified, a scalar, or a list of length "
            f"equal to 'self.dim() = {len(self.shape)}', since dim argument was not given, but "
            f"got a list of length {len(spacing)}"
        )
    if dim is not None and len(spacing) != len(dims):
        raise EvaluationError(
            "torch.gradient expected spacing to be unspecified, a scalar or it's spacing and dim "
            f"arguments to have the same length, but got a spacing argument of length "
            f"{len(spacing)} and a dim argument of length {len(dims)}."
        )
    return list(spacing)


def _append_on_dim(center, prepend, append, dim: int):
    return F.cat((prepend, center, append), dim)


def _uniform_gradient(self, dx, dim: int, edge_order: int):
    center = _over(F.slice(self, dim, 2, None, 1) - F.slice(self, dim, 0, -2, 1), dx)
    if edge_order == 1:
        prepend = _over(F.slice(self, dim, 1, 2, 1) - F.slice(self, dim, 0, 1, 1), dx)
        append = _over(F.slice(self, dim, -1, None, 1) - F.slice(self, dim, -2, -1, 1), dx)
    else:
        prepend = _over(
            _times(F.slice(self, dim, 0, 1, 1), -1.5)
            + _times(F.slice(self, dim, 1, 2, 1), 2)
            - _times(F.slice(self, dim, 2, 3, 1), 0.5),
            dx,
        )
        append = _over(
            _times(F.slice(self, dim, -3, -2, 1), 0.5)
            - _times(F.slice(self, dim, -2, -1, 1), 2)
            + _times(F.slice(self, dim, -1, None, 1), 1.5),
            dx,
        )
    return _append_on_dim(_over(center, 2), prepend, append, dim)


def _coordinate_gradient(self, coordinates, dim: int, edge_order: int):
    if len(coordinates.shape) != 1:
        raise EvaluationError(
            "torch.gradient expected each element of spacing to have one dimension, but got an "
            f"element with {len(coordinates.shape)} dimensions!"
        )
    shape = [1] * len(self.shape)
    shape[dim] = -1
    shape = tuple(shape)
    dx = F.diff(coordinates, 1, 0)
    dx1, dx2 = F.slice(dx, 0, 0, -1, 1), F.slice(dx, 0, 1, None, 1)
    a = F.reshape(-dx2 / (dx1 * (dx1 + dx2)), shape)
    b = F.reshape((dx2 - dx1) / (dx1 * dx2), shape)
    c = F.reshape(dx1 / (dx2 * (dx1 + dx2)), shape)
    center = (
        a * F.slice(self, dim, 0, -2, 1)
        + b * F.slice(self, dim, 1, -1, 1)
        + c * F.slice(self, dim, 2, None, 1)
    )
    first, second = F.select(dx, 0, 0), F.select(dx, 0, 1)
    last, before = F.select(dx, 0, -1), F.select(dx, 0, -2)
    if edge_order == 1:
        prepend = (F.slice(self, dim, 1, 2, 1) - F.slice(self, dim, 0, 1, 1)) / first
        append = (F.slice(self, dim, -1, None, 1) - F.slice(self, dim, -2, -1, 1)) / last
    else:
        a = -(_times(first, 2.0) + second) / (first * (first + second))
        b = (first + second) / (first * second)
        c = -first / (second * (first + second))
        prepend = (
            a * F.slice(self, dim, 0, 1, 1)
            + b * F.slice(self, dim, 1, 2, 1)
            + c * F.slice(self, dim, 2, 3, 1)
        )
        a = last / (before * (last + before))
        b = -(last + before) / (last * before)
        c = (_times(last, 2) + before) / (last * (last + before))
        append = (
            a * F.slice(self, dim, -3, -2, 1)
            + b * F.slice(self, dim, -2, -1, 1)
            + c * F.slice(self, dim, -1, None, 1)
        )
    return _append_on_dim(center, prepend, append, dim)


@composite(
    "gradient(Tensor self, *, Any spacing=None, Any dim=None, int edge_order=1) -> Tensor[]",
    method=False,
    example="torch.gradient(torch.tensor([1.0, 4.0, 9.0, 16.0]))",
)
def gradient(self, spacing=None, dim=None, edge_order=1):
    """Derivative estimates along each dim (one tensor per dim) by central differences
    inside and one-sided ones at the ends; ``spacing``: a step, steps per dim, or sample
    coordinates per dim."""
    if self.dtype is dtypes.uint8:
        raise EvaluationError("torch.gradient does not support uint8 input.")
    dims = _gradient_dims(self, dim)
    steps = _gradient_spacing(self, spacing, dim, dims)
    if edge_order not in (1, 2):
        raise EvaluationError("torch.gradient only supports edge_order=1 and edge_order=2.")
    for d in dims:
        if self.shape[d] < edge_order + 1:
            raise EvaluationError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
    results = []
    for d, step in zip(dims, steps):
        if type(step) is Tensor:
            results.append(_coordinate_gradient(self, step, d, edge_order))
        else:
            results.append(_uniform_gradient(self, step, d, edge_order))
    return tuple(results)


# ---- trapezoid ------------------------------------------------------------------------------


def _no_bool(name: str, y, x=None) -> None:
    if x is not None and (y.dtype is dtypes.bool_ or x.dtype is dtypes.bool_):
        raise EvaluationError(
            f"{name}: received a bool input for `x` or `y`, but bool is not supported"
        )
    if y.dtype is dtypes.bool_:
        raise EvaluationError(f"{name}: received a bool input for `y`, but bool is not supported")


def _real_step(name: str, dx) -> float:
    if isinstance(dx, bool):
        raise EvaluationError(f"{name}: Currently, we only support dx as a real number.")
    return float(dx)


def _sample_steps(name: str, y, x, dim: int):
    """``x``'s differences along ``dim``, shaped to broadcast against ``y``'s."""
    if len(x.shape) == 1:
        if x.shape[0] != y.shape[dim]:
            raise ShapeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * len(y.shape)
        shape[dim] = x.shape[0]
        x = F.view(x, tuple(shape))
    elif len(x.shape) < len(y.shape):
        x = F.view(x, (1,) * (len(y.shape) - len(x.shape)) + tuple(x.shape))
    return F.slice(x, dim, 1, None, 1) - F.slice(x, dim, 0, -1, 1)


def _zeros_except(y, dim: int):
    shape = tuple(n for i, n in enumerate(y.shape) if i != dim)
    return leaf(np.zeros(shape, y.array.dtype), False)


def _trapezoid(name: str, y, x, dx, dim: int):
    dim = dim_of(dim, len(y.shape))
    if y.shape[dim] == 0:
        return _zeros_except(y, dim)
    _no_bool(name, y, x)
    if x is not None:
        n = y.shape[dim] - 1
        pairs = F.narrow(y, dim, 0, n) + F.narrow(y, dim, 1, n)
        return _over(F.sum_dim(pairs * _sample_steps(name, y, x, dim), (dim,)), 2.0)
    step = _real_step(name, dx)
    ends = _times(F.select(y, dim, 0) + F.select(y, dim, -1), 0.5)
    return _times(F.sum_dim(y, (dim,)) - ends, step)


@composite(
    "trapezoid(Tensor y, Tensor? x=None, *, Scalar? dx=None, int dim=-1) -> Tensor",
    method=False,
    example="torch.trapezoid(torch.tensor([1.0, 4.0, 9.0]), dx=0.5)",
)
def trapezoid(y, x=None, dx=None, dim=-1):
    """The integral of samples ``y`` along ``dim`` by the trapezoidal rule, at points ``x``
    or a step ``dx`` (default 1)."""
    return _trapezoid("trapezoid", y, x, 1 if dx is None else dx, dim)


@composite(
    "trapz(Tensor y, Tensor? x=None, *, float dx=1.0, int dim=-1) -> Tensor",
    method=False,
    example="torch.trapz(torch.tensor([1.0, 4.0, 9.0]))",
)
def trapz(y, x=None, dx=1.0, dim=-1):
    """``trapezoid``, under its older name."""
    return _trapezoid("trapezoid", y, x, dx, dim)


@composite(
    "cumulative_trapezoid(Tensor y, Tensor? x=None, *, Scalar? dx=None, int dim=-1) -> Tensor",
    method=False,
    example="torch.cumulative_trapezoid(torch.tensor([1.0, 4.0, 9.0]))",
)
def cumulative_trapezoid(y, x=None, dx=None, dim=-1):
    """The running trapezoidal integral of ``y`` along ``dim`` (one value fewer than ``y``)."""
    dim = dim_of(dim, len(y.shape))
    name = "cumulative_trapezoid"
    _no_bool(name, y, x)
    if y.shape[dim] == 0:
        return leaf(np.zeros(y.shape, y.array.dtype), False)
    n = y.shape[dim] - 1
    pairs = F.narrow(y, dim, 0, n) + F.narrow(y, dim, 1, n)
    if x is not None:
        return _over(running_sum(pairs * _sample_steps(name, y, x, dim), dim), 2.0)
    step = _real_step(name, 1 if dx is None else dx)
    return running_sum(_times(pairs, step / 2.0), dim)


# ---- logcumsumexp ---------------------------------------------------------------------------


def _logcumsumexp_grad(grad, self, result, dim):
    """FunctionsManual.cpp's logcumsumexp_backward: the positive and negative parts of the
    gradient each through a reversed logcumsumexp, so nothing overflows."""
    shape = tuple(grad.shape)
    if len(shape) == 0 or 0 in shape:
        return grad
    array = grad if type(grad) is np.ndarray else grad.array
    lowest = constant_as(grad, np.array(np.finfo(array.dtype).min, array.dtype))
    with np.errstate(divide="ignore"):
        log_abs = F.log(F.abs(grad))

    def reversed_logcumsumexp(t):
        return F.flip(F.logcumsumexp(F.flip(t, (dim,)), dim), (dim,))

    positive = F.where(grad > 0, log_abs, lowest)
    negative = F.where(grad < 0, log_abs, lowest)
    with np.errstate(over="ignore"):
        out_positive = F.exp(reversed_logcumsumexp(positive - result) + self)
        out_negative = F.exp(reversed_logcumsumexp(negative - result) + self)
    return out_positive - out_negative


def _log_add_exp(running: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ATen's _log_add_exp_helper (nan propagates; equal infinities stay)."""
    low = np.where(np.isnan(x), x, np.minimum(running, x))
    high = np.where(np.isnan(x), x, np.maximum(running, x))
    with np.errstate(invalid="ignore", over="ignore"):
        combined = np.log1p(np.exp(low - high)) + high
    return np.where((low != high) | np.isfinite(low), combined, running)


@op(
    "logcumsumexp(Tensor self, Dim dim) -> Tensor",
    "LogcumsumexpBackward0",
    grads={"self": _logcumsumexp_grad},
    example="torch.logcumsumexp(x, 0)",
)
def logcumsumexp(self, dim):
    """Running ``log(sum(exp(x)))`` along ``dim``, computed without overflow."""
    if self.dtype.kind != "f":
        raise EvaluationError(
            f"\"logcumsumexp_out_cpu\" not implemented for '{dtypes.BY_NUMPY[self.dtype].kind_name}'",
            kind="NotImplementedError",
        )
    if self.ndim == 0:
        return self.copy()
    # The CPU kernel accumulates in double (at::acc_type) and rounds each result.
    moved = np.moveaxis(self.astype(np.float64), dim, 0)
    out = np.empty_like(moved)
    running = np.full(moved.shape[1:], -np.inf)
    for i in range(moved.shape[0]):
        running = moved[i] if i == 0 else _log_add_exp(running, moved[i])
        out[i] = running
    return np.moveaxis(out, 0, dim).astype(self.dtype)
