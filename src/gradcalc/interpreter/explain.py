"""``--explain``: the chain rule of one backward pass, node by node.

The engine calls back after each node runs (``on_node``) with the gradient that arrived at
the node and the gradients it sends to its inputs; this module turns that into
``ExplainStep``s labelled the way the tree view labels nodes (``m = mean(z)  [MeanBackward0]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradcalc.interpreter import core
from gradcalc.interpreter.evaluator import Evaluator
from gradcalc.interpreter.results import ExplainStep


class ExplainRecorder:
    def __init__(self, ev: Evaluator):
        self.ev = ev
        self.steps: list[ExplainStep] = []
        self.leaf_names: dict[int, str] = {}
        self.node_names: dict[int, str] = {}
        for name, value in ev.variables.items():
            if core.is_tensor(value):
                node = core.grad_fn(value)
                if node is None:
                    self.leaf_names.setdefault(id(value), name)
                else:
                    self.node_names.setdefault(id(node), name)

    def __call__(self, node: Any, upstream: Any, input_grads: Any) -> None:
        label = self.label(node)
        upstream = _array(upstream)
        if core.is_accumulator(node):
            leaf = self.leaf_text(node.variable)
            self.steps.append(ExplainStep(label, upstream, f"{leaf}.grad += upstream", []))
            return
        flows: list[tuple[str, np.ndarray]] = []
        shapes = core.node_input_shapes(node)
        for i, child in enumerate(core.node_children(node)):
            if child is None or i >= len(input_grads) or input_grads[i] is None:
                continue
            grad = _array(input_grads[i])
            if i < len(shapes):
                grad = np.asarray(core.unbroadcast(grad, tuple(shapes[i])))
            flows.append((self.label(child), grad))
        self.steps.append(ExplainStep(label, upstream, core.node_formula(node), flows))

    def leaf_text(self, tensor: Any) -> str:
        name = self.leaf_names.get(id(tensor))
        if name is not None:
            return name
        label = self.ev.leaf_label(tensor)
        return label[0] if label is not None else "leaf"

    def label(self, node: Any) -> str:
        if core.is_accumulator(node):
            return f"{self.leaf_text(node.variable)}  [leaf]"
        text = self.ev.node_label(node)
        expr = text.text if text is not None else node.name
        name = self.node_names.get(id(node))
        if name is not None and name != expr:
            expr = f"{name} = {expr}"
        return f"{expr}  [{node.name}]"


def _array(value: Any) -> np.ndarray:
    if core.is_tensor(value):
        return np.asarray(core.data(value))
    return np.asarray(value)
