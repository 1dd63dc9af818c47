"""Graph nodes (PyTorch's ``grad_fn``): the node base, ``AccumulateGrad``, hooks.

A node knows where the gradients of its inputs go (``next_functions``: ``(node,
output_nr)`` pairs, ``(None, 0)`` for inputs that need none), the shape and dtype each of
those gradients must have (``input_meta``), and how to turn the gradients of its outputs
into theirs (``apply``). It holds no reference to its output tensors, so releasing the
values it saved after a backward without ``retain_graph`` really frees the memory.
"""

from __future__ import annotations

import itertools
import weakref

from gradcalc.errors import AutogradError

FREED_GRAPH_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)
FREED_GRAPH_HINT = "pass retain_graph=True to the first backward() call"

# Creation order. A node's inputs are always created before it, so a larger number runs
# earlier among ready nodes, as in PyTorch's ready queue.
next_seq = itertools.count().__next__
ACCUMULATE_PRIORITY = 1 << 62  # PyTorch runs a ready AccumulateGrad before anything else


class HookHandle:
    """What ``register_hook`` returns: ``remove()`` unregisters the hook."""

    _ids = itertools.count()

    __slots__ = ("_table", "id")

    def __init__(self, table: dict, hook) -> None:
        self.id = next(HookHandle._ids)
        self._table = table
        table[self.id] = hook

    def remove(self) -> None:
        self._table.pop(self.id, None)

    def __repr__(self) -> str:
        return f"<torch.utils.hooks.RemovableHandle object at {id(self):#x}>"


class NodeHooks:
    """A node's hook tables (each None until used): pre-hooks, post-hooks, tensor hooks by
    output number, and the outputs that ``retain_grad()``."""

    __slots__ = ("post", "pre", "retained", "tensor")

    def __init__(self) -> None:
        self.pre = self.post = self.tensor = self.retained = None


class Node:
    """Base of every recorded operation."""

    __slots__ = (
        "__weakref__",
        "_hook_tables",
        "_metadata",
        "anomaly_trace",
        "input_meta",
        "next_functions",
        "output_grad",
        "priority",
        "seq",
    )

    n_outputs = 1
    freed = False

    def __init__(self, next_functions: tuple, input_meta: tuple) -> None:
        self.next_functions = next_functions
        self.input_meta = input_meta
        self.seq = next_seq()
        self.priority = self.seq  # the ready queue's order (AccumulateGrad's is higher)
        self._hook_tables = None  # a NodeHooks once a hook is registered (the engine's fast path)
        self.output_grad = None
        self.anomaly_trace = None
        self._metadata = None

    def name(self) -> str:
        raise NotImplementedError

    @property
    def metadata(self) -> dict:
        """``grad_fn.metadata``: a dict a program may keep anything in."""
        if self._metadata is None:
            self._metadata = {}
        return self._metadata

    def saved_value(self, name: str):
        """``grad_fn._saved_<name>``; nodes that save nothing have none."""
        raise AttributeError(name)

    def short_name(self) -> str:
        """The name in reprs (``<AccumulateGrad object ...>``, ``grad_fn=<MulBackward0>``)."""
        return self.name().rsplit("::", 1)[-1]

    def apply(self, grads: list, create_graph: bool) -> list:
        """Gradients of the inputs (aligned with ``next_functions``) from those of the outputs."""
        raise NotImplementedError

    def apply_uniform(self, g, value, shape: tuple):
        """``apply`` for an output gradient that is ``value`` everywhere, or None when the node
        cannot keep it in that form (only pointwise ops can: see ``OpNode``)."""
        return None

    def release(self) -> None:
        """Drop saved values (after a backward without retain_graph)."""

    def check_saved(self) -> None:
        """Raise PyTorch's error when a saved value was freed or changed in place."""

    # ---- hooks ---------------------------------------------------------------------------

    def hook_tables(self) -> NodeHooks:
        if self._hook_tables is None:
            self._hook_tables = NodeHooks()
        return self._hook_tables

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` after the node runs."""
        tables = self.hook_tables()
        if tables.post is None:
            tables.post = {}
        return HookHandle(tables.post, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` before the node runs."""
        tables = self.hook_tables()
        if tables.pre is None:
            tables.pre = {}
        return HookHandle(tables.pre, hook)

    def add_tensor_hook(self, output_nr: int, hook):
        tables = self.hook_tables()
        if tables.tensor is None:
            tables.tensor = {}
        return HookHandle(tables.tensor.setdefault(output_nr, {}), hook)

    def retain(self, output_nr: int, tensor) -> None:
        tables = self.hook_tables()
        if tables.retained is None:
            tables.retained = {}
        tables.retained[output_nr] = weakref.ref(tensor)

    def post_hooks(self) -> dict | None:
        return None if self._hook_tables is None else self._hook_tables.post

    def __repr__(self) -> str:
        return f"<{self.short_name()} object at {id(self):#x}>"


class AccumulateGrad(Node):
    """The end of every path to a leaf that requires grad: adds into ``variable.grad``."""

    __slots__ = ("post_accumulate", "variable")

    def __init__(self, variable) -> None:
        # Node.__init__ written out, as OpNode's (one per leaf and backward pass)
        self.next_functions = self.input_meta = ()
        self.seq = next_seq()
        self._hook_tables = self.output_grad = self.anomaly_trace = self._metadata = None
        self.variable = variable
        self.post_accumulate = None  # register_post_accumulate_grad_hook
        self.priority = ACCUMULATE_PRIORITY

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


def modified_error(array, version: int, expected: int, producer: str | None) -> AutogradError:
    """PyTorch's error for a saved tensor changed in place since it was saved; ``producer``
    is the node name of the tensor's grad_fn, None for a leaf."""
    from gradcalc.autograd.dtypes import BY_NUMPY

    which = f", which is output 0 of {producer.rsplit('Backward', 1)[0]}," if producer else ""
    shape = ", ".join(str(n) for n in array.shape)
    kind = BY_NUMPY[array.dtype].tensor_type
    return AutogradError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [torch.{kind} [{shape}]]{which} is at version {version}; "
        f"expected version {expected} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).",
        hint="change values in place only after the backward passes that need them, or "
        "compute the update first and apply it after backward()",
    )


def freed_error() -> AutogradError:
    return AutogradError(FREED_GRAPH_MESSAGE, hint=FREED_GRAPH_HINT)
