"""Writing into a copy at indices, a mask or a slice: ``index_fill``, ``index_copy``,
``index_reduce``, ``scatter_reduce``, ``masked_scatter``, ``select_scatter``,
``slice_scatter``, ``diagonal_scatter``, and the public ``index_put``.

Each is one op with PyTorch's node and an in-place method (``x.index_fill_``); checks and
messages are torch 2.13's (aten/src/ATen/native/TensorAdvancedIndexing.cpp,
TensorShape.cpp). The derivatives follow tools/autograd/derivatives.yaml and
torch/csrc/autograd/FunctionsManual.cpp (``scatter_reduce_backward``,
``index_reduce_backward``, ``masked_scatter_backward``) at github.com/pytorch/pytorch:
``amax``/``amin`` split the gradient evenly between ties, ``prod`` divides out all but zeros.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, in_place_methods_only, op
from gradcalc.autograd.ops.support import array_of, constant_as, shape_of, shape_text, zeros_as
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError, IndexOutOfRange, ShapeError


def _kind(array: np.ndarray) -> str:
    return dtypes.BY_NUMPY[array.dtype].kind_name


def _as_dtype_of(mask, like):
    """A bool mask as numbers of ``like``'s dtype (``mask.to(self.scalar_type())``)."""
    return F._to_copy(mask, dtypes.BY_NUMPY[array_of(like).dtype])


def _along(dim: int, positions) -> tuple:
    return (slice(None),) * dim + (positions,)


def _vector_index(index: np.ndarray) -> np.ndarray:
    return index.reshape(-1)


# ---- index_fill -----------------------------------------------------------------------------


def _index_fill_node(self, dim, index, value):
    return "IndexFillBackward1" if type(value) is Tensor else "IndexFillBackward0"


def _index_fill_value_grad(grad, dim, index):
    """The sum of the gradient at each filled position (repeated positions once)."""
    size = grad.shape[dim] if grad.shape else 1
    positions = array_of(index).reshape(-1)
    unique = np.unique(np.where(positions < 0, positions + size, positions))
    return F.sum(F.index_select(grad, dim, constant_as(grad, unique)))


@op(
    "index_fill(Tensor self, Dim dim, Tensor index, Tensor|Scalar value) -> Tensor",
    _index_fill_node,
    inplace=True,
    grads={
        "self": lambda grad, dim, index: F.index_fill(grad, dim, index, 0),
        "value": _index_fill_value_grad,
    },
    example="x.index_fill(0, idx, -1.0)",
)
def index_fill(self, dim, index, value):
    """``self`` with ``value`` written at the positions ``index`` along ``dim``."""
    if isinstance(value, np.ndarray) and value.ndim:
        raise EvaluationError(
            "index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    if index.dtype != np.int64:
        raise IndexOutOfRange("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise EvaluationError("Index has to be a vector/scalar")
    out = np.array(self, copy=True)
    target = out.reshape(1) if out.ndim == 0 else out
    size = target.shape[dim]
    positions = _vector_index(index)
    bad = positions[(positions < -size) | (positions >= size)]
    if bad.size:
        raise IndexOutOfRange(
            f"index {int(bad[0])} is out of bounds for dimension {dim} with size {size}"
        )
    target[_along(dim, positions)] = value
    return out


# ---- index_copy -----------------------------------------------------------------------------


def _index_copy_source_grad(grad, dim, index, source):
    source_shape = shape_of(source)  # reads source, as PyTorch's formula (its node saves it)
    g = F.index_select(grad, dim, index)
    return g if tuple(g.shape) == source_shape else F.reshape(g, source_shape)


@op(
    "index_copy(Tensor self, Dim dim, Tensor index, Tensor source) -> Tensor",
    "IndexCopyBackward0",
    inplace=True,
    grads={
        "self": lambda grad, dim, index: F.index_fill(grad, dim, index, 0),
        "source": _index_copy_source_grad,
    },
    example="x.index_copy(0, idx, torch.tensor([10.0, 20.0]))",
)
def index_copy(self, dim, index, source):
    """``self`` with the slices of ``source`` copied to the positions ``index`` along
    ``dim``."""
    if index.ndim > 1:
        raise IndexOutOfRange(
            f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})"
        )
    positions = _vector_index(index)
    target = self.reshape(1) if self.ndim == 0 else self
    values = source.reshape(1) if source.ndim == 0 else source
    if source.ndim and positions.size != values.shape[dim]:
        raise IndexOutOfRange(
            f"index_copy_(): Number of indices ({positions.size}) should be equal to "
            f"source.size(dim) ({values.shape[dim]})"
        )
    if index.dtype != np.int64:
        raise EvaluationError(
            f"index_copy_(): Expected a long tensor for index, but got {_kind(index)}"
        )
    if source.dtype != self.dtype:
        raise EvaluationError(
            "index_copy_(): self and source expected to have the same dtype, but got (self) "
            f"{_kind(self)} and (source) {_kind(source)}"
        )
    size = target.shape[dim]
    bad = positions[(positions < 0) | (positions >= size)]
    if bad.size:
        raise IndexOutOfRange(
            f"index_copy_(): index {int(bad[0])} is out of bounds for dimension {dim} with "
            f"size {size}"
        )
    out = np.array(target, copy=True)
    out[_along(dim, positions)] = values
    return out.reshape(self.shape)


# ---- scatter_reduce, index_reduce: one reduction, two ways of addressing ---------------------

_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}
_UFUNC = {
    "sum": np.add,
    "mean": np.add,
    "prod": np.multiply,
    "amax": np.maximum,
    "amin": np.minimum,
}


def _reduce_into(self, key, part, reduce: str, include_self: bool):
    out = np.array(self, copy=True)
    if not include_self:
        identity = _IDENTITY[reduce]
        if out.dtype.kind != "f" and not np.isfinite(identity):
            info = np.iinfo(out.dtype) if out.dtype.kind in "iu" else None
            identity = (info.min if identity < 0 else info.max) if info else identity
        out[key] = identity
    _UFUNC[reduce].at(out, key, part)
    if reduce == "mean":
        counts = np.zeros(out.shape, np.int64)
        np.add.at(counts, key, 1)
        if include_self:
            counts += 1
        divisor = np.maximum(counts, 1)
        out = out // divisor if out.dtype.kind in "iu" else out / divisor.astype(out.dtype)
    return out


class _Addressing:
    """How a reduction reaches its targets: ``gather``/``scatter_add`` along a dim at each
    position of an index tensor, or ``index_select``/``index_add`` of whole slices."""

    def __init__(self, pick, spread, clear) -> None:
        self.pick = pick  # (t, dim, index) -> the values at the targets, src-shaped
        self.spread = spread  # (t, dim, index, src) -> t with src added at the targets
        self.clear = clear  # (t, dim, index) -> t with zeros at the targets


_SCATTER = _Addressing(
    lambda t, dim, index: F.gather(t, dim, index),
    lambda t, dim, index, src: F.scatter_add(t, dim, index, src),
    lambda t, dim, index: F.scatter(t, dim, index, 0.0),
)
_INDEX = _Addressing(
    lambda t, dim, index: F.index_select(t, dim, index),
    lambda t, dim, index, src: F.index_add(t, dim, index, src),
    lambda t, dim, index: F.index_fill(t, dim, index, 0),
)


def _reduce_grads(way, op_name, grad, self, dim, index, src, reduce, include_self, result):
    """(grad_self, grad_src) of a scatter/index reduction, as FunctionsManual.cpp."""
    if reduce == "sum":
        grad_self, grad_src = grad, way.pick(grad, dim, index)
    elif reduce == "prod":
        redo = getattr(F, op_name)
        masked_self = F.masked_fill(self, self == 0, 1)
        grad_self = (
            grad
            * redo(masked_self, dim, index, src, reduce, include_self=include_self)
            / masked_self
        )
        src_zero = src == 0
        zeros = zeros_as(grad, tuple(self.shape))
        zeros_per_target = way.pick(
            way.spread(zeros, dim, index, _as_dtype_of(src_zero, src)), dim, index
        )
        single_zero = F.logical_and(src_zero, zeros_per_target == 1)
        masked_src = F.masked_fill(src, single_zero, 1)
        masked_src_result = redo(self, dim, index, masked_src, reduce, include_self=include_self)
        grad_src = F.where(
            single_zero,
            way.pick(grad * masked_src_result, dim, index),
            way.pick(grad * result, dim, index) / F.masked_fill(src, src_zero, 1),
        )
    elif reduce == "mean":
        shape = tuple(self.shape)
        counts = constant_like(grad, np.ones(shape) if include_self else np.zeros(shape))
        counts = way.spread(counts, dim, index, constant_like(grad, np.ones(tuple(src.shape))))
        counts = F.masked_fill(counts, counts == 0, 1)
        grad_self = grad / counts
        grad_src = way.pick(grad, dim, index) / way.pick(counts, dim, index)
    else:  # amax, amin: the gradient split evenly between the elements equal to the result
        value = way.pick(result, dim, index)
        self_is_result = _as_dtype_of(self == result, self)
        src_is_result = _as_dtype_of(src == value, self)
        shared = grad / way.spread(self_is_result, dim, index, src_is_result)
        grad_self = self_is_result * shared
        grad_src = src_is_result * way.pick(shared, dim, index)
    if not include_self:
        grad_self = way.clear(grad_self, dim, index)
    return grad_self, grad_src


def constant_like(grad, array: np.ndarray):
    """A constant of ``grad``'s dtype and kind (array, or Tensor under create_graph)."""
    return constant_as(grad, array.astype(array_of(grad).dtype))


def _reduce_grad(way, op_name: str, which: int):
    def formula(grad, self, dim, index, src, reduce, include_self, result):
        grads = _reduce_grads(
            way, op_name, grad, self, dim, index, src, reduce, include_self, result
        )
        return grads[which]

    return formula


def _scatter_reduce_formula(which: int):
    def formula(grad, self, dim, index, src, reduce, include_self, result):
        return _reduce_grad(_SCATTER, "scatter_reduce", which)(
            grad, self, dim, index, src, reduce, include_self, result
        )

    return formula


@op(
    "scatter_reduce(Tensor self, Dim dim, Tensor index, Tensor src, str reduce, *, "
    "bool include_self=True) -> Tensor",
    "ScatterReduceBackward0",
    inplace=True,
    grads={"self": _scatter_reduce_formula(0), "src": _scatter_reduce_formula(1)},
    example="torch.zeros(3).scatter_reduce(0, torch.tensor([0, 1, 0, 2]), x, 'amax')",
)
def scatter_reduce(self, dim, index, src, reduce, include_self=True):
    """``self`` with ``src`` reduced into the positions ``index`` along ``dim`` by ``sum``,
    ``prod``, ``mean``, ``amax`` or ``amin`` (``include_self=False``: ``self``'s values there
    left out)."""
    from gradcalc.autograd.ops.gather import _at_least_1d, _positions, _scatter_checks

    if reduce not in _UFUNC:
        raise EvaluationError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    _scatter_checks(self, dim, index, src, "scatter")
    positions = _positions(_at_least_1d(index), dim)
    part = _at_least_1d(src)[tuple(slice(0, n) for n in _at_least_1d(index).shape)]
    out = _reduce_into(_at_least_1d(self), positions, part, reduce, include_self)
    return out.reshape(self.shape)


def _index_reduce_formula(which: int):
    def formula(grad, self, dim, index, source, reduce, include_self, result):
        return _reduce_grad(_INDEX, "index_reduce", which)(
            grad, self, dim, index, source, reduce, include_self, result
        )

    return formula


@op(
    "index_reduce(Tensor self, Dim dim, Tensor index, Tensor source, str reduce, *, "
    "bool include_self=True) -> Tensor",
    "IndexReduceBackward0",
    inplace=True,
    grads={"self": _index_reduce_formula(0), "source": _index_reduce_formula(1)},
    example="x.index_reduce(0, torch.tensor([0, 0, 3, 3]), y, 'prod')",
)
def index_reduce(self, dim, index, source, reduce, include_self=True):
    """``self`` with the slices of ``source`` reduced into the positions ``index`` along
    ``dim`` by ``prod``, ``mean``, ``amax`` or ``amin``."""
    warn(
        "index_reduce() is in beta and the API may change at any time. (Triggered internally "
        "at /__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:1523.)"
    )
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise EvaluationError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    positions = _vector_index(index)
    target = self.reshape(1) if self.ndim == 0 else self
    values = source.reshape(1) if source.ndim == 0 else source
    if values.shape[dim] != positions.size:
        raise ShapeError(
            f"index_reduce_(): Number of indices ({positions.size}) should be equal to "
            f"source.size(dim): ({values.shape[dim]}), for dim: {dim}"
        )
    size = target.shape[dim]
    if positions.size and (positions.min() < 0 or positions.max() >= size):
        raise IndexOutOfRange("index out of range in self")
    out = _reduce_into(target, _along(dim, positions), values, reduce, include_self)
    return out.reshape(self.shape)


# ---- masked_scatter -------------------------------------------------------------------------


def _masked_scatter_source_grad(grad, mask, source_shape):
    """FunctionsManual.cpp's masked_scatter_backward: the masked gradient, zero-padded."""
    mask = array_of(mask)
    shape = np.broadcast_shapes(tuple(grad.shape), mask.shape)
    chosen = F.masked_select(grad, constant_like_mask(grad, np.broadcast_to(mask, shape)))
    size = int(np.prod(source_shape))
    missing = size - int(chosen.shape[0])
    if missing > 0:
        chosen = F.cat((chosen, zeros_as(grad, (missing,))), 0)
    return F.view(chosen, tuple(source_shape))


def constant_like_mask(like, mask: np.ndarray):
    return constant_as(like, np.ascontiguousarray(mask))


@op(
    "masked_scatter(Tensor self, Tensor mask, Tensor source) -> Tensor",
    "MaskedScatterBackward0",
    inplace=True,
    grads={
        "self": lambda grad, mask: F.masked_fill(grad, mask, 0),
        "source": _masked_scatter_source_grad,
    },
    example="x.masked_scatter(mask, torch.tensor([10.0, 20.0]))",
)
def masked_scatter(self, mask, source):
    """``self`` with the elements where ``mask`` is true replaced, in order, by the first
    elements of ``source``."""
    if mask.dtype != np.bool_:
        raise EvaluationError(
            f"masked_scatter_ only supports boolean masks, but got mask with dtype {_kind(mask)}"
        )
    if source.dtype != self.dtype:
        raise EvaluationError(
            "masked_scatter: expected self and source to have same dtypes but got"
            f"{_kind(self)} and {_kind(source)}"
        )
    shape = np.broadcast_shapes(self.shape, mask.shape)
    full_mask = np.broadcast_to(mask, shape)
    count = int(full_mask.sum())
    if count > source.size:
        raise EvaluationError("Number of elements of source < number of ones in mask")
    out = np.array(np.broadcast_to(self, shape), copy=True)
    out[full_mask] = source.reshape(-1)[:count]
    return out


# ---- select/slice/diagonal_scatter ----------------------------------------------------------


def _same_as_slice(src: np.ndarray, part: np.ndarray) -> None:
    if src.shape != part.shape:
        raise EvaluationError(
            "expected src to have a size equal to the slice of self. src size = "
            f"{shape_text(src.shape)}, slice size = {shape_text(part.shape)}"
        )


def _embedded(self, src, part_of):
    out = np.array(self, copy=True)
    part = part_of(out)
    _same_as_slice(src, part)
    part[...] = src
    return out


@op(
    "select_scatter(Tensor self, Tensor src, Dim dim, int index) -> Tensor",
    "SelectScatterBackward0",
    grads={
        "self": lambda grad, src_shape, dim, index: F.select_scatter(
            grad, zeros_as(grad, tuple(src_shape)), dim, index
        ),
        "src": lambda grad, dim, index: F.select(grad, dim, index),
    },
    example="torch.select_scatter(B, v, 0, 1)",
)
def select_scatter(self, src, dim, index):
    """A copy of ``self`` with ``self.select(dim, index)`` replaced by ``src``."""
    size = self.shape[dim]
    if not -size <= index < size:
        raise IndexOutOfRange(
            f"select(): index {index} out of range for tensor of size {shape_text(self.shape)} "
            f"at dimension {dim}"
        )
    return _embedded(self, src, lambda out: out[_along(dim, index)])


@op(
    "slice_scatter(Tensor self, Tensor src, Dim dim=0, int? start=None, int? end=None, "
    "int step=1) -> Tensor",
    "SliceScatterBackward0",
    grads={
        "self": lambda grad, src_shape, dim, start, end, step: F.slice_scatter(
            grad, zeros_as(grad, tuple(src_shape)), dim, start, end, step
        ),
        "src": lambda grad, dim, start, end, step: F.slice(grad, dim, start, end, step),
    },
    example="torch.slice_scatter(torch.zeros(4), y[:2], 0, 1, 3)",
)
def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
    """A copy of ``self`` with the slice ``start:end:step`` along ``dim`` replaced by
    ``src``."""
    return _embedded(self, src, lambda out: out[_along(dim, slice(start, end, step))])


def _diagonal_of(out, offset, dim1, dim2):
    return np.diagonal(out, offset, dim1, dim2)


@op(
    "diagonal_scatter(Tensor self, Tensor src, int offset=0, Dim dim1=0, Dim dim2=1) -> Tensor",
    "DiagonalScatterBackward0",
    grads={
        "self": lambda grad, src_shape, offset, dim1, dim2: F.diagonal_scatter(
            grad, zeros_as(grad, tuple(src_shape)), offset, dim1, dim2
        ),
        "src": lambda grad, offset, dim1, dim2: F.diagonal(grad, offset, dim1, dim2),
    },
    example="torch.diagonal_scatter(torch.zeros(3, 3), v)",
)
def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
    """A copy of ``self`` with its ``offset`` diagonal (over ``dim1``, ``dim2``) replaced by
    ``src``."""
    out = np.array(self, copy=True)
    part = np.diagonal(out, offset, dim1, dim2)
    _same_as_slice(src, part)
    rows, cols = np.nonzero(np.eye(self.shape[dim1], self.shape[dim2], offset, dtype=bool))
    moved = np.moveaxis(out, (dim1, dim2), (-2, -1))
    moved[..., rows, cols] = src
    return out


# ---- index_put ------------------------------------------------------------------------------


@composite(
    "index_put.functional(Tensor self, Tensor?[] indices, Tensor values, "
    "bool accumulate=False) -> Tensor",
    example="torch.index_put(x, (idx,), torch.tensor([10.0, 20.0]))",
)
def index_put(self, indices, values, accumulate=False):
    """A copy of ``self`` with ``values`` written (or added, ``accumulate``) at the
    positions the index tensors give (``self[indices] = values`` out of place)."""
    if not isinstance(indices, list | tuple):
        raise ArgumentError(
            "index_put(): argument 'indices' (position 2) must be tuple of Tensors, not "
            f"{type(indices).__name__}"
        )
    # The op's derivatives read the indices as arrays (as indexing passes them).
    arrays = tuple(i.array if type(i) is Tensor else i for i in indices)
    return F.index_put(self, arrays, values, accumulate)


in_place_methods_only(index_fill, index_copy, scatter_reduce, index_reduce, masked_scatter)
