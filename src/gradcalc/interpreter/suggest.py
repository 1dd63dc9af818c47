"""Hints: 'did you mean' for unknown names, attributes and keywords, why a value is None,
how an op is called."""

from __future__ import annotations

import difflib

from gradcalc.errors import GradcalcError, NameLookupError


def did_you_mean(name: str, known) -> str | None:
    """The closest known name within a few edits (Python's own rule of thumb)."""
    if len(name) < 2:
        return None  # one letter is a few edits from every other short name
    names = {k for k in known if isinstance(k, str) and not k.startswith("__")}
    if name in names:
        return f"did you mean '{name}'?"  # the only candidate at distance 0
    candidates = sorted(names)
    limit = max(1, (len(name) + 2) // 3)
    best = None
    for candidate in candidates:
        if best is not None and best[0] == 1:
            break  # nothing after it can be closer: only the name itself is at 0
        if abs(len(candidate) - len(name)) > limit:
            continue
        # Only a closer candidate matters: the distance is not worked out past that bound
        # (a long script's every unknown name would otherwise cost a full table per name).
        bound = limit if best is None else best[0] - 1
        d = _distance(name, candidate, bound)
        if d <= bound:
            best = (d, candidate)
    if best is None:
        close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
        return f"did you mean '{close[0]}'?" if close else None
    return f"did you mean '{best[1]}'?"


def _distance(a: str, b: str, bound: int | None = None) -> int:
    """Levenshtein distance (case changes cost nothing more than other edits); past
    ``bound``, some number over it (a row whose every entry is over it ends the count)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if bound is not None and min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


def usage(function) -> str | None:
    """``usage: torch.mean(input, dim=None, ...)`` for a declared op, from its schemas."""
    from gradcalc.autograd.registry import InplaceSpelling, Spelling
    from gradcalc.interpreter.boundmethod import BoundMethod

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


def name_error(name: str, env, span) -> NameLookupError:
    """Python's NameError. Its 'did you mean' hint compares the name with every known name,
    so it is worked out only if the error reaches the user (``finish_hint``), not each time
    a loop's ``except NameError`` catches it."""
    error = NameLookupError(f"name '{name}' is not defined", span=span)
    names, builtins = env.globals, env.rt.builtins
    error.pending_hint = lambda: _suggest_name(name, names, builtins)
    return error


def _suggest_name(name: str, names: dict, builtins: dict) -> str | None:
    return did_you_mean(name, [*names, *builtins])


def finish_hint(error: GradcalcError) -> None:
    """Work out a hint left pending by ``name_error`` (the error is being reported)."""
    pending = error.__dict__.pop("pending_hint", None)
    if pending is not None and error.hint is None:
        error.hint = pending()


def why_none(node, source: str) -> str:
    """Why the value of ``node`` may be None, said from what the code is."""
    text = source[node.span.start : node.span.end] if node.span is not None else "the value"
    if type(node).__name__ == "Attribute":
        if node.attr == "grad":
            return (
                f"{text} stays None until a backward pass reaches the tensor: call backward() "
                "first (a non-leaf tensor keeps .grad only after .retain_grad())"
            )
        if node.attr == "grad_fn":
            owner = source[node.value.span.start : node.value.span.end]
            return (
                f"{owner} is a leaf (a tensor made directly, not computed): leaves have no grad_fn"
            )
    return f"the value is None: {text} holds None here"
