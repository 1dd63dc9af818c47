"""Splitting a tensor into views: ``split`` (by size or by sizes), ``split_with_sizes``,
``chunk``, ``unbind``, ``tensor_split``.

PyTorch returns views of the input for all of them, with node ``SplitBackward0``,
``SplitWithSizesBackward0`` or ``UnbindBackward0`` shared by every piece (``tensor_split`` is
one ``slice`` per piece, ``SliceBackward0``). Each piece replays as a ``slice``/``select``
view for in-place writes through it (``support.MultiOutput``). Reference: PyTorch's
``aten/src/ATen/native/TensorShape.cpp`` (github.com/pytorch/pytorch).
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import OPS, F, composite
from gradcalc.autograd.ops.support import MultiOutput, dim_of, fill_missing, shape_text
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, IndexOutOfRange, ShapeError


def _pieces(size: int, split_size: int) -> list:
    """(start, length) of each piece of ``split``."""
    if split_size == 0:
        return [(0, 0)]
    count = max((size + split_size - 1) // split_size, 1)
    return [(i * split_size, min(split_size, size - i * split_size)) for i in range(count)]


def _piece_shapes(shape: tuple, dim: int, lengths) -> list:
    return [shape[:dim] + (n,) + shape[dim + 1 :] for n in lengths]


def _same_dtype(op, values):
    """Pieces of a tensor keep its dtype: nothing to cast."""
    return None, None


def _split_forward(self, split_size, dim=0):
    lead = (slice(None),) * dim
    return tuple(
        self[lead + (slice(start, start + n),)] for start, n in _pieces(self.shape[dim], split_size)
    )


def _split_grad(grads, self_shape, split_size, dim):
    lengths = [n for _, n in _pieces(self_shape[dim], split_size)]
    return F.cat(tuple(fill_missing(grads, _piece_shapes(self_shape, dim, lengths))), dim)


def _split_view(values, i):
    source, split_size, dim = values
    start, n = _pieces(source.shape[dim], split_size)[i]
    return OPS["slice"], [source, dim, start, start + n, 1]


_SPLIT = MultiOutput(
    "split(Tensor self, int split_size, int dim=0) -> Tensor[]",
    "SplitBackward0",
    _split_forward,
    {"self": _split_grad},
    dtype=_same_dtype,
    views=_split_view,
)


def _offsets(sizes) -> list:
    """(start, length) of each piece of ``split_with_sizes``."""
    out = []
    start = 0
    for n in sizes:
        out.append((start, n))
        start += n
    return out


def _split_sizes_forward(self, split_sizes, dim=0):
    lead = (slice(None),) * dim
    return tuple(self[lead + (slice(start, start + n),)] for start, n in _offsets(split_sizes))


def _split_sizes_view(values, i):
    source, split_sizes, dim = values
    start, n = _offsets(split_sizes)[i]
    return OPS["slice"], [source, dim, start, start + n, 1]


_SPLIT_SIZES = MultiOutput(
    "split_with_sizes(Tensor self, int[] split_sizes, int dim=0) -> Tensor[]",
    "SplitWithSizesBackward0",
    _split_sizes_forward,
    {
        "self": lambda grads, self_shape, split_sizes, dim: F.cat(
            tuple(fill_missing(grads, _piece_shapes(self_shape, dim, split_sizes))), dim
        )
    },
    dtype=_same_dtype,
    views=_split_sizes_view,
)


def _split_checks(self, split_size: int, dim: int) -> int:
    if not self.shape:
        raise ShapeError("split expects at least a 1-dimensional tensor")
    if split_size < 0:
        raise ShapeError(
            f"split expects split_size be non-negative, but got split_size={split_size}"
        )
    dim = dim_of(dim, len(self.shape))
    size = self.shape[dim]
    if split_size == 0 and size != 0:
        raise ShapeError(
            f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
        )
    return dim


def _split_int(self, split_size, dim):
    dim = _split_checks(self, split_size, dim)
    if isinstance(self, np.ndarray):
        return _split_forward(self, split_size, dim)
    count = len(_pieces(self.shape[dim], split_size))
    return _SPLIT.run([self, split_size, dim], count)


def _split_sizes(self, split_sizes, dim):
    if not self.shape:
        raise ShapeError("split expects at least a 1-dimensional tensor")
    dim = dim_of(dim, len(self.shape))
    size = self.shape[dim]
    sizes = list(split_sizes)
    if any(n < 0 for n in sizes):
        raise ShapeError(
            "split_with_sizes expects split_sizes have only non-negative entries, but got "
            f"split_sizes={shape_text(sizes)}"
        )
    if sum(sizes) != size:
        raise ShapeError(
            f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size "
            f"at dimension {dim}), but got split_sizes={shape_text(sizes)}"
        )
    if isinstance(self, np.ndarray):
        return _split_sizes_forward(self, tuple(sizes), dim)
    return _SPLIT_SIZES.run([self, tuple(sizes), dim], len(sizes))


@composite(
    "split(Tensor self, int split_size_or_sections, int dim=0) -> Tensor[]",
    example="torch.split(x, 2)",
)
def split(self, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), as views."""
    return _split_int(self, split_size_or_sections, dim)


@composite(
    "split.sizes(Tensor self, int[] split_size_or_sections, int dim=0) -> Tensor[]",
    example="torch.split(x, [1, 3])",
)
def split_sizes(self, split_size_or_sections, dim=0):
    """Pieces of the given sizes along ``dim``, as views."""
    return _split_sizes(self, split_size_or_sections, dim)


@composite(
    "split_with_sizes(Tensor self, int[] split_sizes, int dim=0) -> Tensor[]",
    example="x.split_with_sizes([3, 1])",
)
def split_with_sizes(self, split_sizes, dim=0):
    """Pieces of the given sizes along ``dim``, as views."""
    return _split_sizes(self, split_sizes, dim)


@composite("chunk(Tensor self, int chunks, int dim=0) -> Tensor[]", example="B.chunk(3, dim=1)")
def chunk(self, chunks, dim=0):
    """At most ``chunks`` equal pieces along ``dim`` (the last may be smaller), as views."""
    if not self.shape:
        raise ShapeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise ShapeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    dim = dim_of(dim, len(self.shape))
    size = self.shape[dim]
    split_size = (size + chunks - 1) // chunks
    if split_size == 0 and size == 0:
        return _split_sizes(self, (0,) * chunks, dim)
    return _split_int(self, split_size, dim)


def _unbind_forward(self, dim=0):
    lead = (slice(None),) * dim
    return tuple(self[lead + (i, Ellipsis)] for i in range(self.shape[dim]))


def _unbind_grad(grads, self_shape, dim):
    shape = self_shape[:dim] + self_shape[dim + 1 :]
    return F.stack(tuple(fill_missing(grads, [shape] * len(grads))), dim)


_UNBIND = MultiOutput(
    "unbind(Tensor self, int dim=0) -> Tensor[]",
    "UnbindBackward0",
    _unbind_forward,
    {"self": _unbind_grad},
    dtype=_same_dtype,
    views=lambda values, i: (OPS["select"], [values[0], values[1], i]),
)


@composite("unbind(Tensor self, int dim=0) -> Tensor[]", example="B.unbind(0)")
def unbind(self, dim=0):
    """The slices along ``dim`` (that dim removed), as views."""
    if not self.shape:
        raise IndexOutOfRange(f"Dimension specified as {dim} but tensor has no dimensions")
    dim = dim_of(dim, len(self.shape))
    if isinstance(self, np.ndarray):
        return _unbind_forward(self, dim)
    return _UNBIND.run([self, dim], self.shape[dim])


def _section_bounds(size: int, sections: int) -> list:
    base, extra = divmod(size, sections)
    bounds = []
    start = 0
    for i in range(sections):
        stop = start + base + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


def _index_bounds(size: int, indices) -> list:
    bounds = []
    start = 0
    for i in [*indices, None]:
        stop = size if i is None else i
        bounds.append((start, stop))
        if i is not None:
            start = i
    return bounds


def _tensor_split_argument(value):
    """``tensor_split``'s second argument: ``("sections", n)`` or ``("indices", [...])``."""
    if type(value) is Tensor:
        a = value.array
        if a.dtype.kind not in "iu":
            raise ShapeError(
                "tensor_split expected tensor_indices_or_sections to have dtype of long, but "
                f"got {dtypes.BY_NUMPY[a.dtype].kind_name}"
            )
        if a.ndim > 1:
            raise ShapeError(
                "tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                f"one-dimensional tensor, but got a tensor with {a.ndim} dims"
            )
        return ("sections", int(a)) if a.ndim == 0 else ("indices", [int(i) for i in a])
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return "sections", int(value)
    if isinstance(value, list | tuple) and all(
        isinstance(i, int | np.integer) and not isinstance(i, bool) for i in value
    ):
        return "indices", [int(i) for i in value]
    raise ArgumentError(
        "tensor_split(): argument 'indices_or_sections' must be int, tuple of ints or Tensor, "
        f"not {type(value).__name__}"
    )


@composite(
    "tensor_split(Tensor self, Any indices_or_sections, int dim=0) -> Tensor[]",
    example="torch.tensor_split(x, 3)",
)
def tensor_split(self, indices_or_sections, dim=0):
    """``n`` nearly equal pieces, or the pieces between the given indices, as views."""
    kind, value = _tensor_split_argument(indices_or_sections)
    if not self.shape:
        raise ShapeError(
            "tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims"
        )
    dim = dim_of(dim, len(self.shape))
    size = self.shape[dim]
    if kind == "sections":
        if value <= 0:
            raise ShapeError(f"number of sections must be larger than 0, got {value}")
        bounds = _section_bounds(size, value)
    else:
        bounds = _index_bounds(size, value)
    return tuple(F.slice(self, dim, start, stop, 1) for start, stop in bounds)
