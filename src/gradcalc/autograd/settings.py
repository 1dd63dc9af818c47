"""Process-wide switches of the autograd core: default dtype, size limit, grad mode, RNG.

Kept in one small module so every op reads the same state and the interpreter can set it
from command-line options (``--dtype``, ``--max-elements``, ``--seed``).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from gradcalc.errors import ArgumentError, LimitError, ShapeError, ValueDomainError

DEFAULT_MAX_ELEMENTS = 50_000_000  # 400 MB of float64

_DTYPES = {
    "float64": np.dtype(np.float64),
    "float32": np.dtype(np.float32),
    "double": np.dtype(np.float64),
    "float": np.dtype(np.float32),
}


class _State:
    __slots__ = (
        "default_dtype",
        "grad_enabled",
        "inplace_seen",
        "max_elements",
        "record_output_grads",
        "rng",
    )

    def __init__(self) -> None:
        self.default_dtype = np.dtype(np.float64)
        self.grad_enabled = True
        self.max_elements = DEFAULT_MAX_ELEMENTS
        # Keep each node's incoming gradient after a backward (for the graph view).
        self.record_output_grads = False
        self.rng = np.random.default_rng(0)
        # Set by the first in-place change of a tensor (``mark_modified``): from then on nodes
        # note the versions of what they save, and backward checks them.
        self.inplace_seen = False


STATE = _State()


def as_dtype(dtype) -> np.dtype:
    """``"float32"``, ``"torch.float32"``, ``np.float32`` or a numpy dtype -> numpy dtype."""
    if dtype is None:
        return STATE.default_dtype
    if isinstance(dtype, str):
        found = _DTYPES.get(dtype.removeprefix("torch."))
        if found is not None:
            return found
    elif isinstance(dtype, np.dtype | type):
        # Only dtypes and types: np.dtype() would also take any object with a ``.dtype``
        # (a Tensor, a list turned into one) and silently use that.
        try:
            found = np.dtype(dtype)
        except TypeError:
            found = None
        if found is not None and found.kind == "f" and found.itemsize in (4, 8):
            return found
    else:
        raise ArgumentError(
            f"dtype must be a dtype such as float32, not {type(dtype).__name__}",
            hint="use float64 (the default) or float32",
        )
    raise ValueDomainError(
        f"unsupported dtype {dtype!r}", hint="use float64 (the default) or float32"
    )


def set_default_dtype(dtype) -> None:
    STATE.default_dtype = as_dtype(dtype)


def get_default_dtype() -> np.dtype:
    return STATE.default_dtype


def set_max_elements(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueDomainError(f"max elements must be a positive integer, got {n!r}")
    STATE.max_elements = n


def get_max_elements() -> int:
    return STATE.max_elements


def check_elements(shape, what: str = "tensor") -> None:
    """Raise LimitError before allocating a result of ``shape`` that is over the limit."""
    check_ndim(len(shape), what)
    n = math.prod(shape)
    if n > STATE.max_elements:
        # The interpreter's wording for the same limit, plus the shape that hit it.
        raise LimitError(
            f"{what} of {n:,} elements (shape {tuple(shape)}) exceeds the limit of "
            f"{STATE.max_elements:,}",
            hint="use smaller shapes, or raise the limit with --max-elements",
        )


MAX_DIMS = 64  # numpy's limit on the number of dimensions of an array


def too_many_dims(ndim: int, what: str = "tensor") -> ShapeError:
    return ShapeError(
        f"the {what} would have {ndim} dimensions; tensors can have at most {MAX_DIMS}",
        hint="merge dimensions with reshape or flatten",
    )


def check_ndim(ndim: int, what: str = "tensor") -> None:
    """Raise ShapeError for a result with more dimensions than an array can have."""
    if ndim > MAX_DIMS:
        raise too_many_dims(ndim, what)


def manual_seed(seed: int) -> None:
    """Reseed the generator behind ``rand``/``randn`` (reproducible runs)."""
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueDomainError(f"seed must be an integer, got {seed!r}")
    STATE.rng = np.random.default_rng(seed)


def is_grad_enabled() -> bool:
    return STATE.grad_enabled


def set_grad_enabled(mode: bool) -> None:
    STATE.grad_enabled = bool(mode)


@contextlib.contextmanager
def no_grad():
    """Operations inside record no graph (``with torch.no_grad():``)."""
    previous = STATE.grad_enabled
    STATE.grad_enabled = False
    try:
        yield
    finally:
        STATE.grad_enabled = previous


@contextlib.contextmanager
def enable_grad():
    previous = STATE.grad_enabled
    STATE.grad_enabled = True
    try:
        yield
    finally:
        STATE.grad_enabled = previous


def set_record_output_grads(enabled: bool) -> None:
    """Keep ``node.output_grad`` for every node on later backward passes (graph view)."""
    STATE.record_output_grads = bool(enabled)
