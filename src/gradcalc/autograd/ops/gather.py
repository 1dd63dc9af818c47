"""Reading and writing at index tensors: ``gather``, ``scatter``, ``scatter_add``,
``index_select``, ``index_add``, ``masked_select``, ``take``, ``take_along_dim``.

Index checks and messages are PyTorch 2.13's (``aten/src/ATen/native/ScatterGatherChecks.h``,
``TensorAdvancedIndexing.cpp`` at github.com/pytorch/pytorch); derivatives as its
``derivatives.yaml``: a gather's gradient is a ``scatter_add`` into zeros and back.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.declare import F, composite, in_place_methods_only, op
from gradcalc.autograd.ops.support import array_of, dim_of, shape_of, shape_text, zeros_as
from gradcalc.autograd.settings import warn
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import AutogradError, EvaluationError, IndexOutOfRange, ShapeError


def _kind(array: np.ndarray) -> str:
    return dtypes.BY_NUMPY[array.dtype].kind_name


def _int_index(index: np.ndarray, name: str) -> None:
    if index.dtype not in (np.int64, np.int32):
        raise EvaluationError(f"{name}(): Expected dtype int32/int64 for index")


def _in_bounds(index: np.ndarray, size: int, dim: int) -> None:
    bad = index[(index < 0) | (index >= size)]
    if bad.size:
        raise EvaluationError(
            f"index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}"
        )


def _at_least_1d(a: np.ndarray) -> np.ndarray:
    return a.reshape(1) if a.ndim == 0 else a


def _positions(index: np.ndarray, dim: int) -> tuple:
    """The numpy index that reads ``a[..., index[i, j], ...]`` at every position of index."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


def _size(a: np.ndarray, d: int) -> int:
    return a.shape[d] if a.ndim else 1


# ---- gather ---------------------------------------------------------------------------------


@op(
    "gather(Tensor self, Dim dim, Tensor index, *, bool sparse_grad=False) -> Tensor",
    "GatherBackward0",
    grads={
        "self": lambda grad, self, dim, index: F.scatter_add(
            zeros_as(grad, shape_of(self)), dim, index, grad
        )
    },
    example="torch.gather(B, 1, torch.tensor([[2, 0], [1, 1]]))",
)
def gather(self, dim, index, sparse_grad=False):
    """``out[i][j] = self[i][index[i][j]]`` for ``dim=1``: values picked along ``dim``."""
    _int_index(index, "gather")
    ndim = max(self.ndim, 1)
    if max(index.ndim, 1) != ndim:
        raise ShapeError("Index tensor must have the same number of dimensions as input tensor")
    for d in range(ndim):
        if d != dim and _size(index, d) > _size(self, d):
            raise ShapeError(
                f"Size does not match at dimension {d} expected index {shape_text(index.shape)} "
                f"to be no larger than self {shape_text(self.shape)} apart from dimension {dim}"
            )
    source, positions = _at_least_1d(self), _at_least_1d(index)
    _in_bounds(positions, source.shape[dim], dim)
    return source[_positions(positions, dim)].reshape(index.shape)


# ---- scatter --------------------------------------------------------------------------------


def _scatter_checks(self, dim, index, src, name: str) -> None:
    _int_index(index, name)
    ndim = max(self.ndim, 1)
    if max(index.ndim, 1) != ndim:
        raise ShapeError("Index tensor must have the same number of dimensions as self tensor")
    wrong = any(d != dim and _size(index, d) > _size(self, d) for d in range(ndim))
    has_src = isinstance(src, np.ndarray)
    if not wrong and has_src:
        wrong = any(_size(index, d) > _size(src, d) for d in range(ndim))
    if wrong:
        text = (
            f"Expected index {shape_text(index.shape)} to be no larger than self "
            f"{shape_text(self.shape)} apart from dimension {dim}"
        )
        if has_src:
            text += f" and to be no larger size than src {shape_text(src.shape)}"
        raise ShapeError(text)
    if has_src and src.dtype != self.dtype:
        raise EvaluationError("scatter(): Expected self.dtype to be equal to src.dtype")
    _in_bounds(_at_least_1d(index), _size(self, dim), dim)


def _scatter_into(self, dim, index, src, how: str):
    out = np.array(_at_least_1d(self), copy=True)
    positions = _positions(_at_least_1d(index), dim)
    if isinstance(src, np.ndarray):
        part = _at_least_1d(src)[tuple(slice(0, n) for n in _at_least_1d(index).shape)]
    else:
        part = np.asarray(src).astype(out.dtype)
    if how == "set":
        out[positions] = part
    elif how == "add":
        np.add.at(out, positions, part)
    else:
        np.multiply.at(out, positions, part)
    return out.reshape(self.shape)


def _scatter_node(self, dim, index, src, reduce=None):
    if reduce is not None:
        return "torch::autograd::NotImplemented"
    return "ScatterBackward0" if type(src) is Tensor else "ScatterBackward1"


def _no_derivative(grad, reduce):
    if reduce is not None:
        raise AutogradError("derivative for aten::scatter is not implemented")


def _scatter_self_grad(grad, dim, index, reduce):
    _no_derivative(grad, reduce)
    return F.scatter(grad, dim, index, 0.0)


def _scatter_src_grad(grad, dim, index, reduce):
    _no_derivative(grad, reduce)
    return F.gather(grad, dim, index)


@op(
    "scatter(Tensor self, Dim dim, Tensor index, Tensor|Scalar src, *, str? reduce=None) -> Tensor",
    _scatter_node,
    inplace=True,
    grads={"self": _scatter_self_grad, "src": _scatter_src_grad},
    example="torch.zeros(2, 3).scatter(1, idx.view(2, 1), 1.0)",
)
def scatter(self, dim, index, src, reduce=None):
    """``self`` with ``src`` (a tensor or a number) written at ``index`` along ``dim``."""
    _scatter_checks(self, dim, index, src, "scatter")
    if reduce is None:
        return _scatter_into(self, dim, index, src, "set")
    if reduce not in ("add", "multiply"):
        raise EvaluationError("reduce argument must be either add or multiply.")
    if isinstance(src, np.ndarray):
        warn(
            "The reduce argument of torch.scatter with Tensor src is deprecated and will be "
            "removed in a future PyTorch release. Use torch.scatter_reduce instead for more "
            "reduction options. (Triggered internally at "
            "/__w/pytorch/pytorch/aten/src/ATen/native/TensorAdvancedIndexing.cpp:225.)"
        )
    return _scatter_into(self, dim, index, src, reduce)


@op(
    "scatter_add(Tensor self, Dim dim, Tensor index, Tensor src) -> Tensor",
    "ScatterAddBackward0",
    inplace=True,
    grads={"self": lambda grad: grad, "src": lambda grad, dim, index: F.gather(grad, dim, index)},
    example="torch.zeros(3).scatter_add(0, torch.tensor([0, 1, 0, 2]), x)",
)
def scatter_add(self, dim, index, src):
    """``self`` with ``src`` added at ``index`` along ``dim`` (repeats add up)."""
    _scatter_checks(self, dim, index, src, "scatter")
    return _scatter_into(self, dim, index, src, "add")


# ---- index_select, index_add ----------------------------------------------------------------


@op(
    "index_select(Tensor self, Dim dim, Tensor index) -> Tensor",
    "IndexSelectBackward0",
    grads={
        "self": lambda grad, self_shape, dim, index: F.index_add(
            zeros_as(grad, self_shape), dim, index, grad
        )
    },
    example="torch.index_select(x, 0, idx)",
)
def index_select(self, dim, index):
    """The slices along ``dim`` at the positions in ``index`` (a copy)."""
    if index.ndim > 1:
        raise IndexOutOfRange("index_select(): Index is supposed to be a vector")
    if index.dtype not in (np.int64, np.int32):
        raise EvaluationError("index_select(): Expected dtype int32 or int64 for index")
    source = _at_least_1d(self)
    positions = index.reshape(-1)
    size = source.shape[dim]
    bad = positions[(positions < 0) | (positions >= size)]
    if bad.size:
        raise EvaluationError(
            f"INDICES element is out of DATA bounds, id={int(bad[0])} axis_dim={size}"
        )
    out = np.take(source, positions, axis=dim)
    return out.reshape(()) if self.ndim == 0 else out


def _index_add_source_grad(grad, dim, index, source, alpha):
    source_shape = shape_of(source)  # reads source, as PyTorch's formula (its node saves it)
    g = F.index_select(grad, dim, index)
    if tuple(g.shape) != source_shape:
        g = F.reshape(g, source_shape)
    return g * alpha if alpha != 1 else g


@op(
    "index_add(Tensor self, Dim dim, Tensor index, Tensor source, *, Scalar alpha=1) -> Tensor",
    "IndexAddBackward0",
    inplace=True,
    grads={"self": lambda grad: grad, "source": _index_add_source_grad},
    example="x.index_add(0, idx, torch.tensor([10.0, 20.0]))",
)
def index_add(self, dim, index, source, alpha=1):
    """``self`` with the slices of ``source`` (times ``alpha``) added at ``index`` along dim."""
    if index.ndim > 1:
        raise IndexOutOfRange(
            f"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with "
            f"type: {_kind(index)} and size: {shape_text(index.shape)}"
        )
    if index.dtype not in (np.int64, np.int32):
        raise EvaluationError(
            f"index_add_(): Expected dtype int32/int64 for index but got: {_kind(index)}"
        )
    if source.dtype != self.dtype:
        raise EvaluationError(
            f"index_add_(): self ({_kind(self)}) and source ({_kind(source)}) must have the "
            "same scalar type"
        )
    positions = index.reshape(-1)
    target = _at_least_1d(self)
    values = _at_least_1d(source)
    if values.shape[dim] != positions.size:
        raise ShapeError(
            f"index_add_(): Number of indices ({positions.size}) should be equal to "
            f"source.size(dim): ({values.shape[dim]}), for dim: {dim}"
        )
    _in_bounds(positions, target.shape[dim], dim)
    out = np.array(target, copy=True)
    key = (slice(None),) * dim + (positions,)
    np.add.at(out, key, values * alpha if alpha != 1 else values)
    return out.reshape(self.shape)


# ---- masked_select, take, take_along_dim ----------------------------------------------------


def _masked_select_grad(grad, self, mask):
    mask = array_of(mask)
    shape = broadcast_shapes(shape_of(self), mask.shape)
    key = (np.broadcast_to(mask, shape),)
    return F.index_put(zeros_as(grad, shape), key, grad, False)


@op(
    "masked_select(Tensor self, Tensor mask) -> Tensor",
    "MaskedSelectBackward0",
    grads={"self": _masked_select_grad},
    example="torch.masked_select(x, mask)",
)
def masked_select(self, mask):
    """The elements where the bool ``mask`` (broadcast) is true, as a vector."""
    if mask.dtype != np.bool_:
        raise EvaluationError(
            "masked_select: expected BoolTensor for mask",
            hint="make the mask with a comparison, e.g. x > 0",
        )
    shape = broadcast_shapes(mask.shape, self.shape)
    return np.broadcast_to(self, shape)[np.broadcast_to(mask, shape)]


def _take_grad(grad, self, index):
    self_shape = shape_of(self)
    n = int(np.prod(self_shape))
    flat = array_of(index).reshape(-1)
    key = (np.where(flat < 0, flat + n, flat),)
    spread = F.index_put(zeros_as(grad, (n,)), key, F.reshape(grad, (-1,)), True)
    return F.reshape(spread, tuple(self_shape))


@op(
    "take(Tensor self, Tensor index) -> Tensor",
    "TakeBackward0",
    grads={"self": _take_grad},
    example="torch.take(B, torch.tensor([0, 5]))",
)
def take(self, index):
    """Elements of the flattened tensor at ``index`` (the result has index's shape)."""
    if index.dtype != np.int64:
        raise EvaluationError(f"take(): Expected a long tensor for index, but got {_kind(index)}")
    n = self.size
    bad = index[(index < -n) | (index >= n)]
    if bad.size:
        raise IndexOutOfRange(
            f"out of range: tried to access index {int(bad.flat[0])} on a tensor of {n} elements."
        )
    return self.reshape(-1)[index] if n else np.zeros(index.shape, self.dtype)


@composite(
    "take_along_dim(Tensor self, Tensor indices, int? dim=None) -> Tensor",
    example="torch.take_along_dim(B, B.argsort(dim=1), dim=1)",
)
def take_along_dim(self, indices, dim=None):
    """``gather`` along ``dim`` with ``self`` and ``indices`` broadcast against each other."""
    if dim is None:
        return F.gather(F.view(self, (-1,)), 0, F.view(indices, (-1,)))
    ndim, index_ndim = len(self.shape), len(indices.shape)
    if ndim != index_ndim:
        raise ShapeError(
            "torch.take_along_dim(): input and indices should have the same number of "
            f"dimensions, but got {ndim} dimensions for input, and {index_ndim} dimensions for "
            "indices"
        )
    if indices.array.dtype != np.int64:
        raise EvaluationError(
            "torch.take_along_dim(): dtype of indices should be Long but got "
            f"{_kind(indices.array)}"
        )
    dim = dim_of(dim, ndim)
    self_sizes = list(self.shape)
    self_sizes[dim] = indices.shape[dim]
    index_shape = broadcast_shapes(tuple(self_sizes), tuple(indices.shape))
    index_sizes = list(indices.shape)
    index_sizes[dim] = self.shape[dim]
    self_shape = broadcast_shapes(tuple(index_sizes), tuple(self.shape))
    return F.gather(F.expand(self, self_shape), dim, F.expand(indices, index_shape))


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(scatter, scatter_add, index_add)
