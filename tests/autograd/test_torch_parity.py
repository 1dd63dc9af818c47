"""Whole programs against PyTorch: micrograd's engine tests, an MLP step, reprs."""

from __future__ import annotations

import numpy as np
import pytest

import gradcalc.autograd as ag


def sanity_check(lib, tensor):
    x = tensor(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return x, y


def more_ops(lib, tensor):
    a = tensor(-4.0)
    b = tensor(2.0)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return a, b, g


def _gc_scalar(v):
    return ag.tensor(v, requires_grad=True)


def test_micrograd_sanity_check_known_values():
    x, y = sanity_check(ag, _gc_scalar)
    assert y.item() == -20.0
    assert x.grad.item() == 46.0


def test_micrograd_more_ops_known_values():
    a, b, g = more_ops(ag, _gc_scalar)
    assert abs(g.item() - 24.70408163265306) < 1e-12
    assert abs(a.grad.item() - 138.83381924198252) < 1e-12
    assert abs(b.grad.item() - 645.5772594752186) < 1e-12


@pytest.mark.torch
def test_micrograd_tests_match_torch(torch_module):
    T = torch_module

    def t_scalar(v):
        return T.tensor(v, dtype=T.float64, requires_grad=True)

    x, y = sanity_check(ag, _gc_scalar)
    tx, ty = sanity_check(T, t_scalar)
    assert abs(y.item() - ty.item()) < 1e-12 and abs(x.grad.item() - tx.grad.item()) < 1e-12
    a, b, g = more_ops(ag, _gc_scalar)
    ta, tb, tg = more_ops(T, t_scalar)
    assert abs(g.item() - tg.item()) < 1e-12
    assert abs(a.grad.item() - ta.grad.item()) < 1e-12
    assert abs(b.grad.item() - tb.grad.item()) < 1e-12


def mlp_loss(lib_tanh, mse, x, w1, b1, w2, b2, target):
    h = lib_tanh(x @ w1 + b1)
    out = h @ w2 + b2
    return mse(out, target)


@pytest.mark.torch
def test_mlp_loss_and_grads_match_torch(torch_module, rng):
    T = torch_module
    shapes = {"x": (8, 5), "w1": (5, 16), "b1": (16,), "w2": (16, 3), "b2": (3,), "target": (8, 3)}
    data = {k: rng.normal(size=s) for k, s in shapes.items()}
    params = ("w1", "b1", "w2", "b2")
    g = {k: ag.tensor(v, requires_grad=k in params) for k, v in data.items()}
    t = {k: T.tensor(v, requires_grad=k in params) for k, v in data.items()}
    loss = mlp_loss(ag.tanh, ag.mse_loss, g["x"], g["w1"], g["b1"], g["w2"], g["b2"], g["target"])
    tloss = mlp_loss(
        T.tanh, T.nn.functional.mse_loss, t["x"], t["w1"], t["b1"], t["w2"], t["b2"], t["target"]
    )
    loss.backward()
    tloss.backward()
    assert abs(loss.item() - tloss.item()) < 1e-12
    for k in params:
        np.testing.assert_allclose(g[k].grad.data, t[k].grad.numpy(), rtol=0, atol=1e-12)
    assert loss.grad_fn.name == type(tloss.grad_fn).__name__ == "MseLossBackward0"


@pytest.mark.torch
def test_tutorial_reprs_match_torch(torch_module):
    T = torch_module
    T.set_default_dtype(T.float64)
    try:
        x, tx = ag.ones(2, 3, requires_grad=True), T.ones(2, 3, requires_grad=True)
        pairs = [(x, tx)]
        y, ty = x + 1, tx + 1
        z, tz = 2 * y, 2 * ty
        m, tm = z.mean(), tz.mean()
        pairs += [(y, ty), (z, tz), (m, tm)]
        m.backward()
        tm.backward()
        pairs.append((x.grad, tx.grad))
        s, ts = x.sum(0), tx.sum(0)
        pairs += [(s, ts), (x.T, tx.T), (x @ x.T, tx @ tx.T), (x.float(), tx.float())]
        pairs.append((ag.tensor([1e-5, 1e5, 3.0]), T.tensor([1e-5, 1e5, 3.0])))
        pairs.append((ag.arange(2000.0), T.arange(2000.0)))
        pairs.append((ag.tensor([1.0, 2.0]) > 1, T.tensor([1.0, 2.0]) > 1))
        pairs += [(x.long(), tx.long()), (x.sum(0).argmax(), tx.sum(0).argmax())]
        pairs += [((x > 0).all(), (tx > 0).all()), (x.round(), tx.round())]
        pairs += [(x % 2, tx % 2), (y.square(), ty.square()), (x.cumsum(1), tx.cumsum(1))]
        for ours, theirs in pairs:
            assert repr(ours) == repr(theirs)
    finally:
        T.set_default_dtype(T.float32)


@pytest.mark.torch
def test_max_with_dim_returns_values_and_indices_like_torch(torch_module):
    T = torch_module
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    values, indices = ag.tensor(data).max(dim=1)
    tv, ti = T.tensor(data).max(dim=1)
    np.testing.assert_array_equal(values.data, tv.numpy())
    np.testing.assert_array_equal(indices.data, ti.numpy())


@pytest.mark.torch
@pytest.mark.parametrize(
    "expr",
    [
        lambda L, x: x.max(),
        lambda L, x: x.min(),
        lambda L, x: x.max(dim=1)[0].sum(),
        lambda L, x: L.maximum(x, x.detach() * 0 + 2).sum(),
        lambda L, x: x.clamp(0, 2).sum(),
        lambda L, x: x.abs().sum(),
        lambda L, x: x.relu().sum(),
        lambda L, x: (x * 0).norm(),
        lambda L, x: (x**0).sum(),
        lambda L, x: (x * 0).sqrt().sum(),
        lambda L, x: (x * 0 + 1).std(),
        # at the jumps of the piecewise-constant ops and the remainders
        lambda L, x: x.sign().sum() + (x * 0).sign().sum(),
        lambda L, x: (x.floor() + x.ceil() + x.trunc()).sum(),
        lambda L, x: ((x + 0.5).round() + (x * 0.5).round()).sum(),
        lambda L, x: ((x % 3) * x).sum(),
        lambda L, x: (L.fmod(x, 2) * x).sum(),
        lambda L, x: x.cumsum(1).max() + x.masked_fill(x == 3, 0).sum(),
        lambda L, x: L.einsum("ij,ij->", x, x) + L.einsum("ii->i", x[:, :2]).sum(),
    ],
)
def test_non_differentiable_points_follow_torch(torch_module, expr):
    T = torch_module
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    x = ag.tensor(data, requires_grad=True)
    tx = T.tensor(data, requires_grad=True)
    expr(ag, x).backward()
    expr(T, tx).backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
