"""The backward engine: ``backward``, ``grad``, ``jacobian``, ``hessian``, ``gradcheck``.

Order without recursion: every node's inputs were created before it, so visiting the
reachable nodes by decreasing creation number runs each node after all its consumers,
once, with their gradients already summed. A 100,000-op chain needs no deep stack.
"""

from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

from gradcalc.autograd.node import AccumulateGrad, Node
from gradcalc.autograd.registry import NUMPY, TENSOR, Context, unbroadcast
from gradcalc.autograd.settings import STATE, enable_grad
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError, ShapeError

NO_GRAD_FN_HINT = "only tensors computed from a leaf with requires_grad=True have a graph"


def _size_text(shape) -> str:
    return "torch.Size([" + ", ".join(str(n) for n in shape) + "])"


def _as_tensor_list(value, what: str) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, Tensor) for v in value):
        return list(value)
    raise ArgumentError(f"{what} must be a Tensor or a sequence of Tensors")


def _root_gradients(outputs, grad_outputs, create_graph):
    """Check each output and its seed gradient the way PyTorch does; return the seeds."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    else:
        grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ArgumentError(
            "grad can be implicitly created only for scalar outputs"
            if not grad_outputs
            else f"got {len(grad_outputs)} gradients for {len(outputs)} outputs"
        )
    seeds = []
    for i, (out, given) in enumerate(zip(outputs, grad_outputs)):
        if not out._requires_grad:
            raise AutogradError(
                f"element {i} of tensors does not require grad and does not have a grad_fn",
                hint=NO_GRAD_FN_HINT,
            )
        if given is None:
            if out.data.size != 1:
                raise AutogradError(
                    "grad can be implicitly created only for scalar outputs",
                    hint="reduce the output to a scalar first, e.g. sum(...), or pass gradient=",
                )
            seed = np.ones(out.shape, dtype=out.dtype)
            seeds.append(Tensor._make(seed) if create_graph else seed)
            continue
        if not isinstance(given, Tensor):
            from gradcalc.autograd.ops.constructors import tensor

            given = tensor(given, dtype=out.dtype)
        if given.shape != out.shape:
            raise ShapeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {_size_text(given.shape)} "
                f"and output[{i}] has a shape of {_size_text(out.shape)}.",
                hint="the gradient passed to backward must have the output's shape",
            )
        if create_graph:
            seeds.append(given)
        else:
            data = given.data
            seeds.append(data.astype(out.dtype) if data.dtype != out.dtype else data)
    return seeds


def _node_of(t: Tensor):
    return t.grad_fn if t.grad_fn is not None else t._grad_accumulator()


def _accumulate(t: Tensor, g) -> None:
    """Add ``g`` into ``t.grad`` (PyTorch's AccumulateGrad)."""
    if type(g) is not Tensor:
        if type(g) is not np.ndarray:  # 0-d sums come back from numpy as scalars
            g = np.asarray(g)
        if g.dtype != t.data.dtype:
            g = g.astype(t.data.dtype)
        elif not g.flags.writeable:  # a broadcast view: give the leaf its own array
            g = g.copy()
        current = t._grad
        if current is None:
            t._grad = Tensor._make(g)
        elif current._requires_grad:
            t._grad = Tensor._make(current.data + g)
        else:
            # Replace the array, keep the Tensor: a ``g = x.grad`` taken earlier sees the sum.
            current.data = current.data + g
        return
    current = t._grad
    if current is None:
        # A Tensor of its own (same values and graph): ``x + y`` hands both leaves the same
        # gradient object, and ``x.grad.zero_()`` must not clear ``y.grad``.
        t._grad = make_tensor(g.data, g._requires_grad, g.grad_fn)
    else:
        t._grad = current + g


def _topological_order(roots) -> list:
    seen = set()
    stack = list(roots)
    nodes = []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        nodes.append(node)
        for child in node.next_nodes:
            if child is not None and child not in seen:
                stack.append(child)
    nodes.sort(key=lambda n: n.seq, reverse=True)
    return nodes


def _needed(order, targets) -> set:
    """Nodes that lie on a path to one of ``targets``."""
    needed = set()
    for node in reversed(order):  # inputs before consumers
        if node in targets or any(c in needed for c in node.next_nodes if c is not None):
            needed.add(node)
    return needed


def run_backward(
    outputs,
    seeds,
    *,
    retain_graph: bool,
    create_graph: bool,
    targets=None,
    capture: bool = False,
    on_node=None,
    keep_output_grads: bool | None = None,
) -> dict:
    """Propagate ``seeds`` from ``outputs`` through the graph.

    ``targets`` (a dict node -> tensor) limits the pass to paths reaching them. With
    ``capture`` the gradients arriving at the targets are returned instead of accumulated
    into ``.grad`` (``autograd.grad``).
    """
    record = STATE.record_output_grads if keep_output_grads is None else keep_output_grads
    if not (create_graph or record or capture) and targets is None and on_node is None:
        _run_plain([(_node_of(out), seed) for out, seed in zip(outputs, seeds)], retain_graph)
        return {}
    grads: dict = {}
    for out, seed in zip(outputs, seeds):
        node = _node_of(out)
        grads[node] = seed if node not in grads else grads[node] + seed
    order = _topological_order(list(grads))
    needed = _needed(order, targets) if targets is not None else None
    captured: dict = {}
    B = TENSOR if create_graph else NUMPY

    for node in order:
        g = grads.pop(node, None)
        if g is None:
            continue
        if needed is not None and node not in needed:
            continue
        if record:
            node.output_grad = g
        if type(node) is AccumulateGrad:
            if on_node is not None:
                on_node(node, g, ())
            if capture:
                captured[node] = g
            elif targets is None or node in targets:
                _accumulate(node.variable, g)
            continue
        if targets is not None and node in targets:
            if capture:
                captured[node] = g
            else:
                _accumulate(targets[node], g)
            if not any(c in needed for c in node.next_nodes if c is not None):
                continue
        if node.retained is not None and not capture:
            kept = node.retained()
            if kept is not None:
                _accumulate(kept, g)
        if node.freed:
            node.check_not_freed()
        if STATE.inplace_seen:
            node.check_versions()
        results = node.rule.vjp(_context(node, B, create_graph), g, **node.params)
        if on_node is not None:
            on_node(node, g, results)
        shapes = node.in_shapes
        dtypes = node.in_dtypes
        i = -1
        for child in node.next_nodes:
            i += 1
            if child is None:
                continue
            r = results[i]
            if r is None:
                continue
            if create_graph:
                if type(r) is not Tensor:
                    r = Tensor._make(np.asarray(r, dtype=dtypes[i]))
            elif type(r) is not np.ndarray:
                r = np.asarray(r)
            if r.shape != shapes[i]:
                r = unbroadcast(r, shapes[i])
            if r.dtype != dtypes[i]:
                r = B.astype(r, dtypes[i])
            previous = grads.get(child)
            grads[child] = r if previous is None else previous + r
        if not retain_graph:
            node.release()
    return captured


# Gradients at least this large that hold one repeated value are not expanded through a
# pointwise VJP (``_run_plain``); below it the check costs more than it saves.
_COMPACT_MIN = 4096


def _run_plain(roots, retain_graph: bool) -> None:
    """``run_backward`` for a plain ``backward()`` on numpy arrays: the hot loop.

    ``roots``: (node, seed gradient) pairs. Same order and results as the general loop,
    found with a heap keyed on the creation number instead of a full sort of the reachable
    graph: a node is queued when its first gradient arrives, and every consumer (created
    later) has run before it is popped.
    """
    grads: dict = {}
    heap: list = []
    tie = 0  # leaves all have seq -1: never compare two nodes
    for node, seed in roots:
        previous = grads.get(node)
        if previous is None:
            grads[node] = seed
            tie += 1
            heappush(heap, (-node.seq, tie, node))
        else:
            grads[node] = previous + seed
    ctx = Context(NUMPY, None, None, None, None, None)
    inplace_seen = STATE.inplace_seen
    pop = grads.pop
    get = grads.get
    ndarray = np.ndarray
    while heap:
        node = heappop(heap)[2]
        g = pop(node)
        if type(node) is AccumulateGrad:
            _accumulate(node.variable, g)
            continue
        if node.retained is not None:
            kept = node.retained()
            if kept is not None:
                _accumulate(kept, g)
        if node.freed:
            node.check_not_freed()
        if inplace_seen:
            node.check_versions()
        saved = node.saved_inputs
        if saved is not None:
            if len(saved) == 2:
                a, b = saved
                saved = (a.data if type(a) is Tensor else a, b.data if type(b) is Tensor else b)
            else:
                saved = [x.data if type(x) is Tensor else x for x in saved]
        ctx.inputs = saved
        ctx.out = node.saved_output
        ctx.needs = node.needs
        shapes = ctx.shapes = node.in_shapes
        dtypes = ctx.dtypes = node.in_dtypes
        params = node.params
        out_shape = None
        if (
            type(g) is ndarray
            and g.size >= _COMPACT_MIN
            and node.rule.pointwise
            and not any(g.strides)
        ):
            # One value repeated (a mean's or sum's gradient): a pointwise VJP runs on that
            # value and its result is broadcast back, instead of a pass over the whole array.
            out_shape = g.shape
            g = g[(slice(0, 1),) * g.ndim]
        results = node.rule.vjp(ctx, g, **params) if params else node.rule.vjp(ctx, g)
        i = -1
        for child in node.next_nodes:
            i += 1
            if child is None:
                continue
            r = results[i]
            if r is None:
                continue
            if type(r) is not ndarray:
                r = np.asarray(r)
            if out_shape is not None and r.shape != out_shape:
                r = NUMPY.broadcast_to(r, out_shape)
            if r.shape != shapes[i]:
                r = unbroadcast(r, shapes[i])
            if r.dtype != dtypes[i]:
                r = r.astype(dtypes[i], copy=False)
            previous = get(child)
            if previous is None:
                grads[child] = r
                tie += 1
                heappush(heap, (-child.seq, tie, child))
            else:
                grads[child] = previous + r
        if not retain_graph and (node.saved_inputs is not None or node.saved_output is not None):
            node.release()


def _context(node: Node, B, create_graph: bool) -> Context:
    saved = node.saved_inputs
    out = node.saved_output
    if create_graph:
        if out is not None:
            out = Tensor._make(out, True, node)
    elif saved is not None:
        saved = [x.data if type(x) is Tensor else x for x in saved]
    return Context(B, saved, out, node.needs, node.in_shapes, node.in_dtypes)


def backward(
    tensors,
    grad_tensors=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs=None,
    *,
    on_node=None,
    keep_output_grads: bool | None = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (``Tensor.backward``).

    ``on_node(node, upstream_grad, input_grads)`` is called after each node runs (explain
    view); ``keep_output_grads`` stores each node's incoming gradient in
    ``node.output_grad`` (default: ``settings.set_record_output_grads``).
    """
    if (
        type(tensors) is Tensor
        and grad_tensors is None
        and inputs is None
        and not create_graph
        and on_node is None
        and not (STATE.record_output_grads if keep_output_grads is None else keep_output_grads)
        and tensors._requires_grad
        and tensors.data.size == 1
    ):  # the common ``loss.backward()``: nothing to check, no options
        seed = np.ones(tensors.data.shape, dtype=tensors.data.dtype)
        _run_plain([(_node_of(tensors), seed)], bool(retain_graph))
        return
    outputs = _as_tensor_list(tensors, "tensors")
    if isinstance(grad_tensors, Tensor) and len(outputs) == 1:
        grad_tensors = [grad_tensors]
    elif grad_tensors is not None and not isinstance(grad_tensors, list | tuple):
        grad_tensors = [grad_tensors]
    seeds = _root_gradients(outputs, grad_tensors, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        wrt = _as_tensor_list(inputs, "inputs")
        if not wrt:
            raise AutogradError("'inputs' argument to backward() cannot be empty.")
        for t in wrt:
            if not t._requires_grad:
                raise AutogradError("One of the differentiated Tensors does not require grad")
        targets = {_node_of(t): t for t in wrt}
    if create_graph:
        with enable_grad():
            run_backward(
                outputs,
                seeds,
                retain_graph=retain_graph,
                create_graph=True,
                targets=targets,
                on_node=on_node,
                keep_output_grads=keep_output_grads,
            )
    else:
        run_backward(
            outputs,
            seeds,
            retain_graph=retain_graph,
            create_graph=False,
            targets=targets,
            on_node=on_node,
            keep_output_grads=keep_output_grads,
        )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """d(outputs)/d(inputs) as a tuple of Tensors, without touching any ``.grad``."""
    outs = _as_tensor_list(outputs, "outputs")
    wrt = _as_tensor_list(inputs, "inputs")
    for t in wrt:
        if not t._requires_grad:
            raise AutogradError(
                "One of the differentiated Tensors does not require grad",
                hint="create the input with requires_grad=True",
            )
    seeds = _root_gradients(outs, grad_outputs, create_graph)
    if retain_graph is None:
        retain_graph = create_graph
    nodes = [_node_of(t) for t in wrt]
    targets = {node: t for node, t in zip(nodes, wrt)}
    kwargs = dict(retain_graph=retain_graph, targets=targets, capture=True)
    if create_graph:
        with enable_grad():
            captured = run_backward(outs, seeds, create_graph=True, **kwargs)
    else:
        captured = run_backward(outs, seeds, create_graph=False, **kwargs)
    results = []
    for index, (node, t) in enumerate(zip(nodes, wrt)):
        g = captured.get(node)
        if g is None:
            if not allow_unused:
                raise AutogradError(
                    f"The differentiated Tensor at index {index} appears to not have been used "
                    "in the graph. Set allow_unused=True if this is the desired behavior.",
                    hint="pass allow_unused=True",
                )
            results.append(None)
            continue
        if type(g) is np.ndarray:
            if g.dtype != t.dtype:
                g = g.astype(t.dtype)
            g = Tensor._make(g)
        results.append(g)
    return tuple(results)


def _call_on_fresh_leaf(f, x: Tensor):
    leaf = Tensor._make(x.data.copy(), True)
    return f(leaf), leaf


def jacobian(y, x, create_graph: bool = False) -> Tensor:
    """dy/dx with shape ``y.shape + x.shape``. ``y`` may be a tensor or a function of ``x``.

    The graph of ``y`` is kept (rows are computed by repeated passes with retain_graph).
    """
    if callable(y) and not isinstance(y, Tensor):
        y, x = _call_on_fresh_leaf(y, x)
    if not isinstance(y, Tensor) or not isinstance(x, Tensor):
        raise ArgumentError("jacobian() expects tensors: jacobian(output, input)")
    if not x._requires_grad:
        raise AutogradError(
            "One of the differentiated Tensors does not require grad",
            hint="create the input with requires_grad=True",
        )
    from gradcalc.autograd.settings import check_elements

    check_elements(y.shape + x.shape, "jacobian")
    rows = []
    for i in range(y.data.size):
        if not y._requires_grad:
            rows.append(None)
            continue
        seed = np.zeros(y.data.size, dtype=y.dtype)
        seed[i] = 1.0
        (g,) = grad(
            [y],
            [x],
            [Tensor._make(seed.reshape(y.shape))],
            retain_graph=True,
            create_graph=create_graph,
            allow_unused=True,
        )
        rows.append(g)
    if create_graph and any(r is not None and r._requires_grad for r in rows):
        from gradcalc.autograd.functional import reshape, stack, zeros

        filled = [r if r is not None else zeros(x.shape, dtype=x.dtype) for r in rows]
        if not filled:
            return zeros(y.shape + x.shape, dtype=x.dtype)
        return reshape(stack(filled), y.shape + x.shape)
    out = np.zeros((y.data.size,) + x.shape, dtype=x.dtype)
    for i, r in enumerate(rows):
        if r is not None:
            out[i] = r.data
    return Tensor._make(out.reshape(y.shape + x.shape))


def hessian(f, x) -> Tensor:
    """Second derivatives of a scalar: ``f`` a one-element tensor (or a function of ``x``)."""
    if callable(f) and not isinstance(f, Tensor):
        f, x = _call_on_fresh_leaf(f, x)
    if not isinstance(f, Tensor) or not isinstance(x, Tensor):
        raise ArgumentError("hessian() expects tensors: hessian(output, input)")
    if f.data.size != 1:
        raise AutogradError(
            "hessian() needs a scalar output (a tensor with a single element)",
            hint="reduce the output first, e.g. sum(...)",
        )
    if not x._requires_grad:
        raise AutogradError(
            "One of the differentiated Tensors does not require grad",
            hint="create the input with requires_grad=True",
        )
    from gradcalc.autograd.settings import check_elements

    check_elements(x.shape + x.shape, "hessian")  # before any work, and under its own name
    if not f._requires_grad:
        return Tensor._make(np.zeros(x.shape + x.shape, dtype=x.dtype))
    (g,) = grad([f], [x], create_graph=True, allow_unused=True)
    if g is None or not g._requires_grad:
        return Tensor._make(np.zeros(x.shape + x.shape, dtype=x.dtype))
    return jacobian(g, x)


def gradcheck(fn, inputs, eps: float = 1e-6) -> float:
    """Largest |analytic - central finite difference| over every d output / d input entry.

    ``fn`` takes the input tensors and returns a tensor; the check runs in float64 on
    copies of ``inputs``.
    """
    if isinstance(inputs, Tensor):
        inputs = [inputs]
    leaves = [Tensor._make(np.array(t.data, dtype=np.float64), True) for t in inputs]
    out = fn(*leaves)
    worst = 0.0
    for leaf in leaves:
        analytic = jacobian(out, leaf).data.reshape(out.data.size, leaf.data.size)
        numeric = np.zeros_like(analytic)
        flat = leaf.data.reshape(-1)
        for j in range(flat.size):
            saved = flat[j]
            flat[j] = saved + eps
            plus = _evaluate(fn, leaves)
            flat[j] = saved - eps
            minus = _evaluate(fn, leaves)
            flat[j] = saved
            numeric[:, j] = (plus - minus).reshape(-1) / (2 * eps)
        if analytic.size:
            worst = max(worst, float(np.max(np.abs(analytic - numeric))))
    return worst


def _evaluate(fn, leaves) -> np.ndarray:
    from gradcalc.autograd.settings import no_grad

    with no_grad():
        return np.array(fn(*leaves).data, dtype=np.float64)
