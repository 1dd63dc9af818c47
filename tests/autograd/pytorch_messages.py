"""Shared by the ``test_*_errors.py`` tables of the ops added for issue 12: the names their
expressions use, and the checks that a bad call fails in gradcalc with PyTorch's exception
type and message (and, with torch installed, that the stored message is still torch's).

An error case is ``(expression, kind, message)``; the messages were copied from torch 2.13.
"""

from __future__ import annotations

import warnings

import pytest

from gradcalc.autograd import FUNCTIONS
from gradcalc.autograd import torch as gtorch
from gradcalc.errors import GradcalcError


class _Namespace:
    def __init__(self, table: dict) -> None:
        self.__dict__.update(table)


def names(torch) -> dict:
    """The names an expression may use, built with ``torch`` (gradcalc's or PyTorch's)."""
    if torch is gtorch:
        functional = _Namespace(FUNCTIONS["F"])
        linalg = _Namespace(FUNCTIONS["linalg"])
    else:
        import torch.nn.functional as functional

        linalg = torch.linalg
    return {
        "torch": torch,
        "F": functional,
        "linalg": linalg,
        "x": torch.tensor([[0.3, -0.7, 1.2], [0.0, 2.0, -1.5]], requires_grad=True),
        "v": torch.tensor([1.0, -2.0, 0.5]),
        "A": torch.tensor([[4.0, 1.0, 0.5], [1.0, 3.0, 0.0], [0.5, 0.0, 2.0]]),
        "i": torch.tensor([0, 2, 1]),
        "b": torch.tensor([True, False, True]),
        "T": torch.ones(2, 3, 4),
        "I": torch.ones(1, 2, 5, 5),
    }


def check_gradcalc(expression: str, kind: str, message: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(GradcalcError) as info:
            eval(expression, names(gtorch))  # noqa: S307 - expressions of the test tables
    assert (info.value.kind, info.value.message) == (kind, message)


def check_torch(expression: str, kind: str, message: str, torch) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as info:  # noqa: B017 - any of PyTorch's exception types
            eval(expression, names(torch))  # noqa: S307
    assert (type(info.value).__name__, str(info.value)) == (kind, message)


def parametrize(cases: list):
    return pytest.mark.parametrize("expression, kind, message", cases, ids=[c[0] for c in cases])
