"""Channel-wise and alpha dropout (``ops/dropouts.py``): PyTorch's nodes, warnings and
messages; seeded draws compared value by value with live torch when it is installed."""

from __future__ import annotations

import warnings

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import FUNCTIONS, random
from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "F.dropout1d(T.view(1, 2, 3, 4), 0.5)",
        "RuntimeError",
        "dropout1d: Expected 2D or 3D input, but received a 4D input. Note that dropout1d exists "
        "to provide channel-wise dropout on inputs with 1 spatial dimension, a channel "
        "dimension, and an optional batch dimension (i.e. 2D or 3D inputs).",
    ),
    (
        "F.dropout2d(I, 1.5)",
        "ValueError",
        "dropout probability has to be between 0 and 1, but got 1.5",
    ),
    (
        "F.alpha_dropout(x, -0.1)",
        "ValueError",
        "dropout probability has to be between 0 and 1, but got -0.1",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def _draws(torch, functional) -> list:
    x = torch.arange(1.0, 25.0).view(2, 3, 4).requires_grad_()
    calls = [
        lambda: functional.dropout1d(x, 0.5),
        lambda: functional.dropout2d(x.view(2, 3, 2, 2), 0.3),
        lambda: functional.dropout3d(x.view(1, 3, 2, 2, 2), 0.3),
        lambda: functional.dropout1d(x[0], 0.5),
        lambda: functional.alpha_dropout(x, 0.2, training=True),
        lambda: functional.feature_alpha_dropout(x, 0.4, training=True),
    ]
    out = []
    for call in calls:
        y = call()
        out.append((y.grad_fn.name(), [round(v, 4) for v in y.reshape(-1).tolist()]))
    return out


def _seeded_draws() -> list:
    random.manual_seed(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _draws(gtorch, _Functional())


def test_seeded_dropouts_record_pytorchs_nodes():
    names = [name for name, _ in _seeded_draws()]
    assert names == [
        "MulBackward0",
        "MulBackward0",
        "MulBackward0",
        "SqueezeBackward1",
        "AddBackward0",
        "AddBackward0",
    ]


@pytest.mark.torch
def test_seeded_dropouts_match_torch(torch_module):
    import torch.nn.functional as functional

    ours = _seeded_draws()
    torch_module.manual_seed(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert ours == _draws(torch_module, functional)


def test_dropout2d_of_3d_input_warns_as_pytorch():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FUNCTIONS["F"]["dropout2d"](gtorch.ones(2, 3, 4), 0.5)
    assert [str(w.message)[:60] for w in caught] == [
        "dropout2d: Received a 3D input to dropout2d and assuming tha"
    ]


class _Functional:
    def __getattr__(self, name):
        return FUNCTIONS["F"][name]
