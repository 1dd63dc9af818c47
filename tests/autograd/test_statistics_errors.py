"""Covariance, correlation and quantiles (``ops/statistics.py``) where the case table does
not reach: PyTorch's messages for bad calls, NaN samples, cov's degrees-of-freedom warning,
and the gradient of a one-variable corrcoef (``c / c``), which an engine bug breaks."""

from __future__ import annotations

import math
import warnings

import pytest
from pytorch_messages import check_gradcalc, check_torch, parametrize

from gradcalc.autograd import torch as gtorch

ERROR_CASES = [
    (
        "torch.cov(T)",
        "RuntimeError",
        "cov(): expected input to have two or fewer dimensions but got an input with 3 dimensions",
    ),
    ("torch.cov(b)", "RuntimeError", "cov(): bool dtype is not supported for input"),
    (
        "torch.cov(x, fweights=torch.tensor([1.0, 2, 3]))",
        "RuntimeError",
        "cov(): expected fweights to have integral dtype but got fweights with Float dtype",
    ),
    (
        "torch.cov(x, fweights=torch.tensor([[1, 2, 3]]))",
        "RuntimeError",
        "cov(): expected fweights to have one or fewer dimensions but got fweights with 2 "
        "dimensions",
    ),
    (
        "torch.cov(x, fweights=torch.tensor([1, 2]))",
        "RuntimeError",
        "cov(): expected fweights to have the same numel as there are observations in the input "
        "but got 2 != 3",
    ),
    (
        "torch.cov(x, fweights=torch.tensor([1, -2, 3]))",
        "RuntimeError",
        "cov(): fweights cannot be negative",
    ),
    (
        "torch.cov(x, aweights=torch.tensor([1, 2, 3]))",
        "RuntimeError",
        "cov(): expected aweights to have floating point dtype but got aweights with Long dtype",
    ),
    (
        "torch.cov(x, aweights=torch.tensor([1.0, -2, 3]))",
        "RuntimeError",
        "cov(): aweights cannot be negative",
    ),
    (
        "torch.cov(x, aweights=torch.tensor([0.0, 0, 0]))",
        "RuntimeError",
        "cov(): weights sum to zero, can't be normalized",
    ),
    (
        "torch.corrcoef(T)",
        "RuntimeError",
        "corrcoef(): expected input to have two or fewer dimensions but got an input with 3 "
        "dimensions",
    ),
    (
        "torch.quantile(torch.tensor([]), 0.5)",
        "RuntimeError",
        "quantile() input tensor must be non-empty",
    ),
    (
        "torch.quantile(v, torch.ones(2, 2) / 2)",
        "RuntimeError",
        "quantile() q must be a scalar or 1D tensor",
    ),
    (
        "torch.quantile(i, 0.5)",
        "RuntimeError",
        "quantile() input tensor must be either float or double dtype",
    ),
    (
        "torch.quantile(v, torch.tensor([0.5], dtype=torch.float64))",
        "RuntimeError",
        "quantile() q tensor must be same dtype as the input tensor",
    ),
    (
        "torch.quantile(v, 1.5)",
        "RuntimeError",
        "quantile() q must be in the range [0, 1] but got 1.5",
    ),
    (
        "torch.quantile(v, torch.tensor([0.5, 1.5]))",
        "RuntimeError",
        "quantile() q values must be in the range [0, 1]",
    ),
    (
        "torch.quantile(v, 0.5, interpolation='foo')",
        "RuntimeError",
        "quantile() interpolation must be one of linear, lower, higher, midpoint or nearest, but "
        "got foo",
    ),
    (
        "torch.nanquantile(v, -0.1)",
        "RuntimeError",
        "quantile() q must be in the range [0, 1] but got -0.1",
    ),
]


@parametrize(ERROR_CASES)
def test_bad_call_fails_with_pytorchs_message(expression, kind, message):
    check_gradcalc(expression, kind, message)


@pytest.mark.torch
@parametrize(ERROR_CASES)
def test_expected_messages_are_pytorchs(expression, kind, message, torch_module):
    check_torch(expression, kind, message, torch_module)


def test_quantile_of_samples_with_nan_is_nan_where_nanquantile_skips_them():
    y = gtorch.tensor([[0.5, math.nan, 2.0], [1.0, 3.0, 2.0]])
    first, second = gtorch.quantile(y, 0.5, dim=1).tolist()
    assert math.isnan(first) and second == 2.0
    assert math.isnan(gtorch.quantile(y, 0.5).item())
    assert gtorch.nanquantile(y, 0.5, dim=1).tolist() == [1.25, 2.0]


def test_cov_without_degrees_of_freedom_warns_and_gives_nan():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        c = gtorch.cov(gtorch.ones(2, 1))
    assert [str(w.message) for w in caught] == [
        "cov(): degrees of freedom is <= 0. Correction should be strictly less than the number "
        "of observations. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
        "Correlation.cpp:129.)"
    ]
    assert all(math.isnan(value) for row in c.tolist() for value in row)


def test_corrcoef_of_one_variable_is_one():
    assert gtorch.corrcoef(gtorch.tensor([[0.5, -1.0, 2.0, 0.25]])).item() == 1.0


def test_corrcoef_of_one_variable_has_pytorchs_zero_gradient():
    x = gtorch.tensor([[0.5, -1.0, 2.0, 0.25]], requires_grad=True)
    gtorch.corrcoef(x).backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0, 0.0]]
