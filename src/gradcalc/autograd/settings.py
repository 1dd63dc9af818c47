"""Process-wide switches of the autograd core: grad mode, inference and anomaly modes, limits.

Kept in one small module so every op reads the same state and the interpreter can set it
from command-line options (``--max-elements``, ``--max-work``). Nothing here runs at import
beyond building the state object.
"""

from __future__ import annotations

import contextlib
import math

from gradcalc.errors import LimitError, ShapeError, ValueDomainError

DEFAULT_MAX_ELEMENTS = 50_000_000  # 400 MB of float64
DEFAULT_MAX_WORK = 20_000_000_000  # multiply-adds one op may do: ~10 s of numpy on one core
MAX_DIMS = 64  # numpy's limit on the number of dimensions of an array


class _State:
    __slots__ = (
        "anomaly",
        "anomaly_check_nan",
        "backward_callbacks",
        "grad_enabled",
        "inference",
        "inplace_guard",
        "inplace_seen",
        "lenient",
        "max_elements",
        "max_work",
        "observer",
        "record_output_grads",
        "saved_hooks",
        "warn_handler",
        "warned_once",
    )

    def __init__(self) -> None:
        self.grad_enabled = True
        self.inference = False
        self.anomaly = False
        self.anomaly_check_nan = True
        self.max_elements = DEFAULT_MAX_ELEMENTS
        self.max_work = DEFAULT_MAX_WORK
        # Keep each node's incoming gradient after a backward (for the graph view).
        self.record_output_grads = False
        # Set by the first in-place change of any tensor: until then no saved value can
        # have changed, and backward skips the version checks.
        self.inplace_seen = False
        # Set by a torch.func transform: called as guard(tensor, op_name) before an in-place
        # change, it refuses changes to tensors the transformed function captured.
        self.inplace_guard = None
        # gradcalc's own language: a tensor argument may be given as a list of numbers
        self.lenient = False
        # Where PyTorch's UserWarnings go: the interpreter shows them beside a statement's
        # output; without one they go to Python's warnings module.
        self.warn_handler = None
        # (pack, unpack) of the saved_tensors_hooks blocks the program is in, innermost last
        self.saved_hooks: list = []
        # One list per backward pass running (nested passes stack): called when it ends.
        self.backward_callbacks: list = []
        # The messages PyTorch gives with TORCH_WARN_ONCE already shown: once per process
        # there, once per session here (a session swaps in its own set).
        self.warned_once: set[str] = set()
        # The interpreter's observer: told of each backward()/grad() call (and, when it is
        # explaining, of each node the engine runs).
        self.observer = None


STATE = _State()


def warn(message: str, category: str = "UserWarning") -> None:
    handler = STATE.warn_handler
    if handler is not None:
        handler(category, message)
        return
    import warnings

    warnings.warn(message, UserWarning, stacklevel=3)


def warn_once(message: str) -> None:
    """PyTorch's TORCH_WARN_ONCE: the first time only."""
    if message not in STATE.warned_once:
        STATE.warned_once.add(message)
        warn(message)


def set_max_elements(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueDomainError(f"max elements must be a positive integer, got {n!r}")
    STATE.max_elements = n


def get_max_elements() -> int:
    return STATE.max_elements


def set_max_work(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueDomainError(f"max work must be a positive integer, got {n!r}")
    STATE.max_work = n


def check_elements(shape, what: str = "tensor") -> None:
    """Raise LimitError before allocating a result of ``shape`` that is over the limit."""
    check_ndim(len(shape), what)
    n = math.prod(shape)
    if n > STATE.max_elements:
        raise LimitError(
            f"{what} of {n:,} elements (shape {tuple(shape)}) exceeds the limit of "
            f"{STATE.max_elements:,}",
            hint="use smaller shapes, or raise the limit with --max-elements",
        )


def check_work(work: int, what: str) -> None:
    """Raise LimitError before an op whose multiply-adds exceed ``--max-work``."""
    if work > STATE.max_work:
        raise LimitError(
            f"{what} would take {work:,} multiply-adds, over the limit of {STATE.max_work:,}",
            hint="use smaller tensors, or raise the limit with --max-work",
        )


def too_many_dims(ndim: int, what: str = "tensor") -> ShapeError:
    return ShapeError(
        f"the {what} would have {ndim} dimensions; tensors can have at most {MAX_DIMS}",
        hint="merge dimensions with reshape or flatten",
    )


def check_ndim(ndim: int, what: str = "tensor") -> None:
    if ndim > MAX_DIMS:
        raise too_many_dims(ndim, what)


# ---- grad mode ------------------------------------------------------------------------------


def is_grad_enabled() -> bool:
    return STATE.grad_enabled


def set_grad_enabled(mode: bool) -> None:
    STATE.grad_enabled = bool(mode)


class grad_mode:  # noqa: N801 - used as the function it replaces: with grad_mode(False)
    """Record graphs or not inside the block (``no_grad``, ``enable_grad``). A class rather
    than a ``contextlib.contextmanager``: every backward pass and update step enters one,
    and a generator-based manager costs several times more."""

    __slots__ = ("enabled", "previous")

    def __init__(self, enabled: bool) -> None:
        self.enabled = bool(enabled)

    def __enter__(self) -> None:
        self.previous = STATE.grad_enabled
        STATE.grad_enabled = self.enabled

    def __exit__(self, *exc) -> bool:
        STATE.grad_enabled = self.previous
        return False


def no_grad():
    return grad_mode(False)


def enable_grad():
    return grad_mode(True)


@contextlib.contextmanager
def inference_mode(mode: bool = True):
    """No graph, and tensors made inside are inference tensors (``is_inference()``)."""
    previous = STATE.grad_enabled, STATE.inference
    if mode:
        STATE.grad_enabled = False
        STATE.inference = True
    try:
        yield
    finally:
        STATE.grad_enabled, STATE.inference = previous


def is_inference_mode_enabled() -> bool:
    return STATE.inference


# ---- anomaly mode ---------------------------------------------------------------------------


def set_detect_anomaly(mode: bool, check_nan: bool = True) -> None:
    STATE.anomaly = bool(mode)
    STATE.anomaly_check_nan = bool(check_nan)


def is_anomaly_enabled() -> bool:
    return STATE.anomaly


def is_anomaly_check_nan_enabled() -> bool:
    return STATE.anomaly_check_nan


@contextlib.contextmanager
def detect_anomaly(check_nan: bool = True):
    previous = STATE.anomaly, STATE.anomaly_check_nan
    set_detect_anomaly(True, check_nan)
    try:
        yield
    finally:
        STATE.anomaly, STATE.anomaly_check_nan = previous


def set_record_output_grads(enabled: bool) -> None:
    """Keep ``node.output_grad`` for every node on later backward passes (graph view)."""
    STATE.record_output_grads = bool(enabled)
