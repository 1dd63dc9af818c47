"""The backward engine: one loop for ``backward()`` and ``autograd.grad()``.

As PyTorch's engine: count how many edges lead into each node reachable from the roots,
then run nodes from a ready queue — a node is ready once every node that sends it a
gradient has run — highest priority first (``AccumulateGrad``, then the most recently
created). Each gradient a node returns is checked against its input's shape and dtype
(summed over broadcast dimensions, cast) before it is added to the next node's buffer.
Iterative throughout: a 100,000-op chain needs no deep stack. The hooks around a node run
through ``nodehooks.py``.

One fast path: a plain pass (no capture, ``inputs=``, ``create_graph``, anomaly mode or
explaining observer) runs each node that has no hooks through ``_run_plain``, which also keeps a
gradient that is one value expanded to a shape (``broadcast.Expanded``) in that form through
pointwise derivatives until a ``.grad`` stores it or a sum needs it whole. ``FAST_PATH =
False`` runs every node through the general ``_run_node``; tests/autograd/test_fast_paths.py
holds the two against each other.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

import gradcalc.autograd.nodehooks as nodehooks
from gradcalc.autograd.accumulate import accumulate_into
from gradcalc.autograd.anomaly import nan_error
from gradcalc.autograd.broadcast import Expanded
from gradcalc.autograd.declare import F
from gradcalc.autograd.dtypes import BY_NUMPY
from gradcalc.autograd.fidelity import whole_sum
from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.settings import STATE, grad_mode, warn
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError

_ndarray = np.ndarray
FAST_PATH = True


def _dependencies(roots) -> dict:
    """Edges into each node reachable from ``roots`` (from reachable nodes only)."""
    deps: dict = {}
    roots = set(roots)
    stack = list(roots)
    push = stack.append
    count = deps.get
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is None:
                continue
            n = count(child)
            if n is None:  # first reached: walk on from it (roots are walked already)
                deps[child] = 1
                if child not in roots:
                    push(child)
            else:
                deps[child] = n + 1
    return deps


def _needed(roots, targets: set, run_targets: bool) -> set:
    """Nodes that must run for a pass restricted to ``targets`` (PyTorch's exec_info): those
    with a path to a target. A target runs itself only when ``run_targets`` (backward with
    ``inputs=``: a leaf's AccumulateGrad accumulates) or when a path leads past it to
    another target; ``autograd.grad`` only captures the gradient arriving there."""
    order = []
    seen = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(c for c, _ in node.next_functions if c is not None and c not in seen)
    needed = set()
    for node in sorted(order, key=lambda n: n.seq):  # inputs before the nodes using them
        if (run_targets and node in targets) or any(
            c in needed or c in targets for c, _ in node.next_functions if c is not None
        ):
            needed.add(node)
    return needed


def run_backward(
    roots: list,
    *,
    retain_graph: bool,
    create_graph: bool,
    capture: dict | None = None,
    accumulate_only: set | None = None,
) -> None:
    """Propagate ``roots`` — ``((node, output_nr), gradient)`` pairs — through the graph.

    ``capture`` (``autograd.grad``): edges whose gradient is wanted; it is filled with the
    gradients arriving there instead of accumulating into any ``.grad``, and only nodes on
    a path to those edges run. ``accumulate_only`` (``backward(inputs=...)``): the edges of
    the tensors to accumulate into; only they and the nodes on a path to them run (a
    non-leaf among them has ``retain_grad()`` on, as in PyTorch).
    """
    buffers: dict = {}
    for (node, nr), g in roots:
        _add_to_buffer(buffers, node, nr, g)
    root_nodes = list(buffers)
    deps = _dependencies(root_nodes)
    if capture is not None:
        captured = {node for node, _ in capture}
        needed = _needed(root_nodes, captured, run_targets=False)
    elif accumulate_only is not None:
        captured = ()
        needed = _needed(root_nodes, {node for node, _ in accumulate_only}, run_targets=True)
    else:
        captured = ()
        needed = None
    record = STATE.record_output_grads
    observer = STATE.observer
    watch = observer.on_node if observer is not None and observer.explaining else None
    # Arrays that reach more than one place (a gradient passed through unchanged, a seed the
    # caller still holds): a leaf stores a copy, so that in-place accumulation stays its own.
    # Keyed by id, holding the array itself: a freed array's id could be reused by a new one.
    shared = {id(g): g for _, g in roots}
    heap: list = []
    tie = 0
    for node in root_nodes:
        if not deps.get(node):
            tie += 1
            heappush(heap, (-node.priority, tie, node))
    plain = FAST_PATH and needed is None and not create_graph and watch is None
    plain = plain and not STATE.anomaly
    while heap:
        node = heappop(heap)[2]
        grads = buffers.pop(node, None)
        if grads is None:
            grads = [None] * node.n_outputs
        if (
            plain
            and node._hook_tables is None
            and (type(node) is not AccumulateGrad or _leaf_has_no_hooks(node))
        ):
            outputs = _run_plain(node, grads, shared, record)
            if not retain_graph:
                node.release()
        else:
            grads = _materialized(grads, shared)
            run = needed is None or node in needed
            outputs = ()
            if run:
                if node in captured:  # PyTorch captures before the hooks of a node that runs
                    _capture(capture, node, grads)
                if STATE.anomaly:
                    outputs = _run_node_in_anomaly_mode(
                        node, grads, create_graph, record, watch, shared
                    )
                else:
                    outputs = _run_node(node, grads, create_graph, record, watch, shared)
                if not retain_graph:
                    node.release()
            elif node in captured:
                _capture(capture, node, nodehooks.tensor_pre_hooks(node, grads))
            outputs = _aligned(outputs, len(node.next_functions))
        for (child, nr), r in zip(node.next_functions, outputs):
            if child is None:
                continue
            if r is not None:
                if child.n_outputs == 1 and child not in buffers:  # the first of one output
                    buffers[child] = [r]
                else:
                    _add_to_buffer(buffers, child, nr, r)
            left = deps[child] - 1
            deps[child] = left
            if not left:
                tie += 1
                heappush(heap, (-child.priority, tie, child))


def _aligned(outputs, n: int):
    """One gradient (or None) per input edge: a node that ran nothing returns fewer."""
    return outputs if len(outputs) == n else [*outputs[:n], *[None] * (n - len(outputs))]


def _leaf_has_no_hooks(node: AccumulateGrad) -> bool:
    return not node.variable._hooks and not node.post_accumulate


def _run_plain(node, grads: list, shared: dict, record: bool):
    """``_run_node`` for a node without hooks in a plain pass; gradients that are one value
    expanded stay ``Expanded`` through pointwise nodes (``record`` keeps a read-only
    broadcast view of one as the node's ``output_grad``)."""
    g = grads[0]
    if record:
        node.output_grad = np.broadcast_to(g.value, g.shape) if type(g) is Expanded else g
    if type(node) is AccumulateGrad:
        if g is not None:
            if record:  # as _run_node: the leaf gets a copy, output_grad keeps the original
                if type(g) is _ndarray:
                    g = g.copy()
                accumulate_into(node.variable, g, False, False)
            else:
                accumulate_into(node.variable, g, False, id(g) in shared)
        return ()
    single = len(grads) == 1
    if (g is None) if single else all(r is None for r in grads):
        return [None] * len(node.next_functions)
    node.check_saved()
    outputs = None
    if single:
        kind = type(g)
        if kind is Expanded:
            outputs = node.apply_uniform(g, g.value, g.shape)
            if outputs is None:
                grads = _materialized(grads, shared)
        elif kind is _ndarray and g.ndim and not g.strides[0] and g.size > 1 and not any(g.strides):
            # every stride 0: an expand of one number (sum's gradient), that number
            outputs = node.apply_uniform(g, g[(0,) * g.ndim + (Ellipsis,)], g.shape)
    else:
        grads = _materialized(grads, shared)
    if outputs is None:
        outputs = node.apply(grads, False)
    checked = []
    # _note_pass_through, inline for one gradient in and at most two out (most nodes)
    inline = single and len(outputs) <= 2
    previous = None
    for (child, _), meta, r in zip(node.next_functions, node.input_meta, outputs):
        if r is None or child is None:
            checked.append(None)
            continue
        shape, dtype = meta
        kind = type(r)
        if kind is Expanded:
            if r.shape == shape:
                if r.value.dtype is not dtype and r.value.dtype != dtype:
                    r = Expanded(r.value.astype(dtype), shape)
            else:
                r = r.materialize()
                kind = _ndarray
        elif kind is not _ndarray:
            r = r.array if kind is Tensor else np.asarray(r)
            kind = _ndarray
        if kind is _ndarray:
            if r.shape != shape:
                r = sum_to(r, shape, node, len(checked))
            if r.dtype is not dtype and r.dtype != dtype:
                r = r.astype(dtype)
        if inline and (r is g or r is previous):
            shared[id(r)] = r
        previous = r
        checked.append(r)
    if not inline:
        _note_pass_through(checked, grads, shared)
    n = len(node.next_functions)
    return checked if len(checked) == n else _aligned(checked, n)


def _materialized(grads: list, shared: dict) -> list:
    """The gradients as arrays: an ``Expanded`` one becomes the array the general loop would
    hold (and stays marked as reaching more than one place if it did)."""
    if not any(type(g) is Expanded for g in grads):
        return grads
    out = []
    for g in grads:
        if type(g) is Expanded:
            array = g.materialize()
            if id(g) in shared:
                shared[id(array)] = array
            g = array
        out.append(g)
    return out


def _capture(capture: dict, node, grads) -> None:
    for nr, g in enumerate(grads):
        edge = (node, nr)
        if edge in capture:
            capture[edge] = g


def _run_node(node, grads: list, create_graph: bool, record: bool, watch, shared: dict) -> list:
    """Hooks, then the node itself (a leaf's accumulation), as PyTorch's call_function."""
    grads = nodehooks.tensor_pre_hooks(node, grads)
    grads = nodehooks.node_pre_hooks(node, grads)
    if record:
        node.output_grad = grads[0]
    if type(node) is AccumulateGrad:
        g = grads[0]
        if g is not None:
            is_array = type(g) is _ndarray
            if is_array and record:
                g = g.copy()  # node.output_grad keeps the original
            accumulate_into(node.variable, g, create_graph, is_array and id(g) in shared)
            if node.post_accumulate:
                for hook in list(node.post_accumulate.values()):
                    nodehooks.check_post_accumulate(hook, node.variable, hook(node.variable))
        if node.post_hooks():
            nodehooks.node_post_hooks(node, [], grads)
        if watch is not None and g is not None:
            watch(node, grads, ())
        return []
    if all(g is None for g in grads):
        return []
    node.check_saved()
    outputs = node.apply(grads, create_graph)
    outputs = [
        None
        if r is None or node.next_functions[i][0] is None
        else _validate(node, i, r, create_graph)
        for i, r in enumerate(outputs)
    ]
    _note_pass_through(outputs, grads, shared)
    if node.post_hooks():
        outputs = nodehooks.node_post_hooks(node, outputs, grads)
    if STATE.anomaly and STATE.anomaly_check_nan:
        _check_nan(node, outputs)
    if watch is not None:
        watch(node, grads, outputs)
    return outputs


def _run_node_in_anomaly_mode(node, grads, create_graph, record, watch, shared) -> list:
    """Anomaly mode: PyTorch warns which node failed (and where its forward ran)."""
    try:
        return _run_node(node, grads, create_graph, record, watch, shared)
    except Exception:
        trace = node.anomaly_trace or ""
        warn(
            f"Error detected in {node.short_name()}. Traceback of forward call that caused "
            f"the error:\n{trace}"
        )
        raise


def _note_pass_through(outputs, grads, shared: dict) -> None:
    if len(grads) == 1 and len(outputs) <= 2:  # most nodes: one gradient in, one or two out
        g = grads[0]
        first = None
        for r in outputs:
            if type(r) is _ndarray or type(r) is Expanded:
                if r is g or r is first:
                    shared[id(r)] = r
                first = r
        return
    seen = {id(g) for g in grads if type(g) is _ndarray or type(g) is Expanded}
    for r in outputs:
        if type(r) is _ndarray or type(r) is Expanded:
            key = id(r)
            if key in seen:
                shared[key] = r
            seen.add(key)


def _add_to_buffer(buffers: dict, node, nr: int, g) -> None:
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.n_outputs
    previous = slots[nr]
    if previous is None:
        slots[nr] = g
        return
    if type(previous) is Expanded:
        previous = previous.materialize()
    if type(g) is Expanded:
        g = g.materialize()
    total = previous + g
    if type(total) is not np.ndarray and type(total) is not Tensor:
        total = np.asarray(total)  # numpy adds two 0-d arrays into a scalar
    slots[nr] = total


def _validate(node, i: int, r, create_graph: bool):
    """PyTorch's validate_outputs: sum a broadcast gradient down, cast to the input dtype."""
    shape, dtype = node.input_meta[i]
    if create_graph:
        if type(r) is not Tensor:
            r = make_tensor(np.asarray(r, dtype=dtype))
        rs = r.array.shape
    else:
        if type(r) is Tensor:
            r = r.array
        elif type(r) is not _ndarray:
            r = np.asarray(r)
        rs = r.shape
    if rs != shape:
        r = sum_to(r, shape, node, i)
    if create_graph:
        if r.array.dtype != dtype:
            r = F._to_copy(r, BY_NUMPY[dtype])
    elif r.dtype != dtype:
        r = r.astype(dtype)
    return r


def sum_to(g, shape: tuple, node=None, index: int = 0):
    """Sum ``g`` over the dimensions ``shape`` was broadcast along to get ``g``'s shape, or
    PyTorch's error when ``shape`` does not broadcast to it."""
    if not shape and type(g) is _ndarray and g.ndim:  # to one number (a scalar's gradient)
        total = whole_sum(g)  # F.sum's own kernel, called directly
        if total is not None:
            return total
    gshape = g.array.shape if type(g) is Tensor else g.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or not all(n == m or n == 1 for n, m in zip(shape, gshape[lead:])):
        name = node.name() if node is not None else "backward"
        got = "[" + ", ".join(map(str, gshape)) + "]"
        want = "[" + ", ".join(map(str, shape)) + "]"
        raise AutogradError(
            f"Function {name} returned an invalid gradient at index {index} - got {got} but "
            f"expected shape compatible with {want}"
        )
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and gshape[lead + i] != 1
    )
    if axes:
        if type(g) is _ndarray and len(axes) == len(gshape):
            total = whole_sum(g)  # a gradient to one number: F.sum's own kernel, called directly
            if total is not None:
                return total.reshape(shape)
        g = F.sum_dim(g, axes, True)
    if lead:
        g = g.reshape(shape) if type(g) is _ndarray else F.reshape(g, shape)
    return g


def _check_nan(node, outputs) -> None:
    for i, r in enumerate(outputs):
        if r is None:
            continue
        a = r.array if type(r) is Tensor else np.asarray(r)
        if a.dtype.kind == "f" and np.isnan(a).any():
            raise nan_error(node, i)


# ---- entry points ----------------------------------------------------------------------------


def backward_roots(outputs: list, grad_outputs: list, create_graph: bool) -> list:
    """``((node, nr), gradient)`` for each output, checked as PyTorch checks them."""
    roots = []
    for i, (out, given) in enumerate(zip(outputs, grad_outputs)):
        if not out._requires_grad:
            raise AutogradError(
                f"element {i} of tensors does not require grad and does not have a grad_fn",
                hint="only tensors computed from a leaf with requires_grad=True have a graph",
            )
        if given is None:
            if out.array.size != 1:
                raise AutogradError(
                    "grad can be implicitly created only for scalar outputs",
                    hint="reduce the output to a scalar first, e.g. .sum(), or pass a gradient",
                )
            seed = np.ones(out.array.shape, dtype=out.array.dtype)
            roots.append((out._edge(), make_tensor(seed) if create_graph else seed))
            continue
        if given.array.shape != out.array.shape:
            raise AutogradError(
                f"Mismatch in shape: grad_output[{i}] has a shape of "
                f"{_size(given.array.shape)} and output[{i}] has a shape of "
                f"{_size(out.array.shape)}.",
                hint="the gradient must have the output's shape",
            )
        # Another real dtype is cast to the output's, as PyTorch's validate_outputs does at
        # the graph root (only complex/real mismatches are refused, and gradcalc has no
        # complex dtypes).
        if create_graph:
            if given.array.dtype != out.array.dtype:
                given = F._to_copy(given, BY_NUMPY[out.array.dtype])
            roots.append((out._edge(), given))
        else:
            g = given.array
            roots.append(
                (out._edge(), g.astype(out.array.dtype) if g.dtype != out.array.dtype else g)
            )
    return roots


def _size(shape) -> str:
    return "torch.Size([" + ", ".join(str(n) for n in shape) + "])"


def run(roots, *, retain_graph, create_graph, capture=None, accumulate_only=None) -> None:
    """``run_backward`` with grad mode set as PyTorch sets it for the pass."""
    # PyTorch computes inf and nan silently; numpy would warn on stderr.
    callbacks: list = []  # what register_multi_grad_hook queues for the end of the pass
    STATE.backward_callbacks.append(callbacks)
    try:
        with grad_mode(create_graph), np.errstate(all="ignore"):
            run_backward(
                roots,
                retain_graph=retain_graph,
                create_graph=create_graph,
                capture=capture,
                accumulate_only=accumulate_only,
            )
    finally:
        STATE.backward_callbacks.pop()
    for callback in callbacks:
        callback()
