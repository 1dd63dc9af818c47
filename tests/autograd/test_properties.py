"""Property tests on random shapes: broadcasting binary ops and reductions vs finite differences."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcalc.autograd as ag

shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@st.composite
def broadcastable_pair(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    other = tuple(n if draw(st.booleans()) else 1 for n in shape)
    drop = draw(st.integers(0, len(other)))
    return shape, other[drop:]


def _numeric(fn, arrays, weights, eps=1e-6):
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            saved = flat[j]
            flat[j] = saved + eps
            with ag.no_grad():
                plus = np.sum(fn(*[ag.tensor(x) for x in arrays]).data * weights)
            flat[j] = saved - eps
            with ag.no_grad():
                minus = np.sum(fn(*[ag.tensor(x) for x in arrays]).data * weights)
            flat[j] = saved
            gflat[j] = (plus - minus) / (2 * eps)
        grads.append(g)
    return grads


def _check(fn, arrays, seed):
    rng = np.random.default_rng(seed)
    leaves = [ag.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    weights = rng.normal(size=out.shape)
    out.backward(ag.tensor(weights))
    for leaf, n in zip(leaves, _numeric(fn, [a.copy() for a in arrays], weights)):
        assert leaf.grad.shape == leaf.shape
        np.testing.assert_allclose(leaf.grad.data, n, rtol=1e-5, atol=1e-6)


BINARY = [
    lambda a, b: a + b,
    lambda a, b: a - b,
    lambda a, b: a * b,
    lambda a, b: a / (b * b + 1),
    lambda a, b: ag.maximum(a, b * 0.5),
    lambda a, b: ag.where(a > b, a * b, b),
    lambda a, b: ag.mse_loss(a, b, reduction="none"),
    lambda a, b: ag.einsum("...,...->...", a, b),
    lambda a, b: (a * b).masked_fill(a > b, 0.5),
]


@settings(max_examples=40, deadline=None)
@given(
    pair=broadcastable_pair(),
    op=st.integers(0, len(BINARY) - 1),
    seed=st.integers(0, 2**16),
    swap=st.booleans(),
)
def test_broadcasting_binary_ops(pair, op, seed, swap):
    rng = np.random.default_rng(seed)
    sa, sb = pair if not swap else pair[::-1]
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    _check(BINARY[op], [a, b], seed)


REDUCTIONS = [
    lambda x, d, k: x.sum(dim=d, keepdim=k),
    lambda x, d, k: x.mean(dim=d, keepdim=k),
    lambda x, d, k: x.var(dim=d, keepdim=k, correction=0),
    lambda x, d, k: x.norm(dim=d, keepdim=k),
    lambda x, d, k: x.logsumexp(dim=d, keepdim=k),
    lambda x, d, k: x.cumsum(d[-1]) * (2.0 if k else 1.0),
    lambda x, d, k: ag.einsum(_einsum_reduction(x.ndim, d, k), x),
]


def _einsum_reduction(ndim, dims, keep_order) -> str:
    """``sum`` over ``dims`` as an einsum equation, the kept dims reversed unless keep_order."""
    letters = "abc"[:ndim]
    kept = [c for i, c in enumerate(letters) if i not in {d % ndim for d in dims}]
    return letters + "->" + "".join(kept if keep_order else reversed(kept))


@st.composite
def shape_and_dims(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    dims = draw(st.sets(st.integers(-len(shape), len(shape) - 1), min_size=1, max_size=len(shape)))
    positive = {d % len(shape) for d in dims}
    if len(positive) != len(dims):
        dims = positive
    return shape, tuple(dims)


@settings(max_examples=40, deadline=None)
@given(
    sd=shape_and_dims(),
    op=st.integers(0, len(REDUCTIONS) - 1),
    keep=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_reductions_over_random_dims(sd, op, keep, seed):
    shape, dims = sd
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) + 3.0  # away from 0 for norm
    _check(lambda t: REDUCTIONS[op](t, dims, keep), [x], seed)


@settings(max_examples=30, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers(0, 2**16)
)
def test_softmax_shapes_and_rows_sum_to_one(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    s = ag.softmax(ag.tensor(x), dim=-1)
    np.testing.assert_allclose(s.data.sum(axis=-1), 1.0)
    _check(lambda t: ag.log_softmax(t, dim=0) * 1.5, [x], seed)


@settings(max_examples=30, deadline=None)
@given(
    shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), seed=st.integers(0, 2**16)
)
def test_shape_ops_round_trip(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    _check(lambda t: t.reshape(-1)[::-1].unsqueeze(0), [x], seed)
    repeats = tuple(rng.integers(1, 3, size=len(shape) + int(rng.integers(0, 2))))
    _check(lambda t: t.repeat(*repeats), [x], seed)
    _check(
        lambda t: ag.stack([t, t.T.T * 2], dim=0).permute(*reversed(range(len(shape) + 1))),
        [x],
        seed,
    )
