"""What the session watches while a program runs: backward calls, node labels, explain steps.

Labels give the graph view its text: each node made by an expression remembers that
expression's source and its output value (weakly keyed by node, so they live only as long
as the graph). Explain steps record, node by node, the gradient that arrived and the
gradients sent on (``--explain``).
"""

from __future__ import annotations

import weakref

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.results import ExplainStep


class Label:
    __slots__ = ("constants", "text", "value")

    def __init__(self, text: str, value, constants: tuple) -> None:
        self.text = text
        self.value = value
        self.constants = constants  # (source text, value) of number operands


class Observer:
    def __init__(self, session, record_labels: bool) -> None:
        self.session = session
        self.labels: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.leaf_labels: dict[int, tuple] = {}
        self.record_labels = record_labels
        self.backward_calls = 0
        self.backward_calls_since_reset = 0
        self.explaining = session.explain
        self._passes: list[list[ExplainStep]] = []
        self._current: list[ExplainStep] | None = None
        self.last_value = None

    def start_run(self) -> None:
        self._passes = []

    # ---- from the autograd core ----------------------------------------------------------

    def on_backward(self, outputs, grads, accumulate: bool) -> None:
        self.session.rt.differentiated = True
        if accumulate:
            self.backward_calls += 1
            self.backward_calls_since_reset += 1
        if self.explaining:
            self._current = []
            self._passes.append(self._current)

    def on_node(self, node, grads, outputs) -> None:
        if self._current is None:
            return
        from gradcalc.interpreter.explain import step_for

        self._current.append(step_for(self, node, grads, outputs))

    def grads_reset(self) -> None:
        self.backward_calls_since_reset = 0

    # ---- labels ---------------------------------------------------------------------------

    def label(self, tensor: Tensor, text: str, constants: tuple) -> None:
        node = tensor.grad_fn
        if node is None:
            key = id(tensor)
            labels = self.leaf_labels

            def forget(ref, key=key, labels=labels):
                found = labels.get(key)
                if found is not None and found[0] is ref:
                    del labels[key]

            labels[key] = (weakref.ref(tensor, forget), text)
        elif node not in self.labels:
            self.labels[node] = Label(text, tensor.array, constants)

    def leaf_text(self, tensor: Tensor) -> str | None:
        found = self.leaf_labels.get(id(tensor))
        if found is not None and found[0]() is tensor:
            return found[1]
        return None

    def explain_steps(self) -> list[ExplainStep]:
        return list(self._passes[-1]) if self._passes else []

    def explain_passes(self) -> list[list[ExplainStep]]:
        return [list(p) for p in self._passes]


LABEL_HEAD, LABEL_TAIL = 120, 60  # characters of a long expression a graph label keeps


def label_text(source: str, span) -> str:
    """The source of ``span`` for a graph label, abbreviated in the middle when long.

    Each link of a chain ``x * a * b * ...`` is labelled with the text up to it, so keeping
    whole texts would cost memory quadratic in the chain's length."""
    if span is None:
        return ""
    start, end = span.start, span.end
    if end - start <= LABEL_HEAD + LABEL_TAIL + 3:
        return source[start:end]
    return source[start : start + LABEL_HEAD] + " … " + source[end - LABEL_TAIL : end]


def as_array(value) -> np.ndarray:
    if type(value) is Tensor:
        return np.asarray(value.array)
    return np.asarray(value)


__all__ = ["AccumulateGrad", "Label", "Observer", "as_array"]
