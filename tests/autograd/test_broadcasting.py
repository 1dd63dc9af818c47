"""Broadcasting: scenarios against torch 2.13 (scenarios/broadcasting.py); gradients of
broadcasting ops on random shapes against finite differences and torch (property tests
ported from the old test_properties.py); gradcalc's own limits (64 dimensions, the
element limit checked before allocating)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenario_runner import check_live, check_stored, params
from torchlike import torch

from gradcalc.autograd.broadcast import broadcast_shapes
from gradcalc.autograd.gradcheck import gradcheck
from gradcalc.autograd.settings import DEFAULT_MAX_ELEMENTS, set_max_elements
from gradcalc.errors import LimitError, ShapeError

GROUP = "broadcasting"
CASES = params(GROUP)


@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_stored_torch(case):
    check_stored(GROUP, case)


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES)
def test_scenario_matches_live_torch(case, torch_module):
    check_live(case, torch_module)


# ---- property tests ------------------------------------------------------------------------


@st.composite
def broadcastable_pair(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    other = tuple(n if draw(st.booleans()) else 1 for n in shape)
    drop = draw(st.integers(0, len(other)))
    return shape, other[drop:]


BINARY = [
    lambda t, a, b: a + b,
    lambda t, a, b: a - b,
    lambda t, a, b: a * b,
    lambda t, a, b: a / (b * b + 1),
    lambda t, a, b: t.maximum(a, b * 0.5),
    lambda t, a, b: t.where(a > b, a * b, b),
    lambda t, a, b: (a - b) ** 2,
]


@settings(max_examples=40, deadline=None)
@given(pair=broadcastable_pair(), op=st.integers(0, len(BINARY) - 1), seed=st.integers(0, 2**16))
def test_broadcast_gradients_match_finite_differences(pair, op, seed):
    rng = np.random.default_rng(seed)
    shapes = pair if seed % 2 else pair[::-1]
    leaves = [
        torch.tensor(rng.normal(size=s).tolist(), dtype=torch.float64, requires_grad=True)
        for s in shapes
    ]
    assert gradcheck(lambda a, b: BINARY[op](torch, a, b), leaves)


@pytest.mark.torch
@settings(max_examples=40, deadline=None)
@given(pair=broadcastable_pair(), op=st.integers(0, len(BINARY) - 1), seed=st.integers(0, 2**16))
def test_broadcast_gradients_match_torch(pair, op, seed):
    real = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    data = [rng.normal(size=s).tolist() for s in (pair if seed % 2 else pair[::-1])]
    grads = []
    for t in (torch, real):
        leaves = [t.tensor(d, dtype=t.float64, requires_grad=True) for d in data]
        out = BINARY[op](t, *leaves)
        w = t.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)).tolist())
        (out * w.double()).sum().backward()
        grads.append([leaf.grad.tolist() for leaf in leaves])
    np.testing.assert_allclose(np.array(grads[0][0]), np.array(grads[1][0]), rtol=1e-12)
    np.testing.assert_allclose(np.array(grads[0][1]), np.array(grads[1][1]), rtol=1e-12)


@st.composite
def shape_and_dims(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    dims = draw(st.sets(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape)))
    return shape, tuple(sorted({d % len(shape) for d in dims}))


@settings(max_examples=40, deadline=None)
@given(sd=shape_and_dims(), keep=st.booleans(), mean=st.booleans(), seed=st.integers(0, 2**16))
def test_reduction_gradients_over_random_dims(sd, keep, mean, seed):
    shape, dims = sd
    x = torch.tensor(
        np.random.default_rng(seed).normal(size=shape).tolist(),
        dtype=torch.float64,
        requires_grad=True,
    )
    if mean:
        assert gradcheck(lambda t: t.mean(dims, keepdim=keep) * 3, [x])
    else:
        assert gradcheck(lambda t: t.sum(dims, keepdim=keep) ** 2, [x])


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers())
def test_shape_ops_round_trip(shape, seed):
    x = torch.tensor(
        np.random.default_rng(seed % 2**32).normal(size=shape).tolist(),
        dtype=torch.float64,
        requires_grad=True,
    )
    dims = tuple(reversed(range(len(shape) + 1)))
    assert gradcheck(lambda t: t.reshape(-1).unsqueeze(0) * 2, [x])
    assert gradcheck(lambda t: t.unsqueeze(-1).expand(*shape, 2).permute(*dims), [x])


# ---- big gradients of broadcast operands (the old test_uniform_gradients.py) -----------------


def test_large_broadcast_gradients_against_hand_derived():
    rng = np.random.default_rng(0)
    x_, w_, b_ = rng.normal(size=(64, 128)), rng.normal(size=128), rng.normal(size=(64, 1))
    x, w, b = (
        torch.tensor(v.tolist(), dtype=torch.float64, requires_grad=True) for v in (x_, w_, b_)
    )
    ((x * w + b) * 2.0).mean().backward()
    n = x_.size
    np.testing.assert_allclose(np.array(x.grad.tolist()), np.broadcast_to(2.0 * w_ / n, (64, 128)))
    np.testing.assert_allclose(np.array(w.grad.tolist()), 2.0 * x_.sum(axis=0) / n)
    np.testing.assert_allclose(np.array(b.grad.tolist()), np.full((64, 1), 2.0 * 128 / n))


# ---- gradcalc's own limits ---------------------------------------------------------------


def test_broadcasting_works_up_to_64_dimensions():
    # numpy's own broadcast_shapes stops at 32 dimensions; gradcalc's does not
    x = torch.ones(*(1,) * 40, 2, requires_grad=True)
    y = x + torch.ones(*(1,) * 39, 3, 1)
    assert tuple(y.shape) == (1,) * 39 + (3, 2)
    y.sum().backward()
    assert (
        tuple(x.grad.shape) == tuple(x.shape)
        and x.grad.tolist() == torch.full(x.shape, 3.0).tolist()
    )


def test_more_than_64_dimensions_is_gradcalcs_limit():
    # PyTorch allows more; numpy, on which gradcalc computes, does not
    with pytest.raises(ShapeError) as info:
        torch.ones(*(1,) * 65)
    assert info.value.message == "the tensor would have 65 dimensions; tensors can have at most 64"
    assert "reshape" in info.value.hint


@pytest.fixture
def element_limit():
    set_max_elements(1_000_000)
    yield
    set_max_elements(DEFAULT_MAX_ELEMENTS)


def test_element_limit_is_checked_before_the_result_is_made(element_limit):
    with pytest.raises(LimitError) as info:
        torch.ones(2000, 1) + torch.ones(1000)
    assert info.value.message == (
        "result of 2,000,000 elements (shape (2000, 1000)) exceeds the limit of 1,000,000"
    )
    assert info.value.hint == "use smaller shapes, or raise the limit with --max-elements"
    assert tuple((torch.ones(1000, 1) + torch.ones(1000)).shape) == (1000, 1000)


def test_jacobian_over_the_element_limit_is_refused_before_it_runs(element_limit):
    from gradcalc.interpreter.functional import jacobian

    x = torch.ones(2000, dtype=torch.float64)
    with pytest.raises(LimitError, match=r"^jacobian of 4,000,000 elements"):
        jacobian(lambda v: v * 2, x)


def test_broadcast_shapes_reports_the_last_mismatching_dimension():
    assert broadcast_shapes((2, 1, 3), (4, 1), ()) == (2, 4, 3)
    with pytest.raises(ShapeError, match="non-singleton dimension 2$"):
        broadcast_shapes((2, 3, 4), (2, 5, 3))
