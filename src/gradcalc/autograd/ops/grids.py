"""Broadcasting and grids: ``broadcast_to``/``broadcast_tensors``/``broadcast_shapes``,
``meshgrid``, ``cartesian_prod``, ``combinations``, ``block_diag``, ``diagflat``, ``vander``,
``tril_indices``/``triu_indices``, ``logspace`` and ``as_tensor``.

Most are compositions in PyTorch too (``meshgrid`` is a ``view`` and an ``expand`` per tensor,
``cartesian_prod`` flattens and stacks a meshgrid, ``combinations`` masks one, ``vander``
writes a ``cumprod`` into a slice of ones): they are composites here, so the graph shows
PyTorch's nodes. ``block_diag`` has its own node. Sources: aten/src/ATen/native/
TensorShape.cpp, Itertools.cpp, LinearAlgebra.cpp and RangeFactories.cpp, and
torch/_refs/__init__.py (``_broadcast_shapes``) at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.broadcast import broadcast_shapes as _broadcast
from gradcalc.autograd.declare import OPS, Composite, F, composite, op
from gradcalc.autograd.ops.constructors import data_array, leaf
from gradcalc.autograd.ops.listargs import list_composite, register
from gradcalc.autograd.ops.support import promote_list, shape_text
from gradcalc.autograd.settings import check_elements, warn
from gradcalc.autograd.tensor import Tensor
from gradcalc.autograd.values import Size
from gradcalc.errors import ArgumentError, EvaluationError, ShapeError, ValueDomainError

# ---- broadcasting ---------------------------------------------------------------------------


@composite(
    "broadcast_to(Tensor self, int[] size) -> Tensor", example="torch.broadcast_to(v, (2, 3))"
)
def broadcast_to(self, size):
    """``self`` expanded to ``size`` (a view; ``-1`` keeps a size)."""
    return F.expand(self, tuple(size))


@list_composite(
    "broadcast_tensors(Tensor[] tensors) -> Tensor[]",
    method=False,
    example="torch.broadcast_tensors(v, B)",
)
def broadcast_tensors(tensors):
    """The tensors expanded to their common broadcast shape (views)."""
    shape = _broadcast(*(tuple(t.shape) for t in tensors))
    return tuple(t if tuple(t.shape) == shape else F.expand(t, shape) for t in tensors)


def _broadcast_shapes(*shapes):
    """The shape tensors of the given shapes broadcast to (a ``torch.Size``)."""
    given = [(s,) if _is_int(s) else s for s in shapes if s is not None]
    for shape in given:
        if not isinstance(shape, list | tuple):
            raise EvaluationError(
                "Input shapes should be of type ints, a tuple of ints, or a list of ints, "
                f"got {shape!r}"
            )
    if not given:
        return Size(())
    common = [1] * max(len(s) for s in given)
    for position, shape in enumerate(given):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                if shape[i] < 0:
                    raise ValueDomainError(
                        "Attempting to broadcast a dimension with negative length!"
                    )
                common[i] = shape[i]
            if shape[i] != 1 and common[i] != shape[i]:
                raise EvaluationError(
                    f"Attempting to broadcast a dimension of length {shape[i]} at {i}! "
                    f"Mismatching argument at index {position} had {shape!r}; but expected "
                    f"shape should be broadcastable to {common}"
                )
    return Size(tuple(common))


def _is_int(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


class _BroadcastShapesComposite(Composite):
    """Takes the shapes as separate arguments."""

    def __call__(self, *shapes, **kwargs):
        if kwargs:
            raise ArgumentError(
                f"broadcast_shapes() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        return self.fn(*shapes)

    def raw(self, *args, **kwargs):
        return self(*args, **kwargs)


broadcast_shapes = register(
    _BroadcastShapesComposite(
        "broadcast_shapes(Any shapes) -> Any",
        _broadcast_shapes,
        method=False,
        example="torch.broadcast_shapes((2, 1), (3,))",
    )
)

# ---- grids ----------------------------------------------------------------------------------

_MESHGRID_WARNING = (
    "torch.meshgrid: in an upcoming release, it will be required to pass the indexing "
    "argument. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
    "TensorShape.cpp:4215.)"
)


def _grids(tensors, indexing: str) -> list:
    """ATen's meshgrid: ``t.view(1, .., -1, .., 1).expand(shape)`` per tensor."""
    if not tensors:
        raise EvaluationError("meshgrid expects a non-empty TensorList")
    for a, b in zip(tensors, tensors[1:]):
        if a.dtype is not b.dtype:
            raise EvaluationError("meshgrid expects all tensors to have the same dtype")
    swap = False
    if indexing == "xy":
        swap = len(tensors) >= 2
    elif indexing != "ij":
        raise EvaluationError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    for t in order:
        if len(t.shape) > 1:
            raise EvaluationError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got a tensor "
                f"of shape {shape_text(t.shape)}"
            )
    shape = tuple(math.prod(t.shape) for t in order)
    check_elements(shape, "meshgrid")
    grids = []
    for i, t in enumerate(order):
        view_shape = [1] * len(order)
        view_shape[i] = -1
        grids.append(F.expand(F.view(t, tuple(view_shape)), shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return grids


@list_composite(
    "meshgrid(Tensor[] tensors, *, str? indexing=None) -> Tensor[]",
    accepts_list=True,
    method=False,
    example="torch.meshgrid(v, torch.tensor([10.0, 20.0]), indexing='ij')",
)
def meshgrid(tensors, indexing=None):
    """Coordinate grids: result ``i`` repeats tensor ``i`` along every other dim
    (``indexing='xy'`` swaps the first two dims, as numpy does)."""
    if indexing is None:
        warn(_MESHGRID_WARNING)
        indexing = "ij"
    return tuple(_grids(tensors, indexing))


def _vectors_only(tensors) -> None:
    for t in tensors:
        if len(t.shape) != 1:
            raise ShapeError(f"Expect a 1D vector, but got shape {shape_text(t.shape)}")


@list_composite(
    "cartesian_prod(Tensor[] tensors) -> Tensor",
    method=False,
    example="torch.cartesian_prod(torch.tensor([1, 2]), torch.tensor([3, 4, 5]))",
)
def cartesian_prod(tensors):
    """Every combination of one element from each vector, one per row."""
    _vectors_only(tensors)
    if len(tensors) == 1:
        return tensors[0]
    return F.stack(tuple(F.flatten(g) for g in _grids(tensors, "ij")), 1)


@composite(
    "combinations(Tensor self, int r=2, bool with_replacement=False) -> Tensor",
    method=False,
    example="torch.combinations(v, 2)",
)
def combinations(self, r=2, with_replacement=False):
    """The ``r``-element combinations of a vector's elements, one per row (as
    ``itertools.combinations``; ``with_replacement``: also repeated elements)."""
    _vectors_only([self])
    if r < 0:
        raise ArgumentError(f"Expect a non-negative number, but got {r}", kind="RuntimeError")
    if r == 0:
        return leaf(np.zeros((0,), self.array.dtype), False)
    n = self.shape[0]
    index = np.indices((n,) * r, sparse=True)
    mask = np.ones((n,) * r, dtype=bool)
    for a, b in zip(index, index[1:]):
        mask &= (a <= b) if with_replacement else (a < b)
    from gradcalc.autograd.tensor import make_tensor

    mask_tensor = make_tensor(mask)
    grids = _grids([self] * r, "ij")
    return F.stack(tuple(F.masked_select(g, mask_tensor) for g in grids), 1)


# ---- block_diag, diagflat, vander -----------------------------------------------------------


def _block_grad(grad, tensors_shape):
    pieces = []
    row = col = 0
    for shape in tensors_shape:
        rows, cols = (1, 1) if len(shape) == 0 else (1, shape[0]) if len(shape) == 1 else shape
        block = F.slice(F.slice(grad, 0, row, row + rows, 1), 1, col, col + cols, 1)
        pieces.append(F.reshape(block, tuple(shape)))
        row += rows
        col += cols
    return pieces


@op(
    "block_diag(Tensor[] tensors) -> Tensor",
    "BlockDiagBackward0",
    dtype=promote_list,
    method=False,
    function=False,
    grads={"tensors": _block_grad},
)
def block_diag_op(tensors):
    """The tensors as blocks along the diagonal of a matrix."""
    blocks = []
    for i, a in enumerate(tensors):
        if a.ndim > 2:
            raise ShapeError(
                "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
                f"{i} has {a.ndim} dimensions"
            )
        blocks.append(a.reshape(1, 1) if a.ndim == 0 else a.reshape(1, -1) if a.ndim == 1 else a)
    rows = sum(b.shape[0] for b in blocks)
    cols = sum(b.shape[1] for b in blocks)
    out = np.zeros((rows, cols), dtype=blocks[0].dtype)
    row = col = 0
    for b in blocks:
        out[row : row + b.shape[0], col : col + b.shape[1]] = b
        row += b.shape[0]
        col += b.shape[1]
    return out


@list_composite(
    "block_diag.varargs(Tensor[] tensors) -> Tensor",
    method=False,
    example="torch.block_diag(torch.ones(2, 2), v)",
)
def block_diag(tensors):
    """The tensors (scalars, vectors as rows, matrices) as blocks along a diagonal
    (node ``BlockDiagBackward0``)."""
    if not tensors:
        return leaf(np.zeros((1, 0), dtypes.DEFAULTS.float.np), False)
    return OPS["block_diag"].raw(tuple(tensors))


@composite("diagflat(Tensor self, int offset=0) -> Tensor", example="torch.diagflat(B)")
def diagflat(self, offset=0):
    """A matrix with the flattened input on its ``offset``-th diagonal."""
    return F.diag_embed(F.view(F.contiguous(self), (-1,)), offset, 0, 1)


@composite(
    "vander(Tensor x, int? N=None, bool increasing=False) -> Tensor",
    method=False,
    example="torch.vander(v, 3)",
)
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns ``x ** (N - 1)``, ..., ``x``, ``1``
    (``increasing``: the other way round)."""
    from gradcalc.autograd.inplace import apply_inplace

    if len(x.shape) != 1:
        raise ShapeError("x must be a one-dimensional tensor.")
    n = x.shape[0]
    if N is not None:
        n = N
        if n < 0:
            raise EvaluationError("N must be non-negative.")
    dtype = dtypes.promote_types(x.dtype, dtypes.int64)
    result = leaf(np.empty((x.shape[0], n), dtype.np), False)
    if n > 0:
        apply_inplace(OPS["fill"], [result, 1])
    # As in PyTorch, cumprod saves the slice the second copy_ overwrites: a backward through
    # vander with N > 1 fails with PyTorch's "modified by an inplace operation" error.
    if n > 1:
        tail = F.slice(result, 1, 1, None, 1)
        apply_inplace(OPS["_copy_from"], [tail, F.unsqueeze(x, 1), False])
        tail = F.slice(result, 1, 1, None, 1)
        apply_inplace(OPS["_copy_from"], [tail, F.cumprod(tail, 1), False])
    return result if increasing else F.flip(result, (1,))


# ---- index and range constructors ------------------------------------------------------------


def _triangle_indices(name: str, row: int, col: int, offset: int, dtype, lower: bool):
    if row < 0:
        raise EvaluationError(f"row must be non-negative, got{row}")
    if col < 0:
        raise EvaluationError(f"col must be non-negative, got{col}")
    target = dtype or dtypes.int64
    if target.category != dtypes.INTEGRAL:
        raise EvaluationError(
            f"\"{name}\" not implemented for '{target.kind_name}'", kind="NotImplementedError"
        )
    rows, cols = np.nonzero(
        np.tril(np.ones((row, col), bool), offset)
        if lower
        else np.triu(np.ones((row, col), bool), offset)
    )
    return leaf(np.stack([rows, cols]).astype(target.np), False)


_INDICES_TAIL = (
    "int row, int col, int offset=0, *, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None) -> Tensor"
)


@composite(f"tril_indices({_INDICES_TAIL}", method=False, example="torch.tril_indices(3, 3)")
def tril_indices(row, col, offset=0, dtype=None, layout=None, device=None):
    """The (row, column) coordinates of a ``row`` x ``col`` matrix's lower triangle
    (``offset`` diagonals above the main one included), as a 2 x N tensor."""
    return _triangle_indices("tril_indices", row, col, offset, dtype, True)


@composite(f"triu_indices({_INDICES_TAIL}", method=False, example="torch.triu_indices(3, 3, 1)")
def triu_indices(row, col, offset=0, dtype=None, layout=None, device=None):
    """The (row, column) coordinates of a matrix's upper triangle, as a 2 x N tensor."""
    return _triangle_indices("triu_indices", row, col, offset, dtype, False)


def _logspace_values(start, end, steps: int, base: float, dtype) -> np.ndarray:
    """RangeFactories.cpp's CPU loop: the exponent in double from the endpoints rounded to the
    dtype, from ``start`` up to the middle and from ``end`` down after it; ``std::pow``."""
    if steps == 1:
        return np.array([math.pow(base, float(start))]).astype(dtype.np)
    if dtype.category == dtypes.FLOATING:
        first, last = dtype.np.type(start), dtype.np.type(end)
        step = float(last - first) / (steps - 1)
        first, last, power = float(first), float(last), math.pow
    else:  # integral dtypes compute in float
        first, last = int(start), int(end)
        step = float(np.float32(last - first) / np.float32(steps - 1))
        base = float(np.float32(base))

        def power(b, e):
            return float(np.float32(np.float32(b) ** np.float32(e)))

    half = steps // 2
    values = [
        power(base, first + step * i if i < half else last - step * (steps - i - 1))
        for i in range(steps)
    ]
    return np.array(values).astype(dtype.np)


@composite(
    "logspace(Scalar start, Scalar end, int steps, float base=10.0, *, ScalarType? dtype=None, "
    "Layout? layout=None, Device? device=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.logspace(0, 3, 4)",
)
def logspace(
    start, end, steps, base=10.0, dtype=None, layout=None, device=None, requires_grad=False
):
    """``steps`` values ``base ** e`` for exponents evenly spaced from ``start`` to ``end``."""
    if steps < 0:
        raise EvaluationError("number of steps must be non-negative")
    check_elements((steps,), "tensor")
    target = dtype or dtypes.DEFAULTS.float
    if steps == 0:
        return leaf(np.zeros((0,), target.np), requires_grad)
    return leaf(_logspace_values(start, end, steps, base, target), requires_grad)


@composite(
    "as_tensor(Any data, ScalarType? dtype=None, Device? device=None) -> Tensor",
    method=False,
    example="torch.as_tensor([1, 2, 3])",
)
def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor: a tensor itself when it already has the dtype (no copy),
    else a new one (as ``torch.tensor``, without its copy warning)."""
    if type(data) is Tensor:
        if dtype is None or dtype is data.dtype:
            return data
        return F._to_copy(data, dtype)
    return leaf(data_array(data, dtype), False)
