"""The tree view: the computational graph drawn from the output down to the leaves.

Each node shows its name and the expression that made it (``z = 2 * y``), PyTorch's node
name, shape, value and gradient. The two gradient rows mean different things and say so:
``grad`` on an intermediate node is what reached it in the last backward pass, ``.grad`` on a
leaf is its accumulated ``.grad`` (the sum over passes); a legend under the tree explains
them and ``[freed]``. Values are written as PyTorch prints them, wrapped to the width left
at their depth. A node reached twice is drawn once and referenced afterwards; constants are
dimmed. A graph deeper than ``COMPACT_DEPTH`` (a 40-step chain would be a staircase repeating
its whole expression on every node) is listed instead, each node once, inputs first, with
shared sub-expressions referred to by name, in the spirit of a jaxpr.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from rich.tree import Tree

from gradcalc.cli.formatting import format_shape, format_value
from gradcalc.cli.graphs import LEGEND, legend_entries, node_title

MAX_NODES = 200
MAX_DEPTH = 40
COMPACT_DEPTH = 12
_GUIDE = 4  # columns each level of the tree indents
_ROW = len("value ")


def _block(label: Text, head: str, text: str, style: str) -> None:
    """``head`` then ``text``, its continuation lines indented under the first."""
    label.append("\n")
    label.append(head.ljust(_ROW), style="dim")
    label.append(text.replace("\n", "\n" + " " * _ROW), style=style)


def node_label(
    node, precision: int, *, width: int | None = None, threshold: int | None = 1000
) -> Text:
    """What the node is (``z = 2 * y  MulBackward0  (2, 3)``), then its value and gradient."""
    constant = node.is_constant
    label = Text(overflow="fold")
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
        label.append("  [freed]", style="yellow")
    room = None if width is None else max(width - _ROW, 16)
    value = format_value(node.value, precision, threshold=threshold, width=room)
    _block(label, "value", value, "dim" if constant else "")
    if node.grad is not None:
        grad = format_value(node.grad, precision, threshold=threshold, width=room)
        _block(label, ".grad" if node.is_leaf else "grad", grad, "magenta")
    return label


def graph_depth(graph) -> int:
    """The longest path from the root to a leaf, in edges."""
    depth = {}
    for node in graph.nodes:  # topological order: inputs first
        depth[node.id] = 1 + max((depth[i] for i in node.inputs), default=-1)
    return depth.get(graph.root, 0)


def graph_tree(
    graph, precision: int = 4, *, width: int | None = None, threshold: int | None = 1000
):
    """The tree (or, past ``COMPACT_DEPTH``, the listing) of ``graph``, with its legend."""
    if graph_depth(graph) > COMPACT_DEPTH:
        body = graph_listing(graph, precision, threshold=threshold)
    else:
        body = _tree(graph, precision, width, threshold)
    legend = legend_text(graph)
    return Group(body, legend) if legend is not None else body


def legend_text(graph) -> Text | None:
    entries = legend_entries(graph)
    if not entries:
        return None
    text = Text(style="dim")
    for number, key in enumerate(entries):
        if number:
            text.append("\n")
        symbol, meaning = LEGEND[key]
        text.append(f"{symbol}: ", style="bold dim")
        text.append(meaning)
    return text


def _tree(graph, precision: int, width: int | None, threshold: int | None) -> Tree:
    nodes = {node.id: node for node in graph.nodes}
    root = nodes[graph.root]

    def label(node, depth):
        room = None if width is None else width - _GUIDE * depth
        return node_label(node, precision, width=room, threshold=threshold)

    top = tree = Tree(label(root, 0), guide_style="dim")
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
        branch = parent.add(label(node, depth))
        stack.extend((source, branch, depth + 1) for source in reversed(node.inputs))
    if cut:
        top.add(
            Text(
                f"… {cut} more branches not drawn (the whole graph: --graph dot)",
                style="dim italic",
            )
        )
    return tree


def listing_names(graph) -> dict[int, str]:
    """A name for every node: its variable's, a constant's text, else t1, t2, ..."""
    names: dict[int, str] = {}
    taken = {node.name for node in graph.nodes if node.name}
    counter = 0
    for node in graph.nodes:
        if node.name:
            names[node.id] = node.name
        elif node.is_constant or (node.is_leaf and node.expr):
            names[node.id] = " ".join(node.expr.split())
        else:
            counter += 1
            while f"t{counter}" in taken:
                counter += 1
            names[node.id] = f"t{counter}"
    return names


def graph_listing(graph, precision: int = 4, *, threshold: int | None = 1000) -> Text:
    """Each node once, inputs first: ``t3 = MulBackward0(t2, 2)  (3,)``, then its value
    and gradient on one line each."""
    names = listing_names(graph)
    depth = graph_depth(graph)
    listed = [n for n in graph.nodes if not n.is_constant]
    text = Text()
    text.append(
        f"Graph of {names[graph.root]}: {len(listed)} nodes, {depth} deep, listed once "
        "each, inputs first",
        style="bold",
    )
    earlier = max(len(listed) - MAX_NODES, 0)
    if earlier:  # the nodes nearest the output are the ones a reader follows back from
        listed = listed[earlier:]
        text.append(
            f"\n… {earlier} earlier nodes not listed (the whole graph: --graph dot)",
            style="dim italic",
        )
    width = max((len(names[n.id]) for n in listed), default=1)
    for node in listed:
        text.append("\n")
        text.append(names[node.id].ljust(width), style="bold" if node.name else "")
        if node.op:
            arguments = ", ".join(names[i] for i in node.inputs)
            text.append(" = ")
            text.append(node.op, style="cyan")
            text.append(f"({arguments})")
        else:
            text.append("   leaf", style="green")
        text.append(f"  {format_shape(node.shape)}", style="dim")
        if node.freed:
            text.append("  [freed]", style="yellow")
        pad = " " * (width + 3)
        value = format_value(node.value, precision, one_line=True, threshold=threshold)
        text.append(f"\n{pad}value ", style="dim")
        text.append(value)
        if node.grad is not None:
            grad = format_value(node.grad, precision, one_line=True, threshold=threshold)
            text.append(f"\n{pad}{'.grad' if node.is_leaf else 'grad'}  ", style="dim")
            text.append(grad, style="magenta")
    return text
