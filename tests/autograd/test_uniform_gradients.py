"""A reduction's gradient is one value repeated; pointwise VJPs run on that value
(``engine._run_plain``). Gradients must equal those of the expanded path in every
broadcasting case."""

from __future__ import annotations

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.autograd import engine

SHAPE = (64, 128)  # 8192 elements: above engine._COMPACT_MIN


def leaves(seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=SHAPE),
        "w": rng.normal(size=SHAPE[1]),
        "b": rng.normal(size=(SHAPE[0], 1)),
        "c": np.array(rng.normal()),
        "r": rng.normal(size=(1, SHAPE[1])) + 3.0,
    }


PROGRAMS = {
    "add/mul": lambda t: ((t["x"] * t["w"] + t["b"]) * 2.0).mean(),
    "sub/div": lambda t: ((t["x"] - t["c"]) / t["r"] - t["b"]).sum(),
    "reflected": lambda t: (1.0 - 2.0 / t["r"] + 3.0 * t["c"] - t["x"]).mean(),
    "neg/chain": lambda t: (-(t["x"] * t["c"]) / 4.0 + t["w"] * t["b"]).sum(),
}


def gradients(program, min_size):
    original = engine._COMPACT_MIN
    engine._COMPACT_MIN = min_size
    try:
        t = {k: ag.tensor(v, requires_grad=True) for k, v in leaves().items()}
        program(t).backward()
        return {k: v.grad.data for k, v in t.items() if v.grad is not None}
    finally:
        engine._COMPACT_MIN = original


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_compact_and_expanded_gradients_agree(name):
    compact = gradients(PROGRAMS[name], engine._COMPACT_MIN)
    expanded = gradients(PROGRAMS[name], float("inf"))
    assert compact.keys() == expanded.keys() and compact
    for key in compact:
        assert compact[key].shape == expanded[key].shape
        np.testing.assert_allclose(compact[key], expanded[key], rtol=1e-12, atol=0)
        assert compact[key].flags.writeable  # a leaf's .grad is its own array


def test_against_hand_derived_gradients():
    grads = gradients(PROGRAMS["add/mul"], engine._COMPACT_MIN)
    v = leaves()
    n = v["x"].size
    np.testing.assert_allclose(grads["x"], np.broadcast_to(2.0 * v["w"] / n, SHAPE))
    np.testing.assert_allclose(grads["w"], 2.0 * v["x"].sum(axis=0) / n)
    np.testing.assert_allclose(grads["b"], np.full((SHAPE[0], 1), 2.0 * SHAPE[1] / n))


def test_against_torch(torch_module):
    torch = torch_module
    for name, program in PROGRAMS.items():
        ours = gradients(program, engine._COMPACT_MIN)
        t = {k: torch.tensor(v, requires_grad=True) for k, v in leaves().items()}
        program(t).backward()
        for key, grad in ours.items():
            np.testing.assert_allclose(grad, t[key].grad.numpy(), rtol=1e-12, err_msg=name)
