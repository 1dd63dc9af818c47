"""The backward engine: one loop for ``backward()`` and ``autograd.grad()``.

As PyTorch's engine: count how many edges lead into each node reachable from the roots,
then run nodes from a ready queue — a node is ready once every node that sends it a
gradient has run — highest priority first (``AccumulateGrad``, then the most recently
created). Each gradient a node returns is checked against its input's shape and dtype
(summed over broadcast dimensions, cast) before it is added to the next node's buffer.
Iterative throughout: a 100,000-op chain needs no deep stack.

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

from gradcalc.autograd.accumulate import accumulate_into
from gradcalc.autograd.anomaly import nan_error
from gradcalc.autograd.broadcast import Expanded, uniform_value
from gradcalc.autograd.declare import F
from gradcalc.autograd.dtypes import BOOL, BY_NUMPY
from gradcalc.autograd.fidelity import whole_sum
from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.settings import STATE, grad_mode, warn
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError

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
        if plain and _has_no_hooks(node):
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
                _capture(capture, node, _tensor_pre_hooks(node, grads))
        for i, (child, nr) in enumerate(node.next_functions):
            if child is None:
                continue
            r = outputs[i] if i < len(outputs) else None
            if r is not None:
                _add_to_buffer(buffers, child, nr, r)
            left = deps[child] - 1
            deps[child] = left
            if not left:
                tie += 1
                heappush(heap, (-child.priority, tie, child))


def _has_no_hooks(node) -> bool:
    if node._pre_hooks or node._post_hooks or node._tensor_hooks or node._retained:
        return False
    if type(node) is AccumulateGrad:
        return not node.variable._hooks and not node.post_accumulate
    return True


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
    if len(grads) == 1:
        if g is None:
            return ()
    elif all(r is None for r in grads):
        return ()
    node.check_saved()
    outputs = None
    if len(grads) == 1:
        if type(g) is Expanded:
            outputs = node.apply_uniform(g, g.value, g.shape)
            if outputs is None:
                grads = _materialized(grads, shared)
        else:
            value = uniform_value(g)
            if value is not None:
                outputs = node.apply_uniform(g, value, g.shape)
    else:
        grads = _materialized(grads, shared)
    if outputs is None:
        outputs = node.apply(grads, False)
    next_functions = node.next_functions
    input_meta = node.input_meta
    checked = []
    for i, r in enumerate(outputs):
        if r is None or next_functions[i][0] is None:
            checked.append(None)
            continue
        shape, dtype = input_meta[i]
        kind = type(r)
        if kind is Expanded:
            if r.shape == shape:
                if r.value.dtype != dtype:
                    r = Expanded(r.value.astype(dtype), shape)
                checked.append(r)
                continue
            r = r.materialize()
        elif kind is not _ndarray:
            r = r.array if kind is Tensor else np.asarray(r)
        if r.shape != shape:
            r = sum_to(r, shape, node, i)
        if r.dtype != dtype:
            r = r.astype(dtype)
        checked.append(r)
    _note_pass_through(checked, grads, shared)
    return checked


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
    grads = _tensor_pre_hooks(node, grads)
    grads = _node_pre_hooks(node, grads)
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
                    _check_post_accumulate(hook, node.variable, hook(node.variable))
        if node._post_hooks:
            _node_post_hooks(node, [], grads)
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
    if node._post_hooks:
        outputs = _node_post_hooks(node, outputs, grads)
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


def _tensor_pre_hooks(node, grads: list) -> list:
    """Tensor hooks (a leaf's, or a non-leaf's by output), then retain_grad."""
    if type(node) is AccumulateGrad:
        hooks = node.variable._hooks
        return [_run_tensor_hooks(hooks, grads[0])] if hooks else grads
    table = node._tensor_hooks
    if table:
        grads = list(grads)
        for nr, hooks in table.items():
            grads[nr] = _run_tensor_hooks(hooks, grads[nr])
    retained = node._retained
    if retained:
        for nr, ref in retained.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                _retain(t, grads[nr])
    return grads


def _node_pre_hooks(node, grads: list) -> list:
    """``grad_fn.register_prehook`` functions: ``hook(grad_outputs)``; a tuple returned
    replaces the gradients, None in it included (as PyTorch's unwrap_variables)."""
    if not node._pre_hooks:
        return grads
    for hook in list(node._pre_hooks.values()):
        given = tuple(None if g is None else _as_tensor(g) for g in grads)
        replaced = hook(given)
        if replaced is not None:
            _check_hook_results(hook, given, replaced)
            grads = [None if r is None else _like(r, g) for r, g in zip(replaced, grads)]
    return grads


def _node_post_hooks(node, outputs: list, grads: list) -> list:
    """``grad_fn.register_hook`` functions: ``hook(grad_inputs, grad_outputs)``."""
    grad_outputs = tuple(None if g is None else _as_tensor(g) for g in grads)
    for hook in list(node._post_hooks.values()):
        given = tuple(None if r is None else _as_tensor(r) for r in outputs)
        replaced = hook(given, grad_outputs)
        if replaced is not None:
            _check_hook_results(hook, given, replaced)
            outputs = [None if new is None else _like(new, r) for new, r in zip(replaced, outputs)]
    return outputs


def _run_tensor_hooks(hooks: dict, g):
    """``register_hook`` functions in order; a Tensor one returns replaces the gradient. As
    in PyTorch they also run, with None, for an output of a node that got no gradient."""
    for hook in list(hooks.values()):
        given = None if g is None else _as_tensor(g)
        replaced = hook(given)
        if replaced is not None:
            if given is None:
                raise AutogradError("can't replace a None gradient with a non-None value")
            _check_hook_result(hook, given, replaced)
            g = _like(replaced, g)
    return g


def _check_post_accumulate(hook, tensor: Tensor, returned) -> None:
    """Such a hook returns None (or the tensor it was given, as PyTorch lets pass)."""
    if returned is None or returned is tensor:
        return
    _check_hook_result(hook, tensor, returned)
    raise AutogradError("Tensor post accumulate grad hooks should return None.")


def _hook_name(hook) -> str:
    name = getattr(hook, "__name__", None) or getattr(hook, "name", None)
    return name if isinstance(name, str) else "<unknown>"


def _check_hook_results(hook, given: tuple, replaced) -> None:
    """PyTorch's checks of what a node hook returned (python_hook.cpp's check_result)."""
    if not isinstance(replaced, tuple):
        raise ArgumentError(f"expected tuple, but hook returned '{_type_name(replaced)}'")
    if len(replaced) != len(given):
        raise AutogradError(
            f"hook '{_hook_name(hook)}' has returned an incorrect number of values (got "
            f"{len(replaced)}, but expected {len(given)})"
        )
    for original, result in zip(given, replaced):
        if result is None:
            continue
        if original is None:
            raise AutogradError("can't replace a None gradient with a non-None value")
        _check_hook_result(hook, original, result)


def _check_hook_result(hook, original: Tensor, result) -> None:
    """A hook's replacement gradient keeps the type and size of the one it replaces."""
    if type(result) is not Tensor:
        raise ArgumentError(f"expected Variable, but hook returned '{_type_name(result)}'")
    if result.array.dtype != original.array.dtype:
        raise AutogradError(
            f"hook '{_hook_name(hook)}' has changed the type of value (was "
            f"{_type_string(original)} got {_type_string(result)})"
        )
    if result.array.shape != original.array.shape:
        raise AutogradError(f"hook '{_hook_name(hook)}' has changed the size of value")


def _type_string(t: Tensor) -> str:
    """``Tensor.toString()``: ``torch.FloatTensor``, and ``CPUBoolType`` for bool."""
    d = t.dtype
    return "CPUBoolType" if d.category == BOOL else f"torch.{d.tensor_type}"


def _type_name(value) -> str:
    return "Tensor" if type(value) is Tensor else type(value).__name__


def _like(replaced, original):
    """A hook's Tensor in the form the pass carries gradients (arrays unless create_graph)."""
    if type(replaced) is Tensor and type(original) is _ndarray:
        return replaced.array
    return replaced


def _as_tensor(g):
    return g if type(g) is Tensor else make_tensor(g)


def _retain(t: Tensor, g) -> None:
    """``t.retain_grad()``: a copy of the gradient, added to what ``t.grad`` holds."""
    if type(g) is Tensor:
        g = F.clone(g) if g._requires_grad else make_tensor(g.array.copy())
    else:
        g = make_tensor(np.array(g, copy=True))
    if t._grad is None:
        t._grad = g
    else:
        t._grad = (
            t._grad + g
            if type(g) is Tensor and g._requires_grad
            else make_tensor(t._grad.array + g.array)
        )


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
        g = F.sum(g, axes, True)
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
