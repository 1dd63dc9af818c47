"""``--explain``: the chain rule of one backward pass, node by node.

The engine tells the observer after each node runs, with the gradient that arrived at the
node and the gradients it sends to its inputs; this module turns that into ``ExplainStep``s
labelled as the tree view labels nodes (``m = mean(z)  [MeanBackward0]``).
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.results import ExplainStep


def _array(value) -> np.ndarray:
    return np.asarray(value.array if type(value) is Tensor else value)


def _names(observer):
    leaves, nodes = {}, {}
    for name, value in observer.session.globals.items():
        if type(value) is Tensor:
            if value.grad_fn is None:
                leaves.setdefault(id(value), name)
            else:
                nodes.setdefault(id(value.grad_fn), name)
    return leaves, nodes


def label(observer, node, names=None) -> str:
    leaves, nodes = names or _names(observer)
    if type(node) is AccumulateGrad:
        t = node.variable
        return f"{leaves.get(id(t)) or observer.leaf_text(t) or 'leaf'}  [leaf]"
    found = observer.labels.get(node)
    expr = found.text if found is not None else node.name()
    name = nodes.get(id(node))
    if name is not None and name != expr:
        expr = f"{name} = {expr}"
    return f"{expr}  [{node.name()}]"


def step_for(observer, node, grads, outputs) -> ExplainStep:
    names = _names(observer)
    upstream = _array(grads[0]) if grads and grads[0] is not None else np.array(np.nan)
    if type(node) is AccumulateGrad:
        leaf = label(observer, node, names).split("  [")[0]
        return ExplainStep(label(observer, node, names), upstream, f"{leaf}.grad += upstream", [])
    flows = []
    for i, (child, _) in enumerate(node.next_functions):
        if child is None or i >= len(outputs) or outputs[i] is None:
            continue
        flows.append((label(observer, child, names), _array(outputs[i])))
    return ExplainStep(label(observer, node, names), upstream, _formula(node), flows)


def _formula(node) -> str:
    op = getattr(node, "op", None)
    if op is None:
        return node.name()
    import inspect

    parts = []
    params = op.schema.params
    for i, (fn, _, _) in zip(op.inputs, op.formulas):
        try:
            source = inspect.getsource(fn).strip()
        except (OSError, TypeError):
            source = fn.__name__
        body = source.split(":", 1)[1].strip().rstrip(",") if "lambda" in source else fn.__name__
        parts.append(f"{params[i].name}: {body}")
    return "; ".join(parts)
