"""The backward engine: PyTorch's semantics for accumulation, retention, errors, graphs."""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.errors import AutogradError, ShapeError

FREED = "Trying to backward through the graph a second time"


def tutorial():
    x = ag.ones(2, 3, requires_grad=True)
    y = x + 1
    z = 2 * y
    m = z.mean()
    return x, y, z, m


def test_tutorial_sequence():
    x, y, z, m = tutorial()
    assert y.requires_grad and not y.is_leaf and x.is_leaf
    assert y.grad_fn.name == "AddBackward0" and m.grad_fn.name == "MeanBackward0"
    m.backward()
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 1 / 3))
    with pytest.raises(
        AutogradError, match="grad can be implicitly created only for scalar outputs"
    ):
        z.backward()
    with pytest.raises(AutogradError) as info:
        m.backward()
    assert info.value.message.startswith(FREED)
    assert info.value.message.endswith("after calling backward.")
    assert info.value.hint


def test_tutorial_retain_graph_accumulates_to_two_thirds():
    x, _, _, m = tutorial()
    m.backward(retain_graph=True)
    m.backward()
    np.testing.assert_allclose(x.grad.data, np.full((2, 3), 2 / 3), rtol=0, atol=1e-15)


def test_non_leaf_grad_is_none_unless_retained():
    x, y, z, m = tutorial()
    z.retain_grad()
    m.backward()
    assert y.grad is None
    np.testing.assert_allclose(z.grad.data, np.full((2, 3), 1 / 6))
    assert z.retains_grad and not y.retains_grad


def test_retained_grad_accumulates_like_torch():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    np.testing.assert_array_equal(y.grad.data, [2.0, 2.0])


def test_grad_tensor_identity_kept_across_accumulation():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    first = x.grad
    (x * 3).sum().backward()
    assert x.grad is first
    np.testing.assert_array_equal(first.data, [6.0, 6.0])


def test_zeroing_one_grad_does_not_touch_another():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    a.grad = None
    assert a.grad is None


def test_output_without_grad_fn():
    x = ag.ones(3)
    with pytest.raises(
        AutogradError,
        match="element 0 of tensors does not require grad and does not have a grad_fn",
    ):
        x.sum().backward()


def test_gradient_shape_mismatch_message():
    x = ag.ones(2, 3, requires_grad=True)
    y = x * 2
    with pytest.raises(ShapeError) as info:
        y.backward(ag.ones(3))
    assert info.value.message == (
        "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has a "
        "shape of torch.Size([2, 3])."
    )


def test_explicit_gradient_for_non_scalar():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    y.backward(ag.tensor([1.0, 0.1, 0.01]))
    np.testing.assert_allclose(x.grad.data, [2.0, 0.4, 0.06])


def test_graph_without_saved_tensors_can_be_run_twice():
    # As in PyTorch: add and sum save no tensors, so nothing is freed.
    x = ag.ones(3, requires_grad=True)
    s = (x + 1).sum()
    s.backward()
    s.backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 2.0, 2.0])


def test_freed_flags_and_saved_values_released():
    x = ag.ones(3, requires_grad=True)
    y = x.exp()
    s = y.sum()
    s.backward()
    assert y.grad_fn.freed and y.grad_fn.saved_output is None
    assert not s.grad_fn.freed


def test_long_chain_has_no_recursion_limit():
    x = ag.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])


N_MEMORY = 1_000_000  # 8 MB per float64 array


def _held_then_after(build):
    """Bytes held by the graph ``build(x, c)`` records, and left over after its backward."""
    gc.collect()
    tracemalloc.start()
    try:
        x = ag.ones(N_MEMORY, requires_grad=True)
        c = ag.full((N_MEMORY,), 3.0)  # a constant operand (no gradient)
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
        # Each factor is kept for the other's gradient.
        (lambda x, c: (x + 1) * (x + 2), 2, 5.0),
        # Only the constant is needed (for x's gradient) and it is not the graph's to keep.
        (lambda x, c: (x + 1) * c, 0, 3.0),
        (lambda x, c: c * (x + 1), 0, 3.0),
        (lambda x, c: (x + 1) / c, 0, 1 / 3),
        # d/dother of x / other reads both operands.
        (lambda x, c: c / (x + 1), 1, -3 / 4),
        (lambda x, c: (x + 1) / (x + 2), 2, 1 / 3 - 2 / 9),
        # A number exponent: PowBackward0 keeps the base, not the result.
        (lambda x, c: (x + 1) ** 3, 1, 12.0),
        # A number base: the exponent's gradient reads the result and the exponent.
        (lambda x, c: 2 ** (x + 1), 2, 4 * np.log(2.0)),
    ],
)
def test_graph_keeps_only_what_backward_reads_and_releases_it(build, arrays_held, grad_at_0):
    held, after, x = _held_then_after(build)
    assert arrays_held - 0.05 < held < arrays_held + 0.2  # measured, not assumed
    assert after < 1.1  # only x.grad remains (plus small change)
    np.testing.assert_allclose(x.grad.data[:3], np.full(3, grad_at_0 / N_MEMORY))


def test_memory_kept_with_retain_graph():
    x = ag.ones(100_000, requires_grad=True)
    m = x.exp().mean()
    m.backward(retain_graph=True)
    assert m.grad_fn.next_nodes[0].saved_output is not None
    m.backward()
    assert m.grad_fn.next_nodes[0].saved_output is None


def test_nodes_do_not_keep_unsaved_inputs_alive():
    import weakref

    x = ag.ones(3, requires_grad=True)
    y = x + 1
    ref = weakref.ref(y)
    z = y + 1  # AddBackward0 saves nothing
    del y
    gc.collect()
    assert ref() is None
    z.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])


def test_no_grad_and_detach():
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert ag.is_grad_enabled()
    d = (x * 3).detach()
    assert d.is_leaf and not d.requires_grad
    np.testing.assert_array_equal(d.data, [3.0, 3.0])


def test_requires_grad_only_on_leaves():
    x = ag.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(AutogradError, match="leaf variables"):
        y.requires_grad = False
    z = ag.ones(2)
    z.requires_grad_()
    assert z.requires_grad


def test_backward_inputs_restricts_accumulation():
    a = ag.tensor([1.0], requires_grad=True)
    b = ag.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    np.testing.assert_array_equal(a.grad.data, [2.0])
    assert b.grad is None


def test_functional_grad_leaves_grad_fields_alone():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x**2).sum()
    (g,) = ag.grad(y, x)
    np.testing.assert_array_equal(g.data, [2.0, 4.0])
    assert x.grad is None


def test_functional_grad_wrt_non_leaf_and_unused():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    u = ag.tensor([5.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    gh, gu = ag.grad([y], [h, u], allow_unused=True)
    np.testing.assert_array_equal(gh.data, [6.0, 12.0])
    assert gu is None
    y2 = (x * 2).sum()
    with pytest.raises(AutogradError, match="appears to not have been used in the graph"):
        ag.grad(y2, [u])


def test_grad_of_input_not_requiring_grad():
    x = ag.ones(2, requires_grad=True)
    c = ag.ones(2)
    with pytest.raises(AutogradError, match="does not require grad"):
        ag.grad((x * c).sum(), c)


def test_create_graph_second_derivative():
    x = ag.tensor(3.0, requires_grad=True)
    y = x**3
    (g,) = ag.grad(y, x, create_graph=True)
    assert g.item() == 27.0 and g.requires_grad
    (g2,) = ag.grad(g, x)
    assert g2.item() == 18.0


def test_backward_create_graph_makes_grad_differentiable():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g2,) = ag.grad(x.grad.sum(), x)
    np.testing.assert_array_equal(g2.data, [6.0, 12.0])


def test_jacobian():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = ag.tensor([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    y = a @ x
    np.testing.assert_array_equal(ag.jacobian(y, x).data, a.data)
    j = ag.jacobian(lambda v: v * v, x)
    np.testing.assert_array_equal(j.data, np.diag([2.0, 4.0, 6.0]))


def test_hessian_of_quadratic():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    a = ag.tensor([[2.0, 1.0], [1.0, 3.0]])
    f = 0.5 * (x @ (a @ x))
    np.testing.assert_allclose(ag.hessian(f, x).data, a.data)
    np.testing.assert_array_equal(ag.hessian((x * 2).sum(), x).data, np.zeros((2, 2)))


@pytest.mark.torch
def test_hessian_matches_torch(torch_module, rng):
    T = torch_module
    data = rng.normal(size=4)

    def f_gc(v):
        return (v.tanh() * v.exp()).sum() + (v @ v) ** 1.5 / 3 + v.softmax(dim=0).log().sum()

    def f_t(v):
        return (v.tanh() * v.exp()).sum() + (v @ v) ** 1.5 / 3 + v.softmax(0).log().sum()

    h = ag.hessian(f_gc, ag.tensor(data))
    th = T.autograd.functional.hessian(f_t, T.tensor(data))
    np.testing.assert_allclose(h.data, th.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.torch
def test_jacobian_matches_torch(torch_module, rng):
    T = torch_module
    data = rng.normal(size=(2, 3))
    j = ag.jacobian(lambda v: (v.softmax(dim=1) * v.sin()).sum(dim=0), ag.tensor(data))
    tj = T.autograd.functional.jacobian(lambda v: (v.softmax(1) * v.sin()).sum(0), T.tensor(data))
    np.testing.assert_allclose(j.data, tj.numpy(), rtol=1e-12, atol=1e-14)


def test_gradcheck_reports_small_error_for_correct_rules():
    x = ag.tensor([[0.3, -0.7], [1.1, 0.4]])
    w = ag.tensor([0.5, -1.5])
    err = ag.gradcheck(lambda a, b: (a @ b).tanh().sum() + (a * a).mean(), [x, w])
    assert err < 1e-8


def test_output_grads_recorded_on_request():
    x, y, z, m = tutorial()
    assert m.grad_fn.output_grad is None
    m.backward(keep_output_grads=True)
    assert m.grad_fn.output_grad.item() == 1.0
    np.testing.assert_allclose(z.grad_fn.output_grad, np.full((2, 3), 1 / 6))
    np.testing.assert_allclose(y.grad_fn.output_grad, np.full((2, 3), 1 / 3))
    leaf_node = y.grad_fn.next_nodes[0]
    assert leaf_node.name == "AccumulateGrad" and leaf_node.variable is x
    np.testing.assert_allclose(leaf_node.output_grad, np.full((2, 3), 1 / 3))


def test_output_grads_switch():
    ag.set_record_output_grads(True)
    try:
        x = ag.ones(2, requires_grad=True)
        s = (x * 2).sum()
        s.backward()
        assert s.grad_fn.output_grad is not None
    finally:
        ag.set_record_output_grads(False)
    x = ag.ones(2, requires_grad=True)
    s = (x * 2).sum()
    s.backward()
    assert s.grad_fn.output_grad is None


def test_on_node_callback_sees_every_node_in_order():
    x, y, z, m = tutorial()
    seen = []
    ag.backward(m, on_node=lambda node, g, grads: seen.append((node.name, np.shape(g), len(grads))))
    assert [s[0] for s in seen] == [
        "MeanBackward0",
        "MulBackward0",
        "AddBackward0",
        "AccumulateGrad",
    ]
    assert seen[1] == ("MulBackward0", (2, 3), 2)


def test_graph_structure_and_formulas():
    x, y, z, m = tutorial()
    mul = z.grad_fn
    assert mul.next_nodes[0] is None  # the constant 2
    assert mul.next_nodes[1] is y.grad_fn
    assert mul.next_functions[1] == (y.grad_fn, 0)
    assert "grad * other" in mul.formula
    assert repr(mul).startswith("<MulBackward0 object at 0x")
    assert ag.RULES["mul"].node_name == "MulBackward0"


def test_shared_leaf_gets_summed_gradient():
    x = ag.tensor(3.0, requires_grad=True)
    y = x * x + x
    y.backward()
    # numpy returns a 0-d sum as a scalar: the grad must still be a Tensor
    assert isinstance(x.grad, ag.Tensor) and isinstance(x.grad.data, np.ndarray)
    assert x.grad.item() == 7.0


def test_create_graph_grads_are_separate_tensors():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = ag.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    assert a.grad is not b.grad
    a.grad.zero_()
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0])
    seed = ag.tensor([5.0, 6.0])
    c = ag.tensor([1.0, 2.0], requires_grad=True)
    (c * 1.0).backward(seed, create_graph=True)
    assert c.grad is not seed
    c.grad.zero_()
    np.testing.assert_array_equal(seed.data, [5.0, 6.0])


def _arrays_in_graph(t):
    """Every array a backward of ``t`` could read: tensor data and saved values."""
    found = []
    stack = [t.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or type(node).__name__ == "AccumulateGrad":
            continue
        for saved in node.saved_inputs or ():
            if isinstance(saved, ag.Tensor):
                found.append(saved.data)
        if node.saved_output is not None:
            found.append(node.saved_output)
        stack.extend(node.next_nodes)
    return found


@pytest.mark.parametrize(
    "build",
    [
        lambda x: (2 * (x + 1)).mean(),  # the gradient a VJP creates is handed over as it is
        lambda x: (x.exp() * 3.0).sum(),
        lambda x: x.sum(),  # a read-only broadcast view: copied
        lambda x: (x * x).sum(),
        lambda x: x.reshape(3, 2).sum(),
    ],
)
def test_leaf_grad_owns_its_array(build):
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    before = x.data.copy()
    out = build(x)
    internal = _arrays_in_graph(out) + [x.data, out.data]
    out.backward(retain_graph=True)
    g = x.grad.data
    assert g.flags.writeable
    assert not any(np.shares_memory(g, a) for a in internal)
    expected = g.copy()
    out.backward()  # accumulating never writes into an array someone else holds
    np.testing.assert_array_equal(g, expected)
    np.testing.assert_array_equal(x.grad.data, 2 * expected)
    np.testing.assert_array_equal(x.data, before)


def test_plain_and_general_backward_paths_agree():
    """``loss.backward()`` runs a dedicated loop; options send it through the general one."""

    def build():
        x = ag.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], requires_grad=True)
        w = ag.tensor([0.3, -0.2, 0.1], requires_grad=True)
        h = (x * w + x).tanh()
        y = h.sum(dim=1) * h.mean() + (x**2.0).sum() - w.exp().sum()
        return x, w, y.sum()

    x1, w1, y1 = build()
    y1.backward()
    x2, w2, y2 = build()
    y2.backward(keep_output_grads=True)  # general loop
    x3, w3, y3 = build()
    gx, gw = ag.grad([y3], [x3, w3])
    for a, b, c in [(x1.grad, x2.grad, gx), (w1.grad, w2.grad, gw)]:
        np.testing.assert_array_equal(a.data, b.data)
        np.testing.assert_array_equal(a.data, c.data)
    with pytest.raises(AutogradError, match=FREED):
        y1.backward()


def test_float32_gradients_keep_dtype():
    x = ag.ones(3, dtype="float32", requires_grad=True)
    w = ag.ones(3, requires_grad=True)  # float64
    (x * w).sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64
    assert (x * 2.0).dtype == np.float32


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        (np.float64(0.5), (2, 3)),
        (np.array(0.5, dtype=np.float32), (4,)),
        (np.array([[2.0]]), (3, 2)),
        (np.array([[2.0]]), (5, 3, 2)),
        (np.array(1.0), (0, 3)),
        (np.array([1.0, 2.0]), (3, 2)),  # more than one value: numpy's own broadcast_to
        (np.array(7.0), ()),
    ],
)
def test_numpy_backend_broadcast_to_matches_numpy(value, shape):
    from gradcalc.autograd.registry import NUMPY

    got = NUMPY.broadcast_to(value, shape)
    expected = np.broadcast_to(value, shape)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    assert not got.flags.writeable  # a leaf copies it before keeping it as .grad
