"""Helpers shared by the shape and linear-algebra declarations.

Derivative formulas run on arrays and, under ``create_graph=True``, on Tensors: the
constants they build (zeros for a missing gradient, an identity mask) must be of the same
kind as the gradient they meet, which ``zeros_as`` and ``constant_as`` take care of.
``MultiOutput`` declares ops whose number of results depends on the arguments (``split``,
``unbind``): the core's ``Op`` has a fixed ``outputs`` count, so one hidden ``Op`` is made
per count, with the same schema, node name and derivative.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import Op, _make_view
from gradcalc.autograd.dtypes import result_type
from gradcalc.autograd.schema import normalize_dim
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import EvaluationError


def array_of(value):
    """The array behind a Tensor (formulas read index and mask tensors as arrays)."""
    return value.array if type(value) is Tensor else value


def shape_of(value) -> tuple:
    """The shape of a formula argument. A formula that reads ``self`` takes its shape from it
    rather than reading ``self_shape`` too: PyTorch's formula reads the one tensor, and the
    node shows what its formula reads (``_saved_self``, no ``_saved_self_sym_sizes``)."""
    return array_of(value).shape


def constant_as(like, array: np.ndarray):
    """``array`` as the same kind of value as ``like``: a Tensor under create_graph."""
    return make_tensor(array) if type(like) is Tensor else array


def zeros_as(like, shape) -> np.ndarray | Tensor:
    """Zeros of ``shape`` with ``like``'s dtype, of ``like``'s kind."""
    return constant_as(like, np.zeros(shape, dtype=array_of(like).dtype))


def fill_missing(grads, shapes) -> list:
    """The gradients of a multi-output op, zeros where an output received none."""
    reference = next(g for g in grads if g is not None)
    return [zeros_as(reference, s) if g is None else g for g, s in zip(grads, shapes)]


def dim_of(dim: int, ndim: int, extra: int = 0) -> int:
    return normalize_dim(dim, ndim, extra)


def shape_text(shape) -> str:
    return "[" + ", ".join(str(n) for n in shape) + "]"


def promote_list(op, values):
    """PyTorch's promotion over a list of tensors (``cat``, ``stack``)."""
    tensors = values[op.tensor_params[0]]
    d = result_type(*tensors) if tensors else dtypes.DEFAULTS.float
    return d.np, d


def require_floating(name: str, array: np.ndarray) -> None:
    """``linalg.det`` and friends refuse integer input, with PyTorch's message."""
    if array.dtype.kind != "f":
        raise EvaluationError(
            f"{name}: Expected a floating point or complex tensor as input. Got "
            f"{dtypes.BY_NUMPY[array.dtype].kind_name}",
            hint="convert first, e.g. x.float()",
        )


class MultiOutput:
    """An op with as many results as its arguments say (``split``, ``unbind``).

    ``run(values, count)`` applies the hidden ``Op`` made for ``count`` results and returns
    a tuple of Tensors. Each result that PyTorch makes a view gets its own single-output
    view step (``views(values, i)`` -> ``(op, values)``), so that in-place writes through
    it can be replayed as for any other view.
    """

    def __init__(self, schema: str, node: str, forward, grads: dict, dtype, views=None) -> None:
        self.schema = schema
        self.node = node
        self.forward = forward
        self.grads = grads
        self.dtype = dtype
        self.views = views
        self._ops: dict = {}

    def _op(self, count: int) -> Op:
        op = self._ops.get(count)
        if op is None:
            forward = self.forward
            if count == 1:  # a one-output Op returns its array, not a tuple

                def forward(*args, _forward=self.forward):
                    return _forward(*args)[0]

            op = self._ops[count] = Op(
                self.schema,
                forward,
                self.node,
                dtype=self.dtype,
                grads=self.grads,
                outputs=count,
                method=False,
                function=False,
            )
            op.multi_output_views = self.views is not None
        return op

    def run(self, values: list, count: int) -> tuple:
        out = self._op(count).apply(values)
        results = (out,) if count == 1 else tuple(out)
        if self.views is not None:
            source = values[0]
            for i, t in enumerate(results):
                view_op, view_values = self.views(values, i)
                _make_view(t, source, view_op, view_values)
        return results
