"""``--explain``: the chain rule of one backward pass, node by node, in plain words.

The engine tells the observer after each node runs, with the gradient that arrived at the
node and the gradients it sends to its inputs; this module turns that into ``ExplainStep``s
labelled as the tree view labels nodes (``m = mean(z)  [MeanBackward0]``), with the local
derivative spelled out by ``explain_words`` in the program's names and numbers. A value
that several uses sent gradients to is explained as the sum of what each use sent.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.explain_words import (
    Context,
    Operand,
    broadcast_note,
    numbers,
    parenthesized,
    rule_words,
    sum_of_uses,
)
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
    return f"{short_name(observer, node, names)[1]}  [{_kind(node)}]"


def _kind(node) -> str:
    return "leaf" if type(node) is AccumulateGrad else node.name()


def short_name(observer, node, names=None) -> tuple[str, str]:
    """``(name, label text)``: how a sentence calls the node's value (its variable, else
    its expression) and how the step's title shows it (``m = mean(z)``)."""
    leaves, nodes = names or _names(observer)
    if type(node) is AccumulateGrad:
        t = node.variable
        name = leaves.get(id(t)) or observer.leaf_text(t) or "leaf"
        return name, name
    found = observer.labels.get(node)
    expr = " ".join(found.text.split()) if found is not None else node.name()
    name = nodes.get(id(node))
    if name is not None and name != expr:
        return name, f"{name} = {expr}"
    return expr, expr


def _value_of(observer, node):
    if node is None:
        return None
    if type(node) is AccumulateGrad:
        return node.variable.array
    found = observer.labels.get(node)
    return None if found is None else found.value


def step_for(observer, node, grads, outputs, arrivals: dict, output: str) -> ExplainStep:
    """The step of ``node``; ``arrivals`` (id of node -> [(from, gradient)]) collects what
    each node sent, for the sum at a value used more than once; ``output`` is the name of
    what the pass differentiates."""
    names = _names(observer)
    name, title = short_name(observer, node, names)
    upstream = _array(grads[0]) if grads and grads[0] is not None else np.array(np.nan)
    gradient = f"∂{parenthesized(output)}/∂{parenthesized(name)}"
    received = arrivals.get(id(node), [])
    lines = [sum_of_uses(name, received)] if len(received) > 1 else []
    if type(node) is AccumulateGrad:
        lines.append(f"{name}.grad += {gradient}: a leaf adds what arrives to its .grad")
        return ExplainStep(label(observer, node, names), upstream, "\n".join(lines), [], gradient)
    context = _context(observer, node, names, name)
    flows, why = [], []
    for i, (child, _) in enumerate(node.next_functions):
        if child is None or i >= len(outputs) or outputs[i] is None:
            continue  # an input that needs no gradient: its rule does not apply
        sent = _array(outputs[i])
        child_name = short_name(observer, child, names)[0]
        param = _param_name(node, i)
        words = rule_words(context, param) if param else f"{child_name} receives its share"
        if getattr(node.op, "broadcast", False):
            words += broadcast_note(upstream.shape, sent.shape, child_name)
        flows.append((label(observer, child, names), sent))
        why.append(words)
        arrivals.setdefault(id(child), []).append((title, sent))
    lines.extend(why)
    step = ExplainStep(label(observer, node, names), upstream, "\n".join(lines), flows, gradient)
    step.why = why
    return step


def _param_name(node, i: int) -> str | None:
    """The parameter the node's ``i``-th edge is for."""
    op = getattr(node, "op", None)
    if op is None or any(op.list_inputs):
        return None
    if node.kept is not None:
        i = node.kept[i]
    return op.schema.params[op.inputs[i]].name if i < len(op.inputs) else None


def _edges_by_input(node, op) -> list:
    """``(position in the op's inputs, edge)`` for each input, ``(None, 0)`` for a number that
    PyTorch records no edge for (a Scalar overload's argument)."""
    if node.kept is None:
        return list(enumerate(node.next_functions))
    edge_of = dict(zip(node.kept, node.next_functions))
    return [(k, edge_of.get(k, (None, 0))) for k in range(len(op.inputs))]


def _context(observer, node, names, out: str) -> Context:
    op = getattr(node, "op", None)
    operands, params = {}, {}
    found = observer.labels.get(node)
    expr = " ".join(found.text.split()) if found is not None else node.name()
    if op is not None:
        schema = op.schema
        for k, (child, _) in _edges_by_input(node, op):
            if k >= len(op.inputs) or any(op.list_inputs):
                break
            pname = schema.params[op.inputs[k]].name
            saved = (
                node.saved.get(pname) if isinstance(getattr(node, "saved", None), dict) else None
            )
            if child is not None:
                value = _value_of(observer, child)
                if value is None and type(saved) is Tensor:
                    value = saved.array
                operands[pname] = Operand(short_name(observer, child, names)[0], value)
            elif type(saved) is Tensor:
                operands[pname] = Operand(numbers(saved.array), saved.array)
            elif isinstance(saved, int | float | bool):
                params[pname] = saved
            elif found is not None and len(found.constants) == 1:
                params[pname] = found.constants[0][1]  # a number operand the node kept no copy of
        for i, p in enumerate(schema.params):
            value = node.params[i] if i < len(node.params) else None
            if value is not None and type(value) is not Tensor and p.name not in operands:
                params[p.name] = value
    return Context(
        out=out,
        expr=expr,
        node=node.name(),
        operands=operands,
        params=params,
        out_value=found.value if found is not None else None,
    )
