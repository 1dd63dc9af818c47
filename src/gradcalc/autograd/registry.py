"""The one table of derivative rules and the machinery every rule shares.

A rule is a primitive: ``forward`` on numpy arrays, ``vjp`` (vector-Jacobian product),
the PyTorch node name and a ``formula`` text. Rules register themselves into ``RULES``
from the per-family modules in ``ops/``. Calling a rule applies it to tensors and records
a ``Node`` when a gradient is needed.

A VJP is written once and runs in two modes. On the fast path its gradient and saved
values are numpy arrays and ``ctx.B`` is ``NUMPY``; with ``create_graph=True`` they are
Tensors and ``ctx.B`` is the package's own ops, so the backward pass is itself recorded.
VJPs use operators (``g * y``) and ``ctx.B.<fn>`` with numpy's names and signatures.

Every gradient a VJP returns goes through the one ``unbroadcast`` on its way to the input.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from gradcalc.autograd.node import Node
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor

RULES: dict[str, Rule] = {}


class Rule:
    """One differentiable primitive. ``rule(*inputs, **params)`` applies it."""

    __slots__ = ("forward", "formula", "name", "node_name", "save_inputs", "save_output", "vjp")

    def __init__(self, name, node_name, forward, formula, save_inputs, save_output):
        self.name = name
        self.node_name = node_name
        self.forward = forward
        self.formula = formula
        self.save_inputs = save_inputs  # input positions the VJP reads, or True for all
        self.save_output = save_output
        self.vjp = None

    def defvjp(self, vjp):
        """Decorator: ``vjp(ctx, g, **params) -> tuple of input gradients`` (None allowed)."""
        self.vjp = vjp
        return vjp

    def renamed(self, node_name: str) -> Rule:
        """The same rule under another PyTorch node name (``SumBackward0``/``SumBackward1``)."""
        twin = Rule(
            self.name, node_name, self.forward, self.formula, self.save_inputs, self.save_output
        )
        twin.vjp = self.vjp
        return twin

    def __call__(self, *inputs, **params):
        datas = [x.data if type(x) is Tensor else x for x in inputs]
        out = self.forward(*datas, **params)
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if not STATE.grad_enabled:
            return Tensor._make(out)
        requires = False
        next_nodes = []
        needs = []
        for x in inputs:
            if type(x) is Tensor and x._requires_grad:
                requires = True
                fn = x.grad_fn
                next_nodes.append(fn if fn is not None else x._grad_accumulator())
                needs.append(True)
            else:
                next_nodes.append(None)
                needs.append(False)
        if not requires:
            return Tensor._make(out)
        node = Node(
            self,
            self.node_name,
            tuple(next_nodes),
            tuple(needs),
            tuple([d.shape if type(d) is np.ndarray else () for d in datas]),
            tuple([d.dtype if type(d) is np.ndarray else None for d in datas]),
            params,
        )
        keep = self.save_inputs
        if keep is True:
            node.saved_inputs = inputs
        elif keep:
            node.saved_inputs = tuple([x if i in keep else None for i, x in enumerate(inputs)])
        if self.save_output:
            node.saved_output = out
        return Tensor._make(out, True, node)


def rule(name: str, node_name: str, *, formula: str, save=(), save_output: bool = False):
    """Decorator registering ``forward`` as the rule ``name``.

    ``save`` lists the input positions the VJP reads (``True``: every input).
    """

    def register(forward) -> Rule:
        positions = save if save is True else tuple(save)
        r = Rule(name, node_name, forward, formula, positions, save_output)
        if name in RULES:
            raise RuntimeError(f"rule {name!r} registered twice")
        RULES[name] = r
        return r

    return register


class Context:
    """What a VJP reads: saved inputs/output, which inputs need a gradient, the backend."""

    __slots__ = ("B", "dtypes", "inputs", "needs", "out", "shapes")

    def __init__(self, B, inputs, out, needs, shapes, dtypes):
        self.B = B
        self.inputs = inputs
        self.out = out
        self.needs = needs
        self.shapes = shapes
        self.dtypes = dtypes


def unbroadcast(grad, shape: tuple):
    """Sum ``grad`` down to ``shape``: the adjoint of numpy broadcasting. Used by every rule."""
    gshape = grad.shape
    if gshape == shape:
        return grad
    B = NUMPY if type(grad) is np.ndarray else TENSOR
    lead = len(gshape) - len(shape)
    if lead < 0:  # a gradient smaller than its input: the input was not broadcast against it
        return B.broadcast_to(grad, shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    if axes:
        grad = B.sum(grad, axis=axes, keepdims=True)
    if lead or grad.shape != shape:
        grad = B.reshape(grad, shape)
    return grad


# ---- backends ---------------------------------------------------------------------------------


def _erf(x):
    try:
        from scipy.special import erf
    except ImportError:  # numpy has no erf; the libm one, element by element
        return np.frompyfunc(math.erf, 1, 1)(x).astype(x.dtype)
    return erf(x)


def _scatter(g, index, shape, accumulate):
    """Zeros of ``shape`` with ``g`` added at ``index`` (the adjoint of ``x[index]``)."""
    out = np.zeros(shape, dtype=g.dtype)
    if accumulate:
        np.add.at(out, index, g)
    else:
        out[index] = g
    return out


NUMPY = SimpleNamespace(
    abs=np.abs,
    astype=lambda x, dtype: x.astype(dtype, copy=False),
    broadcast_to=np.broadcast_to,
    concatenate=np.concatenate,
    const=lambda a: a,
    cos=np.cos,
    erf=_erf,
    exp=np.exp,
    expand_dims=np.expand_dims,
    log=np.log,
    matmul=np.matmul,
    maximum=np.maximum,
    reshape=np.reshape,
    scatter=_scatter,
    sign=np.sign,
    sin=np.sin,
    sqrt=np.sqrt,
    sum=np.sum,
    swapaxes=np.swapaxes,
    tanh=np.tanh,
    transpose=np.transpose,
    where=np.where,
    zeros_like=np.zeros_like,
)

# Filled by ops/backend.py once every op is defined: the same names, on Tensors.
TENSOR = SimpleNamespace()
