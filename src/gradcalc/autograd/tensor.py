"""The Tensor: a numpy array plus what reverse-mode autograd needs to know about it.

Only state and bookkeeping live here. Every operation (operators ``+ - * / ** @``,
comparisons, indexing, and methods such as ``x.sum(dim=0)``) is attached from the one
function table in ``functional.py``, so each spelling runs the same rule.
"""

from __future__ import annotations

import weakref

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.settings import STATE
from gradcalc.errors import ArgumentError, AutogradError, ShapeError, ValueDomainError


class Tensor:
    # ``_site``: where an operator made this tensor, set on large results only (elision.py).
    # ``_version``: in-place changes so far, set by the first one only (``mark_modified``).
    __slots__ = (
        "__weakref__",
        "_accumulator",
        "_grad",
        "_requires_grad",
        "_site",
        "_version",
        "data",
        "grad_fn",
    )

    # numpy must defer to our reflected operators (``np.float64(2) * t`` -> ``t.__rmul__``).
    __array_ufunc__ = None
    __hash__ = object.__hash__

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        from gradcalc.autograd.ops.constructors import as_array

        self.data = as_array(data, dtype)
        self.grad_fn = None
        self._grad = None
        self._accumulator = None
        self._requires_grad = False
        if requires_grad:
            self.requires_grad = True

    @classmethod
    def _make(cls, data: np.ndarray, requires_grad: bool = False, grad_fn=None) -> Tensor:
        """Wrap an array without checks (the hot path of every op)."""
        return make_tensor(data, requires_grad, grad_fn)

    # ---- what users see -------------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        value = bool(value)
        if self.grad_fn is not None:
            if value:
                return
            raise AutogradError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().",
                hint="call .detach() to get a tensor cut from the graph",
            )
        if value and self.data.dtype.kind != "f":
            raise AutogradError("only Tensors of floating point dtype can require gradients")
        self._requires_grad = value

    @property
    def grad(self) -> Tensor | None:
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise ArgumentError(
                    f"assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.shape != self.shape:
                raise ShapeError("assigned grad has data of a different size")
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        node = self.grad_fn
        return node is not None and node.retained is not None and node.retained() is self

    def retain_grad(self) -> None:
        """Keep ``.grad`` of this non-leaf after backward (a no-op on leaves, as in PyTorch)."""
        if not self._requires_grad:
            raise AutogradError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    def detach(self) -> Tensor:
        """The same values, cut from the graph (shares the data, as in PyTorch)."""
        return Tensor._make(self.data)

    def backward(
        self,
        gradient=None,
        retain_graph=None,
        create_graph=False,
        inputs=None,
        *,
        on_node=None,
        keep_output_grads=None,
    ) -> None:
        """Accumulate gradients into the leaves (see ``engine.backward`` for the extras)."""
        from gradcalc.autograd.engine import backward

        backward(
            self,
            gradient,
            retain_graph,
            create_graph,
            inputs,
            on_node=on_node,
            keep_output_grads=keep_output_grads,
        )

    def item(self) -> float | int | bool:
        if self.data.size != 1:
            raise ValueDomainError(
                f"a Tensor with {self.data.size} elements cannot be converted to Scalar",
                hint="item() needs a one-element tensor; reduce it first, e.g. sum(...)",
            )
        return self.data.reshape(()).item()

    def numel(self) -> int:
        return int(self.data.size)

    def dim(self) -> int:
        return self.data.ndim

    def size(self, dim: int | None = None):
        if dim is None:
            return self.data.shape
        from gradcalc.autograd.ops.common import normalize_dim

        return self.data.shape[normalize_dim(dim, self.data.ndim)]

    def tolist(self):
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        if self._requires_grad:
            raise AutogradError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self.data

    def zero_(self) -> Tensor:
        """Fill with zeros in place (meant for ``x.grad.zero_()``).

        The array is replaced rather than written into: a gradient array may be shared
        with another leaf's ``.grad`` (``x + y`` hands both the same array).
        """
        if self.grad_fn is None and self._requires_grad and STATE.grad_enabled:
            raise AutogradError(
                "a leaf Variable that requires grad is being used in an in-place operation."
            )
        self.data = np.zeros_like(self.data)
        return self

    def _grad_accumulator(self) -> AccumulateGrad:
        """The leaf's single AccumulateGrad node (weakly cached, as PyTorch does)."""
        ref = self._accumulator
        node = ref() if ref is not None else None
        if node is None:
            node = AccumulateGrad(self)
            self._accumulator = weakref.ref(node)
        return node

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise ArgumentError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self):
        if self.data.ndim == 0:
            raise ArgumentError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.data.shape[0]))

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueDomainError(
                "Boolean value of Tensor with more than one value is ambiguous"
                if self.data.size > 1
                else "Boolean value of Tensor with no values is ambiguous"
            )
        return bool(self.data.reshape(()))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.size != 1 or self.data.dtype.kind not in "iu":
            raise ArgumentError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self.data.reshape(()))

    def __repr__(self) -> str:
        data = self.data
        dtype_name = None
        if data.dtype.kind == "f" and data.dtype != STATE.default_dtype:
            dtype_name = f"torch.{data.dtype.name}"
        node = self.grad_fn
        try:
            from gradcalc.autograd.printing import format_tensor
        except ImportError:  # pragma: no cover - the printer ships with the package
            return f"tensor({data!r})"
        return format_tensor(
            data,
            dtype_name=dtype_name,
            grad_fn_name=node.name if node is not None else None,
            requires_grad=node is None and self._requires_grad,
        )

    __str__ = __repr__


_new = object.__new__


def make_tensor(data: np.ndarray, requires_grad: bool = False, grad_fn=None) -> Tensor:
    """``Tensor._make`` as a plain function: wrap an array without checks (every op's result)."""
    t = _new(Tensor)
    t.data = data
    t.grad_fn = grad_fn
    t._grad = None
    t._accumulator = None
    t._requires_grad = requires_grad
    return t
