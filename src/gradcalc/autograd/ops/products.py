"""Products: ``dot``, ``vdot``, ``mm``, ``mv``, ``bmm``, ``matmul`` (``@``), ``addmm``,
``addmv``, ``baddbmm``, ``outer``, ``cross``, ``F.linear``, ``tensordot``, ``kron``.

``matmul`` and ``linear`` are composites that follow PyTorch 2.13's ``_matmul_impl`` and
``linear`` step by step (aten/src/ATen/native/LinearAlgebra.cpp and Linear.cpp at
github.com/pytorch/pytorch), so the graph has PyTorch's nodes: ``DotBackward0``,
``MvBackward0``, ``MmBackward0`` under ``UnsafeViewBackward0`` when a batch is folded into the
rows (which PyTorch decides from ``requires_grad`` and strides), ``BmmBackward0`` over
``ExpandBackward0`` for broadcast batches. Each product checks its multiply-add count with
``settings.check_work`` before it runs.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.declare import OPS, Composite, F, composite, in_place_methods_only, op
from gradcalc.autograd.dtype_rules import same
from gradcalc.autograd.ops.support import dim_of, shape_text
from gradcalc.autograd.settings import check_elements, check_work, warn
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError, ShapeError

# The C type names PyTorch's ``mm`` messages use.
_C_NAMES = {
    "float32": "float",
    "float64": "double",
    "float16": "c10::Half",
    "int64": "long int",
    "int32": "int",
    "int16": "short int",
    "int8": "signed char",
    "uint8": "unsigned char",
    "bool": "bool",
}


def _kind(array: np.ndarray) -> str:
    return dtypes.BY_NUMPY[array.dtype].kind_name


def _not_bool(name: str, *arrays) -> None:
    for a in arrays:
        if a.dtype == np.bool_:
            raise EvaluationError(
                f"\"{name}\" not implemented for 'Bool'", kind="NotImplementedError"
            )


def _scalar_type_match(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype != b.dtype:
        raise EvaluationError(f"expected scalar type {_kind(a)} but found {_kind(b)}")


def _scaled(value, factor):
    return value if factor == 1 else value * factor


def _work(what: str, *sizes) -> None:
    check_work(math.prod(sizes), what)


# ---- dot, vdot, mm, mv, bmm -----------------------------------------------------------------


def _vector_pair(self, other, name: str) -> None:
    if self.ndim != 1 or other.ndim != 1:
        raise ShapeError(f"1D tensors expected, but got {self.ndim}D and {other.ndim}D tensors")
    if self.shape != other.shape:
        n, m = self.shape[0], other.shape[0]
        raise ShapeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same "
            f"number of elements, but got {n} and {m} elements respectively"
        )
    if self.dtype != other.dtype:
        raise EvaluationError(
            f"dot : expected both vectors to have same dtype, but found {_kind(self)} and "
            f"{_kind(other)}"
        )
    _not_bool(name, self)
    _work(name, self.shape[0])


@op(
    "dot(Tensor self, Tensor tensor) -> Tensor",
    "DotBackward0",
    dtype=same,
    grads={"self": lambda grad, tensor: grad * tensor, "tensor": lambda grad, self: grad * self},
    example="torch.dot(x, y)",
)
def dot(self, tensor):
    """Inner product of two vectors."""
    _vector_pair(self, tensor, "dot")
    return np.dot(self, tensor)


@op(
    "vdot(Tensor self, Tensor other) -> Tensor",
    "VdotBackward0",
    dtype=same,
    grads={"self": lambda grad, other: grad * other, "other": lambda grad, self: grad * self},
    example="torch.vdot(x, y)",
)
def vdot(self, other):
    """Inner product of two vectors (the first conjugated; for real numbers, ``dot``)."""
    _vector_pair(self, other, "dot")
    return np.dot(self, other)


def _mm_dtypes(a: np.ndarray, b: np.ndarray) -> None:
    if a.dtype != b.dtype:
        raise EvaluationError(
            "expected m1 and m2 to have the same dtype, but got: "
            f"{_C_NAMES[a.dtype.name]} != {_C_NAMES[b.dtype.name]}"
        )
    _not_bool("addmm_impl_cpu_", a)


def _mm_shapes(a: np.ndarray, b: np.ndarray) -> None:
    if a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )


@op(
    "mm(Tensor self, Tensor mat2) -> Tensor",
    "MmBackward0",
    dtype=same,
    grads={
        "self": lambda grad, mat2: F.mm(grad, F.t(mat2)),
        "mat2": lambda grad, self: F.mm(F.t(self), grad),
    },
    example="torch.mm(B, A)",
)
def mm(self, mat2):
    """Product of two matrices."""
    if self.ndim != 2:
        raise ShapeError("self must be a matrix")
    if mat2.ndim != 2:
        raise ShapeError("mat2 must be a matrix")
    _mm_shapes(self, mat2)
    _mm_dtypes(self, mat2)
    _work("mm", self.shape[0], self.shape[1], mat2.shape[1])
    return np.matmul(self, mat2)


def _mv_checks(result_kind: str, mat: np.ndarray, vec: np.ndarray, rows) -> None:
    if mat.ndim != 2 or vec.ndim != 1:
        raise ShapeError(f"vector + matrix @ vector expected, got 1, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0] or rows != mat.shape[0]:
        raise ShapeError(
            f"size mismatch, got input ({rows}), mat ({mat.shape[0]}x{mat.shape[1]}), "
            f"vec ({vec.shape[0]})"
        )
    if not (result_kind == _kind(mat) == _kind(vec)):
        raise EvaluationError(
            "addmv input tensors must have the same dtype, but got "
            f"{result_kind}, {_kind(mat)}, and {_kind(vec)}"
        )
    _not_bool("addmv_impl_cpu", mat)
    _work("mv", *mat.shape)


@op(
    "mv(Tensor self, Tensor vec) -> Tensor",
    "MvBackward0",
    dtype=same,
    grads={
        "self": lambda grad, vec: F.mul(F.unsqueeze(grad, 1), vec),
        "vec": lambda grad, self: F.mv(F.t(self), grad),
    },
    example="torch.mv(A, v)",
)
def mv(self, vec):
    """Product of a matrix and a vector."""
    _mv_checks(_kind(vec), self, vec, self.shape[0] if self.ndim == 2 else 0)
    return np.matmul(self, vec)


def _bmm_checks(a: np.ndarray, b: np.ndarray) -> None:
    if a.ndim != 3:
        raise ShapeError("batch1 must be a 3D tensor")
    if b.ndim != 3:
        raise ShapeError("batch2 must be a 3D tensor")
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        raise ShapeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}]."
        )
    _scalar_type_match(a, b)
    _not_bool("bmm", a)
    _work("bmm", a.shape[0], a.shape[1], a.shape[2], b.shape[2])


@op(
    "bmm(Tensor self, Tensor mat2) -> Tensor",
    "BmmBackward0",
    dtype=same,
    grads={
        "self": lambda grad, mat2: F.bmm(grad, F.transpose(mat2, 1, 2)),
        "mat2": lambda grad, self: F.bmm(F.transpose(self, 1, 2), grad),
    },
    example="torch.bmm(A.expand(2, 3, 3), T)",
)
def bmm(self, mat2):
    """Products of two batches of matrices, pair by pair."""
    _bmm_checks(self, mat2)
    return np.matmul(self, mat2)


# ---- addmm, addmv, baddbmm ------------------------------------------------------------------


def _expand_error(size: tuple, shape: tuple) -> None:
    """``self`` of ``addmm`` must expand to the product's shape: PyTorch's expand message."""
    lead = len(size) - len(shape)
    for i, n in enumerate(size):
        have = shape[i - lead] if i >= lead else 1
        if have not in (1, n):
            raise ShapeError(
                f"The expanded size of the tensor ({n}) must match the existing size ({have}) "
                f"at non-singleton dimension {i}.  Target sizes: {shape_text(size)}.  "
                f"Tensor sizes: {shape_text(shape)}"
            )


def _combine(self, product, beta, alpha):
    out = _scaled(product, alpha)
    if beta == 0:
        return np.broadcast_to(out, product.shape).copy()
    return out + _scaled(self, beta)


@op(
    "addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    "AddmmBackward0",
    dtype=same,
    inplace=True,
    grads={
        "self": lambda grad, beta: _scaled(grad, beta),
        "mat1": lambda grad, mat2, alpha: _scaled(F.mm(grad, F.t(mat2)), alpha),
        "mat2": lambda grad, mat1, alpha: _scaled(F.mm(F.t(mat1), grad), alpha),
    },
    example="torch.addmm(v, B, A)",
)
def addmm(self, mat1, mat2, beta=1, alpha=1):
    """``beta * self + alpha * (mat1 @ mat2)`` (``self`` broadcast)."""
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise ShapeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    _mm_shapes(mat1, mat2)
    if self.dtype != mat2.dtype:
        raise EvaluationError(
            f"self and mat2 must have the same dtype, but got {_kind(self)} and {_kind(mat2)}"
        )
    if mat1.dtype != mat2.dtype:
        raise EvaluationError(
            f"mat1 and mat2 must have the same dtype, but got {_kind(mat1)} and {_kind(mat2)}"
        )
    _not_bool("addmm_impl_cpu_", mat1)
    _expand_error((mat1.shape[0], mat2.shape[1]), self.shape)
    _work("addmm", mat1.shape[0], mat1.shape[1], mat2.shape[1])
    return _combine(self, np.matmul(mat1, mat2), beta, alpha)


@op(
    "addmv(Tensor self, Tensor mat, Tensor vec, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
    "AddmvBackward0",
    dtype=same,
    inplace=True,
    grads={
        "self": lambda grad, beta: _scaled(grad, beta),
        "mat": lambda grad, vec, alpha: _scaled(F.mul(F.unsqueeze(grad, 1), vec), alpha),
        "vec": lambda grad, mat, alpha: _scaled(F.mv(F.t(mat), grad), alpha),
    },
    example="torch.addmv(v, A, v)",
)
def addmv(self, mat, vec, beta=1, alpha=1):
    """``beta * self + alpha * (mat @ vec)`` (``self`` broadcast)."""
    rows = mat.shape[0] if mat.ndim == 2 else 0
    if self.ndim > 1 or (self.ndim == 1 and self.shape[0] not in (1, rows)):
        raise ShapeError(
            f"size mismatch, got input ({self.shape[0] if self.ndim else 1}), mat "
            f"({'x'.join(map(str, mat.shape))}), vec ({vec.shape[0] if vec.ndim else 1})"
        )
    _mv_checks(_kind(self), mat, vec, rows)
    return _combine(self, np.matmul(mat, vec), beta, alpha)


@op(
    "baddbmm(Tensor self, Tensor batch1, Tensor batch2, *, Scalar beta=1, Scalar alpha=1) "
    "-> Tensor",
    "BaddbmmBackward0",
    dtype=same,
    inplace=True,
    grads={
        "self": lambda grad, beta: _scaled(grad, beta),
        "batch1": lambda grad, batch2, alpha: _scaled(
            F.bmm(grad, F.transpose(batch2, 1, 2)), alpha
        ),
        "batch2": lambda grad, batch1, alpha: _scaled(
            F.bmm(F.transpose(batch1, 1, 2), grad), alpha
        ),
    },
    example="torch.baddbmm(T, T, A.expand(2, 3, 3))",
)
def baddbmm(self, batch1, batch2, beta=1, alpha=1):
    """``beta * self + alpha * bmm(batch1, batch2)`` (``self`` broadcast)."""
    _bmm_checks(batch1, batch2)
    if not (self.dtype == batch1.dtype == batch2.dtype):
        raise EvaluationError(
            f"Input dtypes must be the same, got: input {_C_NAMES[self.dtype.name]}, batch1: "
            f"{_C_NAMES[batch1.dtype.name]}, batch2: {_C_NAMES[batch2.dtype.name]}"
        )
    _expand_error((batch1.shape[0], batch1.shape[1], batch2.shape[2]), self.shape)
    return _combine(self, np.matmul(batch1, batch2), beta, alpha)


# ---- matmul ---------------------------------------------------------------------------------


def _matmul_work(a: tuple, b: tuple) -> int:
    """Multiply-adds of ``a @ b``, or 0 when the shapes do not fit (the op says why)."""
    k = a[-1]
    rows = a[-2] if len(a) > 1 else 1
    cols = b[-1] if len(b) > 1 else 1
    try:
        batch = broadcast_shapes(tuple(a[:-2]), tuple(b[:-2]))
    except ShapeError:
        return 0
    return math.prod(batch) * rows * k * cols


def _should_fold(a: Tensor, b: Tensor) -> bool:
    a_larger = a.ndim >= b.ndim
    t1 = a.array if a_larger else np.swapaxes(b.array, -1, -2)
    small = b.ndim if a_larger else a.ndim
    if not (t1.ndim >= 3 and small <= 2):
        return False
    if (b if a_larger else a)._requires_grad:
        return True
    if a.ndim == 2:
        return False
    if t1.size == 0:
        return True
    shape, strides = t1.shape, t1.strides
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(t1.ndim - 2))


def _matmul_tensors(a: Tensor, b: Tensor):
    da, db = a.ndim, b.ndim
    if da == 1 and db == 1:
        return F.dot(a, b)
    if da == 2 and db == 1:
        return F.mv(a, b)
    if da == 1 and db == 2:
        return F._squeeze_result(F.mm(F.unsqueeze(a, 0), b), 0)
    if da == 2 and db == 2:
        return F.mm(a, b)
    if _should_fold(a, b):
        transpose = db > da
        t1 = F.transpose(b, -2, -1) if transpose else a
        t2 = (F.t(a) if da == 2 else a) if transpose else b
        shape = tuple(t1.shape[:-1])
        folded = F.reshape(t1, (math.prod(shape), t1.shape[-1]))
        if len(t2.shape) == 2:
            out = F._unsafe_view(F.mm(folded, t2), shape + (t2.shape[1],))
            return F.contiguous(F.transpose(out, -2, -1)) if transpose else out
        return F._unsafe_view(F.mv(folded, t2), shape)
    n = a.shape[-2] if da > 1 else 1
    m1 = a.shape[-1]
    batch1 = tuple(a.shape[: max(da - 2, 0)])
    m2 = b.shape[-2] if db > 1 else b.shape[0]
    p = b.shape[-1] if db > 1 else 1
    batch2 = tuple(b.shape[: max(db - 2, 0)])
    if da == 3 and db == 3 and batch1[0] != batch2[0]:
        if batch1[0] == 1 and a._requires_grad:
            return _matmul_tensors(F.squeeze(a, (0,)), b)
        if batch2[0] == 1 and b._requires_grad:
            return _matmul_tensors(a, F.squeeze(b, (0,)))
    batch = broadcast_shapes(batch1, batch2)
    count = math.prod(batch)
    left = F.reshape(F.expand(a, batch + (n, m1)), (count, n, m1))
    if db == 1:
        right = F.unsqueeze(F.reshape(F.expand(b, batch + (m2,)), (count, m2)), 2)
    else:
        right = F.reshape(F.expand(b, batch + (m2, p)), (count, m2, p))
    shape = batch + ((n,) if da > 1 else ()) + ((p,) if db > 1 else ())
    product = F.bmm(left, right)
    if db == 1:
        product = F.squeeze(product, (-1 % product.ndim,))
    return F._unsafe_view(product, shape)


class _OperatorComposite(Composite):
    """A composite that is also a Tensor operator (``@``): ``binary`` is what ``methods``
    calls for an operator."""

    def binary(self, a, b):
        return self(a, b)


def _matmul(self, other):
    if isinstance(self, np.ndarray):
        return np.matmul(self, other)
    if type(other) is not Tensor:
        raise ArgumentError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
        )
    if self.ndim == 0 or other.ndim == 0:
        raise ShapeError(
            "both arguments to matmul need to be at least 1D, but they are "
            f"{self.ndim}D and {other.ndim}D"
        )
    check_work(_matmul_work(self.shape, other.shape), "matmul")
    return _matmul_tensors(self, other)


matmul = _OperatorComposite(
    "matmul(Tensor self, Tensor other) -> Tensor",
    _matmul,
    operators=("__matmul__",),
    namespaces=("torch", "linalg"),
    doc="Matrix product with broadcasting: vectors, matrices and batches of matrices.",
    example="torch.matmul(B, A)",
)
OPS[matmul.name] = matmul
F._register(matmul)


@op(
    "_squeeze_result(Tensor self, int dim) -> Tensor",
    "SqueezeBackward4",
    method=False,
    function=False,
    grads={"self": lambda grad, dim: F.unsqueeze(grad, dim)},
)
def _squeeze_result(self, dim):
    """``mm(...).squeeze_(0)`` in ``matmul``: PyTorch's in-place squeeze of a fresh result."""
    return np.squeeze(self, dim)


# ---- outer, cross, linear, tensordot, kron --------------------------------------------------


@composite(
    "outer(Tensor self, Tensor vec2) -> Tensor", aliases=("ger",), example="torch.outer(x, y)"
)
def outer(self, vec2):
    """Outer product of two vectors: ``out[i, j] = self[i] * vec2[j]``."""
    for name, t in (("self", self), ("vec2", vec2)):
        if len(t.shape) != 1:
            raise ShapeError(f"outer: Expected 1-D argument {name}, but got {len(t.shape)}-D")
    check_work(self.shape[0] * vec2.shape[0], "outer")
    check_elements((self.shape[0], vec2.shape[0]), "result of outer()")
    return F.mul(F.reshape(self, (self.shape[0], 1)), vec2)


def _cross_forward(self, other, dim):
    _scalar_type_match(self, other)
    if self.ndim != other.ndim:
        raise ShapeError("linalg.cross: inputs must have the same number of dimensions.")
    d = dim_of(dim, self.ndim)
    if self.shape[d] != 3 or other.shape[d] != 3:
        raise ShapeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got {self.shape[d]} and "
            f"{other.shape[d]}"
        )
    shape = broadcast_shapes(self.shape, other.shape)
    return np.cross(np.broadcast_to(self, shape), np.broadcast_to(other, shape), axis=d)


@op(
    "cross.linalg(Tensor self, Tensor other, *, int dim=-1) -> Tensor",
    "LinalgCrossBackward0",
    dtype=same,
    method=False,
    namespaces=("linalg",),
    grads={
        "self": lambda grad, other, dim: F.cross_linalg(other, grad, dim=dim),
        "other": lambda grad, self, dim: F.cross_linalg(grad, self, dim=dim),
    },
    example="torch.linalg.cross(A, torch.eye(3))",
)
def cross_linalg(self, other, dim=-1):
    """Cross product of 3-vectors along ``dim`` (broadcasting)."""
    return _cross_forward(self, other, dim)


@composite(
    "cross(Tensor self, Tensor other, int? dim=None) -> Tensor",
    example="torch.cross(B, torch.ones(2, 3), dim=1)",
)
def cross(self, other, dim=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3)."""
    if dim is None:
        warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease either "
            "pass the dim explicitly or simply use torch.linalg.cross.\nThe default value of "
            "dim will change to agree with that of linalg.cross in a future release. "
            "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/Cross.cpp:63.)"
        )
        sizes = list(self.shape)
        if 3 not in sizes:
            raise ShapeError("no dimension of size 3 in input")
        dim = sizes.index(3)
    return F.cross_linalg(self, other, dim=dim)


@composite(
    "linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.linear(B, A, v)",
)
def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, composed as PyTorch composes it."""
    ndim, wdim = len(input.shape), len(weight.shape)
    if ndim == 0 or wdim == 0:
        raise ShapeError(
            f"both arguments to linear need to be at least 1D, but they are {ndim}D and {wdim}D"
        )
    if ndim == 2 and bias is not None:
        return F.addmm(bias, input, F.t(weight))
    if bias is not None and bias.ndim == 1 and input.array.flags.c_contiguous:
        rows = math.prod(input.shape[:-1])
        flat = F.reshape(input, (rows, input.shape[-1]))
        out = F.addmm(bias, flat, F.t(weight))
        return F.view(out, tuple(input.shape[:-1]) + (out.shape[1],))
    out = F.matmul(input, F.t(weight))
    return out if bias is None else F.add(out, bias)


def _tensordot_dims(dims, a: Tensor, b: Tensor) -> tuple:
    if isinstance(dims, bool) or not isinstance(dims, int | list | tuple | Tensor):
        raise EvaluationError(
            "tensordot expects dims to be int or tuple[list[int], list[int]] or "
            f"list[list[int]] containing two lists, but got dims={dims}"
        )
    if isinstance(dims, Tensor):
        dims = dims.array.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise EvaluationError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise EvaluationError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    first, second = dims
    as_list = lambda d: [d] if isinstance(d, int) else list(d)  # noqa: E731
    return as_list(first), as_list(second)


@composite(
    "tensordot(Tensor self, Tensor other, Any dims=2) -> Tensor",
    method=False,
    example="torch.tensordot(B, A, dims=1)",
)
def tensordot(self, other, dims=2):
    """Sum of products over the dims ``dims`` of each tensor (``dims=n``: last n / first n)."""
    dims1, dims2 = _tensordot_dims(dims, self, other)
    if len(dims1) != len(dims2):
        raise EvaluationError("both dimension lists should have same length")
    if self.array.dtype != other.array.dtype:
        raise EvaluationError("both inputs should have same dtype")
    t1, t2 = self, other
    size = 1
    for d1, d2 in zip(dims1, dims2):
        s1, s2 = self.shape[d1], other.shape[d2]
        if s2 == 1:
            t1 = F.sum_dim(t1, (d1,), True)
        elif s1 == 1:
            t2 = F.sum_dim(t2, (d2,), True)
        elif s1 != s2:
            raise ShapeError(
                f"contracted dimensions need to match, but first has size {s1} in dim {d1} and "
                f"second has size {s2} in dim {d2}"
            )
        else:
            size *= s1
    dims1 = [dim_of(d, self.ndim) for d in dims1]
    dims2 = [dim_of(d, other.ndim) for d in dims2]
    c1, c2 = set(dims1), set(dims2)
    p1 = [i for i in range(self.ndim) if i not in c1] + list(dims1)
    p2 = list(dims2) + [i for i in range(other.ndim) if i not in c2]
    kept1 = [t1.shape[i] for i in range(self.ndim) if i not in c1]
    kept2 = [t2.shape[i] for i in range(other.ndim) if i not in c2]
    rows, cols = math.prod(kept1), math.prod(kept2)
    if rows != 1 or cols != 1:
        left = F.reshape(F.permute(t1, tuple(p1)), (rows, size))
        right = F.reshape(F.permute(t2, tuple(p2)), (size, cols))
        return F.reshape(F.mm(left, right), tuple(kept1 + kept2))
    # A full contraction: PyTorch takes dot (or mul and sum when a copy would be needed).
    t1, t2 = F.permute(t1, tuple(p1)), F.permute(t2, tuple(p2))
    if t1.array.flags.c_contiguous and t2.array.flags.c_contiguous:
        total = F.dot(F.flatten(t1, 0, -1), F.flatten(t2, 0, -1))
    else:
        total = F.sum(F.mul(F.squeeze(t1, None), F.squeeze(t2, None)))
    return F.reshape(total, tuple(kept1 + kept2))


@composite("kron(Tensor self, Tensor other) -> Tensor", example="torch.kron(B, torch.eye(2))")
def kron(self, other):
    """Kronecker product: every element of ``self`` times the whole of ``other``."""
    ndim = max(self.ndim, other.ndim)
    pad_a, pad_b = ndim - self.ndim, ndim - other.ndim
    a_shape, b_shape, out_shape = [], [], []
    for i in range(ndim):
        a = self.shape[i - pad_a] if i >= pad_a else 1
        b = other.shape[i - pad_b] if i >= pad_b else 1
        a_shape += [a, 1]
        b_shape += [1, b]
        out_shape.append(a * b)
    check_elements(out_shape, "result of kron()")
    product = F.mul(F._unsafe_view(self, tuple(a_shape)), F._unsafe_view(other, tuple(b_shape)))
    return F._unsafe_view(product, tuple(out_shape))


# PyTorch has these ops' in-place methods (x.add_()) but no torch.add_ function.
in_place_methods_only(addmm, baddbmm)
