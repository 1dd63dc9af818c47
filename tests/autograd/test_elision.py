"""Temporary elision: ``2 * (x + 1)`` reuses the dead ``x + 1`` buffer, and nothing else.

A spy on ``Rule.apply_into`` tells whether an operator wrote into an operand's buffer;
every case also checks values (and gradients) against plain numpy, and that nothing the
caller can still reach changed.
"""

from __future__ import annotations

import operator
import sys
import tracemalloc

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.autograd import elision
from gradcalc.autograd.registry import Rule
from gradcalc.errors import ShapeError

N = 100_000  # 800 KB of float64: above numpy's 256 KB elision threshold
needs_elision = pytest.mark.skipif(
    elision.TEMPORARY is None, reason="elision is off on this interpreter"
)


@pytest.fixture
def elided(monkeypatch):
    """A list that gets one entry per operator that wrote into an operand's buffer."""
    calls = []
    original = Rule.apply_into

    def spy(self, position, a, b):
        result = original(self, position, a, b)
        if result is not None:
            calls.append(self.name)
        return result

    monkeypatch.setattr(Rule, "apply_into", spy)
    return calls


def data(seed=0, n=N):
    return np.random.default_rng(seed).normal(size=n)


SHARED = ag.tensor(data(9))  # a module global, for the global-variable case


def test_calibration_finds_the_temporary_count_on_cpython_before_3_14():
    if sys.version_info < (3, 14) and getattr(sys, "_is_gil_enabled", lambda: True)():
        assert elision.TEMPORARY == 3
    else:
        assert elision.TEMPORARY is None
        assert ag.Tensor.__mul__ is ag.mul


@needs_elision
def test_nested_temporaries_share_one_buffer_and_values_are_right(elided):
    x = ag.tensor(data(), requires_grad=True)
    m = (2 * (x + 1)).mean()
    assert elided == ["mul"]
    np.testing.assert_allclose(m.item(), np.mean(2 * (data() + 1)))
    m.backward()
    np.testing.assert_array_equal(x.grad.data, np.full(N, 2 / N))
    np.testing.assert_array_equal(x.data, data())


@needs_elision
def test_every_operator_and_its_reflection_elides_with_right_gradients(elided):
    x = ag.tensor(data(), requires_grad=True)
    y = ((1 - (x * 3 + 1)) / 4 - 2) * 5
    y = 1 + (2 * y)
    assert elided == ["add", "sub", "div", "sub", "mul", "add"]  # not 2 * y: y is named
    expected = 1 + 2 * (((1 - (data() * 3 + 1)) / 4 - 2) * 5)
    np.testing.assert_allclose(y.data, expected)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(N, 2 * 5 * -3 / 4))
    assert y.grad_fn.name == "AddBackward0"


@needs_elision
def test_peak_memory_is_one_temporary_not_two():
    x = ag.tensor(data(), requires_grad=True)
    tracemalloc.start()
    try:
        m = (2 * (x + 1)).mean()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * x.data.nbytes
    assert m.grad_fn.name == "MeanBackward0"


@needs_elision
def test_a_temporary_on_the_right_of_a_named_tensor_elides(elided):
    x = ag.tensor(data())
    w = ag.tensor(data(1))
    y = w * (x + 1)
    assert elided == ["mul"]
    np.testing.assert_allclose(y.data, data(1) * (data() + 1))
    np.testing.assert_array_equal(w.data, data(1))


@needs_elision
def test_no_grad_and_constant_inputs_elide(elided):
    x = ag.tensor(data())
    with ag.no_grad():
        y = (x * 2) + 1
    z = (x - 1) * 3
    assert elided == ["add", "mul"]
    np.testing.assert_allclose(y.data, data() * 2 + 1)
    np.testing.assert_allclose(z.data, (data() - 1) * 3)
    assert y.grad_fn is None and z.grad_fn is None


class Holder:
    def __init__(self, t):
        self.t = t


def test_tensors_someone_can_still_reach_are_never_written(elided):
    x = ag.tensor(data(), requires_grad=True)
    named = x + 1
    before = named.data.copy()
    items = [x + 1]
    holder = Holder(x + 1)
    cell = x + 1

    def closure():
        return cell * 2

    results = [
        named * 2,
        2 * named,
        named + named,
        items[0] * 2,
        holder.t * 2,
        SHARED * 2,
        closure(),
        named.__mul__(2),
        operator.mul(named, 2),
    ]
    assert elided == []
    for t in (named, items[0], holder.t, cell):
        np.testing.assert_array_equal(t.data, before)
    np.testing.assert_array_equal(SHARED.data, data(9))
    for r in results[:2] + results[3:]:
        assert r.data.shape == (N,)
    np.testing.assert_allclose(results[2].data, 2 * before)


def test_calls_instead_of_operators_do_not_elide(elided):
    x = ag.tensor(data())
    a = (x + 1).__mul__(2)
    b = operator.mul(x + 1, 2)
    c = ag.mul(x + 1, 2)
    assert elided == []
    for t in (a, b, c):
        np.testing.assert_allclose(t.data, (data() + 1) * 2)


def test_views_and_shared_arrays_are_not_reused(elided):
    x = ag.tensor(data().reshape(1000, 100))
    original = data().reshape(1000, 100)
    outputs = [
        x.reshape(100, 1000) * 2,
        x.T * 2,
        x[::2] * 2,
        x[0:500] + 1,
        x.detach() * 2,
        x.view(-1) - 1,
        ag.squeeze(x) / 2,
    ]
    assert elided == []
    np.testing.assert_array_equal(x.data, original)
    np.testing.assert_allclose(outputs[4].data, original * 2)


def test_taken_data_and_wrapped_arrays_are_not_reused(elided):
    x = ag.tensor(data())
    held = (x + 1).data  # the array outlives its tensor
    y = ag.Tensor._make(held) * 2
    assert elided == []
    np.testing.assert_array_equal(held, data() + 1)
    np.testing.assert_allclose(y.data, (data() + 1) * 2)


@needs_elision
def test_a_saved_output_is_not_overwritten(elided):
    x = ag.tensor(data() / 10, requires_grad=True)
    y = ag.exp(x) * 2  # exp keeps its output for its backward
    y.sum().backward()
    assert "mul" not in elided
    np.testing.assert_allclose(x.grad.data, 2 * np.exp(data() / 10))


@needs_elision
def test_an_input_the_node_saves_is_not_overwritten(elided):
    x = ag.tensor(data())
    w = ag.tensor(data(1), requires_grad=True)
    y = (x + 1) * w  # w's gradient reads x + 1
    y.sum().backward()
    assert elided == []
    np.testing.assert_allclose(w.grad.data, data() + 1)
    d = (x + 1) / w
    d.sum().backward()
    np.testing.assert_allclose(w.grad.data, data() + 1 - (data() + 1) / data(1) ** 2)


def test_a_fresh_leaf_that_requires_grad_is_not_reused(elided):
    y = ag.ones(N, requires_grad=True) * 2
    assert elided == []
    leaf = y.grad_fn.next_functions[0][0].variable
    np.testing.assert_array_equal(leaf.data, np.ones(N))


def test_dtype_promotion_and_broadcast_growth_are_not_reused(elided):
    small = ag.tensor(data(n=N // 10), dtype="float32")
    big = ag.tensor(data(1, N).reshape(10, N // 10))
    promoted = (small + 1) * big  # float32 temporary, float64 result
    zeros = ag.zeros(10, N // 10)
    fresh = ag.tensor(data(2, N // 10))
    grown = fresh * 1 + zeros  # the temporary is smaller than the result
    assert elided == []
    assert promoted.dtype == np.float64 and grown.shape == (10, N // 10)
    expected = (data(n=N // 10).astype(np.float32) + 1).astype(np.float64) * big.data
    np.testing.assert_allclose(promoted.data, expected)


@needs_elision
def test_float32_temporaries_keep_their_dtype(elided):
    x = ag.tensor(data(), dtype="float32")
    y = (x + 1) * 2
    assert elided == ["mul"] and y.dtype == np.float32
    np.testing.assert_allclose(y.data, (data().astype(np.float32) + 1) * 2, rtol=1e-6)


def test_small_tensors_take_the_usual_path(elided):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = 2 * (x + 1)
    assert elided == []
    assert y.data.tolist() == [4.0, 6.0, 8.0]


def test_shape_errors_are_the_usual_ones():
    x = ag.tensor(data())
    with pytest.raises(
        ShapeError, match=r"cannot multiply tensors of shapes \(100000,\) and \(3,\)"
    ):
        (x + 1) * ag.ones(3)
    with pytest.raises(
        ShapeError, match=r"cannot subtract tensors of shapes \(3,\) and \(100000,\)"
    ):
        ag.ones(3) - (x + 1)


@needs_elision
def test_create_graph_through_elided_operators_gives_second_derivatives(elided):
    x = ag.tensor(data() / 10, requires_grad=True)
    y = ((x * x) * 3 + 1).sum()  # x * x keeps x; the temporaries after it are free
    (g,) = ag.grad(y, [x], create_graph=True)
    np.testing.assert_allclose(g.data, 6 * data() / 10)
    g.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full(N, 6.0))
    assert elided == ["mul", "add"]


def test_integer_and_bool_operands_are_never_reused(elided):
    x = ag.tensor(data())
    masks = (x > 0) / (x > 1)  # bool / bool is a float division
    assert masks.dtype == np.float64 and elided == []
    with np.errstate(divide="ignore", invalid="ignore"):
        np.testing.assert_array_equal(masks.data, (data() > 0) / (data() > 1))


def test_tensors_inside_numpy_object_arrays_are_not_written(elided):
    x = ag.tensor(data())
    holder = np.empty(1, dtype=object)
    holder[0] = x * 2
    doubled = holder * 2  # numpy calls Tensor.__mul__ on a borrowed element
    assert elided == []
    np.testing.assert_allclose(holder[0].data, data() * 2)
    np.testing.assert_allclose(doubled[0].data, data() * 4)


@pytest.mark.parametrize("module", ["wrapt", "lazy_object_proxy"])
def test_tensors_behind_native_proxies_are_not_written(elided, module):
    proxies = pytest.importorskip(module)
    x = ag.tensor(data())
    if module == "wrapt":
        proxy = proxies.ObjectProxy(x * 1.0)
    else:
        proxy = proxies.Proxy(lambda: x * 1.0)
    a = proxy * 2
    b = proxy * 3
    assert elided == []
    np.testing.assert_allclose(a.data, data() * 2)
    np.testing.assert_allclose(b.data, data() * 3)


def identity(t):
    return t


def test_a_temporary_that_went_through_a_call_store_or_jump_is_not_reused(elided):
    x = ag.tensor(data())
    flag = True
    results = [
        identity(x + 1) * 2,
        (x + 1) * identity(2.0),
        (x + 1) * (2.0 if flag else 3.0),
        (y := x + 1) * 2,
    ]
    assert elided == []
    np.testing.assert_array_equal(y.data, data() + 1)
    for r in results:
        np.testing.assert_allclose(r.data, (data() + 1) * 2)


def test_a_transposed_temporary_keeps_numpy_layout(elided):
    a = ag.tensor(data().reshape(1000, 100))
    b = ag.tensor(data(1).reshape(100, 1000))
    y = (a.T * 2) + b  # a.T * 2 comes out Fortran-ordered: not reused
    assert elided == []
    np.testing.assert_allclose(y.data, data().reshape(1000, 100).T * 2 + data(1).reshape(100, 1000))


def test_calibration_ignores_a_tracer_that_reads_locals(tmp_path):
    import subprocess

    script = (
        "import sys\n"
        "sys.settrace(lambda f, e, a: (f.f_locals, None)[1])\n"
        "import gradcalc.autograd as ag\n"
        "from gradcalc.autograd import elision\n"
        "sys.settrace(None)\n"
        "import numpy as np\n"
        "x = ag.tensor(np.ones(100_000))\n"
        "y = x + 1\n"
        "z = 2 * y\n"
        "print(elision.TEMPORARY, y.data[0], z.data[0], x.data[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    expected_count = "None" if elision.TEMPORARY is None else "3"
    assert out == [expected_count, "2.0", "4.0", "1.0"]
