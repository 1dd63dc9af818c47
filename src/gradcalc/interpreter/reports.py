"""The gradients the CLI reports: the leaves' ``.grad`` (``--wrt`` chooses which)."""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import UsageError
from gradcalc.interpreter.suggest import did_you_mean


def _is_leaf(value) -> bool:
    return type(value) is Tensor and value.grad_fn is None and value.requires_grad


def leaf_grads(session, wrt: list[str] | None = None) -> dict[str, np.ndarray]:
    variables = session.globals
    if wrt is not None:
        for name in wrt:
            if name not in variables:
                raise UsageError(
                    f"--wrt {name}: no variable named '{name}'",
                    hint=did_you_mean(name, list(variables)),
                )
            if not _is_leaf(variables[name]):
                leaf = next((n for n, v in variables.items() if _is_leaf(v)), "x")
                raise UsageError(
                    f"--wrt {name}: {name} is not a leaf tensor that requires grad, so "
                    "backward() gives it no gradient",
                    hint=f"name a leaf such as {leaf}; for an intermediate, call "
                    f"{name}.retain_grad() and print({name}.grad)",
                )
    names = wrt if wrt is not None else list(variables)
    grads: dict[str, np.ndarray] = {}
    for name in names:
        value = variables[name]
        if _is_leaf(value) and value._grad is not None:
            grads[name] = np.array(value._grad.array)
    return grads
