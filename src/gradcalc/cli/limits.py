"""The bounds a run works within: option values that are not plain integers, and where each
bound goes (the Session, the autograd core's process-wide settings, the file policy).

Integer options get their ranges from Typer (``command.py``); sizes and seconds are text
parsed here, so every bad value is a ``UsageError`` (exit 2) with the option's name, whether
it came through Typer or through ``--json``'s error path.
"""

from __future__ import annotations

import math

from gradcalc.errors import UsageError

MAX_TIMEOUT_SECONDS = 1_000_000.0  # 11.6 days: past this a timeout bounds nothing
MAX_DEPTH_LIMIT = 2000
"""Largest ``--max-depth``: a call of the language costs about ten Python frames, and the
session allows Python 30,000 of them, so deeper calls would fail as Python's own
RecursionError instead of at the bound the user set."""
MAX_STEPS_LIMIT = 10**12
MAX_WORK_LIMIT = 10**18
MAX_ELEMENTS_LIMIT = 2**40
MAX_SEED = 2**64 - 1  # PyTorch's generator keeps a 64-bit seed
MAX_JOBS = 1024  # worker processes of --jobs: far more than any machine's cores


def parse_seconds(text: str | None, option: str = "--timeout") -> float | None:
    """``"2.5"`` -> 2.5; None stays None. Positive, finite and at most 11.6 days."""
    if text is None:
        return None
    try:
        seconds = float(str(text).strip())
    except ValueError:
        raise UsageError(
            f"{option} expects a number of seconds, got {_shown(text)}",
            hint=f"e.g. {option} 10 or {option} 0.5",
        ) from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise UsageError(f"{option} must be a positive number of seconds, got {_shown(text)}")
    if seconds > MAX_TIMEOUT_SECONDS:
        raise UsageError(
            f"{option} {_shown(text)} is too long: at most {MAX_TIMEOUT_SECONDS:,.0f} seconds"
        )
    return seconds


def parse_size(text: str | None, option: str) -> int | None:
    """``"64M"`` -> 67108864 (see ``files.parse_byte_size``); None stays None."""
    if text is None:
        return None
    from gradcalc.files import parse_byte_size

    return parse_byte_size(str(text), option)


def _shown(text) -> str:
    from gradcalc.files import show_path

    return repr(show_path(str(text), 60))


def session_settings(options, *, repl: bool = False, policy=None) -> dict:
    """The keyword arguments of ``Session`` that the options decide."""
    settings = {
        "seed": options.seed,
        "dtype": options.dtype,
        "precision": options.precision,
        "explain": options.explain or repl,
        "record_graph": True,
        "python_script": (options.file or "").endswith(".py"),
        "timeout": options.timeout,
        "file_policy": policy,
    }
    for name in ("max_elements", "max_steps", "max_depth"):
        value = getattr(options, name)
        if value is not None:
            settings[name] = value
    return settings


def apply_process_limits(options) -> None:
    """Bounds the autograd core keeps process-wide. Set on every run, the default included,
    so that runs in one process (tests, a host program) do not inherit each other's."""
    import gradcalc.autograd.settings as settings

    settings.set_max_work(options.max_work or settings.DEFAULT_MAX_WORK)
