"""More random tensors from the default generator: ``randint_like`` and ``poisson``.

``poisson`` replays PyTorch's CPU sampler (``sample_poisson`` in aten/src/ATen/native/
Distributions.h, at https://github.com/pytorch/pytorch): for a rate of 10 or more Hörmann's
transformed rejection, below it the product of uniforms, each uniform a 53-bit double from
the generator, elements in order, so seeded programs draw PyTorch's numbers.
"""

from __future__ import annotations

import math

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import composite, op
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.ops.pointwise import kernel_error
from gradcalc.autograd.random import default_generator
from gradcalc.errors import EvaluationError

_LIKE_TAIL = (
    "*, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False, MemoryFormat? memory_format=None) -> Tensor"
)


def _randint_like(self, low, high, dtype, requires_grad):
    if low >= high:
        raise EvaluationError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    target = dtype or self.dtype
    draw = default_generator().randint(low, high, tuple(self.shape), target.np)
    return leaf(draw, requires_grad)


@composite(
    f"randint_like(Tensor self, int high, {_LIKE_TAIL}",
    method=False,
    example="torch.randint_like(x, 10)",
)
def randint_like(
    self,
    high,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """Integers uniform on ``[0, high)`` (or ``[low, high)``), shaped like ``input`` and of
    its dtype."""
    return _randint_like(self, 0, high, dtype, requires_grad)


@composite(
    f"randint_like.low_dtype(Tensor self, int low, int high, {_LIKE_TAIL}",
    method=False,
    example="torch.randint_like(x, 3, 10)",
)
def randint_like_low(
    self,
    low,
    high,
    generator=None,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    memory_format=None,
):
    """Integers uniform on ``[low, high)``, shaped like ``input`` and of its dtype."""
    return _randint_like(self, low, high, dtype, requires_grad)


def _uniform(generator) -> float:
    return float(generator.uniform((1,), 0.0, 1.0, np.float64)[0])


def _sample_poisson(rate: float, generator) -> int:
    if rate >= 10:
        slam = math.sqrt(rate)
        loglam = math.log(rate)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = _uniform(generator) - 0.5
            v = _uniform(generator)
            us = 0.5 - abs(u)
            k = math.floor((2 * a / us + b) * u + rate + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (math.log(v) + math.log(invalpha) - math.log(a / (us * us) + b)) <= (
                -rate + k * loglam - math.lgamma(k + 1.0)
            ):
                return k
    if rate == 0:
        return 0
    limit = math.exp(-rate)
    count = 0
    product = 1.0
    while True:
        product *= _uniform(generator)
        if product > limit:
            count += 1
        else:
            return count


@op(
    "poisson(Tensor self, Generator? generator=None) -> Tensor",
    "PoissonBackward0",
    grads={"self": lambda grad: grad * 0},
    method=False,
    example="torch.poisson(torch.tensor([0.5, 4.0, 20.0]))",
)
def poisson(self, generator=None):
    """A Poisson draw for each rate in ``self`` (same shape and dtype)."""
    if self.dtype.kind != "f":
        raise kernel_error("poisson_cpu", dtypes.BY_NUMPY[self.dtype])
    if np.any(self < 0):
        raise EvaluationError("invalid Poisson rate, expected rate to be non-negative")
    gen = default_generator()
    values = [_sample_poisson(float(rate), gen) for rate in self.reshape(-1)]
    return np.array(values, dtype=self.dtype).reshape(self.shape)
