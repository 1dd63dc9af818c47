"""``--detect-anomaly``: stop a backward pass at the first node that turns finite gradients
into NaN or infinity, and say which forward expression made that node and with what values.

PyTorch's anomaly mode (``torch.autograd.set_detect_anomaly(True)``, also in the language)
checks NaN only and names the node; this mode also catches infinities and points at the
forward source, which is what a user debugging a NaN loss looks for first.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import AutogradError

_VALUES_SHOWN = 6  # input values quoted in the message


def _array(value):
    if value is None:
        return None
    return np.asarray(value.array if type(value) is Tensor else value)


def _finite(array) -> bool:
    return array is None or array.dtype.kind not in "fc" or bool(np.isfinite(array).all())


def check_node(observer, node, grads, outputs) -> None:
    """Raise when ``node`` received finite gradients and sent a non-finite one on."""
    if type(node) is AccumulateGrad or not outputs:
        return
    if not all(_finite(_array(g)) for g in grads):
        return  # an earlier node's doing, already reported if it was one
    for index, out in enumerate(outputs):
        array = _array(out)
        if _finite(array):
            continue
        raise anomaly_error(observer, node, index, array, grads)


def anomaly_error(observer, node, index: int, produced, grads) -> AutogradError:
    label = observer.labels.get(node)
    what = "NaN" if np.isnan(produced).any() else "infinite"
    expression = label.text if label is not None else node.name()
    lines = [
        f"the backward of {node.name()} (made by {expression}) produced {what} values in "
        f"its gradient for input {index} from finite incoming gradients"
    ]
    inputs = _input_values(observer, node)
    if label is not None:
        lines.append(f"forward value: {_short(np.asarray(label.value))}")
    for name, value in inputs:
        lines.append(f"input {name}: {_short(value)}")
    lines.append(f"incoming gradient: {_short(_array(grads[0]))}")
    lines.append(f"gradient sent to input {index}: {_short(produced)}")
    error = AutogradError(
        "\n".join(lines),
        hint=_hint(node.name()),
        kind="RuntimeError",
    )
    span = label.span() if label is not None else None
    if span is not None:
        error.span = span
    return error


def _input_values(observer, node) -> list:
    found = []
    for index, (child, _) in enumerate(node.next_functions):
        if child is None:
            continue
        if type(child) is AccumulateGrad:
            name = observer.leaf_text(child.variable) or _leaf_name(observer, child.variable)
            found.append((name or f"{index}", np.asarray(child.variable.array)))
            continue
        label = observer.labels.get(child)
        if label is not None:
            found.append((label.text, np.asarray(label.value)))
    return found


def _leaf_name(observer, tensor) -> str | None:
    for name, value in observer.session.globals.items():
        if value is tensor:
            return name
    return None


def _short(array) -> str:
    if array is None:
        return "None"
    flat = np.asarray(array, dtype=np.float64).reshape(-1)
    shown = ", ".join(f"{v:.4g}" for v in flat[:_VALUES_SHOWN])
    more = f", … ({flat.size} elements)" if flat.size > _VALUES_SHOWN else ""
    return f"[{shown}{more}]" if np.ndim(array) else shown


def _hint(op: str) -> str:
    known = {
        "SqrtBackward0": "sqrt's derivative 1/(2*sqrt(x)) is infinite at x = 0; add a small "
        "epsilon, e.g. sqrt(x + 1e-12)",
        "LogBackward0": "log's derivative 1/x is infinite at x = 0; clamp the input, e.g. "
        "log(x.clamp(min=1e-12))",
        "DivBackward0": "a division by zero (or by a number that underflows); guard the "
        "denominator",
        "PowBackward0": "x**p with p < 1 has an infinite derivative at x = 0",
        "PowBackward1": "x**p with p < 1 has an infinite derivative at x = 0",
        "NormBackward1": "the norm's derivative x/|x| is undefined at x = 0",
        "LinalgVectorNormBackward0": "the norm's derivative x/|x| is undefined at x = 0",
    }
    return known.get(op, "look at the values above: the forward expression is where they arise")
