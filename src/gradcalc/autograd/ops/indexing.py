"""Indexing as PyTorch applies it: ``x[0, 1:]`` is a chain of views (select, slice,
unsqueeze), then one ``index`` op for integer-list and mask indices (a copy); ``x[i] = v``
writes through the view (``CopySlices``) or with ``index_put_`` for advanced indices.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import OPS, F, op
from gradcalc.autograd.dtype_rules import same
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, IndexOutOfRange, ValueDomainError


def _as_index_array(item):
    """An advanced index (a list, a tuple or a Tensor of ints or bools) as an array."""
    if type(item) is Tensor:
        a = item.array
    else:
        try:
            a = np.asarray(item)
        except ValueError:
            raise ArgumentError("only integer tensors and lists can index a tensor") from None
    if a.dtype.kind == "b" or a.dtype.kind in "iu":
        return a
    if a.size == 0:
        return a.astype(np.int64)
    raise IndexOutOfRange(
        "tensors used as indices must be long, int, byte or bool tensors", kind="IndexError"
    )


def _is_int(item) -> bool:
    if isinstance(item, bool | np.bool_):
        return False
    if isinstance(item, int | np.integer):
        return True
    return type(item) is Tensor and item.array.ndim == 0 and item.array.dtype.kind in "iu"


def _consumed(item) -> int:
    if item is None or item is Ellipsis:
        return 0
    if isinstance(item, bool | np.bool_):
        return 0
    if type(item) is Tensor and item.array.dtype.kind == "b":
        return item.array.ndim
    return 1


def _parts(t, index) -> tuple:
    """(views to apply, advanced index) for ``t[index]``, in PyTorch's order."""
    if not isinstance(index, tuple):
        index = (index,)
    ndim = len(t.shape)
    consuming = sum(_consumed(i) for i in index)
    if sum(1 for i in index if i is Ellipsis) > 1:
        raise IndexOutOfRange("an index can only have a single ellipsis ('...')", kind="IndexError")
    if consuming > ndim:
        raise IndexOutOfRange(f"too many indices for tensor of dimension {ndim}", kind="IndexError")
    return index, consuming


def getitem(t, index):
    """``t[index]``."""
    result, key, applied = _views_then_key(t, index)
    if key is not None:
        return F.index(result, key)
    if not applied:
        return F.alias(result)
    return result


def setitem(t, index, value) -> None:
    """``t[index] = value``: a write through the view, or ``index_put_``."""
    from gradcalc.autograd.inplace import apply_inplace

    if not (type(value) is Tensor or isinstance(value, bool | int | float | np.number)):
        raise ArgumentError(
            f"can't assign a {type(value).__name__} to a torch.{t.dtype.tensor_type}",
            hint="assign a tensor or a number",
        )
    target, key, applied = _views_then_key(t, index)
    if key is not None:
        apply_inplace(OPS["index_put"], [target, key, value, False])
        return
    if not applied:
        target = F.alias(target)
    apply_inplace(OPS["_copy_from"], [target, value, False])


def _views_then_key(t, index):
    """The views PyTorch applies for ``index``, then the advanced index left (or None)."""
    index, consuming = _parts(t, index)
    single = len(index) == 1
    result = t
    d = 0
    shape = list(t.shape)
    advanced = []
    applied = False
    # PyTorch's out-of-bounds message names the item's position in the index
    for position, item in enumerate(index):
        if item is Ellipsis:
            d += len(shape) - consuming  # the dims the ellipsis stands for
            continue
        if item is None:
            result = F.unsqueeze(result, d)
            applied = True
            d += 1
            continue
        if _is_int(item):
            i = int(item)
            size = result.shape[d]
            if not -size <= i < size:
                raise IndexOutOfRange(
                    f"index {i} is out of bounds for dimension {position} with size {size}"
                )
            result = F.select(result, d, i)
            applied = True
            continue
        if isinstance(item, slice):
            start, stop, step = item.start, item.stop, item.step
            step = 1 if step is None else _int_of(step)
            if step == 0:  # Python's own check, before PyTorch's
                raise ValueDomainError("slice step cannot be zero")
            if step < 0:
                raise ValueDomainError("step must be greater than zero")
            if start is None and stop is None and step == 1 and not single:
                d += 1
                continue
            result = F.slice(
                result,
                d,
                None if start is None else _int_of(start),
                None if stop is None else _int_of(stop),
                step,
            )
            applied = True
            d += 1
            continue
        if isinstance(item, bool | np.bool_):
            result = F.unsqueeze(result, d)
            applied = True
            advanced.append((d, np.array([bool(item)])))
            d += 1
            continue
        if isinstance(item, list | tuple) or type(item) is Tensor:
            a = _as_index_array(item)
            advanced.append((d, a))
            d += a.ndim if a.dtype.kind == "b" else 1
            continue
        raise IndexOutOfRange(
            "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
            "are valid indices (got " + type(item).__name__ + ")",
            kind="IndexError",
        )
    return result, (_advanced_index(advanced) if advanced else None), applied


def _int_of(value) -> int:
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return int(value)
    if type(value) is Tensor and value.array.ndim == 0 and value.array.dtype.kind in "iu":
        return int(value.array)
    raise ArgumentError("slice indices must be integers or None or have an __index__ method")


def _advanced_index(advanced: list) -> tuple:
    last = max(d for d, _ in advanced)
    key: list = [slice(None)] * (last + 1)
    for d, a in advanced:
        key[d] = a
    return tuple(key)


def _check_bounds(shape, key) -> None:
    for d, a in enumerate(key):
        if isinstance(a, np.ndarray) and a.dtype.kind in "iu" and a.size:
            size = shape[d]
            bad = a[(a >= size) | (a < -size)]
            if bad.size:
                raise IndexOutOfRange(
                    f"index {int(bad.flat[0])} is out of bounds for dimension {d} with size {size}"
                )
        elif isinstance(a, np.ndarray) and a.dtype.kind == "b":
            want = tuple(shape[d : d + a.ndim])
            if a.shape != want:
                raise IndexOutOfRange(
                    f"The shape of the mask {list(a.shape)} at index {d} does not match the "
                    f"shape of the indexed tensor {list(want)} at index {d}"
                )


@op(
    "index(Tensor self, Any indices) -> Tensor",
    "IndexBackward0",
    method=False,
    function=False,
    grads={
        "self": lambda grad, self_shape, indices: F.index_put(
            _zeros_like_shape(grad, self_shape), indices, grad, True
        )
    },
)
def index(self, indices):
    """``self[indices]`` for integer arrays and masks (a copy)."""
    _check_bounds(self.shape, indices)
    return self[indices]


def _zeros_like_shape(grad, shape):
    if isinstance(grad, np.ndarray):
        return np.zeros(shape, dtype=grad.dtype)
    return make_tensor(np.zeros(shape, dtype=grad.array.dtype))


def _index_arrays(indices) -> tuple:
    """``x.index_put_((t,), v)`` keeps index tensors: the derivatives read them as arrays."""
    return tuple(_as_index_array(i) if type(i) is Tensor else i for i in indices)


@op(
    "index_put(Tensor self, Any indices, Tensor|Scalar values, bool accumulate=False) -> Tensor",
    "IndexPutBackward0",
    wraps_numbers=True,
    method=False,
    function=False,
    inplace=True,
    dtype=same,
    example="x.clone().index_put_((idx,), torch.tensor([10.0, 20.0]))",
    grads={
        "self": lambda grad, indices, accumulate: (
            grad if accumulate else F.index_put(grad, _index_arrays(indices), 0.0, False)
        ),
        "values": lambda grad, indices: F.index(grad, _index_arrays(indices)),
    },
)
def index_put(self, indices, values, accumulate=False):
    """``self`` with ``values`` written (or added) at ``indices``."""
    indices = tuple(_as_index_array(i) if type(i) is Tensor else i for i in indices)
    _check_bounds(self.shape, indices)
    out = np.array(self, copy=True)
    if accumulate:
        np.add.at(out, indices, values)
    else:
        out[indices] = values
    return out


@op(
    "_copy_from(Tensor self, Tensor|Scalar src, bool non_blocking=False) -> Tensor",
    "torch::autograd::CopyBackwards",
    wraps_numbers=True,
    method=False,
    function=False,
    inplace="copy_",
    dtype=same,
    example="x.clone().copy_(y)",
    grads={"self": lambda grad: grad * 0, "src": lambda grad: grad},
)
def _copy_from(self, src, non_blocking=False):
    """``src`` broadcast to ``self``'s shape and cast to its dtype (``self.copy_(src)``)."""
    src = np.asarray(src)
    try:
        shape = np.broadcast_shapes(src.shape, self.shape)
    except ValueError:
        shape = None
    if shape != self.shape:
        from gradcalc.errors import ShapeError

        raise ShapeError(
            f"The size of tensor a ({self.shape[-1] if self.shape else 1}) must match the size "
            f"of tensor b ({src.shape[-1] if src.shape else 1}) at non-singleton dimension "
            f"{max(len(self.shape) - 1, 0)}"
        )
    return np.broadcast_to(src, self.shape).astype(self.dtype)
