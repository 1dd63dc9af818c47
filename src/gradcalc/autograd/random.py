"""PyTorch 2.13's default CPU generator in numpy: same seed and calls, same numbers, bit for bit.

    gen = Generator(0)                      # torch.manual_seed(0)
    gen.randn((2, 3))                       # torch.randn(2, 3)
    gen.randint(0, 10, (5,))                # torch.randint(0, 10, (5,))

Every sampler returns a new C-ordered numpy array of the requested numpy dtype; the stream
advances exactly as PyTorch's does, so a program's sequence of calls matches PyTorch's call for
call. The algorithms, and what was checked against torch, are described in
``random_engine.py`` (the mt19937 stream and its state), ``random_mathfun.py`` (the
floating-point rounding of the kernels), ``random_distributions.py`` and ``random_discrete.py``.

Sources (PyTorch, BSD-3-Clause): torch/random.py as installed with torch 2.13.0
(``torch.manual_seed`` applies ``int()`` first) and aten/src/ATen/CPUGeneratorImpl.cpp from
github.com/pytorch/pytorch. The rest of the seed handling (any integer in [-2**63, 2**64),
negative ones kept modulo 2**64, the error messages) was taken from torch 2.13's behaviour.
"""

from __future__ import annotations

import numpy as np

import gradcalc.autograd.random_discrete as discrete
import gradcalc.autograd.random_distributions as continuous
from gradcalc.autograd.random_engine import SEED_LIMIT, MT19937Stream
from gradcalc.errors import ArgumentError, ValueDomainError

_SEED_MIN = -(1 << 63)


def normalize_seed(seed) -> int:
    """``Generator.manual_seed``'s argument as the unsigned 64-bit seed PyTorch stores.

    Integers only, not bool, as ``torch.Generator().manual_seed`` (numpy integers are taken
    too, which PyTorch refuses); use ``manual_seed_argument`` for ``torch.manual_seed``, which
    converts with ``int()`` first.
    """
    if isinstance(seed, np.integer):
        seed = int(seed)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ArgumentError(f"manual_seed expected a long, but got {_type_name(seed)}")
    if not _SEED_MIN <= seed < SEED_LIMIT:
        raise ValueDomainError(
            "Overflow when unpacking long long",
            hint="a seed must lie in [-2**63, 2**64)",
        )
    return seed % SEED_LIMIT


def _type_name(value) -> str:
    """Python's ``tp_name``, which PyTorch prints: ``float``, ``numpy.float64``."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def manual_seed_argument(value) -> int:
    """``torch.manual_seed(value)``'s seed: ``int(value)`` (so ``2.7`` is 2 and ``"12"`` is
    12), then ``normalize_seed``; Python's conversion errors become gradcalc errors."""
    try:
        seed = int(value)
    except (ValueError, OverflowError) as error:
        raise ValueDomainError(str(error)) from None
    except TypeError as error:
        raise ArgumentError(str(error)) from None
    return normalize_seed(seed)


def fill_view(view: np.ndarray, values: np.ndarray) -> None:
    """Write a sampler's output into ``view`` in the order PyTorch's in-place samplers fill
    a strided tensor: TensorIterator walks dimensions from the smallest stride up, i.e. memory
    order (``np.ravel(view, order="K")`` for the non-negative strides PyTorch has).

    ``x.t().uniform_()`` is ``fill_view(xt, gen.uniform((xt.size,), ...))``; for ``normal_``
    also pass ``contiguous=xt.flags.c_contiguous`` to the sampler, as PyTorch switches
    algorithm for non-contiguous targets.
    """
    axes = sorted(range(view.ndim), key=lambda axis: -abs(view.strides[axis]))
    target = view.transpose(axes)
    target[...] = np.asarray(values).reshape(target.shape)


class Generator:
    """``torch.Generator()`` on the CPU (``at::CPUGeneratorImpl``), seeded with ``seed``.

    Shapes are tuples of non-negative ints; ``dtype`` is anything ``np.dtype`` takes. Float
    samplers support float16, float32 and float64; integer ones int8/16/32/64, uint8 and bool.
    """

    __slots__ = ("_stream",)

    def __init__(self, seed: int = 0) -> None:
        self._stream = MT19937Stream(normalize_seed(seed))

    # ------------------------------------------------------------------ seeding and state

    def manual_seed(self, seed) -> Generator:
        """Reseed (and forget the cached normal sample); returns self, as PyTorch."""
        self._stream.reseed(normalize_seed(seed))
        return self

    def initial_seed(self) -> int:
        """The last seed, as PyTorch reports it: negative seeds modulo 2**64."""
        return self._stream.initial_seed

    def seed(self) -> int:
        """Reseed from the operating system's entropy (nondeterministic); returns the seed."""
        import secrets  # only here: its import costs more than a one-line program's work

        seed = secrets.randbits(64)
        self._stream.reseed(seed)
        return seed

    def get_state(self) -> np.ndarray:
        """A copy of the whole state: the 5056 bytes of ``torch.get_rng_state()``."""
        return self._stream.state_bytes()

    def set_state(self, state) -> Generator:
        """Restore a state from ``get_state`` (PyTorch's own state bytes work too)."""
        self._stream.load_state_bytes(state)
        return self

    # ----------------------------------------------------------------- continuous samplers

    def rand(self, shape, dtype=np.float32) -> np.ndarray:
        """``torch.rand(*shape, dtype=dtype)``."""
        return continuous.uniform(self._stream, shape, 0.0, 1.0, dtype)

    def uniform(self, shape, low: float = 0.0, high: float = 1.0, dtype=np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype=dtype).uniform_(low, high)``."""
        return continuous.uniform(self._stream, shape, low, high, dtype)

    def randn(self, shape, dtype=np.float32, *, contiguous: bool = True) -> np.ndarray:
        """``torch.randn(*shape, dtype=dtype)``."""
        return continuous.normal(self._stream, shape, 0.0, 1.0, dtype, contiguous=contiguous)

    def normal(
        self, shape, mean: float = 0.0, std: float = 1.0, dtype=np.float32, *, contiguous=True
    ) -> np.ndarray:
        """``torch.empty(shape, dtype=dtype).normal_(mean, std)``, which is also
        ``torch.normal(mean, std, size=shape)``. ``contiguous=False`` gives the values
        ``normal_`` writes into a strided view, in the view's memory order (PyTorch's scalar
        sampler runs for those, whatever their size)."""
        return continuous.normal(self._stream, shape, mean, std, dtype, contiguous=contiguous)

    def normal_tensor(self, mean, std) -> np.ndarray:
        """``torch.normal(mean, std)`` with an array for ``mean``, ``std`` or both (broadcast);
        the dtype is ``mean``'s if it is an array, else ``std``'s."""
        return continuous.normal_tensor(self._stream, mean, std)

    def exponential(self, shape, lambd: float = 1.0, dtype=np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype=dtype).exponential_(lambd)``."""
        return continuous.exponential(self._stream, shape, lambd, dtype)

    # ------------------------------------------------------------------- discrete samplers

    def randint(self, low: int, high: int, shape, dtype=np.int64) -> np.ndarray:
        """``torch.randint(low, high, shape, dtype=dtype)`` (``randint(high, size)``: low=0)."""
        return discrete.randint(self._stream, low, high, shape, dtype)

    def random_(self, shape, dtype, low: int | None = None, high: int | None = None):
        """``torch.empty(shape, dtype=dtype).random_()`` (no bounds), ``.random_(to)``
        (``low=0, high=to``), ``.random_(from, to)``, or ``.random_(from, None)``."""
        return discrete.random_(self._stream, shape, dtype, low, high)

    def randperm(self, n: int, dtype=np.int64) -> np.ndarray:
        """``torch.randperm(n, dtype=dtype)``."""
        return discrete.randperm(self._stream, n, dtype)

    def bernoulli(self, p, shape=None, dtype=None) -> np.ndarray:
        """``torch.bernoulli(p)`` for an array of probabilities (result: ``p``'s shape and
        dtype), or ``torch.empty(shape, dtype=dtype).bernoulli_(p)`` with ``p`` broadcast."""
        return discrete.bernoulli_tensor(self._stream, p, shape, dtype)

    def bernoulli_scalar(self, shape, p: float, dtype=np.float32) -> np.ndarray:
        """``torch.empty(shape, dtype=dtype).bernoulli_(p)`` and ``torch.bernoulli(x, p)``."""
        return discrete.bernoulli_scalar(self._stream, shape, p, dtype)

    def multinomial(self, probs, num_samples: int, replacement: bool = False) -> np.ndarray:
        """``torch.multinomial(probs, num_samples, replacement)`` (int64 indices)."""
        return discrete.multinomial(self._stream, probs, num_samples, replacement)

    def dropout_noise(self, shape, p: float, dtype=np.float32) -> np.ndarray | None:
        """The array ``F.dropout(x, p, training=True)`` multiplies ``x`` by (``x.shape`` and
        ``x.dtype``); ``None`` means PyTorch returns ``x`` itself (``p == 0`` or no elements).
        See ``random_discrete.dropout_noise``."""
        return discrete.dropout_noise(self._stream, shape, p, dtype)


__all__ = ["Generator", "fill_view", "manual_seed_argument", "normalize_seed"]


# ---- the default generator (torch.manual_seed, torch.randn without generator=) --------------

# Made on first use: seeding mt19937 (and importing numpy.random) is start-up time that a
# program drawing no random numbers need not pay.
_DEFAULT: list = []


def default_generator() -> Generator:
    if not _DEFAULT:
        _DEFAULT.append(Generator(0))
    return _DEFAULT[0]


def set_default_generator(generator: Generator) -> None:
    """The generator ``torch.randn`` and friends draw from (one per interpreter session)."""
    _DEFAULT[:] = [generator]


def manual_seed(seed) -> Generator:
    """``torch.manual_seed``."""
    return default_generator().manual_seed(manual_seed_argument(seed))


def initial_seed() -> int:
    return default_generator().initial_seed()


def seed() -> int:
    return default_generator().seed()


def default_generator_value():
    """What ``torch.manual_seed`` returns: shown as PyTorch shows its Generator."""
    return GeneratorValue(default_generator())


class GeneratorValue:
    """``<torch._C.Generator object at 0x...>``: the repr of the generator handle."""

    __slots__ = ("generator",)
    context_manager = False

    def __init__(self, generator: Generator) -> None:
        self.generator = generator

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {id(self):#x}>"
