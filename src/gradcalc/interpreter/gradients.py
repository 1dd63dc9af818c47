"""The gradients the front ends report, and of what: ``--wrt`` names and ``--of``.

``--wrt`` takes any tensor ``torch.autograd.grad`` takes: a leaf that requires grad (its
``.grad``) or an intermediate of the graph (its gradient, kept by ``retain_grad()`` before
the implicit backward). ``--of`` names the output the implicit backward differentiates.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import UsageError
from gradcalc.interpreter.suggest import did_you_mean


def _tensor_names(variables: dict) -> list[str]:
    return [n for n, v in variables.items() if type(v) is Tensor]


def _unknown(option: str, name: str, variables: dict) -> UsageError:
    names = _tensor_names(variables)
    hint = did_you_mean(name, names)
    if hint is None and names:
        hint = "the program's tensors: " + ", ".join(names[:12]) + ("…" if len(names) > 12 else "")
    return UsageError(f"{option} {name}: no variable named '{name}'", hint=hint)


def check_wrt(session, wrt: list[str]) -> None:
    """An unknown ``--wrt`` name, or one that names no differentiable tensor, is a usage
    error, found before anything is drawn."""
    variables = session.globals
    for name in wrt:
        if name not in variables:
            raise _unknown("--wrt", name, variables)
        value = variables[name]
        if type(value) is not Tensor or not value.requires_grad:
            what = (
                "not a tensor"
                if type(value) is not Tensor
                else "a tensor that does not require grad"
            )
            raise UsageError(
                f"--wrt {name}: {name} is {what}, so nothing has a gradient with respect to it",
                hint="name a tensor of the graph: a leaf that requires grad or a result "
                "computed from one",
            )


def retain_intermediates(session, wrt: list[str] | None) -> None:
    """Before the implicit backward: keep the gradients of the intermediates ``--wrt`` names."""
    for name in wrt or []:
        value = session.globals.get(name)
        if type(value) is Tensor and value.grad_fn is not None and value.requires_grad:
            value.retain_grad()


def reported_grads(session, wrt: list[str] | None = None) -> dict[str, np.ndarray]:
    """Name -> gradient: every leaf's ``.grad`` without ``--wrt``; with it, those of the
    named tensors, leaves or intermediates."""
    from gradcalc.interpreter.reports import leaf_grads

    if wrt is None:
        return leaf_grads(session, None)
    check_wrt(session, wrt)
    grads: dict[str, np.ndarray] = {}
    for name in wrt:
        value = session.globals[name]
        grad = value._grad
        if grad is not None:
            grads[name] = np.array(grad.array)
        elif value.grad_fn is not None:
            # the program's own backward() ran before --wrt could keep this gradient
            raise UsageError(
                f"--wrt {name}: {name} is not a leaf tensor and its gradient was not kept "
                "by the backward pass that ran",
                hint=f"call {name}.retain_grad() before backward(), or name a leaf such as "
                + (", ".join(_leaf_names(session.globals)[:3]) or "x"),
            )
    return grads


def _leaf_names(variables: dict) -> list[str]:
    return [
        n
        for n, v in variables.items()
        if type(v) is Tensor and v.grad_fn is None and v.requires_grad
    ]


def choose_output(session, name: str) -> None:
    """``--of NAME``: the implicit backward differentiates NAME instead of the last output."""
    variables = session.globals
    if name not in variables:
        raise _unknown("--of", name, variables)
    value = variables[name]
    if type(value) is not Tensor:
        raise UsageError(
            f"--of {name}: {name} is not a tensor, so there is nothing to differentiate",
            hint="name a tensor computed from the leaves, e.g. --of loss",
        )
    session.output_name = name


def differentiated_names(session) -> list[str]:
    """What the backward passes of the run differentiated: a variable's name, or the
    expression that made the output (``sum(x*x)``), in the order of the passes."""
    return list(dict.fromkeys(session.observer.pass_outputs))
