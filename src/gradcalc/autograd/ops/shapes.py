"""Joining, repeating and reordering tensors: ``cat``, ``stack``, ``hstack`` and kin,
``repeat``, ``tile``, ``repeat_interleave``, ``flip``, ``roll``, ``movedim``, ``unflatten``.

Node names, views and error messages are PyTorch 2.13's (checked against torch; see
``tests/autograd/cases/shapes.py`` and ``test_shape_errors.py``). Functions PyTorch writes as
compositions (``hstack`` is ``cat`` after ``atleast_1d``, ``movedim`` is ``permute``,
``repeat_interleave`` is unsqueeze, expand, clone and view) are composites here too, so the
graph shows the same nodes. Splitting is in ``splitting.py``. Reference: PyTorch's ``aten/src/ATen/native/TensorShape.cpp`` and
``tools/autograd/derivatives.yaml`` (github.com/pytorch/pytorch).
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.support import (
    dim_of,
    promote_list,
    shape_text,
    zeros_as,
)
from gradcalc.autograd.settings import check_elements
from gradcalc.autograd.tensor import make_tensor
from gradcalc.errors import (
    EvaluationError,
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


@composite(
    "atleast_1d(Tensor self) -> Tensor", method=False, example="torch.atleast_1d(torch.tensor(1.0))"
)
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


# ---- repeat, tile, repeat_interleave --------------------------------------------------------


def _repeat_grad(grad, self_shape, repeats):
    padded = (1,) * (len(repeats) - len(self_shape)) + tuple(self_shape)
    # Each dim of the result is (copy, element): split it in two and sum over the copies.
    split = tuple(n for pair in zip(repeats, padded) for n in pair)
    if not split:
        return grad
    summed = F.sum_dim(F.reshape(grad, split), tuple(range(0, len(split), 2)), False)
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
        import gradcalc.autograd.dtypes as dtypes

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
    example="torch.repeat_interleave(B, idx, dim=0)",
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


@composite("fliplr(Tensor self) -> Tensor", example="torch.fliplr(B)")
def fliplr(self):
    """Columns in reverse order (``flip(x, [1])``)."""
    if len(self.shape) < 2:
        raise ShapeError("Input must be >= 2-d.")
    return F.flip(self, (1,))


@composite("flipud(Tensor self) -> Tensor", example="torch.flipud(B)")
def flipud(self):
    """Rows in reverse order (``flip(x, [0])``)."""
    if len(self.shape) < 1:
        raise ShapeError("Input must be >= 1-d.")
    return F.flip(self, (0,))


@op(
    "roll(Tensor self, int[] shifts, int[] dims=[]) -> Tensor",
    "RollBackward0",
    grads={"self": lambda grad, shifts, dims: F.roll(grad, tuple(-s for s in shifts), dims)},
    example="torch.roll(B, 1, 1)",
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
    example="torch.movedim(B, 0, -1)",
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


@composite(
    "view_as(Tensor self, Tensor other) -> Tensor",
    function=False,
    example="B.view_as(torch.empty(3, 2))",
)
def view_as(self, other):
    """``self.view(other.size())``."""
    return F.view(self, _shape(other))


@composite(
    "reshape_as(Tensor self, Tensor other) -> Tensor", function=False, example="B.t().reshape_as(B)"
)
def reshape_as(self, other):
    """``self.reshape(other.size())``."""
    return F.reshape(self, _shape(other))
