"""Order: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique.

Every derivative sends the gradient to the elements the op picked (PyTorch's
value_selecting_reduction_backward), except ``median()``/``nanmedian()`` over all elements,
which share it among equal medians. Which of equal elements is picked is PyTorch's CPU
choice: ``sort`` is stable (NaN above every number), ``median(dim)`` takes the lower median
in stable order (the first NaN if there is one), ``mode`` the most frequent value (the
smallest of equally frequent ones) at its last position, and ``topk``/``kthvalue`` run
PyTorch's own selection algorithms (``selection.py``). Source: aten/src/ATen/native/
Sorting.cpp, TopKImpl.h at https://github.com/pytorch/pytorch.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import int64
from gradcalc.autograd.ops.extremes import check_dim_not_empty
from gradcalc.autograd.ops.reductions import data, evenly_distribute, to_selected
from gradcalc.autograd.ops.selection import (
    kth_position,
    mode_of,
    sort_positions,
    topk_positions,
)
from gradcalc.errors import EvaluationError


def _last_axis(x: np.ndarray, dim: int) -> np.ndarray:
    return np.moveaxis(x, dim, -1)


def stable_order(x: np.ndarray, dim: int, descending: bool = False) -> np.ndarray:
    """Indices that sort ``x`` along ``dim``, equal elements in their original order."""
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    # Sorting the reversed slice and reversing the result keeps equal elements in order
    # and puts NaN first.
    n = x.shape[dim]
    found = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return n - 1 - np.flip(found, dim)


def torch_order(x: np.ndarray, dim: int, descending: bool, stable: bool) -> np.ndarray:
    """The indices PyTorch's CPU sort gives: stable when asked, else ``std::sort``'s order,
    which differs from a stable one only for equal values in slices of over 16."""
    order = stable_order(x, dim, descending)
    if stable or x.shape[dim] <= 16:
        return order
    rows = _last_axis(x.astype(np.float64) if x.dtype.kind == "b" else x, dim)
    tied = _rows_with_ties(rows)
    if np.any(tied):
        flat_rows = rows.reshape(-1, rows.shape[-1])
        flat_order = np.ascontiguousarray(_last_axis(order, dim)).reshape(flat_rows.shape)
        for i in np.flatnonzero(tied.reshape(-1)):
            flat_order[i] = sort_positions(flat_rows[i].tolist(), descending)
        order = np.moveaxis(flat_order.reshape(rows.shape), -1, dim)
    return order


def _selected(grads, indices, self_shape, dim):
    return to_selected(grads[0], data(indices), self_shape, dim, True)


# ---- sort, argsort, msort -----------------------------------------------------------------


@op(
    "sort(Tensor self, Dim dim=-1, bool descending=False) -> Tensor values, Tensor indices",
    "SortBackward0",
    outputs=2,
    example="torch.sort(x)",
    grads={
        "self": lambda grads, indices, self_shape, dim: _selected(grads, indices, self_shape, dim)
    },
)
def sort(self, dim=-1, descending=False):
    """The elements sorted along ``dim`` and where each came from."""
    return _sorted(self, dim, descending, False)


def _sorted(x, dim, descending, stable):
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = torch_order(x, dim, descending, stable)
    return np.take_along_axis(x, order, dim), order


@op(
    "sort.stable(Tensor self, *, bool? stable, Dim dim=-1, bool descending=False) "
    "-> Tensor values, Tensor indices",
    "SortBackward1",
    outputs=2,
    example="torch.sort(torch.tensor([2.0, 1.0, 2.0, 1.0]), stable=True)",
    grads={
        "self": lambda grads, indices, self_shape, dim: _selected(grads, indices, self_shape, dim)
    },
)
def sort_stable(self, stable=None, dim=-1, descending=False):
    """``sort``; ``stable=True`` keeps equal elements in their order."""
    return _sorted(self, dim, descending, bool(stable))


@op(
    "argsort(Tensor self, Dim dim=-1, bool descending=False) -> Tensor",
    dtype=int64,
    example="torch.argsort(x)",
)
def argsort(self, dim=-1, descending=False):
    """Indices that sort ``self`` along ``dim``."""
    return _sorted(self, dim, descending, False)[1]


@op(
    "argsort.stable(Tensor self, *, bool stable, Dim dim=-1, bool descending=False) -> Tensor",
    dtype=int64,
    example="torch.argsort(torch.tensor([2, 1, 2, 1]), stable=True)",
)
def argsort_stable(self, stable, dim=-1, descending=False):
    """``argsort``; ``stable=True`` keeps equal elements in their order."""
    return _sorted(self, dim, descending, stable)[1]


@composite("msort(Tensor self) -> Tensor", example="torch.msort(x)")
def msort(self):
    """``self`` sorted along its first dim (``sort(self, 0).values``)."""
    return F.sort(self, 0, False)[0]


# ---- topk, kthvalue -------------------------------------------------------------------


def _rows_with_ties(rows: np.ndarray) -> np.ndarray:
    """For each slice (last axis), whether it holds a value twice (NaNs count as equal)."""
    if rows.shape[-1] < 2:
        return np.zeros(rows.shape[:-1], dtype=bool)
    s = np.sort(rows, axis=-1)
    same = (s[..., 1:] == s[..., :-1]) | (np.isnan(s[..., 1:]) & np.isnan(s[..., :-1]))
    return np.any(same, axis=-1)


def _has_ties(rows: np.ndarray) -> bool:
    return bool(np.any(_rows_with_ties(rows)))


@op(
    "topk(Tensor self, int k, Dim dim=-1, bool largest=True, bool sorted=True) "
    "-> Tensor values, Tensor indices",
    "TopkBackward0",
    outputs=2,
    example="torch.topk(x, 2)",
    grads={
        "self": lambda grads, indices, self_shape, dim: _selected(grads, indices, self_shape, dim)
    },
)
def topk(self, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (``largest=False``: smallest) elements along ``dim``."""
    size = self.shape[dim] if self.ndim else 1
    if not 0 <= k <= size:
        raise EvaluationError("selected index k out of range")
    if self.ndim == 0:
        return self.copy(), np.zeros((), np.int64)
    rows = _last_axis(self, dim)
    floats = rows.astype(np.float64) if rows.dtype.kind == "b" else rows
    if (sorted or k * 64 <= size) and not _has_ties(floats):
        order = stable_order(rows, -1, descending=largest)[..., :k]
    else:  # equal values, or sorted=False: the order PyTorch's algorithm leaves
        flat = floats.reshape(-1, size)
        picks = [topk_positions(row.tolist(), k, largest, sorted) for row in flat]
        order = np.array(picks, dtype=np.int64).reshape(rows.shape[:-1] + (k,))
    values = np.take_along_axis(rows, order, -1)
    return np.moveaxis(values, -1, dim), np.moveaxis(order, -1, dim)


def _kth_index(rows: np.ndarray, k: int) -> np.ndarray:
    """For each slice (last axis), the index of its k-th smallest element, as PyTorch picks."""
    floats = rows.astype(np.float64) if rows.dtype.kind == "b" else rows
    order = np.argsort(floats, axis=-1, kind="stable")
    found = order[..., k - 1]
    kth = np.take_along_axis(floats, order[..., k - 1 : k], -1)
    equal = (floats == kth) | (np.isnan(floats) & np.isnan(kth))
    tied = np.count_nonzero(equal, axis=-1) > 1
    if np.any(tied):  # which of equal values is PyTorch's quickselect's business
        flat_rows = floats.reshape(-1, floats.shape[-1])
        flat_found = found.reshape(-1)
        for i in np.flatnonzero(tied.reshape(-1)):
            flat_found[i] = kth_position(flat_rows[i].tolist(), k)
        found = flat_found.reshape(found.shape)
    return found


@op(
    "kthvalue(Tensor self, int k, Dim dim=-1, bool keepdim=False) -> Tensor values, Tensor indices",
    "KthvalueBackward0",
    outputs=2,
    example="torch.kthvalue(x, 1)",
    grads={
        "self": lambda grads, indices, self_shape, dim, keepdim: to_selected(
            grads[0], data(indices), self_shape, dim, keepdim
        )
    },
)
def kthvalue(self, k, dim=-1, keepdim=False):
    """The ``k``-th smallest element along ``dim`` (``k`` from 1) and its index."""
    size = self.shape[dim] if self.ndim else 1
    check_dim_not_empty("kthvalue", self, (dim,))
    if not 0 < k <= size:
        raise EvaluationError(f"kthvalue(): selected number k out of range for dimension {dim}")
    if self.ndim == 0:
        return self.copy(), np.zeros((), np.int64)
    rows = _last_axis(self, dim)
    index = _kth_index(rows, k)[..., None]
    values = np.take_along_axis(rows, index, -1)
    if keepdim:
        return np.moveaxis(values, -1, dim), np.moveaxis(index, -1, dim)
    return values[..., 0], index[..., 0]


# ---- median, nanmedian, mode -----------------------------------------------------------


def _median_all(name: str, skip_nan: bool, node: str, doc: str):
    def forward(self):
        values = self.reshape(-1)
        nan = values != values
        if not skip_nan and np.any(nan):
            return np.array(np.nan, dtype=self.dtype)
        values = values[~nan]
        if values.size == 0:
            return np.array(np.nan if self.dtype.kind == "f" else 0, dtype=self.dtype)
        return np.partition(values, (values.size - 1) // 2)[(values.size - 1) // 2]

    forward.__doc__ = doc
    return op(
        f"{name}(Tensor self) -> Tensor",
        node,
        grads={"self": evenly_distribute},
        example=f"torch.{name}(torch.log(x))",
    )(forward)


def _median_dim(name: str, skip_nan: bool, node: str, doc: str):
    def forward(self, dim, keepdim=False):
        if self.ndim == 0:
            return self.copy(), np.zeros((), np.int64)
        check_dim_not_empty("median", self, (dim,))
        rows = _last_axis(self, dim)
        order = np.argsort(rows, axis=-1, kind="stable")  # NaN last
        nan = np.count_nonzero(rows != rows, axis=-1)
        if skip_nan:
            # C++ division: (n - nans - 1) / 2 truncates towards 0 (an all-NaN slice: 0).
            position = np.maximum(rows.shape[-1] - nan - 1, 0) // 2
        else:
            position = np.full(nan.shape, (rows.shape[-1] - 1) // 2)
        index = np.take_along_axis(order, position[..., None], -1)
        if not skip_nan:  # a slice with NaN answers its first NaN
            first_nan = np.argmax(rows != rows, axis=-1)[..., None]
            index = np.where(nan[..., None] > 0, first_nan, index)
        values = np.take_along_axis(rows, index, -1)
        if keepdim:
            return np.moveaxis(values, -1, dim), np.moveaxis(index, -1, dim)
        return values[..., 0], index[..., 0]

    forward.__doc__ = doc
    declared = op(
        f"{name}.dim(Tensor self, Dim dim, bool keepdim=False) -> Tensor values, Tensor indices",
        node,
        outputs=2,
        example=f"torch.{name}(B, 1)",
        grads={
            "self": lambda grads, indices, self_shape, dim, keepdim: to_selected(
                grads[0], data(indices), self_shape, dim, keepdim
            )
        },
    )(forward)
    return declared


median_all = _median_all(
    "median", False, "MedianBackward0", "The lower median of all elements (NaN if any is NaN)."
)
median_dim = _median_dim(
    "median", False, "MedianBackward1", "Lower medians along ``dim`` and their indices."
)
nanmedian_all = _median_all(
    "nanmedian", True, "NanmedianBackward0", "The lower median of the elements that are not NaN."
)
nanmedian_dim = _median_dim(
    "nanmedian", True, "NanmedianBackward1", "Lower medians along ``dim``, NaN skipped."
)


@op(
    "mode(Tensor self, Dim dim=-1, bool keepdim=False) -> Tensor values, Tensor indices",
    "ModeBackward0",
    outputs=2,
    example="torch.mode(torch.tensor([1, 2, 2, 3]))",
    grads={
        "self": lambda grads, indices, self_shape, dim, keepdim: to_selected(
            grads[0], data(indices), self_shape, dim, keepdim
        )
    },
)
def mode(self, dim=-1, keepdim=False):
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and
    an index of it (PyTorch's: the last in its sort order)."""
    if self.ndim == 0:
        return self.copy(), np.zeros((), np.int64)
    check_dim_not_empty("mode", self, (dim,))
    rows = _last_axis(self, dim)
    flat = rows.reshape(-1, rows.shape[-1])
    values = np.empty(flat.shape[0], dtype=self.dtype)
    index = np.empty(flat.shape[0], dtype=np.int64)
    # A slice of distinct numbers has its smallest as mode; others run PyTorch's algorithm.
    values[:] = np.min(flat, axis=-1)
    index[:] = np.argmin(flat, axis=-1)
    floats = flat.astype(np.float64) if flat.dtype.kind == "b" else flat
    special = _rows_with_ties(floats) | np.any(floats != floats, axis=-1)
    for i in np.flatnonzero(special):
        values[i], index[i] = mode_of(flat[i].tolist())
    values = values.reshape(rows.shape[:-1] + (1,))
    index = index.reshape(rows.shape[:-1] + (1,))
    if keepdim:
        return np.moveaxis(values, -1, dim), np.moveaxis(index, -1, dim)
    return values[..., 0], index[..., 0]


# ---- unique (no derivative in PyTorch) ----------------------------------------------------


def _no_derivative(name: str):
    def formula(grads):
        raise EvaluationError(
            f"the derivative for '{name}' is not implemented.",
            kind="NotImplementedError",
            hint="unique() has no gradient; compute the gradient before it",
        )

    return formula


@op(
    "_unique2(Tensor self, bool sorted=True, bool return_inverse=False, "
    "bool return_counts=False) -> Tensor, Tensor, Tensor",
    "Unique2Backward0",
    outputs=3,
    method=False,
    function=False,
    grads={"self": _no_derivative("_unique2")},
)
def _unique2(self, sorted=True, return_inverse=False, return_counts=False):
    """The distinct elements, sorted (also for ``sorted=False`` on the CPU)."""
    found, inverse, counts = np.unique(self.reshape(-1), return_inverse=True, return_counts=True)
    return found, inverse.reshape(self.shape).astype(np.int64), counts.astype(np.int64)


@op(
    "unique_dim(Tensor self, Dim dim, bool sorted=True, bool return_inverse=False, "
    "bool return_counts=False) -> Tensor, Tensor, Tensor",
    "UniqueDimBackward0",
    outputs=3,
    method=False,
    function=False,
    grads={"self": _no_derivative("unique_dim")},
)
def unique_dim(self, dim, sorted=True, return_inverse=False, return_counts=False):
    """The distinct slices along ``dim``, sorted."""
    found, inverse, counts = np.unique(self, return_inverse=True, return_counts=True, axis=dim)
    return found, inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


@composite(
    "unique(Tensor self, bool sorted=True, bool return_inverse=False, bool return_counts=False, "
    "Dim? dim=None) -> Tensor",
    example="torch.unique(torch.tensor([3, 1, 3, 2, 1]), return_counts=True)",
)
def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct elements (sorted); with ``return_inverse``/``return_counts`` also where
    each element went and how often each occurs."""
    if dim is None:
        found, inverse, counts = F._unique2(self, sorted, return_inverse, return_counts)
    else:
        found, inverse, counts = F.unique_dim(self, dim, sorted, return_inverse, return_counts)
    extra = [t for t, wanted in ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (found, *extra) if extra else found
