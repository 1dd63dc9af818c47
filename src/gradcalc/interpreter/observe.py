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
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.results import ExplainStep


class Label:
    __slots__ = ("_where", "constants", "text", "value")

    def __init__(self, text: str, value, constants: tuple, where=None) -> None:
        self.text = text
        self.value = value
        self.constants = constants  # (source text, value) of number operands
        self._where = where  # (source, filename, offset to search from), for span()

    def span(self):
        """Where the expression is in its program (a ``Span``), or None. Found on demand:
        the text is searched from the statement that ran it, so a label costs no search."""
        if self._where is None or not self.text or " … " in self.text:
            return None
        source, _, start = self._where
        found = source.find(self.text, start)
        if found < 0:
            found = source.find(self.text)
        if found < 0:
            return None
        return span_of(source, found, found + len(self.text))

    @property
    def filename(self) -> str | None:
        return self._where[1] if self._where is not None else None


def span_of(source: str, start: int, end: int):
    """The ``Span`` of ``source[start:end]``."""
    from gradcalc.errors import Span

    line = source.count("\n", 0, start) + 1
    column = start - (source.rfind("\n", 0, start) + 1) + 1
    end_line = source.count("\n", 0, end) + 1
    end_column = end - (source.rfind("\n", 0, end) + 1) + 1
    return Span(line, column, end_line, end_column, start, end)


class Observer:
    def __init__(self, session, record_labels: bool) -> None:
        self.session = session
        self.labels: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.leaf_labels: dict[int, tuple] = {}
        self.record_labels = record_labels
        self.backward_calls = 0
        self.backward_calls_since_reset = 0
        # Passes started by the statement running now: counted once it has run (a pass that
        # fails, through a freed graph say, is not one that left gradients behind).
        self._pending_passes = 0
        self._pending_resets = False
        self.statement_start = 0  # offset of the running statement, for labels' spans
        self.pass_outputs: list[str] = []  # what each backward() differentiated, by name
        self.detect_anomaly = False  # --detect-anomaly: stop at the first non-finite gradient
        self.record_steps = session.explain  # --explain, the REPL's :explain
        self.explaining = session.explain  # read by the engine: whether to call on_node
        self._passes: list[list[ExplainStep]] = []
        self._current: list[ExplainStep] | None = None
        self._arrivals: dict = {}  # id(node) -> what each use sent it, in the pass explained
        self._output = "the output"  # what the pass explained differentiates
        self.last_value = None

    def start_run(self) -> None:
        self._passes = []

    # ---- from the autograd core ----------------------------------------------------------

    def watch_anomalies(self, on: bool) -> None:
        """``--detect-anomaly``: the engine reports each node, and the first that sends on a
        NaN or an infinity from finite gradients stops the pass (``anomaly.check_node``)."""
        self.detect_anomaly = on
        self.explaining = self.record_steps or on

    def on_backward(self, outputs, grads, accumulate: bool) -> None:
        self.session.rt.differentiated = True
        if accumulate:
            self.pass_outputs.extend(self.describe(out) for out in outputs)
            if self._pending_passes == 0 and self._grads_were_reset():
                self._pending_resets = True
            self._pending_passes += 1
        if self.record_steps:
            self._current = []
            self._passes.append(self._current)
            self._arrivals = {}
            self._output = self.describe(outputs[0]) if outputs else "the output"

    def describe(self, tensor) -> str:
        """A tensor as the user knows it: its variable's name, else its expression."""
        for name, value in self.session.globals.items():
            if value is tensor:
                return name
        label = self.labels.get(tensor.grad_fn) if tensor.grad_fn is not None else None
        if label is not None:
            return " ".join(label.text.split())
        return self.leaf_text(tensor) or "the output"

    def settle(self, failed: bool) -> None:
        """The statement (or implicit backward) that started passes ended; when it failed,
        its last pass is the one that failed and is not counted."""
        passes = self._pending_passes - (1 if failed and self._pending_passes else 0)
        if self._pending_resets:
            self.backward_calls_since_reset = 0
        self.backward_calls += passes
        self.backward_calls_since_reset += passes
        self._pending_passes = 0
        self._pending_resets = False

    def _grads_were_reset(self) -> bool:
        """Every named leaf's gradient is None or all zeros (``x.grad.zero_()``,
        ``x.grad = None``, ``zero_grad()``) while one of them once had a gradient: the
        passes from here on are what the next ``.grad`` adds up."""
        if self.backward_calls == 0:
            return False
        for value in self.session.globals.values():
            if type(value) is Tensor and value.grad_fn is None and value._grad is not None:
                if np.any(np.asarray(value._grad.array)):
                    return False
        return True

    def on_node(self, node, grads, outputs) -> None:
        if self.detect_anomaly:
            from gradcalc.interpreter.anomaly import check_node

            check_node(self, node, grads, outputs)
        if self._current is None:
            return
        from gradcalc.interpreter.explain import step_for

        self._current.append(step_for(self, node, grads, outputs, self._arrivals, self._output))

    def grads_reset(self) -> None:
        self._pending_resets = True
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
            rt = self.session.rt
            label = Label(
                text, tensor.array, constants, (rt.source, rt.filename, self.statement_start)
            )
            self.labels[node] = label
            if STATE.anomaly:  # PyTorch keeps the forward's traceback only in anomaly mode
                node.anomaly_trace = forward_trace(label)

    def leaf_text(self, tensor: Tensor) -> str | None:
        found = self.leaf_labels.get(id(tensor))
        if found is not None and found[0]() is tensor:
            return found[1]
        return None

    def explain_steps(self) -> list[ExplainStep]:
        return list(self._passes[-1]) if self._passes else []

    def explain_passes(self) -> list[list[ExplainStep]]:
        return [list(p) for p in self._passes]


def forward_trace(label: Label) -> str:
    """Where a node's forward ran, as PyTorch's anomaly mode words it."""
    span = label.span()
    if span is None:
        return f"  {label.text}"
    line = label._where[0].split("\n")[span.line - 1].strip()
    return f'  File "{label.filename}", line {span.line}, column {span.column}\n    {line}'


LABEL_HEAD, LABEL_TAIL = 120, 60  # characters of a long expression a graph label keeps


class SourceLabel:
    """The graph label of the tensors ``node`` makes: its source text and the numbers among
    its ``operands``, worked out when a tensor first needs them (most values a script makes
    are never tensors, and a label's text costs more than the closure that uses it)."""

    __slots__ = ("source", "node", "operands", "made")

    def __init__(self, source: str, node, operands):
        self.source = source
        self.node = node
        self.operands = operands
        self.made = None

    def parts(self) -> tuple:
        if self.made is None:
            source = self.source
            constants = tuple(
                (source[o.span.start : o.span.end], o.value)
                for o in self.operands
                if type(o).__name__ == "Constant" and type(o.value) in (int, float)
            )
            self.made = (label_text(source, self.node.span), constants)
            self.source = self.node = self.operands = None
        return self.made


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
