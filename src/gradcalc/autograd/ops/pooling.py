"""Pooling: ``max_pool{2,3}d_with_indices``, ``avg_pool{2,3}d``, ``adaptive_avg_pool2d``,
``adaptive_max_pool2d`` (PyTorch's nodes ``MaxPool2DWithIndicesBackward0``,
``AvgPool2DBackward0``, ...); the functional spellings over them are in ``pooling_forms.py``.
Output sizes, ``ceil_mode``, ``count_include_pad`` and the messages follow aten/src/ATen/native/Pool.h, AveragePool2d.cpp
and AdaptiveAveragePooling.cpp (https://github.com/pytorch/pytorch).

Average pools are separable linear maps: one averaging matrix per pooled dimension, so the
derivative is the transposed matrices applied to the gradient (``matmul``, differentiable
again). Max pools scatter the gradient to the indices of the maxima (``scatter_add``).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from gradcalc.autograd.declare import F, op
from gradcalc.autograd.ops.support import array_of, constant_as, shape_of, zeros_as
from gradcalc.errors import EvaluationError


def pool_ints(name: str, op_name: str, value, n: int, default=None) -> tuple:
    if value is None or (not isinstance(value, int) and len(value) == 0):
        value = default
    values = (value,) if isinstance(value, int) else tuple(value)
    if len(values) == 1:
        values = values * n
    if len(values) != n:
        what = {"kernel_size": "kernel_size", "stride": "stride", "padding": "padding"}.get(
            name, name
        )
        words = {2: "two", 3: "three"}.get(n, str(n))
        raise EvaluationError(
            f"{op_name}: {what} must either be a single int, or a tuple of {words} ints"
        )
    return values


def _output_size(size, k, s, p, d, ceil_mode) -> int:
    span = size + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _settings(op_name, self, kernel_size, stride, padding, dilation, ceil_mode, n):
    kernel = pool_ints("kernel_size", op_name, kernel_size, n)
    stride = pool_ints("stride", op_name, stride, n, kernel)
    padding = pool_ints("padding", op_name, padding, n)
    dilation = pool_ints("dilation", op_name, dilation, n)
    if any(s == 0 for s in stride):
        raise EvaluationError("stride should not be zero")
    if any(d <= 0 for d in dilation):
        names = ("dilationT", "dilationH", "dilationW")[3 - n :]
        raise EvaluationError(
            "dilation should be greater than zero, but got "
            + " ".join(f"{name}: {d}" for name, d in zip(names, dilation))
        )
    if self.ndim not in (n + 1, n + 2) or self.size == 0:
        raise EvaluationError(
            f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for input"
        )
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise EvaluationError(
                f"pad should be at most half of effective kernel size, but got pad={p}, "
                f"kernel_size={k} and dilation={d}"
            )
    sizes = self.shape[-n:]
    outs = tuple(
        _output_size(*args, ceil_mode) for args in zip(sizes, kernel, stride, padding, dilation)
    )
    if any(o < 1 for o in outs):
        channels = self.shape[-n - 1]
        raise EvaluationError(
            f"Given input size: ({'x'.join(map(str, (channels, *sizes)))}). Calculated output "
            f"size: ({'x'.join(map(str, (channels, *outs)))}). Output size is too small"
        )
    return kernel, stride, padding, dilation, outs


# ---- max pools -----------------------------------------------------------------------------


def _scatter_to_maxima(grad, self_shape, indices, n: int):
    """The gradient of a max pool: each output's gradient added at its maximum's position."""
    if grad is None:
        return None
    lead = tuple(self_shape[:-n])
    flat_grad = F.reshape(grad, (*lead, -1))
    index = constant_as(grad, np.ascontiguousarray(array_of(indices)).reshape(*lead, -1))
    size = math.prod(self_shape[len(lead) :])
    out = F.scatter_add(zeros_as(grad, (*lead, size)), len(lead), index, flat_grad)
    return F.reshape(out, tuple(self_shape))


def _max_pool(self, kernel, stride, padding, dilation, outs, n):
    lead = self.shape[:-n]
    sizes = self.shape[-n:]
    low = -np.inf if self.dtype.kind == "f" else np.iinfo(self.dtype).min
    extra = [
        max(0, (o - 1) * s + d * (k - 1) + 1 - (size + 2 * p))
        for o, s, d, k, size, p in zip(outs, stride, dilation, kernel, sizes, padding)
    ]
    padded = np.pad(
        self,
        [(0, 0)] * len(lead) + [(p, p + e) for p, e in zip(padding, extra)],
        constant_values=low,
    )
    extent = tuple(d * (k - 1) + 1 for d, k in zip(dilation, kernel))
    axes = tuple(range(len(lead), len(lead) + n))
    windows = np.lib.stride_tricks.sliding_window_view(padded, extent, axis=axes)
    windows = windows[(Ellipsis, *(slice(None, None, d) for d in dilation))]
    windows = windows[
        (*(slice(None),) * len(lead), *(slice(0, o * s, s) for o, s in zip(outs, stride)))
    ]
    flat = windows.reshape(*lead, *outs, -1)
    # NaN wins, as in PyTorch's kernels (``val > max || isnan(val)``).
    picked = np.where(np.isnan(flat).any(-1), np.isnan(flat).argmax(-1), flat.argmax(-1))
    values = np.take_along_axis(flat, picked[..., None], -1)[..., 0]
    taps = np.unravel_index(picked, kernel)
    index = np.zeros(picked.shape, np.int64)
    for axis in range(n):
        shape = [1] * (len(lead) + n)
        shape[len(lead) + axis] = outs[axis]
        starts = (np.arange(outs[axis]) * stride[axis] - padding[axis]).reshape(shape)
        position = starts + taps[axis] * dilation[axis]
        index = index * sizes[axis] + position
    return values.astype(self.dtype), index


def _max_pool_op(n: int):
    name = f"max_pool{n}d_with_indices"

    def forward(
        self, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=True
    ):
        settings = _settings(
            f"max_pool{n}d", self, kernel_size, stride, padding, dilation, ceil_mode, n
        )
        return _max_pool(self, *settings[:4], settings[4], n)

    forward.__name__ = name
    forward.__doc__ = f"The maximum of each {n}-d window and its flat position in the input plane."
    return op(
        f"{name}(Tensor self, int[] kernel_size, Any stride=None, int[] padding=0, "
        "int[] dilation=1, bool ceil_mode=False, bool return_indices=True) -> (Tensor, Tensor)",
        f"MaxPool{n}DWithIndicesBackward0",
        outputs=2,
        method=False,
        namespaces=("F",),
        grads={
            "self": lambda grads, self, result1: _scatter_to_maxima(
                grads[0], shape_of(self), result1, n
            )
        },
        example=f"F.{name}(x.view(1, 1, 2, 2), {'2' if n == 2 else '(1, 2, 2)'})",
    )(forward)


max_pool2d_with_indices = _max_pool_op(2)
max_pool3d_with_indices = _max_pool_op(3)


# ---- average pools -------------------------------------------------------------------------


def _window_matrix(size, out, starts, ends, divisors) -> np.ndarray:
    matrix = np.zeros((out, size))
    for o, (start, end, divisor) in enumerate(zip(starts, ends, divisors)):
        matrix[o, start:end] = 1.0 / divisor
    return matrix


def _avg_matrices(shape, kernel, stride, padding, outs, count_include_pad, divisor_override):
    n = len(kernel)
    matrices = []
    for size, k, s, p, out in zip(shape[-n:], kernel, stride, padding, outs):
        starts = np.arange(out) * s - p
        ends = np.minimum(starts + k, size + p)
        whole = ends - starts
        starts, ends = np.maximum(starts, 0), np.minimum(ends, size)
        divisors = whole if count_include_pad else ends - starts
        if divisor_override is not None:
            divisors = np.ones(out)
        matrices.append(_window_matrix(size, out, starts, ends, divisors))
    if divisor_override is not None:
        matrices[0] = matrices[0] / divisor_override
    return matrices


def _adaptive_matrices(shape, outs) -> list:
    n = len(outs)
    matrices = []
    for size, out in zip(shape[-n:], outs):
        starts = np.array([(o * size) // out for o in range(out)])
        ends = np.array([-((-(o + 1) * size) // out) for o in range(out)])
        matrices.append(_window_matrix(size, out, starts, ends, ends - starts))
    return matrices


def _apply_matrices(x: np.ndarray, matrices) -> np.ndarray:
    """Each pooled axis (the last ``len(matrices)``) multiplied by its matrix, in float64."""
    n = len(matrices)
    out = x.astype(np.float64)
    for i, matrix in enumerate(matrices):
        axis = x.ndim - n + i
        out = np.moveaxis(np.moveaxis(out, axis, -1) @ matrix.T, -1, axis)
    return out


def _apply_transposed(grad, matrices):
    """The derivative of ``_apply_matrices``: the transposed matrices, as ops."""
    n = len(matrices)
    ndim = len(grad.shape)
    dtype = array_of(grad).dtype
    for i, matrix in enumerate(matrices):
        axis = ndim - n + i
        moved = F.transpose(grad, axis, ndim - 1) if axis != ndim - 1 else grad
        moved = F.matmul(moved, constant_as(grad, matrix.astype(dtype)))
        grad = F.transpose(moved, axis, ndim - 1) if axis != ndim - 1 else moved
    return grad


def _avg_settings(name, self, kernel_size, stride, padding, ceil_mode, n):
    return _settings(name, self, kernel_size, stride, padding, 1, ceil_mode, n)


def _avg_pool_op(n: int):
    name = f"avg_pool{n}d"

    def matrices(shape, kernel_size, stride, padding, ceil_mode, include, override, array):
        kernel, stride, padding, _, outs = _avg_settings(
            name, array, kernel_size, stride, padding, ceil_mode, n
        )
        return _avg_matrices(shape, kernel, stride, padding, outs, include, override)

    def forward(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode=False,
        count_include_pad=True,
        divisor_override=None,
    ):
        if divisor_override is not None and divisor_override == 0:
            raise EvaluationError("divisor must be not zero")
        found = matrices(
            self.shape,
            kernel_size,
            stride,
            padding,
            ceil_mode,
            count_include_pad,
            divisor_override,
            self,
        )
        return _apply_matrices(self, found).astype(self.dtype)

    def formula(
        grad,
        self,
        kernel_size,
        stride,
        padding,
        ceil_mode,
        count_include_pad,
        divisor_override,
    ):
        self_shape = shape_of(self)
        found = matrices(
            self_shape,
            kernel_size,
            stride,
            padding,
            ceil_mode,
            count_include_pad,
            divisor_override,
            np.broadcast_to(np.float64(0), tuple(self_shape)),
        )
        return _apply_transposed(grad, found)

    forward.__name__ = name
    forward.__doc__ = f"The mean of each {n}-d window (padding counted unless told not to)."
    return op(
        f"{name}(Tensor self, int[] kernel_size, Any stride=None, int[] padding=0, "
        "bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) "
        "-> Tensor",
        f"AvgPool{n}DBackward0",
        method=False,
        namespaces=("F",),
        grads={"self": formula},
        example=f"F.{name}(x.view(1, 1, 2, 2), {'2' if n == 2 else '(1, 2, 2)'})",
    )(forward)


avg_pool2d = _avg_pool_op(2)
avg_pool3d = _avg_pool_op(3)


def adaptive_sizes(name: str, self, output_size, n: int) -> tuple:
    if len(self.shape) not in (n + 1, n + 2):
        raise EvaluationError(
            f"{name}(): Expected {n + 1}D or {n + 2}D tensor, but got "
            f"[{', '.join(map(str, self.shape))}]"
        )
    sizes = (output_size,) if isinstance(output_size, int) or output_size is None else output_size
    sizes = tuple(sizes)
    if len(sizes) == 1:
        sizes = sizes * n
    if len(sizes) != n:
        raise EvaluationError(f"{name}: output_size must be {n}")
    return tuple(s if s is not None else size for s, size in zip(sizes, self.shape[-n:]))


def _adaptive_avg_op(n: int):
    name = f"_adaptive_avg_pool{n}d"

    def forward(self, output_size):
        outs = adaptive_sizes(f"adaptive_avg_pool{n}d", self, output_size, n)
        return _apply_matrices(self, _adaptive_matrices(self.shape, outs)).astype(self.dtype)

    def formula(grad, self):
        outs = tuple(grad.shape[-n:])
        return _apply_transposed(grad, _adaptive_matrices(shape_of(self), outs))

    forward.__name__ = name
    forward.__doc__ = f"The mean over adaptive {n}-d windows giving ``output_size``."
    return op(
        f"{name}(Tensor self, Any output_size) -> Tensor",
        f"AdaptiveAvgPool{n}DBackward0",
        method=False,
        function=False,
        grads={"self": formula},
    )(forward)


_adaptive_avg_pool2d = _adaptive_avg_op(2)
_adaptive_avg_pool3d = _adaptive_avg_op(3)


def _adaptive_max(self, outs, n):
    lead = self.shape[:-n]
    sizes = self.shape[-n:]
    values = np.zeros((*lead, *outs), self.dtype)
    index = np.zeros((*lead, *outs), np.int64)
    bounds = [
        [((o * size) // out, -((-(o + 1) * size) // out)) for o in range(out)]
        for size, out in zip(sizes, outs)
    ]
    for position in itertools.product(*(range(o) for o in outs)):
        box = tuple(slice(*bounds[axis][o]) for axis, o in enumerate(position))
        window = self[(Ellipsis, *box)].reshape(*lead, -1)
        nan = np.isnan(window) if self.dtype.kind == "f" else np.zeros(window.shape, bool)
        picked = np.where(nan.any(-1), nan.argmax(-1), window.argmax(-1))
        values[(Ellipsis, *position)] = np.take_along_axis(window, picked[..., None], -1)[..., 0]
        shape = [b.stop - b.start for b in box]
        local = np.unravel_index(picked, shape)
        flat = np.zeros(picked.shape, np.int64)
        for axis in range(n):
            flat = flat * sizes[axis] + local[axis] + box[axis].start
        index[(Ellipsis, *position)] = flat
    return values, index


def _adaptive_max_op(n: int):
    name = f"adaptive_max_pool{n}d"

    def forward(self, output_size):
        outs = adaptive_sizes(name, self, output_size, n)
        return _adaptive_max(self, outs, n)

    forward.__name__ = name
    forward.__doc__ = f"The maximum over adaptive {n}-d windows, and its flat position."
    return op(
        f"{name}.indices(Tensor self, Any output_size) -> (Tensor, Tensor)",
        f"AdaptiveMaxPool{n}DBackward0",
        outputs=2,
        method=False,
        function=False,
        grads={
            "self": lambda grads, self, result1: _scatter_to_maxima(
                grads[0], shape_of(self), result1, n
            )
        },
    )(forward)


adaptive_max_pool2d_indices = _adaptive_max_op(2)
adaptive_max_pool3d_indices = _adaptive_max_op(3)
