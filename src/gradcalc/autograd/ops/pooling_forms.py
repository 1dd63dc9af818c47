"""The pooling spellings of torch/nn/functional.py over the ops of ``pooling.py``: the 1-d
forms through unsqueeze/squeeze of the 2-d ops, ``return_indices``, ``adaptive_avg_pool`` to
size 1 as a ``mean``, ``lp_pool1d/2d`` from ``avg_pool`` (as functional.py writes them, at
https://github.com/pytorch/pytorch).
"""

from __future__ import annotations

import math

from gradcalc.autograd.declare import OPS, F, composite
from gradcalc.autograd.ops.pooling import adaptive_sizes, pool_ints
from gradcalc.errors import EvaluationError

_BOTH = ("torch", "F")


def _one_d(value, default=None):
    """A 1-d pool's argument as the 2-d op's: a leading 1 (or ``default``) for the new dim."""
    if value is None or (not isinstance(value, int) and len(value) == 0):
        return ()
    values = (value,) if isinstance(value, int) else tuple(value)
    return (default, *values)


def _max_pool1d_pair(input, kernel_size, stride, padding, dilation, ceil_mode):
    if len(input.shape) not in (2, 3):
        raise EvaluationError(
            "max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size "
            f"for input, but got:[{', '.join(map(str, input.shape))}]"
        )
    values, indices = F.max_pool2d_with_indices(
        F.unsqueeze(input, -2),
        _one_d(kernel_size, 1),
        _one_d(stride, 1),
        _one_d(padding, 0),
        _one_d(dilation, 1),
        ceil_mode,
    )
    return F.squeeze(values, -2), F.squeeze(indices, -2)


_MAX_TAIL = "Any stride=None, int[] padding=0, int[] dilation=1, bool ceil_mode=False"


@composite(
    f"max_pool1d(Tensor input, int[] kernel_size, {_MAX_TAIL}, bool return_indices=False) "
    "-> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.max_pool1d(x.view(1, 4), 2)",
)
def max_pool1d(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """The maximum of each window along the last dimension (with its position if asked)."""
    pair = _max_pool1d_pair(input, kernel_size, stride, padding, dilation, ceil_mode)
    return pair if return_indices else pair[0]


@composite(
    f"max_pool1d_with_indices(Tensor input, int[] kernel_size, {_MAX_TAIL}, "
    "bool return_indices=False) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.max_pool1d_with_indices(x.view(1, 4), 2)",
)
def max_pool1d_with_indices(
    input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False
):
    """``max_pool1d`` with the positions of the maxima."""
    return _max_pool1d_pair(input, kernel_size, stride, padding, dilation, ceil_mode)


def _max_pool_nd(n: int):
    name = f"max_pool{n}d"

    def fn(
        input,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        ceil_mode=False,
        return_indices=False,
    ):
        pair = OPS[f"{name}_with_indices"](input, kernel_size, stride, padding, dilation, ceil_mode)
        return tuple(pair) if return_indices else pair[0]

    fn.__name__ = name
    fn.__doc__ = f"The maximum of each {n}-d window (with its flat position if asked)."
    return composite(
        f"{name}(Tensor input, int[] kernel_size, {_MAX_TAIL}, bool return_indices=False) "
        "-> Tensor",
        method=False,
        namespaces=_BOTH,
        example=f"F.{name}(x.view(1, 1, 2, 2), {'2' if n == 2 else '(1, 2, 2)'})",
    )(fn)


max_pool2d = _max_pool_nd(2)
max_pool3d = _max_pool_nd(3)


@composite(
    "avg_pool1d(Tensor input, int[] kernel_size, Any stride=None, int[] padding=0, "
    "bool ceil_mode=False, bool count_include_pad=True) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.avg_pool1d(x.view(1, 4), 2)",
)
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """The mean of each window along the last dimension."""
    if len(input.shape) not in (2, 3):
        raise EvaluationError(
            f"Expected 2 to 3 dimensions, but got {len(input.shape)}-dimensional tensor for "
            "argument #1 'self' (while checking arguments for avg_pool1d)"
        )
    out = F.avg_pool2d(
        F.unsqueeze(input, -2),
        _one_d(kernel_size, 1),
        _one_d(stride, 1),
        _one_d(padding, 0),
        ceil_mode,
        count_include_pad,
        None,
    )
    return F.squeeze(out, -2)


def _adaptive_avg(n: int, input, output_size):
    outs = adaptive_sizes(f"adaptive_avg_pool{n}d", input, output_size, n)
    if all(o == 1 for o in outs):
        return F.mean_dim(input, tuple(range(-n, 0)), True)
    return OPS[f"_adaptive_avg_pool{n}d"](input, outs)


@composite(
    "adaptive_avg_pool1d(Tensor input, Any output_size) -> Tensor",
    method=False,
    namespaces=_BOTH,
    example="F.adaptive_avg_pool1d(x.view(1, 4), 3)",
)
def adaptive_avg_pool1d(input, output_size):
    """The mean over ``output_size`` windows spread evenly along the last dimension."""
    if len(input.shape) not in (2, 3):
        raise EvaluationError(
            f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got "
            f"[{', '.join(map(str, input.shape))}]"
        )
    size = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    return F.squeeze(_adaptive_avg(2, F.unsqueeze(input, -2), (1, size)), -2)


@composite(
    "adaptive_avg_pool2d(Tensor input, Any output_size) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.adaptive_avg_pool2d(x.view(1, 2, 2), 1)",
)
def adaptive_avg_pool2d(input, output_size):
    """The mean over windows spread evenly to give ``output_size`` (H, W)."""
    return _adaptive_avg(2, input, output_size)


@composite(
    "adaptive_avg_pool3d(Tensor input, Any output_size) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.adaptive_avg_pool3d(x.view(1, 1, 2, 2), 1)",
)
def adaptive_avg_pool3d(input, output_size):
    """The mean over windows spread evenly to give ``output_size`` (D, H, W)."""
    return _adaptive_avg(3, input, output_size)


def _adaptive_max_1d(input, output_size):
    if len(input.shape) not in (2, 3):
        raise EvaluationError(
            f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got "
            f"[{', '.join(map(str, input.shape))}]"
        )
    size = output_size if isinstance(output_size, int) else tuple(output_size)[0]
    values, indices = F.adaptive_max_pool2d_indices(F.unsqueeze(input, -2), (1, size))
    return F.squeeze(values, -2), F.squeeze(indices, -2)


@composite(
    "adaptive_max_pool1d(Tensor input, Any output_size, bool return_indices=False) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.adaptive_max_pool1d(x.view(1, 4), 2)",
)
def adaptive_max_pool1d(input, output_size, return_indices=False):
    """The maximum over ``output_size`` windows spread evenly along the last dimension."""
    pair = _adaptive_max_1d(input, output_size)
    return pair if return_indices else pair[0]


@composite(
    "adaptive_max_pool1d.torch(Tensor self, Any output_size) -> (Tensor, Tensor)",
    method=False,
    example="torch.adaptive_max_pool1d(x.view(1, 4), 2)",
)
def adaptive_max_pool1d_torch(self, output_size):
    """``torch.adaptive_max_pool1d``: the maxima and their positions."""
    return _adaptive_max_1d(self, output_size)


def _adaptive_max_nd(n: int):
    name = f"adaptive_max_pool{n}d"

    def fn(input, output_size, return_indices=False):
        pair = OPS[f"{name}.indices"](input, output_size)
        return tuple(pair) if return_indices else pair[0]

    fn.__name__ = name
    fn.__doc__ = f"The maximum over windows spread evenly to give a {n}-d ``output_size``."
    return composite(
        f"{name}(Tensor input, Any output_size, bool return_indices=False) -> Tensor",
        method=False,
        namespaces=("F",),
        example=f"F.{name}(x.view(1, 1, 2, 2), {'2' if n == 2 else '(1, 2, 2)'})",
    )(fn)


adaptive_max_pool2d = _adaptive_max_nd(2)
adaptive_max_pool3d = _adaptive_max_nd(3)


def _lp_pool(n: int, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = pool_ints("kernel_size", f"lp_pool{n}d", kernel_size, n)
    powered = F.pow(input, norm_type)
    if n == 1:
        out = F.avg_pool1d(powered, kernel, stride, 0, ceil_mode, True)
    else:
        out = F.avg_pool2d(powered, kernel, stride, 0, ceil_mode, True, None)
    return F.pow(F.mul(F.mul(F.sign(out), F.relu(F.abs(out))), math.prod(kernel)), 1.0 / norm_type)


@composite(
    "lp_pool1d(Tensor input, float norm_type, int[] kernel_size, Any stride=None, "
    "bool ceil_mode=False) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.lp_pool1d(x.view(1, 4), 2, 2)",
)
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window along the last dimension."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


@composite(
    "lp_pool2d(Tensor input, float norm_type, int[] kernel_size, Any stride=None, "
    "bool ceil_mode=False) -> Tensor",
    method=False,
    namespaces=("F",),
    example="F.lp_pool2d(x.view(1, 2, 2), 2, 2)",
)
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each 2-d window."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)
