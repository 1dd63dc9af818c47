"""Tab completion for the REPL: names, builtins, module prefixes and ``expr.`` attributes."""

from __future__ import annotations

import re

from gradcalc.interpreter import builtins as B
from gradcalc.interpreter import core
from gradcalc.interpreter.evaluator import TENSOR_ATTRIBUTES, Evaluator
from gradcalc.interpreter.values import KNOWN_MODULES, Namespace

_TAIL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?(\.)?([A-Za-z_0-9]*)$")


def complete(ev: Evaluator, prefix: str) -> list[str]:
    """Completions of the word ending ``prefix`` (full replacement words, sorted).

    ``me`` -> ``mean``, ``meshgrid``...; ``x.gr`` -> ``x.grad``, ``x.grad_fn``;
    ``torch.nn.f`` -> ``torch.nn.functional``. Only names and attribute chains are looked
    at, never evaluated calls, so completing has no side effects.
    """
    match = _TAIL.search(prefix)
    if match is None:
        return []
    word = match.group(0)
    if "." not in word:
        candidates = list(ev.variables) + list(ev.module_aliases) + B.function_names()
        candidates += ["True", "False", "None", "import"]
        return sorted({c for c in candidates if c.startswith(word)})
    base_text, _, partial = word.rpartition(".")
    base = _resolve(ev, base_text)
    if base is None:
        return []
    if isinstance(base, Namespace):
        names = B.function_names() + [
            m[len(base.path) + 1 :].split(".")[0]
            for m in KNOWN_MODULES
            if m.startswith(base.path + ".")
        ]
        if base.path in ("torch", "numpy"):
            names += ["float32", "float64"]
    elif core.is_tensor(base):
        names = list(TENSOR_ATTRIBUTES) + B.method_names()
    else:
        return []
    return sorted({f"{base_text}.{n}" for n in names if n.startswith(partial)})


def _resolve(ev: Evaluator, dotted: str):
    parts = dotted.split(".")
    head = parts[0]
    if head in ev.variables:
        value = ev.variables[head]
    elif head in ev.module_aliases:
        value = Namespace(ev.module_aliases[head])
    else:
        return None
    for part in parts[1:]:
        if isinstance(value, Namespace):
            path = f"{value.path}.{part}"
            if path not in KNOWN_MODULES:
                return None
            value = Namespace(path)
        elif core.is_tensor(value) and part in ("grad", "data", "T"):
            value = core.grad_of(value) if part == "grad" else core.detach(value)
        else:
            return None
    return value
