"""Tab completion for the REPL: names, module members and ``expr.`` attributes.

Only names and attribute chains are looked at, never calls, so completing has no side
effects; every candidate exists (a module offers only its own names).
"""

from __future__ import annotations

import keyword
import re

from gradcalc.interpreter.attributes import get_attribute, names_of

_TAIL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?(\.)?([A-Za-z_0-9]*)$")
_NO_WALK = frozenset({"grad_fn"})


def complete(session, prefix: str) -> list[str]:
    """Completions of the word ending ``prefix`` (full replacement words, sorted)."""
    match = _TAIL.search(prefix)
    if match is None:
        return []
    word = match.group(0)
    scope = {**session.rt.builtins, **session.globals}
    if "." not in word:
        candidates = [n for n in scope if not n.startswith("__")]
        candidates += [k for k in keyword.kwlist if not k.startswith("_")]
        return sorted({c for c in candidates if c.startswith(word)})
    base_text, _, partial = word.rpartition(".")
    parts = base_text.split(".")
    if parts[0] not in scope:
        return []
    value = scope[parts[0]]
    for part in parts[1:]:
        if part in _NO_WALK:
            return []
        try:
            value = get_attribute(value, part)
        except Exception:  # noqa: BLE001 - nothing to complete past an unknown attribute
            return []
    return sorted(
        {
            f"{base_text}.{n}"
            for n in names_of(value)
            if n.startswith(partial) and not n.startswith("__")
        }
    )
