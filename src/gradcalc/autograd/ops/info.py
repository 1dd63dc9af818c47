"""What a tensor is (``size``, ``dim``, ``stride``, ``equal``, ``allclose``) and the
in-place fills (``zero_``, ``fill_``), with PyTorch's spellings.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import composite, op
from gradcalc.autograd.dtype_rules import boolean, same
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.schema import normalize_dim
from gradcalc.autograd.values import Size, UntypedStorage
from gradcalc.errors import EvaluationError


@composite("size(Tensor self, int? dim=None) -> Any", function=False, example="B.size()")
def size(self, dim=None):
    """The shape (``torch.Size``), or the size of one dim."""
    if dim is None:
        return Size(self.array.shape)
    return self.array.shape[normalize_dim(dim, self.array.ndim)]


@composite("stride(Tensor self, int? dim=None) -> Any", function=False, example="B.stride()")
def stride(self, dim=None):
    """Elements to step in memory along each dim."""
    strides = tuple(s // self.array.itemsize for s in self.array.strides)
    return strides if dim is None else strides[normalize_dim(dim, self.array.ndim)]


@composite("numel(Tensor self) -> int", example="torch.numel(B)")
def numel(self):
    """The number of elements."""
    return int(self.array.size)


@composite("nelement(Tensor self) -> int", function=False, example="B.nelement()")
def nelement(self):
    """The number of elements (``numel``)."""
    return int(self.array.size)


@composite("dim(Tensor self) -> int", function=False, example="T.dim()")
def dim(self):
    """The number of dims."""
    return self.array.ndim


@composite("ndimension(Tensor self) -> int", function=False, example="B.ndimension()")
def ndimension(self):
    """The number of dims (``dim()``)."""
    return self.array.ndim


@composite("is_floating_point(Tensor self) -> bool", example="torch.is_floating_point(x)")
def is_floating_point(self):
    """Whether the dtype is a float."""
    return self.array.dtype.kind == "f"


@composite(
    "is_contiguous(Tensor self, *, MemoryFormat? memory_format=None) -> bool",
    function=False,
    example="B.t().is_contiguous()",
)
def is_contiguous(self, memory_format=None):
    """Whether the elements lie in memory in row-major order, without gaps."""
    return bool(self.array.flags.c_contiguous)


@composite("element_size(Tensor self) -> int", function=False, example="x.element_size()")
def element_size(self):
    """Bytes per element."""
    return self.array.itemsize


@composite(
    "data_ptr(Tensor self) -> int", function=False, example="x[1:].data_ptr() - x.data_ptr()"
)
def data_ptr(self):
    """The address of the first element (equal for tensors that share memory there)."""
    return self.array.__array_interface__["data"][0]


@composite("storage_offset(Tensor self) -> int", function=False, example="x[2:].storage_offset()")
def storage_offset(self):
    """Elements between the start of the base's memory and this tensor's first element."""
    base = self._base if self._base is not None else self
    start = base.array.__array_interface__["data"][0]
    return (self.array.__array_interface__["data"][0] - start) // self.array.itemsize


@composite(
    "untyped_storage(Tensor self) -> Any",
    function=False,
    example="x.untyped_storage().data_ptr() == x.detach().untyped_storage().data_ptr()",
)
def untyped_storage(self):
    """The bytes of the memory this tensor shares with its views and detached copies."""
    memory = self.array
    while isinstance(memory.base, np.ndarray):
        memory = memory.base
    if not memory.flags.c_contiguous:  # a broadcast or strided base: its elements, in order
        memory = np.ascontiguousarray(memory)
    return UntypedStorage(memory.reshape(-1).view(np.uint8))


@composite("type(Tensor self, Any dtype=None) -> Any", function=False, example="x.type()")
def type_(self, dtype=None):
    """``'torch.FloatTensor'``, or the tensor converted to ``dtype``."""
    d = dtypes.BY_NUMPY[self.array.dtype]
    if dtype is None:
        return f"torch.{d.tensor_type}"
    if isinstance(dtype, str):
        name = dtype.removeprefix("torch.")
        for candidate in dtypes.ALL:
            if candidate.tensor_type == name:
                dtype = candidate
                break
    target = dtypes.as_dtype(dtype)
    from gradcalc.autograd.declare import F

    return self if target is d else F._to_copy(self, target)


@composite("equal(Tensor self, Tensor other) -> bool", example="torch.equal(x, x.clone())")
def equal(self, other):
    """True when both have the same shape and elements."""
    return self.array.shape == other.array.shape and bool(np.array_equal(self.array, other.array))


def _close(a, b, rtol, atol, equal_nan):
    x = a.array if hasattr(a, "array") else np.asarray(a)
    y = b.array if hasattr(b, "array") else np.asarray(b)
    return np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)


@composite(
    "allclose(Tensor self, Tensor other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> bool",
    example="torch.allclose(x, x + 1e-6)",
)
def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when every element is within ``atol + rtol * |other|``."""
    if self.array.dtype != other.array.dtype:
        raise EvaluationError(
            f"{dtypes.BY_NUMPY[self.array.dtype].kind_name} did not match "
            f"{dtypes.BY_NUMPY[other.array.dtype].kind_name}"
        )
    return bool(np.all(_close(self, other, rtol, atol, equal_nan)))


@op(
    "isclose(Tensor self, Tensor|Scalar other, float rtol=1e-05, float atol=1e-08, bool equal_nan=False) -> Tensor",
    dtype=boolean,
    example="torch.isclose(x, torch.tensor([-1.5, 0.5, 0.25000001, 2.1]))",
)
def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise: within ``atol + rtol * |other|`` (a bool tensor)."""
    return np.isclose(self, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


@op(
    "zero_like_fill(Tensor self) -> Tensor",
    "ZeroBackward0",
    method=False,
    function=False,
    inplace="zero_",
    dtype=same,
    example="x.clone().zero_()",
    grads={"self": lambda grad: grad * 0},
)
def zero_like_fill(self):
    """Zeros of ``self``'s shape (``x.zero_()``)."""
    return np.zeros_like(self)


def _fill_node(self, value):
    return "FillBackward3" if type(value).__name__ == "Tensor" else "FillBackward2"


@op(
    "fill(Tensor self, Tensor|Scalar value) -> Tensor",
    _fill_node,
    method=False,
    function=False,
    inplace="fill_",
    dtype=same,
    example="x.clone().fill_(7.0)",
    grads={"self": lambda grad: grad * 0},
)
def fill(self, value):
    """``value`` everywhere, in ``self``'s shape and dtype (``x.fill_(v)``)."""
    return np.full_like(self, value)


def _new(name: str, make, example: str):
    def new(self, size, dtype=None, device=None, requires_grad=False):
        target = dtype or dtypes.BY_NUMPY[self.array.dtype]
        return leaf(make(tuple(size), target.np), requires_grad)

    new.__name__ = name
    new.__doc__ = f"A new tensor of {name[4:]} with this tensor's dtype."
    return composite(
        f"{name}(Tensor self, int[] size, *, ScalarType? dtype=None, Device? device=None, "
        "bool requires_grad=False) -> Tensor",
        function=False,
        example=example,
    )(new)


_new_zeros = _new("new_zeros", np.zeros, "x.new_zeros(2, 3)")
_new_ones = _new("new_ones", np.ones, "idx.new_ones(3)")
_new_empty = _new("new_empty", np.zeros, "x.new_empty(2, 3).shape")


@composite(
    "new_full(Tensor self, int[] size, Scalar fill_value, *, ScalarType? dtype=None, "
    "Device? device=None, bool requires_grad=False) -> Tensor",
    function=False,
    example="x.new_full((2,), 7.0)",
)
def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    """A new tensor of ``size`` filled with ``fill_value``, with this tensor's dtype."""
    target = dtype or dtypes.BY_NUMPY[self.array.dtype]
    return leaf(np.full(tuple(size), fill_value, target.np), requires_grad)


@composite(
    "new_tensor(Tensor self, Any data, *, ScalarType? dtype=None, Device? device=None, "
    "bool requires_grad=False) -> Tensor",
    function=False,
    example="idx.new_tensor([1, 2, 3])",
)
def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    """A new tensor of ``data`` with this tensor's dtype."""
    from gradcalc.autograd.ops.constructors import data_array

    target = dtype or dtypes.BY_NUMPY[self.array.dtype]
    return leaf(data_array(data, target), requires_grad)
