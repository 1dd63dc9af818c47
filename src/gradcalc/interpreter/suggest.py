"""'Did you mean' hints for unknown names, attributes and keywords."""

from __future__ import annotations

import difflib


def did_you_mean(name: str, known) -> str | None:
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.75)
    return f"did you mean '{close[0]}'?" if close else None
