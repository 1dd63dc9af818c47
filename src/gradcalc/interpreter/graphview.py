"""The computational graph behind a tensor, as ``results.Graph`` for the tree view and exporters.

The autograd graph is made of nodes (``MulBackward0``...) that point at the nodes of their
inputs, ending in one accumulator per leaf; it holds no intermediate tensors. The walk is
iterative (a 100,000-op chain must not hit the recursion limit) and labels each node with
what the evaluator remembered: the source text that made it, its output values, the
variable bound to it, and the inputs that needed no gradient (constants such as the 2 in
``2 * y``). A node reached twice appears once; the CLI references it.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from gradcalc.interpreter import core
from gradcalc.interpreter.evaluator import Evaluator
from gradcalc.interpreter.results import Graph, GraphNode


class _Item:
    """One element of the walk: a recorded node, a leaf tensor or a constant."""

    __slots__ = ("children", "constant", "key", "node", "tensor", "text")

    def __init__(self, key, *, node=None, tensor=None, constant=None, text=None):
        self.key = key
        self.node = node
        self.tensor = tensor
        self.constant = constant  # number or tensor for constant inputs
        self.text = text
        self.children: list[_Item] | None = None


def build_graph(ev: Evaluator, root: Any) -> Graph:
    leaf_names: dict[int, str] = {}
    node_names: dict[int, str] = {}
    node_values: dict[int, Any] = {}
    for name, value in ev.variables.items():
        if core.is_tensor(value):
            node = core.grad_fn(value)
            if node is None:
                leaf_names.setdefault(id(value), name)
            else:
                node_names.setdefault(id(node), name)
                node_values.setdefault(id(node), value)

    root_node = core.grad_fn(root)
    if root_node is None:
        start = _Item(("leaf", id(root)), tensor=root)
    else:
        start = _Item(("node", id(root_node)), node=root_node)
        node_values.setdefault(id(root_node), root)

    ids: dict[tuple, int] = {}
    order: list[_Item] = []
    stack: list[tuple[_Item, bool]] = [(start, False)]
    while stack:
        item, expanded = stack.pop()
        if item.key in ids:
            continue
        if expanded:
            ids[item.key] = len(order)
            order.append(item)
            continue
        if item.children is None:
            item.children = _children(ev, item)
        stack.append((item, True))
        for child in reversed(item.children):
            if child.key not in ids:
                stack.append((child, False))

    nodes = [
        _graph_node(ev, i, item, ids, leaf_names, node_names, node_values)
        for i, item in enumerate(order)
    ]
    return Graph(root=ids[start.key], nodes=nodes)


def _children(ev: Evaluator, item: _Item) -> list[_Item]:
    if item.node is None:
        return []
    children = []
    for child in core.node_children(item.node):
        if child is None:
            continue
        if core.is_accumulator(child):
            children.append(_Item(("leaf", id(child.variable)), tensor=child.variable))
        else:
            children.append(_Item(("node", id(child)), node=child))
    label = ev.node_label(item.node)
    if label is not None:
        for n, (text, value) in enumerate(label.constants):
            if core.is_tensor(value):
                key = ("leaf", id(value))
                children.append(_Item(key, tensor=value, constant=value, text=text))
            else:
                key = ("const", id(item.node), n)
                children.append(_Item(key, constant=value, text=text))
    return children


def _graph_node(ev, node_id, item, ids, leaf_names, node_names, node_values) -> GraphNode:
    inputs = [ids[c.key] for c in (item.children or [])]
    if item.node is not None:
        node = item.node
        label = ev.node_label(node)
        value = _node_value(label, node_values.get(id(node)))
        name = node_names.get(id(node))
        return GraphNode(
            id=node_id,
            name=name,
            op=node.name,
            expr=label.text if label is not None else node.name,
            shape=tuple(value.shape) if value is not None else (),
            value=value if value is not None else np.array(np.nan),
            grad=core.node_output_grad(node),
            requires_grad=True,
            is_leaf=False,
            is_constant=False,
            freed=bool(getattr(node, "freed", False)),
            inputs=inputs,
        )
    if item.tensor is not None:
        tensor = item.tensor
        name = leaf_names.get(id(tensor))
        label = ev.leaf_label(tensor)
        requires_grad = core.requires_grad(tensor)
        constant = not requires_grad and name is None
        if name is not None:
            expr = name
        elif label is not None:
            expr = label[0]
        elif item.text is not None:
            expr = item.text
        else:
            expr = _constant_text(core.data(tensor))
        grad = core.grad_of(tensor)
        data = np.asarray(core.data(tensor))
        return GraphNode(
            id=node_id,
            name=name,
            op=None,
            expr=expr,
            shape=tuple(int(n) for n in data.shape),
            value=data,
            grad=None if grad is None else np.asarray(core.data(grad)),
            requires_grad=requires_grad,
            is_leaf=True,
            is_constant=constant,
            freed=False,
            inputs=inputs,
        )
    value = np.asarray(item.constant, dtype=np.float64)
    return GraphNode(
        id=node_id,
        name=None,
        op=None,
        expr=item.text if item.text is not None else _constant_text(value),
        shape=(),
        value=value,
        grad=None,
        requires_grad=False,
        is_leaf=True,
        is_constant=True,
        freed=False,
        inputs=inputs,
    )


def _node_value(label, bound_tensor) -> np.ndarray | None:
    if bound_tensor is not None:
        return np.asarray(core.data(bound_tensor))
    if label is None:
        return None
    kept = label.value
    if isinstance(kept, weakref.ref):
        tensor = kept()
        return None if tensor is None else np.asarray(core.data(tensor))
    return np.asarray(kept)


def _constant_text(data: np.ndarray) -> str:
    if data.ndim == 0:
        value = float(data)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return f"constant{tuple(int(n) for n in data.shape)}"
