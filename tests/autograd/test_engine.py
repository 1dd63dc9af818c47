"""The backward engine: scenarios against torch 2.13, and what only gradcalc can check
(memory kept and released, saved-value plans, run order, deep chains)."""

from __future__ import annotations

import gc
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest
from scenario_runner import check_live, check_stored, params
from torchlike import torch

from gradcalc.autograd.node import AccumulateGrad
from gradcalc.autograd.opnode import OpNode
from gradcalc.autograd.settings import STATE, set_record_output_grads
from gradcalc.errors import AutogradError

# scenarios/engine.py (backward passes) and scenarios/grad.py (autograd.grad, inputs=)
CASES = params("engine") + params("grad")


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(case.group, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)


# ---- what only gradcalc can check ----------------------------------------------------------


N_MEMORY = 1_000_000  # 8 MB per float64 array


def _held_then_after(build):
    """Arrays (of N_MEMORY float64) the graph of ``build(x, c)`` holds, and left after its
    backward."""
    gc.collect()
    tracemalloc.start()
    try:
        x = torch.ones(N_MEMORY, dtype=torch.float64, requires_grad=True)
        c = torch.full((N_MEMORY,), 3.0, dtype=torch.float64)  # a constant operand
        base = tracemalloc.get_traced_memory()[0]
        m = build(x, c).mean()
        held = tracemalloc.get_traced_memory()[0] - base
        m.backward()
        del m
        gc.collect()
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    return held / (8 * N_MEMORY), after / (8 * N_MEMORY), x


@pytest.mark.parametrize(
    ("build", "arrays_held", "grad_at_0"),
    [
        # ExpBackward0 keeps its result; MulBackward0 by a number keeps nothing.
        (lambda x, c: (2 * (x + 1)).exp(), 1, 2 * np.exp(4.0)),
        # each factor is kept for the other's gradient
        (lambda x, c: (x + 1) * (x + 2), 2, 5.0),
        # only the constant is read (for x's gradient), and it is not the graph's to keep
        (lambda x, c: (x + 1) * c, 0, 3.0),
        (lambda x, c: c * (x + 1), 0, 3.0),
        (lambda x, c: (x + 1) / c, 0, 1 / 3),
        # d/dother of c / other reads both operands
        (lambda x, c: c / (x + 1), 1, -3 / 4),
        (lambda x, c: (x + 1) / (x + 2), 2, 1 / 3 - 2 / 9),
        # a number exponent: PowBackward0 keeps the base, not the result
        (lambda x, c: (x + 1) ** 3, 1, 12.0),
        # a number base: the exponent's gradient reads the result
        (lambda x, c: 2 ** (x + 1), 1, 4 * np.log(2.0)),
    ],
)
def test_graph_keeps_only_what_backward_reads_and_releases_it(build, arrays_held, grad_at_0):
    held, after, x = _held_then_after(build)
    assert arrays_held - 0.05 < held < arrays_held + 0.2  # measured, not assumed
    assert after < 1.1  # only x.grad remains
    np.testing.assert_allclose(x.grad.tolist()[:3], np.full(3, grad_at_0 / N_MEMORY))


def test_retain_graph_keeps_the_saved_values():
    x = torch.ones(1000, dtype=torch.float64, requires_grad=True)
    m = x.exp().mean()
    exp_node = m.grad_fn.next_functions[0][0]
    m.backward(retain_graph=True)
    assert exp_node.saved and not exp_node.freed
    m.backward()
    assert exp_node.freed and not exp_node.saved
    with pytest.raises(AutogradError, match="^Trying to backward through the graph a second time"):
        m.backward()


def test_nodes_do_not_keep_unsaved_inputs_alive():
    x = torch.ones(3, requires_grad=True)
    y = x + 1
    ref = weakref.ref(y)
    z = y + 1  # AddBackward0 saves nothing
    del y
    gc.collect()
    assert ref() is None
    z.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("build", "saved"),
    [
        (lambda x, c: x * c, ("other",)),
        (lambda x, c: c * x, ("self",)),
        (lambda x, c: x * 2.0, ()),  # numbers are kept, they cost nothing
        (lambda x, c: x * x, ("other", "self")),
        (lambda x, c: x / c, ("other",)),
        (lambda x, c: c / x, ("self", "other")),
        (lambda x, c: x**3.0, ("self",)),
        (lambda x, c: 2.0**x, ("result",)),
        (lambda x, c: x.exp(), ("result",)),
    ],
)
def test_nodes_save_only_what_the_needed_gradients_read(build, saved):
    x = torch.ones(2, 2, requires_grad=True)
    c = torch.full((2, 2), 3.0)
    node = build(x, c).grad_fn
    assert type(node) is OpNode
    arrays = [name for name, value in node.saved.items() if not isinstance(value, float)]
    assert sorted(arrays) == sorted(saved)


def test_long_chain_has_no_recursion_limit():
    x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def _arrays_in_graph(t) -> list:
    """Every array a backward of ``t`` could read: saved values, tensors' data."""
    found = []
    stack = [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or type(node) is AccumulateGrad:
            continue
        for value in getattr(node, "saved", {}).values():
            if type(value) is tuple:
                found.extend(v if isinstance(v, np.ndarray) else v.array for v in value)
            elif hasattr(value, "array"):
                found.append(value.array)
        stack.extend(n for n, _ in node.next_functions)
    return found


@pytest.mark.parametrize(
    "build",
    [
        lambda x: (2 * (x + 1)).mean(),
        lambda x: (x.exp() * 3.0).sum(),
        lambda x: x.sum(),  # SumBackward0 hands back a read-only broadcast view
        lambda x: (x * x).sum(),
        lambda x: x.reshape(3, 2).sum(),
        lambda x: x.clone().sum(),  # CloneBackward0 passes the gradient through
    ],
)
def test_leaf_grad_owns_its_array(build):
    x = torch.tensor(np.arange(6.0).reshape(2, 3).tolist(), dtype=torch.float64, requires_grad=True)
    before = x.tolist()
    out = build(x)
    internal = [*_arrays_in_graph(out), x.array, out.array]
    out.backward(retain_graph=True)
    g = x.grad.array
    assert g.flags.writeable
    assert not any(np.shares_memory(g, a) for a in internal)
    expected = g.copy()
    out.backward()  # accumulating never writes into an array someone else holds
    np.testing.assert_array_equal(g, 2 * expected)
    assert x.tolist() == before


def test_seed_is_not_written_by_accumulation():
    seed = torch.tensor([5.0, 6.0])
    c = torch.tensor([1.0, 2.0], requires_grad=True)
    c.backward(seed)
    c.backward(seed)
    assert seed.tolist() == [5.0, 6.0] and c.grad.tolist() == [10.0, 12.0]


def test_backward_grad_and_backward_inputs_agree():
    def build():
        x = torch.tensor(
            [[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64, requires_grad=True
        )
        w = torch.tensor([0.3, -0.2, 0.1], dtype=torch.float64, requires_grad=True)
        h = (x * w + x).tanh()
        y = h.sum(1) * h.mean() + (x**2.0).sum() - w.exp().sum()
        return x, w, y.sum()

    x1, w1, y1 = build()
    y1.backward()
    x2, w2, y2 = build()
    y2.backward(inputs=[x2, w2])
    x3, w3, y3 = build()
    gx, gw = torch.autograd.grad([y3], [x3, w3])
    for a, b, c in [(x1.grad, x2.grad, gx), (w1.grad, w2.grad, gw)]:
        assert a.tolist() == b.tolist() == c.tolist()


def test_output_grads_recorded_on_request():
    set_record_output_grads(True)
    try:
        x = torch.ones(2, 3, requires_grad=True)
        y = x + 1
        z = 2 * y
        m = z.mean()
        m.backward()
        assert m.grad_fn.output_grad.tolist() == 1.0
        np.testing.assert_allclose(z.grad_fn.output_grad, np.full((2, 3), 1 / 6))
        leaf = y.grad_fn.next_functions[0][0]
        assert type(leaf) is AccumulateGrad and leaf.variable is x
        np.testing.assert_allclose(leaf.output_grad, np.full((2, 3), 1 / 3))
        assert not np.shares_memory(leaf.output_grad, x.grad.array)
    finally:
        set_record_output_grads(False)
    s = (torch.ones(2, requires_grad=True) * 2).sum()
    s.backward()
    assert s.grad_fn.output_grad is None


class _Watcher:
    """The interpreter's observer, reduced to what the engine tells it."""

    explaining = True

    def __init__(self) -> None:
        self.seen: list = []
        self.passes: list = []

    def on_backward(self, outputs, grads, accumulate: bool) -> None:
        self.passes.append(accumulate)

    def on_node(self, node, grads, outputs) -> None:
        self.seen.append((node.name(), len(outputs)))


def test_observer_sees_every_node_in_run_order():
    watcher = _Watcher()
    STATE.observer = watcher
    try:
        x = torch.ones(2, 3, requires_grad=True)
        m = (2 * (x + 1)).mean()
        m.backward()
        torch.autograd.grad((x * 3).sum(), x)
    finally:
        STATE.observer = None
    assert watcher.passes == [True, False]
    assert watcher.seen == [
        ("MeanBackward0", 1),
        ("MulBackward0", 2),
        ("AddBackward0", 2),
        ("torch::autograd::AccumulateGrad", 0),
        ("SumBackward0", 1),
        ("MulBackward0", 2),
    ]


def test_node_reprs():
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")
    assert repr(y.grad_fn.next_functions[0][0]).startswith("<AccumulateGrad object at 0x")
    handle = x.register_hook(lambda g: g)
    assert repr(handle).startswith("<torch.utils.hooks.RemovableHandle object at 0x")


def test_create_graph_warning_text_once(monkeypatch):
    from gradcalc.autograd.settings import STATE

    monkeypatch.setattr(STATE, "warned_once", set())  # as in a new process
    x = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x * x).sum().backward(create_graph=True)
        (x * x).sum().backward(create_graph=True)  # TORCH_WARN_ONCE: not again
    assert [str(w.message) for w in caught] == [
        "Using backward() with create_graph=True will create a reference cycle between the "
        "parameter and its gradient which can cause a memory leak. We recommend using "
        "autograd.grad when creating the graph to avoid this. If you have to use this function, "
        "make sure to reset the .grad fields of your parameters to None after use to break the "
        "cycle and avoid the leak. (Triggered internally at "
        "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)"
    ]


def test_anomaly_mode_names_the_node_whose_backward_failed():
    from gradcalc.autograd.custom_function import apply_function
    from gradcalc.autograd.settings import detect_anomaly

    def forward(ctx, x):
        return x * 2

    def backward(ctx, g):
        raise AutogradError("Some error in backward")

    x = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught, detect_anomaly():
        warnings.simplefilter("always")
        y = apply_function("MyFuncBackward", forward, backward, (x,))
        with pytest.raises(AutogradError, match="^Some error in backward$"):
            y.sum().backward()
    assert [str(w.message).splitlines()[0] for w in caught] == [
        "Error detected in MyFuncBackward. Traceback of forward call that caused the error:"
    ]
