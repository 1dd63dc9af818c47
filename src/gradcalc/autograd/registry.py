"""The one table of derivative rules and the machinery every rule shares.

A rule is a primitive: ``forward`` on numpy arrays, ``vjp`` (vector-Jacobian product),
the PyTorch node name and a ``formula`` text. Rules register themselves into ``RULES``
from the per-family modules in ``ops/``. Calling a rule applies it to tensors and records
a ``Node`` when a gradient is needed.

A VJP is written once and runs in two modes. On the fast path its gradient and saved
values are numpy arrays and ``ctx.B`` is ``NUMPY``; with ``create_graph=True`` they are
Tensors and ``ctx.B`` is the package's own ops, so the backward pass is itself recorded.
VJPs use operators (``g * y``) and ``ctx.B.<fn>`` with numpy's names and signatures.

A rule saves only what its VJP will read for the inputs that need a gradient (PyTorch's
``needs_input_grad``): ``x * 2`` keeps nothing, ``x * w`` with a constant ``w`` keeps
``w`` alone. Every gradient a VJP returns goes through the one ``unbroadcast`` on its
way to the input.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from gradcalc.autograd.node import Node, version_of
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor, make_tensor

RULES: dict[str, Rule] = {}

_ndarray = np.ndarray
_asarray = np.asarray


def _save_plan(save, save_output, needs: tuple) -> tuple:
    """``(keep, keep_output)`` for one pattern of ``needs``: the input positions to save
    (True: all) and whether to save the output.

    ``save``: ``()``, ``True`` (every input), positions, or ``{position: positions whose
    gradient reads it}``. ``save_output``: a bool, or the positions whose gradient reads it.
    """
    if isinstance(save, dict):
        save = tuple(i for i, readers in sorted(save.items()) if any(needs[j] for j in readers))
    if isinstance(save_output, tuple):
        save_output = any(needs[j] for j in save_output if j < len(needs))
    return save, bool(save_output)


class Rule:
    """One differentiable primitive. ``rule(*inputs, **params)`` applies it."""

    __slots__ = (
        "_fixed_plan",
        "_plans",
        "forward",
        "formula",
        "name",
        "node_name",
        "pointwise",
        "save_inputs",
        "save_output",
        "ufunc",
        "vjp",
    )

    def __init__(self, name, node_name, forward, formula, save_inputs, save_output, ufunc=None):
        self.name = name
        self.node_name = node_name
        self.forward = forward
        self.formula = formula
        # Input positions the VJP reads (True for all, or a dict: position -> the input
        # gradients that read it); save_output: bool or the input gradients that read it.
        self.save_inputs = save_inputs
        self.save_output = save_output
        self.vjp = None
        # The numpy ufunc ``forward`` calls, for rules that can write into a dead input; such
        # rules are also pointwise: their VJP commutes with broadcasting the gradient.
        self.ufunc = ufunc
        self.pointwise = ufunc is not None
        conditional = isinstance(save_inputs, dict) or isinstance(save_output, tuple)
        self._plans: dict = {}
        # Rules whose saving does not depend on ``needs`` (most of them) skip the lookup.
        self._fixed_plan = None if conditional else (save_inputs, bool(save_output))

    def defvjp(self, vjp):
        """Decorator: ``vjp(ctx, g, **params) -> tuple of input gradients`` (None allowed)."""
        self.vjp = vjp
        return vjp

    def renamed(self, node_name: str) -> Rule:
        """The same rule under another PyTorch node name (``SumBackward0``/``SumBackward1``)."""
        twin = Rule(
            self.name,
            node_name,
            self.forward,
            self.formula,
            self.save_inputs,
            self.save_output,
            self.ufunc,
        )
        twin.vjp = self.vjp
        return twin

    def _plan(self, needs: tuple) -> tuple:
        plan = self._plans.get(needs)
        if plan is None:
            plan = self._plans[needs] = _save_plan(self.save_inputs, self.save_output, needs)
        return plan

    def __call__(self, *inputs, **params):
        # The hot path of every operation: one- and two-input rules are unrolled.
        n = len(inputs)
        if n == 2:
            a, b = inputs
            ta = type(a) is Tensor
            tb = type(b) is Tensor
            da = a.data if ta else a
            db = b.data if tb else b
            out = self.forward(da, db, **params) if params else self.forward(da, db)
            if type(out) is not _ndarray:
                out = _asarray(out)
            if not STATE.grad_enabled:
                return make_tensor(out)
            ra = ta and a._requires_grad
            rb = tb and b._requires_grad
            if not (ra or rb):
                return make_tensor(out)
            return self._link2(a, b, ra, rb, da, db, out, params)
        if n == 1:
            (a,) = inputs
            ta = type(a) is Tensor
            da = a.data if ta else a
            out = self.forward(da, **params) if params else self.forward(da)
            if type(out) is not _ndarray:
                out = _asarray(out)
            if not (ta and a._requires_grad and STATE.grad_enabled):
                return make_tensor(out)
            na = a.grad_fn
            if na is None:
                na = a._grad_accumulator()
            ta_nd = type(da) is _ndarray
            node = Node(
                self,
                (na,),
                (True,),
                (da.shape if ta_nd else (),),
                (da.dtype if ta_nd else None,),
                params,
            )
            plan = self._fixed_plan or self._plan((True,))
            keep = plan[0]
            if keep is True or 0 in keep:
                node.saved_inputs = inputs
                if STATE.inplace_seen:
                    node.saved_versions = _versions(inputs)
            if plan[1]:
                node.saved_output = out
            return make_tensor(out, True, node)
        return self._apply(inputs, params)

    def _link2(self, a, b, ra, rb, da, db, out, params):
        """Record the node of a two-input rule once its output ``out`` is computed."""
        if ra:
            na = a.grad_fn
            if na is None:
                na = a._grad_accumulator()
        else:
            na = None
        if rb:
            nb = b.grad_fn
            if nb is None:
                nb = b._grad_accumulator()
        else:
            nb = None
        needs = (ra, rb)
        node = Node(
            self,
            (na, nb),
            needs,
            (
                da.shape if type(da) is _ndarray else (),
                db.shape if type(db) is _ndarray else (),
            ),
            (
                da.dtype if type(da) is _ndarray else None,
                db.dtype if type(db) is _ndarray else None,
            ),
            params,
        )
        plan = self._fixed_plan or self._plans.get(needs) or self._plan(needs)
        keep = plan[0]
        if keep:
            if keep is True:
                node.saved_inputs = (a, b)
            else:
                node.saved_inputs = (a if 0 in keep else None, b if 1 in keep else None)
            if STATE.inplace_seen:
                node.saved_versions = _versions(node.saved_inputs)
        if plan[1]:
            node.saved_output = out
        return make_tensor(out, True, node)

    def apply_into(self, position: int, a, b):
        """``self(a, b)`` with the result written over input ``position``'s array.

        For a caller that has proved the input dead (``elision.py``). Returns None, and
        computes nothing, when this node would save that input for its backward.
        """
        ra = type(a) is Tensor and a._requires_grad
        rb = type(b) is Tensor and b._requires_grad
        recording = (ra or rb) and STATE.grad_enabled
        if recording:
            keep = (self._fixed_plan or self._plan((ra, rb)))[0]
            if keep is True or position in keep:
                return None
        da = a.data if type(a) is Tensor else a
        db = b.data if type(b) is Tensor else b
        out = self.ufunc(da, db, out=da if position == 0 else db)
        if not recording:
            return make_tensor(out)
        return self._link2(a, b, ra, rb, da, db, out, {})

    def _apply(self, inputs: tuple, params: dict):
        """Any number of inputs (cat, stack, where, losses with weights)."""
        datas = [x.data if type(x) is Tensor else x for x in inputs]
        out = self.forward(*datas, **params)
        if type(out) is not _ndarray:
            out = _asarray(out)
        if not STATE.grad_enabled:
            return make_tensor(out)
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
            return make_tensor(out)
        needs = tuple(needs)
        node = Node(
            self,
            tuple(next_nodes),
            needs,
            tuple([d.shape if type(d) is _ndarray else () for d in datas]),
            tuple([d.dtype if type(d) is _ndarray else None for d in datas]),
            params,
        )
        keep, keep_output = self._fixed_plan or self._plan(needs)
        if keep is True:
            node.saved_inputs = inputs
        elif keep:
            node.saved_inputs = tuple([x if i in keep else None for i, x in enumerate(inputs)])
        if keep and STATE.inplace_seen:
            node.saved_versions = _versions(node.saved_inputs)
        if keep_output:
            node.saved_output = out
        return make_tensor(out, True, node)


def _versions(saved: tuple) -> tuple:
    return tuple([version_of(x) for x in saved])


def rule(name: str, node_name: str, *, formula: str, save=(), save_output=False, ufunc=None):
    """Decorator registering ``forward`` as the rule ``name``.

    ``save`` lists the input positions the VJP reads (``True``: every input), or maps each
    position to the inputs whose gradient reads it (``{0: (1,), 1: (0,)}`` for ``x * y``:
    ``x`` is kept only when ``y`` needs a gradient). ``save_output`` is a bool, or the
    inputs whose gradient reads the output. ``ufunc``: the numpy ufunc ``forward`` is, for
    the arithmetic that may reuse a dead temporary's buffer (``Rule.apply_into``).
    """

    def register(forward) -> Rule:
        positions = save if save is True or isinstance(save, dict) else tuple(save)
        r = Rule(name, node_name, forward, formula, positions, save_output, ufunc)
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


def _broadcast_to(x, shape: tuple):
    """``np.broadcast_to``, fast for the common case of one value (a reduction's gradient).

    ``np.broadcast_to`` costs microseconds (it builds an nditer); a single value becomes a
    zero-stride read-only array directly. Read-only like ``broadcast_to``'s views, so a leaf
    never keeps it as its ``.grad`` without a copy.
    """
    if type(x) is not np.ndarray:
        x = np.asarray(x)
    if x.size == 1 and x.ndim <= len(shape):
        return np.ndarray(shape, x.dtype, x.tobytes(), 0, (0,) * len(shape))
    return np.broadcast_to(x, shape)


def _reshape(x, shape):
    return x.reshape(shape) if type(x) is np.ndarray else np.reshape(x, shape)


NUMPY = SimpleNamespace(
    abs=np.abs,
    astype=lambda x, dtype: x.astype(dtype, copy=False),
    broadcast_to=_broadcast_to,
    concatenate=np.concatenate,
    const=lambda a: a,
    cos=np.cos,
    erf=_erf,
    exp=np.exp,
    expand_dims=np.expand_dims,
    log=np.log,
    matmul=np.matmul,
    maximum=np.maximum,
    reshape=_reshape,
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
