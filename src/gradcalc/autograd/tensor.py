"""The Tensor: a numpy array plus what reverse-mode autograd needs to know about it.

State and bookkeeping live here; operations are declared once in ``ops/`` and become
methods and operators of this class in ``methods.py``.

A tensor's ``array`` has the numpy dtype of its PyTorch dtype. Views (``x[0]``,
``x.view(2, 3)``, ``x.detach()``) hold numpy views of their base's array, so writes go
through, and share its version counter (``_vc``, a one-element list made on first need),
which counts in-place changes; ``.data`` shares the array but not the counter, as in
PyTorch.
"""

from __future__ import annotations

import weakref

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.settings import STATE, warn_once
from gradcalc.errors import ArgumentError, AutogradError, ValueDomainError

# PyTorch's __float__ (and torch.tensor() of a list holding such tensors) warns once per process
SCALAR_CONVERSION_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first."
)

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information. (Triggered "
    "internally at /__w/pytorch/pytorch/build/aten/src/ATen/core/TensorBody.h:493.)"
)
# How c10 names dtypes in the grad-assignment error: the C++ type of the gradient's data...
_CPP_TYPE = {
    "float16": "c10::Half",
    "float32": "float",
    "float64": "double",
    "uint8": "unsigned char",
    "int8": "signed char",
    "int16": "short int",
    "int32": "int",
    "int64": "long int",
    "bool": "bool",
}
INFERENCE_REQUIRES_GRAD = (
    "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."
)


class Tensor:
    __slots__ = (
        "__weakref__",
        "_accumulator",
        "_base",
        "_grad",
        "_hooks",
        "_inference",
        "_output_nr",
        "_post_accumulator",
        "_requires_grad",
        "_retains_grad",
        "_vc",
        "_view_fn",
        "_views",
        "array",
        "grad_fn",
    )

    # numpy hands ``ndarray * tensor`` to our reflected operators instead of looping.
    __array_ufunc__ = None
    __hash__ = object.__hash__

    def __init__(self, *args, **kwargs):
        raise TypeError("make tensors with gradcalc.autograd.tensor(...) or make_tensor(array)")

    # ---- what users see -------------------------------------------------------------------

    @property
    def shape(self):
        from gradcalc.autograd.values import Size

        return Size(self.array.shape)

    @property
    def ndim(self) -> int:
        return self.array.ndim

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.BY_NUMPY[self.array.dtype]

    @property
    def device(self):
        from gradcalc.autograd.values import CPU

        return CPU

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value) -> None:
        if type(value) is not bool:
            raise AutogradError("requires_grad must be a bool")
        if self.grad_fn is not None:
            if value:
                return
            raise AutogradError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().",
                hint="call .detach() to get a tensor cut from the graph",
            )
        if value and self.array.dtype.kind not in "fc":
            raise AutogradError("only Tensors of floating point dtype can require gradients")
        if value and self._inference and not STATE.inference:
            raise AutogradError(
                INFERENCE_REQUIRES_GRAD,
                hint="clone() the tensor outside inference mode, or use torch.no_grad()",
            )
        self._requires_grad = value

    def requires_grad_(self, requires_grad=True) -> Tensor:
        if type(requires_grad) is not bool:
            raise ArgumentError(
                "requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                f"{type(requires_grad).__name__}"
            )
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._grad is None:
            from gradcalc.autograd.settings import warn

            warn(NON_LEAF_GRAD_WARNING)
        return self._grad

    @grad.setter
    def grad(self, value) -> None:
        if value is not None:
            if type(value) is not Tensor:
                raise ArgumentError(
                    "assigned grad expected to be a Tensor or None but got grad of type "
                    f"{type(value).__name__}"
                )
            if value.array.dtype != self.array.dtype:
                raise AutogradError(
                    "attempting to assign a gradient with dtype "
                    f"'{_CPP_TYPE[value.dtype.name]}' to a tensor with grad_dtype "
                    f"'{self.dtype.kind_name}'. The gradient must match the tensor's grad_dtype "
                    "(defaults to the tensor's dtype). You can set the tensor's grad_dtype "
                    "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype "
                    "with caution. Diverging the dtypes of a tensor and its gradient may break "
                    "downstream systems that assume they match.",
                    hint=f"convert the gradient first, e.g. g.to({self.dtype})",
                )
            if value.array.shape != self.array.shape:
                raise AutogradError(
                    f"attempting to assign a gradient of size '{_dims(value.array.shape)}' to a "
                    f"tensor of size '{_dims(self.array.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size"
                )
        self._grad = value

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep ``.grad`` of this non-leaf after backward (a no-op on leaves, as in PyTorch)."""
        if not self._requires_grad:
            raise AutogradError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True
        self.grad_fn.retain(self._output_nr, self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a Tensor it returns
        replaces the gradient. Returns a handle whose ``remove()`` unregisters it."""
        if not self._requires_grad:
            raise AutogradError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn.add_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = {}
        from gradcalc.autograd.node import HookHandle

        return HookHandle(self._hooks, hook)

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after a backward pass has accumulated into this leaf's grad."""
        if self.grad_fn is not None:
            raise AutogradError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if not self._requires_grad:
            raise AutogradError("cannot register a hook on a tensor that doesn't require gradient")
        node = self._grad_accumulator()
        if node.post_accumulate is None:
            node.post_accumulate = {}
        from gradcalc.autograd.node import HookHandle

        # The accumulator lives as long as a graph reaches the leaf; keep it with the tensor.
        self._post_accumulator = node
        return HookHandle(node.post_accumulate, hook)

    @property
    def _version(self) -> int:
        if self._inference:
            raise AutogradError("Inference tensors do not track version counter.")
        vc = self._vc
        return 0 if vc is None else vc[0]

    @property
    def data(self) -> Tensor:
        """The same values, cut from the graph, sharing the array but not the version."""
        return make_tensor(self.array)

    @data.setter
    def data(self, value) -> None:
        if type(value) is not Tensor:
            raise ArgumentError(f"data must be a Tensor, not {type(value).__name__}")
        self.array = value.array

    @property
    def _base_tensor(self) -> Tensor | None:
        return self._base

    def is_inference(self) -> bool:
        return self._inference

    # ---- conversions ----------------------------------------------------------------------

    def item(self):
        if self.array.size != 1:
            raise ValueDomainError(
                f"a Tensor with {self.array.size} elements cannot be converted to Scalar",
                hint="item() needs a one-element tensor; reduce it first, e.g. .sum()",
                kind="RuntimeError",
            )
        return self.array.reshape(()).item()

    def tolist(self):
        return self.array.tolist()

    def numel(self) -> int:
        return int(self.array.size)

    def dim(self) -> int:
        return self.array.ndim

    def numpy(self) -> np.ndarray:
        if self._requires_grad:
            raise AutogradError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                "instead."
            )
        return self.array

    def __len__(self) -> int:
        if self.array.ndim == 0:
            raise ArgumentError("len() of a 0-d tensor")
        return self.array.shape[0]

    def __bool__(self) -> bool:
        size = self.array.size
        if size != 1:
            raise AutogradError(
                f"Boolean value of Tensor with {'more than one value' if size else 'no values'} "
                "is ambiguous"
            )
        return bool(self.array.reshape(()))

    def __float__(self) -> float:
        if self.requires_grad:
            warn_once(SCALAR_CONVERSION_WARNING)
        return float(self._python_scalar())

    def __int__(self) -> int:
        return int(self._python_scalar())

    def _python_scalar(self):
        if self.array.size != 1:
            raise ValueDomainError(
                "only one element tensors can be converted to Python scalars",
                hint="reduce the tensor to one element first, e.g. .sum()",
            )
        return self.array.reshape(()).item()

    def __index__(self) -> int:
        if self.array.size != 1 or self.array.dtype.kind not in "iub":
            raise ArgumentError(
                "only integer tensors of a single element can be converted to an index"
            )
        return int(self.array.reshape(()))

    def __repr__(self) -> str:
        from gradcalc.autograd.printing import tensor_repr

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self.array.ndim == 0:
            return format(self.item(), spec)
        if spec:
            raise ArgumentError("unsupported format string passed to Tensor.__format__")
        return repr(self)

    # ---- autograd plumbing ----------------------------------------------------------------

    def _grad_accumulator(self):
        """The leaf's single AccumulateGrad node (weakly cached, as PyTorch does)."""
        ref = self._accumulator
        node = ref() if ref is not None else None
        if node is None:
            from gradcalc.autograd.node import AccumulateGrad

            node = AccumulateGrad(self)
            self._accumulator = weakref.ref(node)
        return node

    def _edge(self):
        """Where a gradient for this tensor goes: (node, output number)."""
        node = self.grad_fn
        if node is None:
            return (self._grad_accumulator(), 0)
        return (node, self._output_nr)


_new = object.__new__


def make_tensor(array: np.ndarray, requires_grad: bool = False, grad_fn=None) -> Tensor:
    """Wrap an array without checks (every op's result)."""
    t = _new(Tensor)
    t.array = array
    t.grad_fn = grad_fn
    t._grad = None
    t._accumulator = None
    t._requires_grad = requires_grad
    t._vc = None
    t._base = None
    t._view_fn = None
    t._views = None
    t._output_nr = 0
    t._post_accumulator = None
    t._hooks = None
    t._retains_grad = False
    t._inference = STATE.inference
    return t


def _dims(shape) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def version_box(t: Tensor) -> list:
    """``t``'s version counter, made on first need (shared by its views and detach())."""
    vc = t._vc
    if vc is None:
        vc = t._vc = [0]
    return vc


def is_tensor(value) -> bool:
    return type(value) is Tensor
