"""``add``/``sub``/``rsub`` pass their gradient on as PyTorch's ``maybe_multiply`` does: the
gradient itself when ``alpha`` is 1 (so a double-backward graph has no ``MulBackward0`` there),
``grad * alpha`` otherwise (there torch 2.13 names the node ``MulBackward1``, gradcalc
``MulBackward0``: not covered here). The expected node names are torch 2.13's, stored below and checked
live against torch where it is installed."""

from __future__ import annotations

import pytest
from torchlike import torch

from gradcalc.autograd.api import grad

# (program, the grad_fn names of d/dx and d/dy under create_graph, d/dx is the seed, d/dy is
# the seed) as torch 2.13 gives them for out = program(x, y) and grad(out, (x, y), seed).
CASES = [
    ("x + y", None, None, True, True),
    ("x - y", None, "NegBackward0", True, False),
    ("torch.rsub(x, y)", "NegBackward0", None, False, True),
    ("torch.add(x, y, alpha=1.0)", None, None, True, True),
    ("torch.sub(x, y, alpha=1)", None, "NegBackward0", True, False),
]


def _observe(lib, grad_fn, program: str) -> tuple:
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    seed = lib.ones(2, requires_grad=True)
    out = eval(program, {"torch": lib, "x": x, "y": y})  # noqa: S307 - the fixed programs above
    gx, gy = grad_fn(out, x, y, seed)

    def name(g):
        return None if g.grad_fn is None else g.grad_fn.name()

    return (program, name(gx), name(gy), gx is seed, gy is seed)


def _ours(out, x, y, seed):
    return grad([out], [x, y], [seed], create_graph=True)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_alpha_gradient_as_pytorch(case):
    assert _observe(torch, _ours, case[0]) == case


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_stored_cases_are_torchs(case):
    import torch as real

    def theirs(out, x, y, seed):
        return real.autograd.grad(out, (x, y), seed, create_graph=True)

    assert _observe(real, theirs, case[0]) == case
