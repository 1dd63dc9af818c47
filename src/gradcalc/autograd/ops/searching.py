"""Finding and counting: ``nonzero``/``argwhere``, ``searchsorted``/``bucketize``, ``isin``,
``unique_consecutive``, ``bincount``, ``histc``, ``unravel_index``, ``is_nonzero``, ``isreal``.

None of them has a gradient in PyTorch: their results are indices, counts or bools
(``unique_consecutive`` records a node whose backward fails, ``bincount`` with weights
that require grad a ``NotImplemented`` node). Checks and messages are PyTorch 2.13's:
aten/src/ATen/native/Bucketization.cpp, BucketizationUtils.h, Unique.cpp, SummaryOps.cpp,
Histogram.cpp and torch/functional.py (``unravel_index``) at github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import boolean, from_forward, int64
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.ops.pointwise import no_derivative
from gradcalc.autograd.ops.support import shape_text
from gradcalc.errors import ArgumentError, EvaluationError, ValueDomainError


def _kind(array: np.ndarray) -> str:
    return dtypes.BY_NUMPY[array.dtype].kind_name


# ---- nonzero, argwhere ----------------------------------------------------------------------


@op("_nonzero(Tensor self) -> Tensor", dtype=int64, method=False, function=False)
def _nonzero(self):
    """The coordinates of the nonzero elements, one row each."""
    if self.ndim == 0:
        return np.zeros((1 if self.item() else 0, 0), np.int64)
    return np.argwhere(self)


@composite(
    "nonzero(Tensor self, *, bool as_tuple=False) -> Tensor",
    example="torch.nonzero(torch.tensor([[0.0, 1.5], [2.0, 0.0]]))",
)
def nonzero(self, as_tuple=False):
    """The coordinates of the nonzero elements, one row each (``as_tuple``: one index
    tensor per dim, as numpy's ``nonzero``)."""
    found = F._nonzero(self)
    if not as_tuple:
        return found
    if not self.shape:  # a scalar as a one-element vector
        found = F._nonzero(F.reshape(self, (1,)))
    return F.unbind(found, 1)


@composite("argwhere(Tensor self) -> Tensor", example="torch.argwhere(mask)")
def argwhere(self):
    """``nonzero(self)``: the coordinates of the nonzero elements, one row each."""
    return F._nonzero(self)


@composite("is_nonzero(Tensor self) -> bool", example="torch.is_nonzero(torch.tensor([3.0]))")
def is_nonzero(self):
    """Whether a one-element tensor is nonzero (a Python bool)."""
    size = self.array.size
    if size == 0:
        raise EvaluationError("Boolean value of Tensor with no values is ambiguous")
    if size > 1:
        raise EvaluationError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.array.reshape(()))


@op("isreal(Tensor self) -> Tensor", dtype=boolean, example="torch.isreal(x)")
def isreal(self):
    """True everywhere: gradcalc's tensors are real (PyTorch's is False where a complex
    element has an imaginary part)."""
    return np.ones(self.shape, bool)


# ---- searchsorted, bucketize ----------------------------------------------------------------


def _search_dtype(out_int32: bool) -> np.dtype:
    return np.dtype(np.int32 if out_int32 else np.int64)


def _side(side, right: bool) -> bool:
    if side is not None:
        if side not in ("left", "right"):
            raise EvaluationError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise EvaluationError(
                "torch.searchsorted(): side and right can't be set to opposites, got side of "
                "left while right was True"
            )
        return side == "right"
    return right


def _search(boundaries: np.ndarray, values: np.ndarray, right: bool) -> np.ndarray:
    side = "right" if right else "left"
    dtype = np.result_type(boundaries, values)
    boundaries = boundaries.astype(dtype, copy=False)
    values = values.astype(dtype, copy=False)
    if boundaries.ndim <= 1:
        return np.searchsorted(boundaries, values, side=side)
    rows = boundaries.reshape(-1, boundaries.shape[-1])
    wanted = values.reshape(rows.shape[0], -1)
    found = np.stack([np.searchsorted(r, w, side=side) for r, w in zip(rows, wanted)])
    return found.reshape(values.shape)


@op(
    "searchsorted(Tensor sorted_sequence, Tensor|Scalar self, *, bool out_int32=False, "
    "bool right=False, str? side=None, Tensor? sorter=None) -> Tensor",
    dtype=from_forward,
    method=False,
    example="torch.searchsorted(torch.tensor([1.0, 3.0, 5.0]), torch.tensor([0.0, 3.0, 6.0]))",
)
def searchsorted(sorted_sequence, self, out_int32=False, right=False, side=None, sorter=None):
    """Where each value would be inserted to keep the innermost dim of ``sorted_sequence``
    sorted (``right``: after equal elements)."""
    right = _side(side, right)
    values = np.asarray(self)
    if sorted_sequence.ndim != 1 and (
        values.ndim != sorted_sequence.ndim or values.shape[:-1] != sorted_sequence.shape[:-1]
    ):
        raise EvaluationError(
            "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
            "dimensions of boundaries tensor and input value tensor must match, but we got "
            f"boundaries tensor {shape_text(sorted_sequence.shape)} and input value tensor "
            f"{shape_text(values.shape)}"
        )
    if sorter is not None:
        if sorter.dtype != np.int64:
            raise EvaluationError(
                "torch.searchsorted(): sorter must be a tensor of long dtype but got dtype "
                f"{_kind(sorter)}"
            )
        if sorter.shape != sorted_sequence.shape:
            raise EvaluationError(
                "torch.searchsorted(): boundary and sorter must have the same size, but got "
                f"boundary tensor {shape_text(sorted_sequence.shape)}and got sorter tensor "
                f"{shape_text(sorter.shape)}"
            )
        size = sorted_sequence.shape[-1] if sorted_sequence.ndim else 1
        if sorter.size and (sorter.min() < 0 or sorter.max() >= size):
            raise EvaluationError("torch.searchsorted(): sorter index out of range")
        sorted_sequence = np.take_along_axis(sorted_sequence, sorter, axis=-1)
    return _search(sorted_sequence, values, right).astype(_search_dtype(out_int32))


@op(
    "bucketize(Tensor|Scalar self, Tensor boundaries, *, bool out_int32=False, "
    "bool right=False) -> Tensor",
    dtype=from_forward,
    method=False,
    example="torch.bucketize(x, torch.tensor([-1.0, 0.0, 1.0]))",
)
def bucketize(self, boundaries, out_int32=False, right=False):
    """The bucket of each value between the sorted 1-D ``boundaries`` (``right``: a value
    equal to a boundary goes to the bucket above it)."""
    if boundaries.ndim != 1:
        raise EvaluationError(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})"
        )
    return _search(boundaries, np.asarray(self), right).astype(_search_dtype(out_int32))


# ---- isin -----------------------------------------------------------------------------------


@op(
    "isin(Tensor|Scalar elements, Tensor|Scalar test_elements, *, bool assume_unique=False, "
    "bool invert=False) -> Tensor",
    dtype=from_forward,
    method=False,
    example="torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))",
)
def isin(elements, test_elements, assume_unique=False, invert=False):
    """Whether each element occurs in ``test_elements`` (``invert``: does not)."""
    if not isinstance(elements, np.ndarray) and not isinstance(test_elements, np.ndarray):
        raise ArgumentError(
            "isin() received an invalid combination of arguments - got "
            f"({type(elements).__name__}, {type(test_elements).__name__}), but expected one of:"
            "\n * (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool "
            "invert = False, Tensor out = None)\n * (Number element, Tensor test_elements, *, "
            "bool assume_unique = False, bool invert = False, Tensor out = None)\n * (Tensor "
            "elements, Number test_element, *, bool assume_unique = False, bool invert = False, "
            "Tensor out = None)\n"
        )
    found = np.isin(np.asarray(elements), np.asarray(test_elements), invert=invert)
    return np.asarray(found, dtype=bool)


# ---- unique_consecutive ---------------------------------------------------------------------


@op(
    "_unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, "
    "Dim? dim=None) -> Tensor, Tensor, Tensor",
    "UniqueConsecutiveBackward0",
    outputs=3,
    method=False,
    function=False,
    grads={
        "self": no_derivative(
            "the derivative for 'unique_consecutive' is not implemented.", "NotImplementedError"
        )
    },
)
def unique_consecutive_op(self, return_inverse=False, return_counts=False, dim=None):
    """Runs of equal elements (or slices along ``dim``) collapsed to one."""
    if dim is None:
        flat = self.reshape(-1)
        starts = np.ones(flat.shape, bool)
        starts[1:] = flat[1:] != flat[:-1]
        found = flat[starts]
        inverse_shape = self.shape
    else:
        moved = np.moveaxis(self, dim, 0)
        starts = np.ones(moved.shape[0], bool)
        if moved.shape[0] > 1:
            rest = moved.reshape(moved.shape[0], -1)
            starts[1:] = np.any(rest[1:] != rest[:-1], axis=1)
        found = np.moveaxis(moved[starts], 0, dim)
        inverse_shape = (self.shape[dim],)
    inverse = (np.add.accumulate(starts) - 1).reshape(inverse_shape).astype(np.int64)
    counts = np.diff(np.append(np.flatnonzero(starts), starts.size)).astype(np.int64)
    return found, inverse, counts


@composite(
    "unique_consecutive(Tensor self, bool return_inverse=False, bool return_counts=False, "
    "Dim? dim=None) -> Tensor",
    example="torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 3, 1, 1]))",
)
def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
    """Each run of equal consecutive elements (or slices along ``dim``) as one; with
    ``return_inverse``/``return_counts`` also each element's run and each run's length."""
    found, inverse, counts = F._unique_consecutive(self, return_inverse, return_counts, dim)
    extra = [t for t, wanted in ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (found, *extra) if extra else found


# ---- bincount, histc ------------------------------------------------------------------------


def _bincount_dtype(op, values):
    weights = values[1]
    if weights is None:
        return None, dtypes.int64
    d = weights.dtype
    return None, (d if d.category == dtypes.FLOATING else dtypes.float64)


@op(
    "bincount(Tensor self, Tensor? weights=None, int minlength=0) -> Tensor",
    "torch::autograd::NotImplemented",
    dtype=_bincount_dtype,
    grads={"weights": no_derivative("derivative for aten::bincount is not implemented")},
    example="torch.bincount(torch.tensor([0, 1, 1, 3]))",
)
def bincount(self, weights=None, minlength=0):
    """How often each value 0, 1, 2, ... occurs in a 1-D tensor of non-negative integers
    (``weights``: the sum of their weights)."""
    if self.dtype.kind not in "iu":
        raise EvaluationError(
            f"\"bincount_cpu\" not implemented for '{_kind(self)}'", kind="NotImplementedError"
        )
    if minlength < 0:
        raise EvaluationError("minlength should be >= 0")
    if self.ndim != 1 or (self.size and self.min() < 0):
        raise EvaluationError("bincount only supports 1-d non-negative integral inputs.")
    if weights is not None and (weights.ndim != 1 or weights.shape[0] != self.shape[0]):
        raise EvaluationError("weights should be 1-d and have the same length as input")
    if weights is None:
        return np.bincount(self, minlength=minlength).astype(np.int64)
    out_dtype = weights.dtype if weights.dtype.kind == "f" else np.dtype(np.float64)
    return np.bincount(self, weights.astype(np.float64), minlength).astype(out_dtype)


def _histc_range(self, bins: int, low, high) -> tuple:
    if bins <= 0:
        raise EvaluationError(
            f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
        )
    if low > high:
        raise EvaluationError("torch.histc: max must be larger than min")
    dtype = self.dtype.type
    low, high = dtype(low), dtype(high)
    if low == high and self.size:
        low, high = self.min(), self.max()
    if low == high:
        low, high = low - dtype(1), high + dtype(1)
    if not (np.isfinite(low) and np.isfinite(high)):
        text = f"{float(low)}".replace("nan", "-nan")
        raise EvaluationError(
            f"torch.histc: range of [{text}, {f'{float(high)}'.replace('nan', '-nan')}] is not "
            "finite"
        )
    return low, high


@op(
    "histc(Tensor self, int bins=100, Scalar min=0, Scalar max=0) -> Tensor",
    example="torch.histc(torch.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4)",
)
def histc(self, bins=100, min=0, max=0):
    """How many elements fall in each of ``bins`` equal bins between ``min`` and ``max``
    (both 0: the data's range); elements outside are left out."""
    if self.dtype.kind != "f":
        raise EvaluationError(
            f"\"histogram_cpu\" not implemented for '{_kind(self)}'", kind="NotImplementedError"
        )
    low, high = _histc_range(self, bins, min, max)
    dtype = self.dtype.type
    flat = self.reshape(-1)
    inside = flat[(flat >= low) & (flat <= high)]
    # Histogram.cpp's linear bin: (x - leftmost) * bins / (rightmost - leftmost), in the
    # input's dtype; the right edge belongs to the last bin.
    with np.errstate(all="ignore"):
        position = ((inside - low) * dtype(bins) / (high - low)).astype(np.int64)
    position = np.minimum(position, bins - 1)
    return np.bincount(position, minlength=bins).astype(self.dtype)


# ---- unravel_index --------------------------------------------------------------------------


@composite(
    "unravel_index(Tensor indices, Any shape) -> Tensor[]",
    method=False,
    example="torch.unravel_index(torch.tensor([4, 7]), (2, 4))",
)
def unravel_index(indices, shape):
    """The coordinates in a tensor of ``shape`` of each flat index (one tensor per dim)."""
    if indices.array.dtype.kind not in "iu":
        raise ArgumentError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    elif not isinstance(shape, list | tuple):
        raise ArgumentError(
            f"expected 'shape' to be int or sequence of ints, but got {type(shape)}"
        )
    for n in shape:
        if not isinstance(n, int) or isinstance(n, bool):
            raise ArgumentError(
                f"expected 'shape' sequence to only contain ints, but got {type(n)}"
            )
    if any(n < 0 for n in shape):
        raise ValueDomainError(f"'shape' cannot have negative values, but got {tuple(shape)}")
    strides = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        strides[i] = strides[i + 1] * shape[i + 1]
    flat = indices.array.astype(np.int64)[..., None]
    with np.errstate(divide="ignore"):
        coordinates = np.floor_divide(flat, np.array(strides, np.int64))
        coordinates = np.mod(coordinates, np.array(shape, np.int64))
    return F.unbind(leaf(coordinates, False), -1)
