"""``--graph dot|mermaid|json`` and ``--graph-out FILE``: the computational graph for other tools.

Edges run from each input to the node computed from it, so the drawing reads in the order
the program ran: leaves at the top, the output at the bottom.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from gradcalc.cli.formatting import format_shape, format_value
from gradcalc.errors import UsageError

FORMATS = ("dot", "mermaid", "json")
SUFFIX_FORMATS = {".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".json": "json"}
RENDERED_SUFFIXES = (".svg", ".png")


LEGEND = {
    "grad": (
        "grad",
        "the gradient that reached this intermediate node in the last backward pass",
    ),
    ".grad": (
        ".grad",
        "the leaf's .grad: the sum of its gradients over every backward pass since it was reset",
    ),
    "freed": (
        "[freed]",
        "a backward pass released this node's saved values (no retain_graph=True); another "
        "backward through it fails (pass -r to keep them)",
    ),
}


def legend_entries(graph) -> list[str]:
    """The legend keys a drawing of ``graph`` needs, in LEGEND's order."""
    found = set()
    for node in graph.nodes:
        if node.grad is not None:
            found.add(".grad" if node.is_leaf else "grad")
        if node.freed:
            found.add("freed")
    return [key for key in LEGEND if key in found]


def node_title(node) -> str:
    """``z = 2 * y`` for a named node, the expression alone otherwise (one line)."""
    expr = " ".join((node.expr or "").split())  # a bracket may have spanned lines in a script
    if node.is_constant:
        return expr
    if node.name and expr and expr != node.name:
        return f"{node.name} = {expr}"
    return node.name or expr


def node_kind(node) -> str:
    if node.is_constant:
        return "constant"
    if node.op:
        return node.op
    return "leaf, requires_grad" if node.requires_grad else "leaf"


def node_lines(node, precision: int) -> list[str]:
    lines = [node_title(node), node_kind(node) + ("  [freed]" if node.freed else "")]
    lines.append("shape " + format_shape(node.shape))
    lines.extend(_block("value ", format_value(node.value, precision)))
    if node.grad is not None:
        lines.extend(
            _block(".grad " if node.is_leaf else "grad  ", format_value(node.grad, precision))
        )
    return lines


def _block(head: str, text: str) -> list[str]:
    """A value over several lines (PyTorch's layout), the first after ``head``."""
    rows = text.split("\n")
    return [head + rows[0]] + [" " * len(head) + row for row in rows[1:]]


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph, precision: int = 4) -> str:
    out = [
        "digraph gradcalc {",
        "  node [shape=box, fontname=monospace];",
    ]
    for node in graph.nodes:
        # \l ends a left-justified line, so a matrix's rows stay aligned
        label = "".join(_dot_escape(line) + "\\l" for line in node_lines(node, precision))
        attrs = [f'label="{label}"']
        if node.is_constant:
            attrs.append("style=dashed, color=gray50, fontcolor=gray50")
        elif node.id == graph.root:
            attrs.append("style=bold")
        elif node.is_leaf and node.requires_grad:
            attrs.append("style=filled, fillcolor=lightblue")
        if node.freed:
            attrs.append("peripheries=2")
        out.append(f"  n{node.id} [{', '.join(attrs)}];")
    for node in graph.nodes:
        for source in node.inputs:
            out.append(f"  n{source} -> n{node.id};")
    entries = legend_entries(graph)
    if entries:
        text = "".join(_dot_escape(f"{LEGEND[k][0]}: {LEGEND[k][1]}") + "\\l" for k in entries)
        out.append(f'  legend [shape=note, fontsize=10, color=gray50, label="{text}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def _mermaid_escape(text: str) -> str:
    for char, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return text


def to_mermaid(graph, precision: int = 4) -> str:
    out = ["flowchart TD"]
    for node in graph.nodes:
        label = "<br/>".join(_mermaid_escape(line) for line in node_lines(node, precision))
        out.append(f'  n{node.id}["{label}"]')
    for node in graph.nodes:
        for source in node.inputs:
            out.append(f"  n{source} --> n{node.id}")
    constants = [f"n{n.id}" for n in graph.nodes if n.is_constant]
    if constants:
        out.append("  classDef constant stroke-dasharray: 4 4,color:#888")
        out.append(f"  class {','.join(constants)} constant")
    entries = legend_entries(graph)
    if entries:
        text = "<br/>".join(_mermaid_escape(f"{LEGEND[k][0]}: {LEGEND[k][1]}") for k in entries)
        out.append(f'  legend["{text}"]')
        out.append("  classDef legend fill:#fff,stroke:#888,color:#555")
        out.append("  class legend legend")
    return "\n".join(out) + "\n"


def to_json(graph, precision: int = 4) -> str:
    import json

    from gradcalc.cli.jsonout import graph_document, jsonable

    return json.dumps(jsonable(graph_document(graph)), indent=2, allow_nan=False) + "\n"


EXPORTERS = {"dot": to_dot, "mermaid": to_mermaid, "json": to_json}


def export(graph, fmt: str, precision: int = 4) -> str:
    return EXPORTERS[fmt](graph, precision)


def check_output_path(path: Path) -> None:
    """Fail before the program runs if ``--graph-out`` cannot be written as asked."""
    suffix = path.suffix.lower()
    if suffix in SUFFIX_FORMATS:
        return
    if suffix in RENDERED_SUFFIXES:
        if shutil.which("dot") is None:
            raise UsageError(
                f"cannot write {path}: rendering {suffix} needs Graphviz's 'dot' program, "
                "which is not installed (not found on PATH)",
                hint="install Graphviz (e.g. apt install graphviz), or write a .dot file",
            )
        return
    known = ", ".join([*SUFFIX_FORMATS, *RENDERED_SUFFIXES])
    raise UsageError(
        f"--graph-out {path}: unknown file type {suffix or '(no suffix)'!r}",
        hint=f"use one of {known}",
    )


def write_graph(graph, path: Path, precision: int = 4) -> None:
    check_output_path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in SUFFIX_FORMATS:
            path.write_text(export(graph, SUFFIX_FORMATS[suffix], precision), encoding="utf-8")
            return
        _render_with_graphviz(to_dot(graph, precision), path, suffix[1:])
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _render_with_graphviz(dot_source: str, path: Path, fmt: str) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".dot", delete=False, encoding="utf-8") as tmp:
        tmp.write(dot_source)
    try:
        done = subprocess.run(
            ["dot", f"-T{fmt}", "-o", str(path), tmp.name], capture_output=True, text=True
        )
    finally:
        Path(tmp.name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise UsageError(f"Graphviz 'dot' failed to write {path}: {done.stderr.strip()}")
