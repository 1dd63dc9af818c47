"""Shape ops: views (reshape, squeeze, ...), transposes, expand, cat/stack and indexing."""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.ops.common import (
    as_tensor,
    broadcast_pair,
    is_int,
    is_number,
    normalize_dim,
)
from gradcalc.autograd.registry import rule, unbroadcast
from gradcalc.autograd.settings import MAX_DIMS, check_elements, check_ndim, too_many_dims
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ShapeError


@rule("reshape", "ViewBackward0", formula="grad reshaped to self's shape")
def _reshape(x, shape):
    return np.reshape(x, shape)


@_reshape.defvjp
def _(ctx, g, shape):
    return (ctx.B.reshape(g, ctx.shapes[0]),)


_SQUEEZE_ALL = _reshape.renamed("SqueezeBackward0")
_SQUEEZE_DIM = _reshape.renamed("SqueezeBackward1")
_SQUEEZE_DIMS = _reshape.renamed("SqueezeBackward2")
_UNSQUEEZE = _reshape.renamed("UnsqueezeBackward0")


@rule("permute", "PermuteBackward0", formula="grad permuted back by the inverse permutation")
def _permute(x, axes):
    return np.transpose(x, axes)


@_permute.defvjp
def _(ctx, g, axes):
    return (ctx.B.transpose(g, tuple(np.argsort(axes))),)


_TRANSPOSE = _permute.renamed("TransposeBackward0")
_T = _permute.renamed("TBackward0")


@rule("expand", "ExpandBackward0", formula="grad summed over the expanded dims")
def _expand(x, shape):
    return np.broadcast_to(x, shape)


@_expand.defvjp
def _(ctx, g, shape):
    return (unbroadcast(g, ctx.shapes[0]),)


@rule("cat", "CatBackward0", formula="grad split back into the pieces along dim")
def _cat(*arrays, axis):
    return np.concatenate(arrays, axis=axis)


@_cat.defvjp
def _(ctx, g, axis):
    pieces = []
    start = 0
    lead = (slice(None),) * axis
    for shape in ctx.shapes:
        stop = start + shape[axis]
        pieces.append(g[lead + (slice(start, stop),)])
        start = stop
    return tuple(pieces)


@rule("stack", "StackBackward0", formula="grad unstacked along dim")
def _stack(*arrays, axis):
    return np.stack(arrays, axis=axis)


@_stack.defvjp
def _(ctx, g, axis):
    lead = (slice(None),) * axis
    return tuple(g[lead + (i,)] for i in range(len(ctx.shapes)))


@rule("getitem", "IndexBackward0", formula="grad placed back at the indexed positions")
def _getitem(x, index, advanced):
    return x[index]


@_getitem.defvjp
def _(ctx, g, index, advanced):
    return (ctx.B.scatter(g, index, ctx.shapes[0], advanced),)


_SELECT = _getitem.renamed("SelectBackward0")
_SLICE = _getitem.renamed("SliceBackward0")
_INDEX_UNSQUEEZE = _getitem.renamed("UnsqueezeBackward0")
_ALIAS = _getitem.renamed("AliasBackward0")


@rule("scatter", "IndexBackwardBackward0", formula="grad at the indexed positions")
def _scatter(g, index, shape, accumulate):
    from gradcalc.autograd.registry import NUMPY

    return NUMPY.scatter(g, index, shape, accumulate)


@_scatter.defvjp
def _(ctx, g, index, shape, accumulate):
    return (g[index],)


@rule("repeat", "RepeatBackward0", formula="grad summed over the repeated copies")
def _repeat(x, repeats):
    lead = len(repeats) - x.ndim
    return np.tile(np.reshape(x, (1,) * lead + x.shape), repeats)


@_repeat.defvjp
def _(ctx, g, repeats):
    shape = ctx.shapes[0]
    padded = (1,) * (len(repeats) - len(shape)) + shape
    # Each dim of the result is (copy, element): split it in two and sum over the copies.
    split = tuple(n for pair in zip(repeats, padded) for n in pair)
    B = ctx.B
    summed = B.sum(B.reshape(g, split), axis=tuple(range(0, len(split), 2)))
    return (B.reshape(summed, shape),)


@rule("masked_fill", "MaskedFillBackward0", formula="grad where not mask, 0 where mask")
def _masked_fill(x, mask, value):
    return np.where(mask, value, x).astype(x.dtype, copy=False)


@_masked_fill.defvjp
def _(ctx, g, mask, value):
    return (ctx.B.where(mask, 0.0, g),)


# ---- public functions ------------------------------------------------------------------------


def _shape_argument(shape: tuple, fname: str) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        shape = tuple(shape[0])
    for n in shape:
        if not is_int(n):
            raise ArgumentError(f"{fname}(): shape must be integers, got {n!r}")
    check_ndim(len(shape), f"result of {fname}()")
    return tuple(int(n) for n in shape)


def _infer_shape(shape: tuple, size: int, fname: str) -> tuple:
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise ShapeError("only one dimension can be inferred")
    if any(n < -1 for n in shape):
        raise ShapeError(f"invalid shape dimension {min(shape)}")
    known = math.prod(n for n in shape if n != -1)
    if unknown:
        if known == 0 or size % known:
            raise ShapeError(
                f"shape '{list(shape)}' is invalid for input of size {size}",
                hint=f"{fname}() must keep the number of elements",
            )
        shape = tuple(size // known if n == -1 else n for n in shape)
    elif known != size:
        raise ShapeError(
            f"shape '{list(shape)}' is invalid for input of size {size}",
            hint=f"{fname}() must keep the number of elements",
        )
    return shape


def reshape(input, *shape):
    """The same elements in ``shape`` (one dim may be -1)."""
    x = as_tensor(input)
    shape = _infer_shape(_shape_argument(shape, "reshape"), x.data.size, "reshape")
    return _reshape(x, shape=shape)


def view(input, *shape):
    """As ``reshape`` (every gradcalc tensor is contiguous)."""
    x = as_tensor(input)
    shape = _infer_shape(_shape_argument(shape, "view"), x.data.size, "view")
    return _reshape(x, shape=shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one."""
    x = as_tensor(input)
    if x.ndim == 0:
        return _reshape(x, shape=(1,))
    start = normalize_dim(start_dim, x.ndim)
    end = normalize_dim(end_dim, x.ndim)
    if start > end:
        raise ArgumentError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = x.shape[:start] + (math.prod(x.shape[start : end + 1]),) + x.shape[end + 1 :]
    return _reshape(x, shape=shape)


def squeeze(input, dim=None):
    """Drop size-1 dims (all of them, or those in ``dim``)."""
    x = as_tensor(input)
    if dim is None:
        return _SQUEEZE_ALL(x, shape=tuple(n for n in x.shape if n != 1))
    if isinstance(dim, tuple | list):
        dims = {normalize_dim(d, x.ndim) for d in dim}
        shape = tuple(n for i, n in enumerate(x.shape) if not (i in dims and n == 1))
        return _SQUEEZE_DIMS(x, shape=shape)
    d = normalize_dim(dim, x.ndim)
    if x.ndim == 0:
        return _SQUEEZE_DIM(x, shape=())
    shape = x.shape[:d] + x.shape[d + 1 :] if x.shape[d] == 1 else x.shape
    return _SQUEEZE_DIM(x, shape=shape)


def unsqueeze(input, dim):
    """Insert a size-1 dim at ``dim``."""
    x = as_tensor(input)
    d = normalize_dim(dim, x.ndim, extra=1)
    check_ndim(x.ndim + 1, "result of unsqueeze()")
    return _UNSQUEEZE(x, shape=x.shape[:d] + (1,) + x.shape[d:])


def permute(input, *dims):
    """Reorder the dims."""
    x = as_tensor(input)
    dims = _shape_argument(dims, "permute")
    if len(dims) != x.ndim:
        raise ShapeError(
            f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
            f"length of the desired ordering of dimensions i.e. input.dim() = {x.ndim} is not "
            f"equal to len(dims) = {len(dims)}"
        )
    axes = tuple(normalize_dim(d, x.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise ArgumentError("permute(): duplicate dims are not allowed.")
    return _permute(x, axes=axes)


def transpose(input, dim0, dim1):
    """Swap two dims."""
    x = as_tensor(input)
    axes = list(range(x.ndim))
    if x.ndim == 0:
        normalize_dim(dim0, 0)
        normalize_dim(dim1, 0)
        return _TRANSPOSE(x, axes=())
    a, b = normalize_dim(dim0, x.ndim), normalize_dim(dim1, x.ndim)
    axes[a], axes[b] = axes[b], axes[a]
    return _TRANSPOSE(x, axes=tuple(axes))


def t(input):
    """Transpose of a tensor with at most 2 dims."""
    x = as_tensor(input)
    if x.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {x.ndim}D")
    return _T(x, axes=tuple(reversed(range(x.ndim))))


def T(input):
    """``x.T``: every dim reversed."""
    x = as_tensor(input)
    return _permute(x, axes=tuple(reversed(range(x.ndim))))


def expand(input, *sizes):
    """Repeat size-1 dims (and add leading dims) without copying; -1 keeps a dim."""
    return _expand_to(as_tensor(input), _shape_argument(sizes, "expand"), "expand")


def _expand_to(x: Tensor, sizes: tuple, fname: str):
    if len(sizes) < x.ndim:
        raise ShapeError(
            f"{fname}: the number of sizes provided ({len(sizes)}) must be greater or equal to "
            f"the number of dimensions in the tensor ({x.ndim})"
        )
    lead = len(sizes) - x.ndim
    shape = []
    for i, n in enumerate(sizes):
        if i < lead:
            if n < 0:
                raise ShapeError(
                    f"The expanded size of the tensor ({n}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            shape.append(n)
            continue
        have = x.shape[i - lead]
        if n == -1:
            n = have
        if have != 1 and n != have:
            raise ShapeError(
                f"The expanded size of the tensor ({n}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(x.shape)}"
            )
        shape.append(n)
    shape = tuple(shape)
    check_elements(shape, "expanded tensor")
    return _expand(x, shape=shape)


def broadcast_to(input, size):
    """``expand`` to ``size`` (an int or a tuple/list of ints)."""
    x = as_tensor(input)
    if is_int(size):
        size = (size,)
    if not isinstance(size, tuple | list):
        raise ArgumentError(
            f"broadcast_to(): size must be a tuple of integers, got {size!r}",
            hint="e.g. broadcast_to(x, (2, 3))",
        )
    return _expand_to(x, _shape_argument(tuple(size), "broadcast_to"), "broadcast_to")


def repeat(input, *sizes):
    """Tile the tensor: ``sizes[i]`` copies along dim i (extra leading sizes add dims)."""
    x = as_tensor(input)
    sizes = _shape_argument(sizes, "repeat")
    if len(sizes) < x.ndim:
        raise ShapeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions "
            "of tensor",
            hint=f"give one count per dim, e.g. x.repeat({', '.join(['2'] + ['1'] * (x.ndim - 1))})",
        )
    padded = (1,) * (len(sizes) - x.ndim) + x.shape
    shape = tuple(r * n for r, n in zip(sizes, padded))
    negative = [n for n in shape if n < 0]
    if negative:
        raise ShapeError(
            f"Trying to create tensor with negative dimension {negative[0]}: {list(shape)}"
        )
    check_elements(shape, "result")
    return _repeat(x, repeats=sizes)


def masked_fill(input, mask, value):
    """``value`` where the bool ``mask`` is true, ``input`` elsewhere (broadcasting both)."""
    x = as_tensor(input)
    m = as_tensor(mask, "mask")
    if m.dtype.kind != "b":
        raise ArgumentError(
            f"masked_fill only supports boolean masks, but got mask with dtype {m.dtype.name}",
            hint="make a mask with a comparison, e.g. x.masked_fill(x > 0, 0.0)",
        )
    if type(value) is Tensor:
        if value.ndim != 0:
            raise ArgumentError(
                "masked_fill only supports a 0-dimensional value tensor, but got tensor with "
                f"{value.ndim} dimension(s)."
            )
        if value.requires_grad:
            raise ArgumentError(
                "masked_fill(): a value tensor that requires grad is not supported",
                hint="use where(mask, value, x) for a gradient with respect to value",
            )
        value = value.data.item()
    elif not is_number(value):
        raise ArgumentError(f"masked_fill(): value must be a number, got {value!r}")
    shape = broadcast_pair(x.shape, m.shape)
    if shape is None:
        raise ShapeError(
            f"cannot fill a tensor of shape {x.shape} through a mask of shape {m.shape}",
            hint="the mask must broadcast with the tensor",
        )
    check_elements(shape, "result")
    return _masked_fill(x, mask=m.data, value=value)


def _tensor_sequence(tensors, fname: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, list | tuple):
        raise ArgumentError(
            f"{fname}(): expected a list or tuple of tensors",
            hint=f"e.g. {fname}([a, b], dim=0)",
        )
    if not tensors:
        raise ArgumentError(f"{fname}(): expected a non-empty list of Tensors")
    return [as_tensor(t) for t in tensors]


def cat(tensors, dim=0):
    """Join tensors along an existing dim."""
    items = _tensor_sequence(tensors, "cat")
    for i, t in enumerate(items):
        if t.ndim == 0:
            raise ShapeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    ndim = items[0].ndim
    axis = normalize_dim(dim, ndim)
    first = items[0].shape
    for i, t in enumerate(items[1:], start=1):
        if t.ndim != ndim:
            raise ShapeError(
                f"Tensors must have same number of dimensions: got {ndim} and {t.ndim}"
            )
        for d in range(ndim):
            if d != axis and t.shape[d] != first[d]:
                raise ShapeError(
                    f"Sizes of tensors must match except in dimension {axis}. Expected size "
                    f"{first[d]} but got size {t.shape[d]} for tensor number {i} in the list."
                )
    shape = first[:axis] + (sum(t.shape[axis] for t in items),) + first[axis + 1 :]
    check_elements(shape, "result")
    return _cat(*items, axis=axis)


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dim."""
    items = _tensor_sequence(tensors, "stack")
    first = items[0].shape
    for i, t in enumerate(items[1:], start=1):
        if t.shape != first:
            raise ShapeError(
                f"stack expects each tensor to be equal size, but got {list(first)} at entry 0 "
                f"and {list(t.shape)} at entry {i}"
            )
    axis = normalize_dim(dim, len(first), extra=1)
    check_elements((len(items),) + first, "result")
    return _stack(*items, axis=axis)


# ---- indexing --------------------------------------------------------------------------------


def _index_part(part):
    """One component of an index -> what numpy takes, and whether it is advanced."""
    if part is None or part is Ellipsis:
        return part, False
    if isinstance(part, bool | np.bool_):
        return bool(part), True
    if is_int(part):
        return int(part), False
    if isinstance(part, slice):
        for v in (part.start, part.stop, part.step):
            if v is not None and not is_int(v):
                raise ArgumentError(f"slice indices must be integers or None, got {v!r}")
        if part.step == 0:
            raise ArgumentError("slice step cannot be zero")
        return part, False
    if isinstance(part, Tensor):
        data = part.data
    elif isinstance(part, list | tuple):
        data = np.array([p.data if isinstance(p, Tensor) else p for p in part])
    elif isinstance(part, np.ndarray):
        data = part
    else:
        raise ArgumentError(
            f"only integers, slices (`:`), ellipsis (`...`), None and integer or boolean "
            f"tensors are valid indices (got {type(part).__name__})"
        )
    if data.dtype.kind == "b":
        return data, True
    if data.dtype.kind == "f":
        if data.size and not np.all(data == np.round(data)):
            raise ArgumentError("tensors used as indices must be long, int, byte or bool tensors")
        data = data.astype(np.int64)
    elif data.dtype.kind not in "iu":
        if data.size == 0:
            data = data.astype(np.int64)
        else:
            raise ArgumentError("tensors used as indices must be long, int, byte or bool tensors")
    return data, True


def _node_name_rule(parts):
    if any(isinstance(p, np.ndarray) or isinstance(p, bool) for p in parts):
        return _getitem
    significant = [
        p for p in parts if not (p is Ellipsis or (isinstance(p, slice) and p == slice(None)))
    ]
    if not significant:
        return _SLICE if any(isinstance(p, slice) for p in parts) else _ALIAS
    last = significant[-1]
    if last is None:
        return _INDEX_UNSQUEEZE
    if isinstance(last, slice):
        return _SLICE
    return _SELECT


def getitem(input, index):
    """``x[index]``: ints, slices with steps, negative indices, None, ``...``, integer arrays."""
    x = as_tensor(input)
    parts = index if isinstance(index, tuple) else (index,)
    converted = [_index_part(p) for p in parts]
    numpy_index = tuple(p for p, _ in converted)
    advanced = any(a for _, a in converted)
    try:
        # Indexing a stride-0 view finds the result shape for a byte per element.
        probe = np.broadcast_to(np.zeros((), dtype=np.bool_), x.shape)
        result_shape = probe[numpy_index].shape if advanced else None
    except IndexError as exc:
        raise _index_error(str(exc), x.shape) from None
    if result_shape is not None:
        check_elements(result_shape, "result")
    try:
        return _node_name_rule(numpy_index)(x, index=numpy_index, advanced=advanced)
    except IndexError as exc:
        raise _index_error(str(exc), x.shape) from None


def _index_error(text: str, shape: tuple) -> ShapeError:
    """numpy's IndexError text -> PyTorch's wording."""
    if "number of dimensions must be within" in text:
        # numpy: "number of dimensions must be within [0, 64], indexing result would have 65"
        last = text.rsplit(" ", 1)[-1]
        return too_many_dims(int(last) if last.isdigit() else MAX_DIMS + 1, "indexing result")
    if "too many indices" in text:
        return ShapeError(f"too many indices for tensor of dimension {len(shape)}")
    if "out of bounds" in text:
        # numpy: "index 5 is out of bounds for axis 0 with size 3"
        return ShapeError(text.replace("axis", "dimension"))
    return ShapeError(f"invalid index for a tensor of shape {shape}: {text}")
