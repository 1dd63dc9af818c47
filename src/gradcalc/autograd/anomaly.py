"""Anomaly mode (``torch.autograd.set_detect_anomaly(True)``): PyTorch's error when a
backward function returns NaN, naming the node, and where its forward ran."""

from __future__ import annotations

from gradcalc.errors import AutogradError


def _ordinal(n: int) -> str:
    return f"{n}th"


def nan_error(node, index: int) -> AutogradError:
    where = getattr(node, "anomaly_trace", None)
    hint = "the forward operation that made this node is where the NaN comes from"
    if where is not None:
        hint = f"the node was made by {where}"
    return AutogradError(
        f"Function '{node.name()}' returned nan values in its {_ordinal(index)} output.",
        hint=hint,
    )
