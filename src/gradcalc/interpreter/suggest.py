"""'Did you mean' hints for unknown names, attributes and keywords."""

from __future__ import annotations

import difflib


def did_you_mean(name: str, known) -> str | None:
    """The closest known name within a few edits (Python's own rule of thumb)."""
    if len(name) < 2:
        return None  # one letter is a few edits from every other short name
    candidates = sorted({k for k in known if isinstance(k, str) and not k.startswith("__")})
    limit = max(1, (len(name) + 2) // 3)
    best = None
    for candidate in candidates:
        if abs(len(candidate) - len(name)) > limit:
            continue
        d = _distance(name, candidate)
        if d <= limit and (best is None or d < best[0]):
            best = (d, candidate)
    if best is None:
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
        return f"did you mean '{close[0]}'?" if close else None
    return f"did you mean '{best[1]}'?"


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (case changes cost nothing more than other edits)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def usage(function) -> str | None:
    """``usage: torch.mean(input, dim=None, ...)`` for a declared op, from its schemas."""
    from gradcalc.autograd.registry import InplaceSpelling, Spelling
    from gradcalc.interpreter.attributes import BoundMethod

    method = isinstance(function, BoundMethod)
    spelling = getattr(function, "spelling", function)  # a method, or a calculator wrapper
    if isinstance(spelling, InplaceSpelling):
        overloads, method = [spelling.op], True
    elif isinstance(spelling, Spelling):
        overloads = spelling.overloads
    else:
        return None
    lines = []
    for declared in overloads[:3]:
        params = declared.schema.params[1:] if method else declared.schema.params
        shown, star = [], False
        for p in params:
            if p.keyword_only and not star:
                shown.append("*")
                star = True
            name = "input" if p.name == "self" else p.name
            shown.append(f"{name}={p.default!r}" if p.has_default else name)
        prefix = "x." if method else ""
        lines.append(f"{prefix}{spelling.name}({', '.join(shown)})")
    return "usage: " + "; ".join(lines)
