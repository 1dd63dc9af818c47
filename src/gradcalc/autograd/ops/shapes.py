"""Joining, splitting, repeating and reordering tensors: ``cat``, ``stack``, ``split``,
``chunk``, ``unbind``, ``repeat``, ``flip``, ``roll``, ``movedim`` and their spellings.

Node names, views and error messages are PyTorch 2.13's (checked against torch; see
``tests/autograd/cases/shapes.py`` and ``test_shape_errors.py``). Functions PyTorch writes as
compositions (``hstack`` is ``cat`` after ``atleast_1d``, ``chunk`` is ``split``,
``tensor_split`` is slices, ``movedim`` is ``permute``) are composites here too, so the graph
shows the same nodes. Reference: PyTorch's ``aten/src/ATen/native/TensorShape.cpp`` and
``tools/autograd/derivatives.yaml`` (github.com/pytorch/pytorch).
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.ops.support import (
    MultiOutput,
    dim_of,
    fill_missing,
    promote_list,
    shape_text,
    zeros_as,
)
from gradcalc.autograd.settings import check_elements
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import (
    ArgumentError,
    EvaluationError,
    IndexOutOfRange,
    ShapeError,
    ValueDomainError,
)


def _shape(value) -> tuple:
    return tuple(value.shape)


# ---- cat and stack --------------------------------------------------------------------------


def _skipped(shape: tuple) -> bool:
    """PyTorch's legacy rule: ``cat`` ignores 1-D tensors with no elements."""
    return shape == (0,)


def _cat_dim(shapes: list, dim: int) -> int:
    for i, shape in enumerate(shapes):
        if not shape:
            raise ShapeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    kept = [s for s in shapes if not _skipped(s)]
    if not kept:
        return dim
    return dim_of(dim, len(kept[0]))


def _cat_shape(shapes: list, dim: int) -> tuple:
    kept = [(i, s) for i, s in enumerate(shapes) if not _skipped(s)]
    if not kept:
        return (0,)
    first = kept[0][1]
    for i, shape in kept[1:]:
        if len(shape) != len(first):
            raise ShapeError(
                f"Tensors must have same number of dimensions: got {len(first)} and {len(shape)}"
            )
        for d, (n, m) in enumerate(zip(first, shape)):
            if d != dim and n != m:
                raise ShapeError(
                    f"Sizes of tensors must match except in dimension {dim}. Expected size {n} "
                    f"but got size {m} for tensor number {i} in the list."
                )
    total = sum(s[dim] for _, s in kept)
    return first[:dim] + (total,) + first[dim + 1 :]


def _cat_grad(grad, tensors_shape, dim):
    ndim = len(grad.shape)
    if not ndim or all(_skipped(s) for s in tensors_shape):
        return [zeros_as(grad, s) for s in tensors_shape]
    dim = dim_of(dim, ndim)
    pieces = []
    start = 0
    for shape in tensors_shape:
        if _skipped(shape) and ndim != 1:
            pieces.append(zeros_as(grad, shape))
            continue
        stop = start + shape[dim]
        pieces.append(F.slice(grad, dim, start, stop, 1))
        start = stop
    return pieces


def _not_empty(tensors) -> None:
    if not tensors:
        raise ValueDomainError("torch.cat(): expected a non-empty list of Tensors")


@op(
    "cat(Tensor[] tensors, int dim=0) -> Tensor",
    "CatBackward0",
    dtype=promote_list,
    method=False,
    aliases=("concat", "concatenate"),
    grads={"tensors": _cat_grad},
    example="torch.cat([x, y], dim=0)",
)
def cat(tensors, dim=0):
    """Tensors joined along an existing dim (their other sizes must match)."""
    _not_empty(tensors)
    shapes = [a.shape for a in tensors]
    dim = _cat_dim(shapes, dim)
    shape = _cat_shape(shapes, dim)
    check_elements(shape, "result of cat()")
    kept = [a for a in tensors if not _skipped(a.shape)]
    if not kept:
        return np.concatenate(tensors)
    return np.concatenate(kept, axis=dim)


@op(
    "stack(Tensor[] tensors, int dim=0) -> Tensor",
    "StackBackward0",
    dtype=promote_list,
    method=False,
    grads={
        "tensors": lambda grad, tensors_shape, dim: [
            F.select(grad, dim_of(dim, len(grad.shape)), i) for i in range(len(tensors_shape))
        ]
    },
    example="torch.stack([x, y])",
)
def stack(tensors, dim=0):
    """Same-shaped tensors joined along a new dim."""
    if not tensors:
        raise ShapeError("stack expects a non-empty TensorList")
    first = tensors[0].shape
    for i, a in enumerate(tensors[1:], start=1):
        if a.shape != first:
            raise ShapeError(
                f"stack expects each tensor to be equal size, but got {shape_text(first)} at "
                f"entry 0 and {shape_text(a.shape)} at entry {i}"
            )
    dim = dim_of(dim, len(first), 1)
    check_elements((len(tensors), *first), "result of stack()")
    return np.stack(tensors, axis=dim)


def _non_empty(tensors, name: str) -> None:
    if not tensors:
        raise ShapeError(f"{name} expects a non-empty TensorList")


@composite("atleast_1d(Tensor self) -> Tensor", method=False, example="torch.atleast_1d(x)")
def atleast_1d(self):
    """The tensor with at least one dim (a scalar becomes a 1-element vector)."""
    return F.reshape(self, (1,)) if not self.shape else self


@composite("atleast_2d(Tensor self) -> Tensor", method=False, example="torch.atleast_2d(x)")
def atleast_2d(self):
    """The tensor with at least two dims (a vector becomes one row)."""
    ndim = len(self.shape)
    if ndim == 0:
        return F.reshape(self, (1, 1))
    return F.unsqueeze(self, 0) if ndim == 1 else self


@composite("atleast_3d(Tensor self) -> Tensor", method=False, example="torch.atleast_3d(x)")
def atleast_3d(self):
    """The tensor with at least three dims (as numpy's ``atleast_3d``)."""
    ndim = len(self.shape)
    if ndim == 0:
        return F.reshape(self, (1, 1, 1))
    if ndim == 1:
        return F.unsqueeze(F.unsqueeze(self, 0), 2)
    return F.unsqueeze(self, 2) if ndim == 2 else self


@composite("hstack(Tensor[] tensors) -> Tensor", method=False, example="torch.hstack([x, y])")
def hstack(tensors):
    """Tensors joined column-wise (along dim 1; vectors end to end)."""
    _non_empty(tensors, "hstack")
    parts = tuple(F.atleast_1d(t) for t in tensors)
    return F.cat(parts, 0 if len(parts[0].shape) == 1 else 1)


@composite(
    "vstack(Tensor[] tensors) -> Tensor",
    method=False,
    aliases=("row_stack",),
    example="torch.vstack([x, y])",
)
def vstack(tensors):
    """Tensors joined row-wise (vectors become rows)."""
    _non_empty(tensors, "vstack")
    return F.cat(tuple(F.atleast_2d(t) for t in tensors), 0)


@composite("dstack(Tensor[] tensors) -> Tensor", method=False, example="torch.dstack([x, y])")
def dstack(tensors):
    """Tensors joined depth-wise (along dim 2, after ``atleast_3d``)."""
    _non_empty(tensors, "dstack")
    return F.cat(tuple(F.atleast_3d(t) for t in tensors), 2)


@composite(
    "column_stack(Tensor[] tensors) -> Tensor", method=False, example="torch.column_stack([x, y])"
)
def column_stack(tensors):
    """Vectors as columns, matrices as they are, joined along dim 1."""
    _non_empty(tensors, "column_stack")
    columns = tuple(
        F.reshape(t, (math.prod(t.shape), 1)) if len(t.shape) <= 1 else t for t in tensors
    )
    return F.hstack(columns)


# ---- split, chunk, unbind -------------------------------------------------------------------


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
    example="torch.split(x, [1, 2])",
)
def split_sizes(self, split_size_or_sections, dim=0):
    """Pieces of the given sizes along ``dim``, as views."""
    return _split_sizes(self, split_size_or_sections, dim)


@composite(
    "split_with_sizes(Tensor self, int[] split_sizes, int dim=0) -> Tensor[]",
    example="x.split_with_sizes([1, 2])",
)
def split_with_sizes(self, split_sizes, dim=0):
    """Pieces of the given sizes along ``dim``, as views."""
    return _split_sizes(self, split_sizes, dim)


@composite("chunk(Tensor self, int chunks, int dim=0) -> Tensor[]", example="x.chunk(2)")
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


@composite("unbind(Tensor self, int dim=0) -> Tensor[]", example="x.unbind(0)")
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
            from gradcalc.autograd import dtypes

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


# ---- repeat, tile, repeat_interleave --------------------------------------------------------


def _repeat_grad(grad, self_shape, repeats):
    padded = (1,) * (len(repeats) - len(self_shape)) + tuple(self_shape)
    # Each dim of the result is (copy, element): split it in two and sum over the copies.
    split = tuple(n for pair in zip(repeats, padded) for n in pair)
    if not split:
        return grad
    summed = F.sum(F.reshape(grad, split), tuple(range(0, len(split), 2)), False)
    return F.reshape(summed, tuple(self_shape))


@op(
    "repeat(Tensor self, int[] repeats) -> Tensor",
    "RepeatBackward0",
    function=False,
    grads={"self": _repeat_grad},
    example="x.repeat(2, 1)",
)
def repeat(self, repeats):
    """The tensor tiled: ``repeats[i]`` copies along dim ``i`` (extra counts add dims)."""
    if len(repeats) < self.ndim:
        raise ShapeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor",
            hint="give one count per dim, e.g. x.repeat(2, 1) for a matrix",
        )
    padded = (1,) * (len(repeats) - self.ndim) + self.shape
    shape = tuple(r * n for r, n in zip(repeats, padded))
    negative = [n for n in shape if n < 0]
    if negative:
        raise ShapeError(
            f"Trying to create tensor with negative dimension {negative[0]}: {shape_text(shape)}"
        )
    check_elements(shape, "result of repeat()")
    return np.tile(np.reshape(self, padded), repeats)


@composite("tile(Tensor self, int[] dims) -> Tensor", example="torch.tile(x, (2,))")
def tile(self, dims):
    """``repeat`` with missing leading counts taken as 1."""
    ndim = len(self.shape)
    dims = tuple(dims)
    if len(dims) < ndim:
        dims = (1,) * (ndim - len(dims)) + dims
    return F.repeat(self, dims)


def _interleave_int(self, repeats, dim):
    if dim is None:
        source = F.flatten(self, 0, -1)
        d = dim_of(0, len(self.shape))
    else:
        source = self
        d = dim_of(dim, len(self.shape))
    if repeats < 0:
        raise ShapeError("Repeats must be non-negative")
    expanded = F.unsqueeze(source, d + 1)
    size = list(expanded.shape)
    size[d + 1] = repeats
    expanded = F.expand(expanded, tuple(size))
    final = list(source.shape)
    final[d] *= repeats
    check_elements(final, "result of repeat_interleave()")
    return F.view(F.clone(expanded), tuple(final))


def _interleave_counts(repeats: np.ndarray) -> np.ndarray:
    if repeats.ndim != 1:
        raise ShapeError("repeat_interleave only accept 1D vector as repeat")
    if repeats.dtype.kind not in "iu":
        from gradcalc.autograd import dtypes

        raise EvaluationError(
            '"repeat_interleave_cpu" not implemented for '
            f"'{dtypes.BY_NUMPY[repeats.dtype].kind_name}'",
            kind="NotImplementedError",
        )
    if (repeats < 0).any():
        raise ShapeError("repeats can not be negative")
    return np.repeat(np.arange(repeats.size), repeats)


@composite(
    "repeat_interleave.self_Tensor(Tensor self, Tensor repeats, int? dim=None, *, "
    "int? output_size=None) -> Tensor",
    example="torch.repeat_interleave(x, torch.tensor([1, 2]), dim=0)",
)
def repeat_interleave_tensor(self, repeats, dim=None, output_size=None):
    """Each element (or slice along ``dim``) repeated its own number of times."""
    source = self
    if dim is None:
        source = F.flatten(self, 0, -1)
        dim = 0
    dim = dim_of(dim, len(source.shape))
    counts = repeats.array
    size = source.shape[dim]
    if counts.ndim == 0 or (counts.ndim == 1 and counts.size == 1):
        counts = np.broadcast_to(counts.reshape(1), (size,))
    elif counts.ndim == 1:
        if counts.size != size:
            raise ShapeError(
                "repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{counts.size} and input.size({dim}) = {size}"
            )
    else:
        raise ShapeError("repeats must be 0-dim or 1-dim tensor")
    index = _interleave_counts(counts)
    return F.index_select(source, dim, make_tensor(index.astype(np.int64)))


@composite(
    "repeat_interleave.self_int(Tensor self, int repeats, int? dim=None, *, "
    "int? output_size=None) -> Tensor",
    example="torch.repeat_interleave(x, 2)",
)
def repeat_interleave(self, repeats, dim=None, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in a row."""
    return _interleave_int(self, repeats, dim)


@composite(
    "repeat_interleave.Tensor(Tensor repeats, *, int? output_size=None) -> Tensor",
    method=False,
    example="torch.repeat_interleave(torch.tensor([1, 2]))",
)
def repeat_interleave_counts(repeats, output_size=None):
    """``i`` repeated ``repeats[i]`` times: the indices a repeat by counts gathers."""
    return make_tensor(_interleave_counts(repeats.array).astype(repeats.array.dtype))


# ---- flip, roll, movedim, unflatten ---------------------------------------------------------


def _dims(dims, ndim: int) -> tuple:
    from gradcalc.autograd.schema import normalize_dims

    return normalize_dims(tuple(dims), ndim)


@op(
    "flip(Tensor self, int[] dims) -> Tensor",
    "FlipBackward0",
    grads={"self": lambda grad, dims: F.flip(grad, dims)},
    example="torch.flip(x, [0])",
)
def flip(self, dims):
    """The elements in reverse order along each of ``dims`` (a copy)."""
    axes = _dims(dims, self.ndim)
    return np.flip(self, axes).copy() if axes else self.copy()


@composite("fliplr(Tensor self) -> Tensor", example="torch.fliplr(x)")
def fliplr(self):
    """Columns in reverse order (``flip(x, [1])``)."""
    if len(self.shape) < 2:
        raise ShapeError("Input must be >= 2-d.")
    return F.flip(self, (1,))


@composite("flipud(Tensor self) -> Tensor", example="torch.flipud(x)")
def flipud(self):
    """Rows in reverse order (``flip(x, [0])``)."""
    if len(self.shape) < 1:
        raise ShapeError("Input must be >= 1-d.")
    return F.flip(self, (0,))


@op(
    "roll(Tensor self, int[] shifts, int[] dims=[]) -> Tensor",
    "RollBackward0",
    grads={"self": lambda grad, shifts, dims: F.roll(grad, tuple(-s for s in shifts), dims)},
    example="torch.roll(x, 1, 0)",
)
def roll(self, shifts, dims=()):
    """Elements shifted along ``dims``, wrapping around (no dims: over the flattened tensor)."""
    if not shifts:
        raise ShapeError("`shifts` required")
    if len(dims) != len(shifts) and not (not dims and len(shifts) == 1):
        raise ShapeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    if not dims:
        return np.roll(self, shifts[0])
    axes = tuple(dim_of(d, self.ndim) for d in dims)
    return np.roll(self, shifts, axes)


def _moved_order(source: list, destination: list, ndim: int) -> tuple:
    order = [n for n in range(ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tuple(order)


@composite(
    "movedim(Tensor self, int[] source, int[] destination) -> Tensor",
    aliases=("moveaxis",),
    example="torch.movedim(x, 0, -1)",
)
def movedim(self, source, destination):
    """Dims ``source`` moved to positions ``destination``, the others kept in order."""
    source, destination = list(source), list(destination)
    if len(source) != len(destination):
        raise ShapeError(
            f"movedim: Invalid source or destination dims: source ({shape_text(source)} dims) "
            f"should contain the same number of dims as destination "
            f"({shape_text(destination)} dims)"
        )
    ndim = len(self.shape)
    src = [dim_of(d, ndim) for d in source]
    dst = [dim_of(d, ndim) for d in destination]
    if len(set(src)) != len(src):
        raise ShapeError(f"movedim: repeated dim in `source` ({shape_text(source)})")
    if len(set(dst)) != len(dst):
        raise ShapeError(f"movedim: repeated dim in `destination` ({shape_text(destination)})")
    if ndim == 0:
        return F.alias(self)
    return F.permute(self, _moved_order(src, dst, ndim))


@composite(
    "unflatten(Tensor self, int dim, int[] sizes) -> Tensor", example="x.unflatten(0, (2, -1))"
)
def unflatten(self, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (one may be -1), as a view."""
    from gradcalc.autograd.ops.views import infer_size

    sizes = tuple(sizes)
    if not sizes:
        raise ShapeError("unflatten: sizes must be non-empty")
    shape = tuple(self.shape)
    if not shape:
        raise ShapeError(
            "unflatten got an unexpected error:\nDimension specified as 0 but tensor has no "
            "dimensions"
        )
    dim = dim_of(dim, len(shape))
    mismatch = ShapeError(
        f"unflatten: Provided sizes {shape_text(sizes)} don't multiply up to the size of dim "
        f"{dim} ({shape[dim]}) in the input tensor"
    )
    try:
        inferred = infer_size(sizes, shape[dim])
    except ShapeError as error:
        if "is invalid for input of size" in error.message:
            raise mismatch from None
        raise ShapeError(f"unflatten got an unexpected error:\n{error.message}") from None
    return F.view(self, shape[:dim] + inferred + shape[dim + 1 :])


@composite("view_as(Tensor self, Tensor other) -> Tensor", function=False, example="x.view_as(y)")
def view_as(self, other):
    """``self.view(other.size())``."""
    return F.view(self, _shape(other))


@composite(
    "reshape_as(Tensor self, Tensor other) -> Tensor", function=False, example="x.reshape_as(y)"
)
def reshape_as(self, other):
    """``self.reshape(other.size())``."""
    return F.reshape(self, _shape(other))
