"""Views: results that share their input's memory (``view``, ``t``, ``select``, ...).

A view's array is a numpy view of its input's, so writes go through; ``declare`` gives it
the input's base and version counter and records how to replay it (for in-place writes
through views, ``inplace.py``). PyTorch's node names, and its size checks and messages.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.dtype_rules import from_forward
from gradcalc.autograd.settings import check_elements
from gradcalc.errors import ArgumentError, IndexOutOfRange, ShapeError


def infer_size(shape: tuple, numel: int) -> tuple:
    """``shape`` with its one ``-1`` filled in, checked against ``numel`` as PyTorch does."""
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise ShapeError("only one dimension can be inferred")
    for n in shape:
        if n < -1:
            raise ShapeError(f"invalid shape dimension {n}")
    known = math.prod(n for n in shape if n != -1)
    text = "[" + ", ".join(str(n) for n in shape) + "]"
    if unknown:
        if known == 0 or numel % known:
            raise ShapeError(f"shape '{text}' is invalid for input of size {numel}")
        shape = tuple(numel // known if n == -1 else n for n in shape)
    elif known != numel:
        raise ShapeError(f"shape '{text}' is invalid for input of size {numel}")
    return tuple(shape)


@op(
    "view(Tensor self, int[] size) -> Tensor",
    "ViewBackward0",
    view=True,
    function=False,
    grads={"self": lambda grad, self_shape: F.reshape(grad, self_shape)},
    example="B.view(-1)",
)
def view(self, size):
    """The same elements under another shape, sharing memory (``-1``: inferred)."""
    size = infer_size(size, self.size)
    try:
        return np.reshape(self, size, copy=False)
    except ValueError:
        raise ShapeError(
            "view size is not compatible with input tensor's size and stride (at least one "
            "dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
            hint="use .reshape(...), which copies when it has to",
        ) from None


@op(
    "_unsafe_view(Tensor self, int[] size) -> Tensor",
    "UnsafeViewBackward0",
    method=False,
    function=False,
    grads={"self": lambda grad, self_shape: F.reshape(grad, self_shape)},
)
def _unsafe_view(self, size):
    return np.reshape(self, size)


@op(
    "_reshape_alias(Tensor self, int[] size) -> Tensor",
    "ReshapeAliasBackward0",
    view=True,
    method=False,
    function=False,
    grads={"self": lambda grad, self_shape: F.reshape(grad, self_shape)},
)
def _reshape_alias(self, size):
    return np.reshape(self, size, copy=False)


def _viewable(array, shape) -> bool:
    try:
        np.reshape(array, shape, copy=False)
    except ValueError:
        return False
    return True


@composite("reshape(Tensor self, int[] shape) -> Tensor", example="B.reshape(3, -1)")
def reshape(self, shape):
    """The same elements under another shape: a view when memory allows, else a copy."""
    array = self if isinstance(self, np.ndarray) else self.array
    shape = infer_size(shape, array.size)
    if isinstance(self, np.ndarray):
        return np.reshape(self, shape)
    # PyTorch's reshape: a view of contiguous memory, an alias with computed strides of other
    # memory that allows one, else a copy; each records its own node.
    if array.flags.c_contiguous:
        return F.view(self, shape)
    if _viewable(array, shape):
        return F._reshape_alias(self, shape)
    return F._unsafe_view(F.clone(self), shape)


@composite("flatten(Tensor self, int start_dim=0, int end_dim=-1) -> Tensor", example="B.flatten()")
def flatten(self, start_dim=0, end_dim=-1):
    """Dims ``start_dim`` to ``end_dim`` merged into one."""
    shape = self.shape
    if len(shape) == 0:
        return F.reshape(self, (1,))
    from gradcalc.autograd.schema import normalize_dim

    start = normalize_dim(start_dim, len(shape))
    end = normalize_dim(end_dim, len(shape))
    if start > end:
        raise ArgumentError("flatten() has invalid args: start_dim cannot come after end_dim")
    if start == end:
        return self
    merged = math.prod(shape[start : end + 1])
    return F.reshape(self, tuple(shape[:start]) + (merged,) + tuple(shape[end + 1 :]))


def _expand_shape(shape: tuple, size: tuple) -> tuple:
    if len(size) < len(shape):
        raise ShapeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, shape))}]}}, size=[{', '.join(map(str, size))}]): the number of sizes provided ({len(size)}) must be greater or equal to the number of dimensions in the tensor ({len(shape)})"
        )
    lead = len(size) - len(shape)
    out = []
    for i, n in enumerate(size):
        if i < lead:
            if n < 0:
                raise ShapeError(
                    f"The expanded size of the tensor ({n}) isn't allowed in a leading, "
                    "non-existing dimension 0"
                )
            out.append(n)
            continue
        have = shape[i - lead]
        if n == -1:
            out.append(have)
        elif have == 1 or have == n:
            out.append(n)
        else:
            raise ShapeError(
                f"The expanded size of the tensor ({n}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: [{', '.join(map(str, size))}].  "
                f"Tensor sizes: [{', '.join(map(str, shape))}]"
            )
    check_elements(out, "expanded tensor")
    return tuple(out)


@op(
    "expand(Tensor self, int[] size) -> Tensor",
    "ExpandBackward0",
    view=True,
    function=False,
    grads={"self": lambda grad, self_shape: F.sum_to_size(grad, self_shape)},
    example="x.expand(2, -1)",
)
def expand(self, size):
    """A view that repeats size-1 dims (``-1`` keeps a size), without copying."""
    shape = _expand_shape(self.shape, tuple(size))
    if self.ndim == 0 and self.flags.c_contiguous:
        # np.broadcast_to's view, made directly: a sum's gradient in every backward pass,
        # where broadcast_to's Python-level checks cost 4x the view itself
        view = np.ndarray(shape, self.dtype, self, 0, (0,) * len(shape))
        view.flags.writeable = False
        return view
    return np.broadcast_to(self, shape)


@composite(
    "sum_to_size(Tensor self, int[] size) -> Tensor", function=False, example="B.sum_to_size(1, 3)"
)
def sum_to_size(self, size):
    """Summed over broadcast dims down to ``size``."""
    shape = tuple(self.shape)
    size = tuple(size)
    if shape == size:
        return self
    lead = len(shape) - len(size)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(size) if n == 1 and shape[lead + i] != 1
    )
    out = F.sum_dim(self, dims, True) if dims else self
    return F.reshape(out, size) if lead else out


@composite(
    "expand_as(Tensor self, Tensor other) -> Tensor", function=False, example="v.expand_as(B)"
)
def expand_as(self, other):
    """``self.expand(other.size())``."""
    return F.expand(self, tuple(other.shape))


def _inverse(dims: tuple) -> tuple:
    n = len(dims)
    return tuple(int(i) for i in np.argsort([d % n if n else d for d in dims]))


@op(
    "permute(Tensor self, int[] dims) -> Tensor",
    "PermuteBackward0",
    view=True,
    grads={"self": lambda grad, dims: F.permute(grad, _inverse(dims))},
    example="B.permute(1, 0)",
)
def permute(self, dims):
    """Dims reordered: dim ``i`` of the result is dim ``dims[i]`` of the input."""
    from gradcalc.autograd.schema import normalize_dim

    if len(dims) != self.ndim:
        raise ShapeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = {self.ndim} "
            f"is not equal to len(dims) = {len(dims)}"
        )
    axes = tuple(normalize_dim(d, self.ndim) for d in dims)
    if len(set(axes)) != len(axes):
        raise ShapeError("permute(): duplicate dims are not allowed.")
    return np.transpose(self, axes)


@op(
    "transpose(Tensor self, Dim dim0, Dim dim1) -> Tensor",
    "TransposeBackward0",
    view=True,
    aliases=("swapaxes", "swapdims"),
    grads={"self": lambda grad, dim0, dim1: F.transpose(grad, dim0, dim1)},
    example="B.transpose(0, 1)",
)
def transpose(self, dim0, dim1):
    """Dims ``dim0`` and ``dim1`` swapped."""
    return np.swapaxes(self, dim0, dim1)


@op(
    "t(Tensor self) -> Tensor",
    "TBackward0",
    view=True,
    grads={"self": lambda grad: F.t(grad)},
    example="B.t()",
)
def t(self):
    """The transpose of a matrix (vectors and scalars stay as they are)."""
    if self.ndim > 2:
        raise ShapeError(f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D")
    return self.T if self.ndim == 2 else self.view()


@op(
    "unsqueeze(Tensor self, NewDim dim) -> Tensor",
    "UnsqueezeBackward0",
    view=True,
    grads={"self": lambda grad, dim: F.squeeze(grad, (dim,))},
    example="x.unsqueeze(1)",
)
def unsqueeze(self, dim):
    """A new size-1 dim at ``dim``."""
    return np.expand_dims(self, dim)


def _squeeze_node(self, dim=None):
    if dim is None:
        return "SqueezeBackward0"
    return "SqueezeBackward1" if len(dim) == 1 else "SqueezeBackward2"


@op(
    "squeeze(Tensor self, Dim[]? dim=None) -> Tensor",
    _squeeze_node,
    view=True,
    grads={"self": lambda grad, self_shape: F.reshape(grad, self_shape)},
    example="B[:1].squeeze(0)",
)
def squeeze(self, dim=None):
    """Size-1 dims removed (all of them, or those in ``dim`` that have size 1)."""
    if dim is None:
        axes = tuple(i for i, n in enumerate(self.shape) if n == 1)
    else:
        axes = tuple(i for i in dim if self.shape[i] == 1)
    return np.squeeze(self, axes) if axes else self.view()


@op(
    "select(Tensor self, Dim dim, int index) -> Tensor",
    "SelectBackward0",
    view=True,
    grads={
        "self": lambda grad, self_shape, dim, index: F.select_backward(grad, self_shape, dim, index)
    },
    example="B.select(1, 2)",
)
def select(self, dim, index):
    """The slice at ``index`` along ``dim`` (that dim removed)."""
    n = self.shape[dim] if self.ndim else 0
    if not -n <= index < n:
        raise IndexOutOfRange(
            f"select(): index {index} out of range for tensor of size "
            f"[{', '.join(map(str, self.shape))}] at dimension {dim}"
        )
    return self[(slice(None),) * dim + (index, Ellipsis)]  # a 0-d view, not a scalar


@op(
    "select_backward(Tensor grad_output, int[] input_sizes, int dim, int index) -> Tensor",
    "SelectBackwardBackward0",
    method=False,
    function=False,
    dtype=from_forward,
    grads={"grad_output": lambda grad, dim, index: F.select(grad, dim, index)},
)
def select_backward(grad_output, input_sizes, dim, index):
    out = np.zeros(input_sizes, dtype=grad_output.dtype)
    out[(slice(None),) * dim + (index,)] = grad_output
    return out


@op(
    "slice(Tensor self, Dim dim=0, int? start=None, int? end=None, int step=1) -> Tensor",
    "SliceBackward0",
    view=True,
    function=False,
    method=False,
    grads={
        "self": lambda grad, self_shape, dim, start, end, step: F.slice_backward(
            grad, self_shape, dim, start, end, step
        )
    },
)
def slice_(self, dim=0, start=None, end=None, step=1):
    if step <= 0:
        raise ArgumentError("slice step must be positive", kind="ValueError")
    return self[(slice(None),) * dim + (slice(start, end, step),)]


@op(
    "slice_backward(Tensor grad_output, int[] input_sizes, int dim, int? start, int? end, int step) -> Tensor",
    "SliceBackwardBackward0",
    method=False,
    function=False,
    dtype=from_forward,
    grads={"grad_output": lambda grad, dim, start, end, step: F.slice(grad, dim, start, end, step)},
)
def slice_backward(grad_output, input_sizes, dim, start, end, step):
    out = np.zeros(input_sizes, dtype=grad_output.dtype)
    out[(slice(None),) * dim + (slice(start, end, step),)] = grad_output
    return out


@composite(
    "narrow(Tensor self, int dim, int start, int length) -> Tensor", example="B.narrow(1, 1, 2)"
)
def narrow(self, dim, start, length):
    """``length`` elements along ``dim`` from ``start``, as a view."""
    from gradcalc.autograd.schema import normalize_dim

    dim = normalize_dim(dim, len(self.shape))
    size = self.shape[dim]
    if start < 0:
        start += size
    if start < 0 or start + length > size or length < 0:
        raise IndexOutOfRange(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}).",
            kind="RuntimeError",
        )
    return F.slice(self, dim, start, start + length, 1)


@op(
    "alias(Tensor self) -> Tensor",
    "AliasBackward0",
    view=True,
    method=False,
    function=False,
    grads={"self": lambda grad: grad},
)
def alias(self):
    return self.view()


def _replay(view_fn, x):
    for step, params in view_fn:
        x = step.raw(x, *params)
    return x


@op(
    "view_scatter(Tensor self, Tensor src, Any view_fn) -> Tensor",
    "ViewScatterBackward0",
    method=False,
    function=False,
    grads={
        "self": lambda grad, view_fn: F.view_scatter(grad, _replay(view_fn, grad) * 0, view_fn),
        "src": lambda grad, view_fn: _replay(view_fn, grad),
    },
)
def view_scatter(self, src, view_fn):
    """``self`` with the part ``view_fn`` picks replaced by ``src`` (a write through a view,
    as a function, for gradients of gradients)."""
    out = np.array(self, copy=True)
    _replay(view_fn, out)[...] = src
    return out
