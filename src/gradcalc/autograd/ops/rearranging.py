"""Rearranging elements: ``ravel``, ``narrow_copy``, ``rot90``, ``hsplit``/``vsplit``/
``dsplit`` and ``as_strided``.

``ravel`` is ``contiguous().view(-1)`` and the ``*split`` functions are ``tensor_split``
along a fixed dim, as in ATen; ``narrow_copy``, ``rot90`` and ``as_strided`` have their own
nodes. ``as_strided`` reads the tensor's storage as PyTorch does: the memory of the array
that owns it, counted in elements from its start. Sources: aten/src/ATen/native/
TensorShape.cpp and tools/autograd/derivatives.yaml at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.support import array_of, dim_of, shape_text, zeros_as
from gradcalc.autograd.schema import normalize_dim
from gradcalc.errors import EvaluationError, ShapeError


@composite("ravel(Tensor self) -> Tensor", example="torch.ravel(B)")
def ravel(self):
    """The elements as a vector (a view when memory allows: ``contiguous().view(-1)``)."""
    return F.view(F.contiguous(self), (-1,))


@op(
    "narrow_copy(Tensor self, int dim, int start, int length) -> Tensor",
    "NarrowCopyBackward0",
    grads={
        "self": lambda grad, self_shape, dim, start, length: F.slice_backward(
            grad, tuple(self_shape), dim % len(self_shape), start, start + length, 1
        )
    },
    example="torch.narrow_copy(B, 1, 1, 2)",
)
def narrow_copy(self, dim, start, length):
    """``narrow`` as a copy: ``length`` elements along ``dim`` from ``start``."""
    if dim >= self.ndim:
        raise EvaluationError(
            "Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.  "
            "(Could this error message be improved?  If so, please report an enhancement "
            "request to PyTorch.)"
        )
    dim = dim_of(dim, self.ndim)
    size = self.shape[dim]
    if start < 0:
        start += size
    if start + length > size:
        raise EvaluationError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size})."
        )
    return np.array(self[(slice(None),) * dim + (slice(start, start + length),)], copy=True)


# ---- rot90 ----------------------------------------------------------------------------------


def _rot90_dims(ndim: int, dims) -> tuple:
    if len(dims) != 2:
        raise EvaluationError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if ndim < 2:
        raise EvaluationError(f"expected total dims >= 2, but got total dims = {ndim}")
    if dims[0] == dims[1] or abs(dims[0] - dims[1]) == ndim:
        raise EvaluationError(
            f"expected rotation dims to be different, but got dim0 = {dims[0]} and dim1 = {dims[1]}"
        )
    return normalize_dim(dims[0], ndim), normalize_dim(dims[1], ndim)


@op(
    "rot90(Tensor self, int k=1, int[] dims=[0, 1]) -> Tensor",
    "Rot90Backward0",
    grads={"self": lambda grad, k, dims: F.rot90(grad, -k, dims)},
    example="torch.rot90(B)",
)
def rot90(self, k=1, dims=(0, 1)):
    """Turned by 90 degrees ``k`` times in the plane of ``dims`` (from the first dim towards
    the second)."""
    axes = _rot90_dims(self.ndim, tuple(dims))
    return np.ascontiguousarray(np.rot90(self, k % 4, axes))


# ---- hsplit, vsplit, dsplit -----------------------------------------------------------------


def _directional_split(name: str, least: int, self, sections, dim: int):
    ndim = len(self.shape)
    if ndim < least:
        raise ShapeError(
            f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor "
            f"with {ndim} dimensions!"
        )
    if isinstance(sections, int) and not isinstance(sections, bool):
        size = self.shape[dim]
        if sections == 0 or size % sections:
            raise ShapeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {sections}!"
            )
    return F.tensor_split(self, sections, dim)


@composite("hsplit(Tensor self, Any sections) -> Tensor[]", example="torch.hsplit(B, 3)")
def hsplit(self, sections):
    """Split column-wise: ``tensor_split`` along dim 1 (dim 0 of a vector) into equal
    pieces or at the given indices."""
    return _directional_split("hsplit", 1, self, sections, 0 if len(self.shape) == 1 else 1)


@composite("vsplit(Tensor self, Any sections) -> Tensor[]", example="torch.vsplit(B, [1])")
def vsplit(self, sections):
    """Split row-wise: ``tensor_split`` along dim 0 into equal pieces or at the given
    indices."""
    return _directional_split("vsplit", 2, self, sections, 0)


@composite("dsplit(Tensor self, Any sections) -> Tensor[]", example="torch.dsplit(T, 3)")
def dsplit(self, sections):
    """Split depth-wise: ``tensor_split`` along dim 2 into equal pieces or at the given
    indices."""
    return _directional_split("dsplit", 3, self, sections, 2)


# ---- as_strided -----------------------------------------------------------------------------


def _storage(array: np.ndarray) -> np.ndarray:
    """The array that owns ``array``'s memory (PyTorch's storage), as a flat view."""
    owner = array
    while getattr(owner, "base", None) is not None:  # views, and as_strided's DummyArray
        owner = owner.base
    if not isinstance(owner, np.ndarray) or not (
        owner.flags.c_contiguous or owner.flags.f_contiguous
    ):
        raise EvaluationError("as_strided(): the tensor's memory is not one block")
    return np.ravel(owner, order="K")


def _element_offset(array: np.ndarray, storage: np.ndarray) -> int:
    start = array.__array_interface__["data"][0]
    return (start - storage.__array_interface__["data"][0]) // array.itemsize


def _flat_positions(shape, strides, offset: int) -> np.ndarray:
    """The storage index of every element of a strided view (strides in elements)."""
    positions = np.full(tuple(shape), offset, np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        step = [1] * len(shape)
        step[d] = n
        positions = positions + (np.arange(n, dtype=np.int64) * s).reshape(step)
    return positions


def _geometry(array: np.ndarray) -> tuple:
    return tuple(s // array.itemsize for s in array.strides)


def _as_strided_grad(grad, self, size, stride, storage_offset):
    """The gradient summed into storage positions, then read at the input's positions."""
    source = array_of(self)
    storage = _storage(source)
    base_offset = _element_offset(source, storage)
    offset = base_offset if storage_offset is None else storage_offset
    out_positions = _flat_positions(size, stride, offset)
    in_positions = _flat_positions(source.shape, _geometry(source), base_offset)
    total = zeros_as(grad, (storage.size,))
    spread = F.index_put(total, (out_positions.reshape(-1),), F.reshape(grad, (-1,)), True)
    return F.index(spread, (in_positions,))


@op(
    "as_strided(Tensor self, int[] size, int[] stride, int? storage_offset=None) -> Tensor",
    "AsStridedBackward0",
    view=True,
    grads={"self": _as_strided_grad},
    example="torch.as_strided(torch.arange(6.0), (2, 2), (1, 2))",
)
def as_strided(self, size, stride, storage_offset=None):
    """A view of the tensor's storage with the given sizes and strides (in elements),
    from ``storage_offset`` (default: the tensor's own)."""
    if len(size) != len(stride):
        raise EvaluationError("mismatch in length of strides and shape")
    storage = _storage(self)
    offset = _element_offset(self, storage) if storage_offset is None else storage_offset
    itemsize = self.itemsize
    needed = offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1 if all(size) else 0
    if needed > storage.size:
        raise EvaluationError(
            f"setStorage: sizes {shape_text(size)}, strides {shape_text(stride)}, storage "
            f"offset {offset}, and itemsize {itemsize} requiring a storage size of "
            f"{needed * itemsize} are out of bounds for storage of size {storage.size * itemsize}"
        )
    return np.lib.stride_tricks.as_strided(
        storage[offset:], tuple(size), tuple(s * itemsize for s in stride), writeable=True
    )
