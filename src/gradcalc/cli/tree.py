"""The tree view: the computational graph drawn from the output down to the leaves.

Each node shows its name and the expression that made it (``z = 2 * y``), PyTorch's node
name, shape, value and the gradient from the last backward. A node reached twice is drawn
once and referenced afterwards; constants are dimmed; freed nodes are marked. Values are
summarised on one line. Very deep or wide graphs are cut with a note (the whole graph is
available through ``--graph``).
"""

from __future__ import annotations

from rich.text import Text
from rich.tree import Tree

from gradcalc.cli.formatting import format_shape, format_value
from gradcalc.cli.graphs import node_title

MAX_NODES = 200
MAX_DEPTH = 40


def node_label(node, precision: int) -> Text:
    """What the node is (``z = 2 * y  MulBackward0  (2, 3)``), then its value and gradient."""
    constant = node.is_constant
    label = Text()
    label.append(node_title(node), style="dim" if constant else ("bold" if node.name else ""))
    if constant:
        label.append("  constant", style="dim")
    elif node.op:
        label.append(f"  {node.op}", style="cyan")
    else:
        label.append("  leaf", style="green")
        label.append(
            f" requires_grad={node.requires_grad}", style="green" if node.requires_grad else "dim"
        )
    label.append(f"  {format_shape(node.shape)}", style="dim")
    if node.freed:
        label.append("  [freed]", style="red")
    label.append("\n")
    label.append("value ", style="dim")
    label.append(
        format_value(node.value, precision, one_line=True), style="dim" if constant else ""
    )
    if node.grad is not None:
        label.append("\ngrad  ", style="dim")
        label.append(format_value(node.grad, precision, one_line=True), style="magenta")
    return label


def graph_tree(graph, precision: int = 4) -> Tree:
    nodes = {node.id: node for node in graph.nodes}
    root = nodes[graph.root]
    top = tree = Tree(node_label(root, precision), guide_style="dim")
    drawn = {root.id}
    shown = 1
    cut = 0
    stack = [(source, top, 1) for source in reversed(root.inputs)]
    while stack:
        node_id, parent, depth = stack.pop()
        node = nodes[node_id]
        if node_id in drawn and not node.is_constant:
            ref = Text("↑ ", style="dim")
            ref.append(node_title(node), style="bold" if node.name else "")
            ref.append("  (drawn above)", style="dim")
            parent.add(ref)
            continue
        if shown >= MAX_NODES or depth > MAX_DEPTH:
            cut += 1
            continue
        drawn.add(node_id)
        shown += 1
        branch = parent.add(node_label(node, precision))
        stack.extend((source, branch, depth + 1) for source in reversed(node.inputs))
    if cut:
        top.add(
            Text(
                f"… {cut} more branches not drawn (the whole graph: --graph dot)",
                style="dim italic",
            )
        )
    return tree
