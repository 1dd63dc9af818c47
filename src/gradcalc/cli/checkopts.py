"""``--eps``, ``--atol``, ``--rtol``: --check's numbers, read as text so that a bad value is a
UsageError naming the option, with gradcalc's wording."""

from __future__ import annotations

import math

from gradcalc.errors import UsageError

DEFAULTS = {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3}


def parse_check_numbers(eps: str | None, atol: str | None, rtol: str | None) -> dict:
    """The options' values as floats (the defaults for those not given)."""
    given = {"eps": eps, "atol": atol, "rtol": rtol}
    numbers = {}
    for name, text in given.items():
        if text is None:
            numbers[name] = DEFAULTS[name]
            continue
        try:
            value = float(str(text).strip())
        except ValueError:
            raise UsageError(
                f"--{name} expects a number, got {str(text)!r}", hint=f"e.g. --{name} 1e-6"
            ) from None
        if not math.isfinite(value) or value < 0 or (name == "eps" and value == 0):
            need = "a positive number" if name == "eps" else "a number >= 0"
            raise UsageError(f"--{name} must be {need}, got {str(text)!r}")
        numbers[name] = value
    return numbers
