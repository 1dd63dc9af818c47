"""More losses (``ops/margin_losses.py``) where the case table does not reach: PyTorch's
messages for bad calls, and multi_margin_loss / multilabel_margin_loss, whose values and
gradients are checked here because PyTorch gives them no second derivative."""

from __future__ import annotations

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import torch as gtorch
from gradcalc.errors import GradcalcError

ERROR_CASES = [
    ("F.multi_margin_loss(x, torch.tensor([0, 3]))", "RuntimeError", "target out of range"),
    (
        "F.multi_margin_loss(x, torch.tensor([0, 1]), p=3)",
        "ValueError",
        "only p == 1 and p == 2 supported",
    ),
    (
        "F.multi_margin_loss(x, torch.tensor([0, 1, 2]))",
        "RuntimeError",
        "multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
        "samples (batch size). Expected target size [2], but got [3]. Input has shape [2, 3].",
    ),
    (
        "F.multi_margin_loss(x, torch.tensor([0, 1]), weight=torch.ones(2))",
        "RuntimeError",
        "inconsistent weight size, expected 3 but got [2]",
    ),
    (
        "F.multilabel_margin_loss(x, torch.tensor([[0, 1, -1]]))",
        "RuntimeError",
        "inconsistent target size: [1, 3] for input of size: [2, 3]",
    ),
    (
        "F.cosine_embedding_loss(x, x, torch.ones(2, 2))",
        "RuntimeError",
        "0D or 1D target tensor expected, multi-target not supported",
    ),
    (
        "F.cosine_embedding_loss(x, x, torch.tensor(1.0))",
        "RuntimeError",
        "0D target tensor expects 1D input tensors, but found inputs with sizes [2, 3] and [2, 3].",
    ),
    (
        "F.cosine_embedding_loss(v, v, torch.ones(3))",
        "RuntimeError",
        "1D target tensor expects 2D input tensors, but found inputs with sizes [3] and [3].",
    ),
    (
        "F.triplet_margin_loss(x, x, v)",
        "RuntimeError",
        "The anchor, positive, and negative tensors are expected to have the same number of "
        "dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs",
    ),
    (
        "F.triplet_margin_with_distance_loss(x, x, x, margin=-1.0)",
        "ValueError",
        "margin must be greater than 0, got -1.0",
    ),
    (
        "F.gaussian_nll_loss(x, x, -torch.ones(2, 3))",
        "ValueError",
        "var has negative entry/entries",
    ),
    ("F.gaussian_nll_loss(x, x, torch.ones(3, 3))", "ValueError", "var is of incorrect size"),
    (
        "F.gaussian_nll_loss(x, x, torch.ones(2, 3), reduction='foo')",
        "ValueError",
        "foo is not valid",
    ),
    (
        "F.soft_margin_loss(x, torch.ones(2, 3), reduction='foo')",
        "ValueError",
        "foo is not a valid value for reduction",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _margin_losses(torch, functional) -> list:
    out = []
    calls = [
        lambda x: functional.multi_margin_loss(x, torch.tensor([1, 0, 3])),
        lambda x: functional.multi_margin_loss(
            x,
            torch.tensor([1, 0, 3]),
            p=2,
            margin=0.5,
            weight=torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64),
            reduction="none",
        ),
        lambda x: functional.multi_margin_loss(x[0], torch.tensor(2), reduction="sum"),
        lambda x: functional.multilabel_margin_loss(
            x, torch.tensor([[1, 0, -1, 0], [2, -1, 0, 0], [3, 1, 2, 0]])
        ),
        lambda x: functional.multilabel_margin_loss(
            x, torch.tensor([[1, 0, -1, 0], [2, -1, 0, 0], [3, 1, 2, 0]]), reduction="none"
        ),
    ]
    for call in calls:
        x = torch.tensor(
            [[0.5, -0.2, 0.9, 0.1], [1.5, 0.3, -0.4, 0.8], [-0.6, 0.2, 0.7, 0.4]],
            dtype=torch.float64,
            requires_grad=True,
        )
        loss = call(x)
        (
            loss * torch.arange(1.0, loss.numel() + 1, dtype=torch.float64).view(loss.shape)
        ).sum().backward()
        out.append(
            (
                loss.grad_fn.name(),
                [round(v, 10) for v in loss.reshape(-1).tolist()],
                [[round(v, 10) for v in row] for row in x.grad.tolist()],
            )
        )
    return out


def test_multi_margin_losses_values_and_gradients():
    results = _margin_losses(gtorch, _Functional())
    assert [r[0] for r in results] == ["MultiMarginLossBackward0"] * 3 + [
        "MultilabelMarginLossBackward0"
    ] * 2
    assert results[0][1] == [0.625]
    assert results[3][1] == [1.0166666667]


@pytest.mark.torch
def test_multi_margin_losses_match_torch(torch_module):
    import torch.nn.functional as functional

    assert _margin_losses(gtorch, _Functional()) == _margin_losses(torch_module, functional)


def test_no_second_derivative_as_in_pytorch():
    x = gtorch.tensor([[0.5, -0.2, 0.9]], dtype=gtorch.float64, requires_grad=True)
    loss = FUNCTIONS["F"]["multi_margin_loss"](x, gtorch.tensor([1]))
    from gradcalc.autograd import api

    (g,) = api.grad(loss, [x], create_graph=True)
    assert g.grad_fn.name() == "NotImplemented"
    with pytest.raises(GradcalcError) as info:
        g.sum().backward()
    assert (
        info.value.message == "derivative for aten::multi_margin_loss_backward is not implemented"
    )


class _Functional:
    def __getattr__(self, name):
        return FUNCTIONS["F"][name]
