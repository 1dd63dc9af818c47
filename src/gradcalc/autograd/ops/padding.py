"""Padding: ``F.pad`` with its four modes, as aten/src/ATen/native/PadNd.cpp dispatches them
(https://github.com/pytorch/pytorch): ``constant`` is ``torch.constant_pad_nd``
(``ConstantPadNdBackward0``; negative pads crop), ``reflect`` and ``replicate`` are the
``reflection_pad{1,2,3}d`` / ``replication_pad{1,2,3}d`` ops (``ReflectionPad2DBackward0``...),
and ``circular`` is built from slices and in-place copies into a new tensor, so its graph is
PyTorch's chain of ``CopySlices``. Messages are PadNd.cpp's and ReflectionPad.cpp's.

Reflect and replicate gather the input along each padded dimension by an index list; the
gradient scatters back by the same lists (``index_add``), so double backward works.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import OPS, F, composite, op
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.ops.support import shape_of, zeros_as
from gradcalc.errors import ArgumentError, EvaluationError

_MODES_TEXT = (
    "Supported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def _dims_text(shape) -> str:
    return f"[{', '.join(str(n) for n in shape)}]"


def _pairs(pad) -> list:
    """PyTorch's ``pad`` list (last dimension first) as (dim offset from the end, left, right)."""
    pad = (pad,) if isinstance(pad, int) else tuple(pad)
    return [(i + 1, pad[2 * i], pad[2 * i + 1]) for i in range(len(pad) // 2)]


def _check_pad_length(pad, ndim: int) -> None:
    if len(pad) % 2:
        raise EvaluationError("Padding length must be divisible by 2")
    if len(pad) > 2 * ndim:
        raise EvaluationError(
            "Padding length should be less than or equal to two times the input dimension but "
            f"got padding length {len(pad)} and input of dimension {ndim}"
        )


# ---- constant ------------------------------------------------------------------------------


def _crop_grad(grad, pad):
    """The gradient of constant padding: the pads removed (negative pads add zeros back)."""
    return F.constant_pad_nd(grad, tuple(-p for p in pad), 0)


@op(
    "constant_pad_nd(Tensor self, int[] pad, Scalar value=0) -> Tensor",
    "ConstantPadNdBackward0",
    method=False,
    grads={"self": lambda grad, pad: _crop_grad(grad, (pad,) if isinstance(pad, int) else pad)},
    example="torch.constant_pad_nd(x, (1, 2), 0.5)",
)
def constant_pad_nd(self, pad, value=0):
    """``self`` with ``value`` added around its last dimensions (negative pads crop)."""
    pad = (pad,) if isinstance(pad, int) else tuple(pad)
    _check_pad_length(pad, self.ndim)
    out = self
    for back, left, right in _pairs(pad):
        axis = self.ndim - back
        size = out.shape[axis]
        start, stop = max(-left, 0), size - max(-right, 0)
        if stop < start:
            raise EvaluationError("narrow(): length must be non-negative.")
        out = out[(slice(None),) * axis + (slice(start, stop),)]
        widths = [(0, 0)] * self.ndim
        widths[axis] = (max(left, 0), max(right, 0))
        if any(w != (0, 0) for w in widths):
            out = np.pad(out, widths, constant_values=np.array(value).astype(self.dtype))
    return np.array(out, copy=True)


# ---- reflect, replicate --------------------------------------------------------------------


def _positions(size: int, left: int, right: int, mode: str) -> np.ndarray:
    where = np.arange(-left, size + right)
    if mode == "reflect":
        where = np.abs(where)
        return np.where(where >= size, 2 * (size - 1) - where, where)
    return np.clip(where, 0, size - 1)


def _gather_pad(self, pad, mode: str, n: int):
    for back, left, right in _pairs(pad):
        axis = self.ndim - back
        self = np.take(self, _positions(self.shape[axis], left, right, mode), axis=axis)
    return self


def _scatter_grad(mode: str):
    def formula(grad, self, padding):
        self_shape = shape_of(self)
        ndim = len(self_shape)
        sizes = list(grad.shape)
        for back, left, right in reversed(_pairs(padding)):
            axis = ndim - back
            size = self_shape[axis]
            sizes[axis] = size
            index = constant_index(grad, _positions(size, left, right, mode))
            grad = F.index_add(zeros_as(grad, tuple(sizes)), axis, index, grad)
        return grad

    return formula


def constant_index(like, positions: np.ndarray):
    """An int64 index list, a Tensor when ``like`` is one (for F ops under create_graph)."""
    from gradcalc.autograd.ops.support import constant_as

    return constant_as(like, positions.astype(np.int64))


def _check_padded(name: str, self, padding, n: int, mode: str) -> None:
    dims = self.ndim
    if dims not in (n + 1, n + 2) or any(s == 0 for s in self.shape[max(dims - n - 1, 0) :]):
        batch = {1: "2D or 3D", 2: "3D or 4D", 3: "4D or 5D"}[n]
        raise EvaluationError(
            f"Expected {batch} (batch mode) tensor with possibly 0 batch size and other "
            f"non-zero dimensions for input, but got: {_dims_text(self.shape)}"
        )
    if mode == "reflect":
        for back, left, right in _pairs(padding):
            size = self.shape[dims - back]
            if left >= size or right >= size:
                raise EvaluationError(
                    "Argument #4: Padding size should be less than the corresponding input "
                    f"dimension, but got: padding ({left}, {right}) at dimension {dims - back} "
                    f"of input {_dims_text(self.shape)}"
                )


def _padding_op(mode: str, n: int):
    kind = "Reflection" if mode == "reflect" else "Replication"
    name = f"{kind.lower()}_pad{n}d"

    def forward(self, padding):
        _check_padded(name, self, padding, n, mode)
        return _gather_pad(self, padding, mode, n)

    forward.__name__ = name
    forward.__doc__ = (
        f"Pads the last {n} dimension{'s' if n > 1 else ''} by "
        f"{'reflecting' if mode == 'reflect' else 'repeating the edge of'} the input."
    )
    return op(
        f"{name}(Tensor self, int[{2 * n}] padding) -> Tensor".replace(f"[{2 * n}]", "[]"),
        f"{kind}Pad{n}DBackward0",
        method=False,
        namespaces=("torch",),
        function=False,
        grads={"self": _scatter_grad(mode)},
    )(forward)


reflection_pad1d = _padding_op("reflect", 1)
reflection_pad2d = _padding_op("reflect", 2)
reflection_pad3d = _padding_op("reflect", 3)
replication_pad1d = _padding_op("replicate", 1)
replication_pad2d = _padding_op("replicate", 2)
replication_pad3d = _padding_op("replicate", 3)


# ---- circular ------------------------------------------------------------------------------


def _copy_into(target, source) -> None:
    from gradcalc.autograd.inplace import apply_inplace

    apply_inplace(OPS["_copy_from"], [target, source, False])


def _pad_circular(self, pad):
    """PadNd.cpp's ``_pad_circular``: the input copied into the middle of a new tensor, then
    each side copied from the opposite end (corners written more than once)."""
    ndim = len(self.shape)
    n = len(pad) // 2
    for back, left, right in _pairs(pad):
        size = self.shape[ndim - back]
        if left > size or right > size:
            raise EvaluationError("Padding value causes wrapping around more than once.")
        if size + left + right < 0:
            raise EvaluationError(
                f"Negative padding value is resulting in an empty dimension. Padding at "
                f"dimension {ndim - back}: ({left}, {right})"
            )
    out_shape = list(self.shape)
    for back, left, right in _pairs(pad):
        out_shape[ndim - back] += left + right
    out = leaf(np.zeros(out_shape, self.array.dtype), False)
    out_slice, in_slice = out, self
    for back, left, right in _pairs(pad):
        dim = ndim - back
        out_slice = F.slice(out_slice, dim, max(left, 0), out_shape[dim] - max(right, 0), 1)
        in_slice = F.slice(in_slice, dim, max(-left, 0), self.shape[dim] - max(-right, 0), 1)
    _copy_into(out_slice, in_slice)
    for back, left, right in _pairs(pad)[:n]:
        dim = ndim - back
        if left > 0:
            start = out_shape[dim] - left - max(right, 0)
            _copy_into(
                F.slice(out, dim, 0, left, 1),
                F.slice(out, dim, start, out_shape[dim] - max(right, 0), 1),
            )
        if right > 0:
            _copy_into(
                F.slice(out, dim, out_shape[dim] - right, out_shape[dim], 1),
                F.slice(out, dim, max(left, 0), max(left, 0) + right, 1),
            )
    return out


# ---- F.pad ---------------------------------------------------------------------------------


@composite(
    "pad(Tensor input, int[] pad, str mode='constant', float? value=None) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.pad(x.view(1, 4), (1, 2), mode='replicate')",
)
def pad(input, pad, mode="constant", value=None):
    """Pads the last dimensions: ``pad`` is (left, right) for the last, then the one before
    ...; ``mode`` constant (with ``value``), reflect, replicate or circular."""
    pad = (pad,) if isinstance(pad, int) else tuple(pad)
    if mode == "constant":
        return F.constant_pad_nd(input, pad, 0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise ArgumentError(f"Unrecognised padding mode {mode}", kind="NotImplementedError")
    if value is not None and value != 0:
        raise EvaluationError(f'Padding mode "{mode}" doesn\'t take in value argument')
    _check_pad_length(pad, len(input.shape))
    n = len(pad) // 2
    if n > 3 or len(input.shape) not in (n + 1, n + 2):
        raise ArgumentError(
            f"Padding size {len(pad)} is not supported for {len(input.shape)}D input tensor.\n"
            + _MODES_TEXT,
            kind="NotImplementedError",
        )
    if mode == "circular":
        return _pad_circular(input, pad)
    declared = OPS[f"{'reflection' if mode == 'reflect' else 'replication'}_pad{n}d"]
    return declared(input, pad)
