"""More nn.functional layers (``ops/layers.py``) where the case table does not reach:
PyTorch's messages for bad calls, embedding's padding and frequency-scaled gradients (not the
mathematical ones, so not in the finite-difference table), and rrelu's seeded training noise."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS, random
from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    ("F.glu(x)", "RuntimeError", "Halving dimension must be even, but dimension 1 is size 3"),
    (
        "F.glu(torch.tensor(1.0))",
        "RuntimeError",
        "glu does not support scalars because halving size must be even",
    ),
    (
        "F.softshrink(x, -0.5)",
        "RuntimeError",
        "lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -0.5",
    ),
    (
        "F.prelu(x, torch.ones(2))",
        "RuntimeError",
        "Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and "
        "channel size = 3.",
    ),
    (
        "F.prelu(x, torch.ones(1, 3))",
        "RuntimeError",
        "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2",
    ),
    ("F.embedding(torch.tensor([5]), x)", "IndexError", "index out of range in self"),
    ("F.embedding(torch.tensor([-1]), x)", "IndexError", "index out of range in self"),
    (
        "F.embedding(torch.tensor([1.0]), x)",
        "RuntimeError",
        "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
        "Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
    ),
    (
        "F.embedding(torch.tensor([1]), x, padding_idx=5)",
        "AssertionError",
        "Padding_idx must be within num_embeddings",
    ),
    (
        "F.pixel_shuffle(torch.ones(1, 3, 2, 2), 2)",
        "RuntimeError",
        "pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
        "upscale_factor, but input.size(-3)=3 is not divisible by 4",
    ),
    (
        "F.pixel_shuffle(torch.ones(2, 2), 2)",
        "RuntimeError",
        "pixel_shuffle expects input to have at least 3 dimensions, but got input with 2 "
        "dimension(s)",
    ),
    (
        "F.pixel_unshuffle(torch.ones(1, 1, 3, 4), 2)",
        "RuntimeError",
        "pixel_unshuffle expects height to be divisible by downscale_factor, but "
        "input.size(-2)=3 is not divisible by 2",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _embedding_grads(torch, embedding) -> list:
    out = []
    for options in ({"padding_idx": 1}, {"scale_grad_by_freq": True}):
        w = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        rows = embedding(torch.tensor([1, 0, 1, 2, 1]), w, **options)
        (rows * torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]).view(5, 1)).sum().backward()
        out.append(w.grad.tolist())
    return out


def test_embedding_padding_and_frequency_gradients_are_pytorchs():
    assert _embedding_grads(gtorch, FUNCTIONS["F"]["embedding"]) == [
        [[2.0, 2.0], [0.0, 0.0], [4.0, 4.0]],
        [[2.0, 2.0], [3.0, 3.0], [4.0, 4.0]],
    ]


@pytest.mark.torch
def test_stored_embedding_gradients_are_torchs(torch_module):
    import torch.nn.functional as functional

    ours = _embedding_grads(gtorch, FUNCTIONS["F"]["embedding"])
    assert ours == _embedding_grads(torch_module, functional.embedding)


def _rrelu_training(torch, rrelu) -> list:
    x = torch.tensor([-1.0, 2.0, -3.0, -0.5, 0.0], requires_grad=True)
    y = rrelu(x, training=True)
    y.sum().backward()
    return [round(v, 6) for v in y.tolist() + x.grad.tolist()]


def test_rrelu_training_draws_pytorchs_slopes():
    random.manual_seed(3)
    ours = _rrelu_training(gtorch, FUNCTIONS["F"]["rrelu"])
    assert ours[1] == 2.0 and ours[6] == 1.0
    slopes = [ours[0] / -1.0, ours[2] / -3.0, ours[3] / -0.5]
    assert all(0.125 <= s <= 1 / 3 for s in slopes)
    assert [round(s, 5) for s in slopes] == [round(g, 5) for g in (ours[5], ours[7], ours[8])]


@pytest.mark.torch
def test_rrelu_training_matches_torch_with_the_same_seed(torch_module):
    import torch.nn.functional as functional

    random.manual_seed(3)
    ours = _rrelu_training(gtorch, FUNCTIONS["F"]["rrelu"])
    torch_module.manual_seed(3)
    assert ours == _rrelu_training(torch_module, functional.rrelu)
