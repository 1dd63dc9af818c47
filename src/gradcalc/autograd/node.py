"""Graph nodes: one ``Node`` per recorded operation, one ``AccumulateGrad`` per leaf.

A node is what PyTorch calls a ``grad_fn``: it knows its rule (the VJP), the nodes of its
inputs (``next_nodes``; None for inputs that need no gradient) and the values the VJP
needs (``saved``). It holds no other reference to its input tensors, so releasing
``saved`` after a non-retained backward really frees the memory.
"""

from __future__ import annotations

import itertools

from gradcalc.errors import AutogradError

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
FREED_GRAPH_HINT = "pass retain_graph=True to the first backward() call"

# Creation order. A node's inputs are always created before it, so sorting by decreasing
# sequence number is a topological order of any graph (no recursion needed).
_sequence = itertools.count()


class Node:
    """A recorded operation (``AddBackward0``, ``MeanBackward0``, ...)."""

    __slots__ = (
        "__weakref__",
        "freed",
        "in_dtypes",
        "in_shapes",
        "needs",
        "next_nodes",
        "output_grad",
        "params",
        "retained",
        "rule",
        "saved_inputs",
        "saved_output",
        "saved_versions",
        "seq",
    )

    def __init__(self, rule, next_nodes, needs, in_shapes, in_dtypes, params):
        self.rule = rule
        self.next_nodes = next_nodes
        self.needs = needs
        self.in_shapes = in_shapes
        self.in_dtypes = in_dtypes
        self.params = params
        self.saved_inputs = None
        self.saved_output = None
        # Versions of the saved input tensors when saved; None: all 0 (no in-place change
        # had happened yet). -1 at the end: the saved output was changed in place.
        self.saved_versions = None
        self.freed = False
        self.output_grad = None
        self.retained = None  # weakref to the non-leaf tensor that called retain_grad()
        self.seq = next(_sequence)

    @property
    def name(self) -> str:
        """PyTorch's node name (``MulBackward0``): the rule's."""
        return self.rule.node_name

    @property
    def formula(self) -> str:
        """The local derivative as text, one entry per input (for an explain view)."""
        return self.rule.formula

    @property
    def next_functions(self) -> tuple:
        """PyTorch's spelling: ``((node, 0), (None, 0), ...)``."""
        return tuple((n, 0) for n in self.next_nodes)

    @property
    def has_saved(self) -> bool:
        return self.saved_inputs is not None or self.saved_output is not None

    def release(self) -> None:
        """Drop the saved values (after a backward without retain_graph)."""
        if self.saved_inputs is not None or self.saved_output is not None:
            self.saved_inputs = None
            self.saved_output = None
            self.freed = True

    def check_not_freed(self) -> None:
        if self.freed:
            raise AutogradError(FREED_GRAPH_MESSAGE, hint=FREED_GRAPH_HINT)

    def check_versions(self) -> None:
        """PyTorch's error when a value this node saved was changed in place since."""
        versions = self.saved_versions
        if versions is not None and versions and versions[-1] == -1:
            forward_name = self.name.rsplit("Backward", 1)[0]  # PyTorch names the forward op
            raise _modified_error(self.saved_output, 1, f", which is output 0 of {forward_name},")
        for i, x in enumerate(self.saved_inputs or ()):
            expected = versions[i] if versions is not None else 0
            current = version_of(x)  # 0 for numbers and tensors never changed
            if current != expected:
                raise _modified_error(x.data, current, "", expected)

    def __repr__(self) -> str:
        return f"<{self.name} object at {id(self):#x}>"


def _modified_error(array, version: int, which: str, expected: int = 0) -> AutogradError:
    kind = {"float64": "DoubleTensor", "float32": "FloatTensor"}.get(str(array.dtype), "Tensor")
    shape = ", ".join(str(n) for n in array.shape)
    return AutogradError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{kind} [{shape}]]{which} is at version {version}; "
        f"expected version {expected} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).",
        hint="change values in place only after the backward passes that need them, or "
        "compute the update first and apply it after backward()",
    )


def version_of(t) -> int:
    return getattr(t, "_version", 0)


def mark_modified(t) -> None:
    """Record an in-place change of ``t``'s values (PyTorch's version counter)."""
    from gradcalc.autograd.settings import STATE

    STATE.inplace_seen = True
    t._version = version_of(t) + 1
    node = t.grad_fn
    if node is not None and node.saved_output is not None and node.saved_output is t.data:
        node.saved_versions = (*(node.saved_versions or ()), -1)


class AccumulateGrad:
    """The end of every path to a leaf that requires grad: adds into ``variable.grad``."""

    __slots__ = ("__weakref__", "output_grad", "variable")

    name = "AccumulateGrad"
    next_nodes: tuple = ()
    freed = False
    seq = -1  # after every recorded node in the topological order
    formula = "grad"

    def __init__(self, variable):
        self.variable = variable
        self.output_grad = None

    @property
    def next_functions(self) -> tuple:
        return ()

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {id(self):#x}>"
