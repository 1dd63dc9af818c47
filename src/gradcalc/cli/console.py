"""Rich consoles for stdout and stderr, honouring --no-color, NO_COLOR and non-terminals."""

from __future__ import annotations

import os

from rich.console import Console


def color_disabled(no_color: bool) -> bool:
    return no_color or bool(os.environ.get("NO_COLOR"))


def make_console(*, stderr: bool = False, no_color: bool = False) -> Console:
    """A console that writes no escape codes at all when colour is off.

    Rich already drops styles when the stream is not a terminal; ``color_system=None``
    also drops bold/dim, which ``no_color`` alone would keep.
    """
    disabled = color_disabled(no_color)
    return Console(
        stderr=stderr,
        highlight=False,
        no_color=disabled,
        color_system=None if disabled else "auto",
        emoji=False,
    )
