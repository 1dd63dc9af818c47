"""Random tensors from the default generator (``random.py``: PyTorch's numbers, bit for bit).

``torch.manual_seed(0)`` then ``torch.randn(3)`` gives PyTorch's values; gradcalc starts
every session seeded with ``--seed`` (0 by default), as if ``torch.manual_seed(0)`` ran.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.dtypes as dtypes
from gradcalc.autograd.declare import F, composite, op
from gradcalc.autograd.ops.constructors import leaf
from gradcalc.autograd.ops.pointwise import NOT_IMPLEMENTED, no_derivative
from gradcalc.autograd.random import default_generator, fill_view
from gradcalc.autograd.settings import check_elements
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import EvaluationError


def _shape(size) -> tuple:
    for n in size:
        if n < 0:
            raise EvaluationError(
                f"Trying to create tensor with negative dimension {n}: {list(size)}"
            )
    check_elements(size, "tensor")
    return tuple(size)


def _sampler(name: str, draw, doc: str):
    def make(
        size,
        generator=None,
        dtype=None,
        layout=None,
        device=None,
        requires_grad=False,
        pin_memory=False,
    ):
        target = dtype or dtypes.DEFAULTS.float
        return leaf(draw(default_generator(), _shape(size), target.np), requires_grad)

    make.__name__ = name
    make.__doc__ = doc
    return composite(
        f"{name}(int[] size, *, Generator? generator=None, ScalarType? dtype=None, "
        "Layout? layout=None, Device? device=None, bool requires_grad=False, "
        "bool pin_memory=False) -> Tensor",
        method=False,
        example=f"torch.{name}(2, 3)",
    )(make)


_rand = _sampler("rand", lambda g, s, d: g.rand(s, d), "Uniform on [0, 1).")
_randn = _sampler("randn", lambda g, s, d: g.randn(s, d), "Standard normal.")


def _like(name: str, draw, doc: str):
    def make(self, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
        target = dtype or dtypes.BY_NUMPY[self.array.dtype]
        return leaf(draw(default_generator(), self.array.shape, target.np), requires_grad)

    make.__name__ = name
    make.__doc__ = doc
    return composite(
        f"{name}(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, "
        "Device? device=None, bool requires_grad=False, MemoryFormat? memory_format=None) -> Tensor",
        method=False,
        example=f"torch.{name}(x)",
    )(make)


_rand_like = _like(
    "rand_like", lambda g, s, d: g.rand(s, d), "Uniform on [0, 1), shaped like input."
)
_randn_like = _like(
    "randn_like", lambda g, s, d: g.randn(s, d), "Standard normal, shaped like input."
)


def _randint(low, high, size, dtype, requires_grad):
    if low >= high:
        raise EvaluationError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    return leaf(
        default_generator().randint(low, high, _shape(size), (dtype or dtypes.int64).np),
        requires_grad,
    )


_RANDINT_TAIL = (
    "*, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False) -> Tensor"
)


@composite(
    f"randint(int high, int[] size, {_RANDINT_TAIL}",
    method=False,
    example="torch.randint(10, (3,))",
)
def randint(high, size, generator=None, dtype=None, layout=None, device=None, requires_grad=False):
    """Integers uniform on ``[0, high)``."""
    return _randint(0, high, size, dtype, requires_grad)


@composite(
    f"randint.low(int low, int high, int[] size, {_RANDINT_TAIL}",
    method=False,
    example="torch.randint(0, 10, (2, 3))",
)
def randint_low(
    low, high, size, generator=None, dtype=None, layout=None, device=None, requires_grad=False
):
    """Integers uniform on ``[low, high)``."""
    return _randint(low, high, size, dtype, requires_grad)


@composite(
    "randperm(int n, *, Generator? generator=None, ScalarType? dtype=None, Layout? layout=None, "
    "Device? device=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.randperm(5)",
)
def randperm(n, generator=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A random permutation of ``0 .. n-1``."""
    return leaf(default_generator().randperm(n, (dtype or dtypes.int64).np), requires_grad)


@composite(
    "normal(Any mean=0.0, Any std=1.0, int[]? size=None, *, Generator? generator=None, "
    "ScalarType? dtype=None, bool requires_grad=False) -> Tensor",
    method=False,
    example="torch.normal(0.0, 1.0, (2, 3))",
)
def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, requires_grad=False):
    """Normal samples: scalar mean and std with a size, or tensors of means and stds."""
    g = default_generator()
    if type(mean) is Tensor or type(std) is Tensor:
        m = mean.array if type(mean) is Tensor else mean
        s = std.array if type(std) is Tensor else std
        return make_tensor(g.normal_tensor(m, s))
    target = dtype or dtypes.DEFAULTS.float
    return leaf(g.normal(_shape(size or ()), float(mean), float(std), target.np), requires_grad)


@op(
    "bernoulli(Tensor self, *, Generator? generator=None) -> Tensor",
    "BernoulliBackward0",
    grads={"self": lambda grad: np.zeros_like(grad) if type(grad) is np.ndarray else grad * 0},
    example="torch.bernoulli(p)",
)
def bernoulli(self, generator=None):
    """1 with probability ``self``, else 0 (its gradient is 0, as PyTorch's)."""
    return default_generator().bernoulli(self)


@op(
    "bernoulli.p(Tensor self, float p, *, Generator? generator=None) -> Tensor",
    NOT_IMPLEMENTED,
    grads={"self": no_derivative("derivative for aten::bernoulli is not implemented")},
    example="torch.bernoulli(x, 0.5)",
)
def bernoulli_p(self, p, generator=None):
    """1 with probability ``p``, else 0, in ``self``'s shape and dtype."""
    return default_generator().bernoulli_scalar(self.shape, p, self.dtype)


@composite(
    "multinomial(Tensor self, int num_samples, bool replacement=False, *, "
    "Generator? generator=None) -> Tensor",
    example="torch.multinomial(p, 2)",
)
def multinomial(self, num_samples, replacement=False, generator=None):
    """Indices drawn with the probabilities in ``self`` (rows for 2-D)."""
    return make_tensor(default_generator().multinomial(self.array, num_samples, replacement))


@composite(
    "dropout(Tensor self, float p=0.5, bool training=True, bool inplace=False) -> Tensor",
    namespaces=("torch", "F"),
    method=False,
    example="F.dropout(x, 0.5)",
)
def dropout(self, p=0.5, training=True, inplace=False):
    """Zeros each element with probability ``p`` and scales the rest by ``1 / (1 - p)``."""
    if p < 0 or p > 1:
        raise EvaluationError(
            f"dropout probability has to be between 0 and 1, but got {p}", kind="ValueError"
        )
    if not training:
        return self
    noise = default_generator().dropout_noise(self.array.shape, p, self.array.dtype)
    if noise is None:
        return self if p == 0 else F.mul(self, 0.0)
    return F.mul(self, make_tensor(noise))


def _in_place_sampler(name: str, fill):
    def sample(self, *args, generator=None):
        values = fill(default_generator(), self.array, *args)
        from gradcalc.autograd.inplace import bump_version

        with np.errstate(all="ignore"):
            fill_view(self.array, values.astype(self.array.dtype, copy=False))
        bump_version(self)
        return self

    sample.__name__ = name
    return sample


_UNIFORM = _in_place_sampler(
    "uniform_", lambda g, a, low=0.0, high=1.0: g.uniform(a.shape, float(low), float(high), a.dtype)
)
_NORMAL = _in_place_sampler(
    "normal_",
    lambda g, a, mean=0.0, std=1.0: g.normal(
        a.shape, float(mean), float(std), a.dtype, contiguous=a.flags.c_contiguous
    ),
)


@composite(
    "uniform_(Tensor self, float from=0.0, float to=1.0, *, Generator? generator=None) -> Tensor",
    function=False,
    example="torch.empty(3).uniform_(-1, 1)",
)
def uniform_(self, low=0.0, high=1.0, generator=None):
    """Fill in place with uniform samples on ``[from, to)``."""
    from gradcalc.autograd.inplace import check_writable

    check_writable(self)
    return _UNIFORM(self, low, high)


@composite(
    "normal_(Tensor self, float mean=0.0, float std=1.0, *, Generator? generator=None) -> Tensor",
    function=False,
    example="torch.empty(3).normal_(0.0, 2.0)",
)
def normal_(self, mean=0.0, std=1.0, generator=None):
    """Fill in place with normal samples."""
    from gradcalc.autograd.inplace import check_writable

    check_writable(self)
    return _NORMAL(self, mean, std)
