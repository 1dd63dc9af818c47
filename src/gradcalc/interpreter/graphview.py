"""The computational graph behind a tensor, as ``results.Graph`` for the tree and exporters.

The autograd graph is made of nodes (``MulBackward0``...) that point at the nodes of their
inputs, ending in one accumulator per leaf. The walk is iterative (a 100,000-op chain must
not hit the recursion limit) and labels each node with what the observer remembered: the
source text that made it, its output values, the variable bound to it, and the number
operands (the 2 in ``2 * y``). A node reached twice appears once; the CLI references it.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.results import Graph, GraphNode


class _Item:
    __slots__ = ("children", "constant", "key", "node", "tensor", "text")

    def __init__(self, key, *, node=None, tensor=None, constant=None, text=None):
        self.key = key
        self.node = node
        self.tensor = tensor
        self.constant = constant
        self.text = text
        self.children: list[_Item] | None = None


def build_graph(session, root: Tensor) -> Graph:
    observer = session.observer
    leaf_names: dict[int, str] = {}
    node_names: dict[int, str] = {}
    node_values: dict[int, Tensor] = {}
    for name, value in session.globals.items():
        if type(value) is Tensor:
            if value.grad_fn is None:
                leaf_names.setdefault(id(value), name)
            else:
                node_names.setdefault(id(value.grad_fn), name)
                node_values.setdefault(id(value.grad_fn), value)
    root_node = root.grad_fn
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
            item.children = _children(observer, item)
        stack.append((item, True))
        for child in reversed(item.children):
            if child.key not in ids:
                stack.append((child, False))
    nodes = [
        _graph_node(observer, session, i, item, ids, leaf_names, node_names, node_values)
        for i, item in enumerate(order)
    ]
    return Graph(root=ids[start.key], nodes=nodes)


def _children(observer, item: _Item) -> list[_Item]:
    if item.node is None:
        return []
    children = []
    for child, _ in item.node.next_functions:
        if child is None:
            continue
        if type(child) is AccumulateGrad:
            children.append(_Item(("leaf", id(child.variable)), tensor=child.variable))
        else:
            children.append(_Item(("node", id(child)), node=child))
    label = observer.labels.get(item.node)
    if label is not None:
        for n, (text, value) in enumerate(label.constants):
            children.append(_Item(("const", id(item.node), n), constant=value, text=text))
    return children


def _graph_node(observer, session, node_id, item, ids, leaf_names, node_names, node_values):
    inputs = [ids[c.key] for c in (item.children or [])]
    if item.node is not None:
        node = item.node
        label = observer.labels.get(node)
        bound = node_values.get(id(node))
        if bound is not None:
            value = np.asarray(bound.array)
        elif label is not None:
            value = np.asarray(label.value)
        else:
            value = None
        grad = node.output_grad
        if grad is not None:
            grad = np.asarray(grad.array if type(grad) is Tensor else grad)
        return GraphNode(
            id=node_id,
            name=node_names.get(id(node)),
            op=node.name(),
            expr=label.text if label is not None else node.name(),
            shape=tuple(value.shape) if value is not None else (),
            value=value if value is not None else np.array(np.nan),
            grad=grad,
            requires_grad=True,
            is_leaf=False,
            is_constant=False,
            freed=bool(getattr(node, "freed", False)),
            inputs=inputs,
        )
    if item.tensor is not None:
        tensor = item.tensor
        name = leaf_names.get(id(tensor))
        requires_grad = tensor.requires_grad
        text = observer.leaf_text(tensor)
        expr = name or text or item.text or _constant_text(tensor.array)
        grad = tensor._grad
        data = np.asarray(tensor.array)
        return GraphNode(
            id=node_id,
            name=name,
            op=None,
            expr=expr,
            shape=tuple(int(n) for n in data.shape),
            value=data,
            grad=None if grad is None else np.asarray(grad.array),
            requires_grad=requires_grad,
            is_leaf=True,
            is_constant=not requires_grad and name is None,
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


def _constant_text(data: np.ndarray) -> str:
    if data.ndim == 0:
        value = float(data)
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return f"constant{tuple(int(n) for n in data.shape)}"
