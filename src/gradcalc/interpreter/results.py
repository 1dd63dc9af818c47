"""What running a program produces: the contract between the interpreter and the front ends.

The interpreter fills these; the CLI renders them (Rich, JSON). Nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gradcalc.errors import GradcalcError, Span
from gradcalc.interpreter.runtime import Output


class Shown(str):
    """A value with no array form, as PyTorch prints it (``torch.return_types.max(...)``, a
    tuple of tensors, ``torch.float32``), in ``Session.values()``.

    A ``str``, so ``--json`` writes it as text, yet told apart from a string the program
    holds: a table shows it as printed, where a string value shows quoted.
    """

    __slots__ = ()


@dataclass
class StatementResult:
    """One top-level statement that ran (or failed), in the order they ran. A compound
    statement (a loop, a ``def``, a ``with`` block) is one result with everything its body
    showed; an error inside it carries the span of the failing part."""

    index: int  # 0-based position among the results of the run
    span: Span
    source: str  # the statement's whole text (a with block: its header and body)
    outputs: list[Output] = field(default_factory=list)
    error: GradcalcError | None = None
    depth: int = 0  # kept for the front ends: top-level statements are at depth 0


@dataclass
class RunResult:
    source: str
    filename: str
    statements: list[StatementResult] = field(default_factory=list)
    syntax_error: GradcalcError | None = None  # set when nothing ran because parsing failed

    @property
    def errors(self) -> list[GradcalcError]:
        found = [self.syntax_error] if self.syntax_error else []
        return found + [s.error for s in self.statements if s.error is not None]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class GraphNode:
    """One tensor in the computational graph, for the tree view and the exporters."""

    id: int
    name: str | None  # variable name bound to this tensor, if any
    op: str | None  # PyTorch node name (``MulBackward0``); None for leaves and constants
    expr: str  # the source text that made it (``2 * y``), or the name for a leaf
    shape: tuple[int, ...]
    value: np.ndarray
    grad: np.ndarray | None  # leaf .grad, or the node's output gradient from the last backward
    requires_grad: bool
    is_leaf: bool
    is_constant: bool  # a literal inside an expression, e.g. the 2 in 2*y
    freed: bool  # its saved values were released by a backward without retain_graph
    inputs: list[int] = field(default_factory=list)  # ids of the nodes it was computed from


@dataclass
class Graph:
    root: int
    nodes: list[GraphNode]  # topological order, inputs before the nodes that use them

    def node(self, node_id: int) -> GraphNode:
        return self.nodes[[n.id for n in self.nodes].index(node_id)]


@dataclass
class ExplainStep:
    """One node of a backward pass, for ``--explain``: the chain rule at that node."""

    node: str  # e.g. "m = mean(z)  [MeanBackward0]"
    upstream: np.ndarray  # gradient arriving at the node's output
    rule: str  # the step in plain words, one sentence a line (``explain_words``)
    flows: list[tuple[str, np.ndarray]]  # (input label, gradient sent to that input)
    gradient: str = ""  # what the arriving gradient is: "∂m/∂z"
    why: list[str] = field(default_factory=list)  # per flow: why the input receives it


@dataclass(frozen=True)
class DerivativeOrigin:
    """What a tensor made by a Jacobian or Hessian call is the derivative of, for the front
    ends' labels (``interpreter/derivatives.py`` records it). The tensor's elements, flattened
    row-major, form a matrix of ``row_shape``'s elements by ``col_shape``'s."""

    kind: str  # "jacobian" or "hessian"
    of: str  # the output differentiated (a Jacobian's rows) or the function (a Hessian's)
    row_name: str  # a Jacobian: ``of``; a Hessian: the input of the first derivative
    row_shape: tuple[int, ...]
    col_name: str  # the input of the (last) derivative
    col_shape: tuple[int, ...]
