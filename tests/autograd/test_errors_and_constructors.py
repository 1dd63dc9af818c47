"""Bad input gives the package's own errors with clear messages; constructors and limits."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.errors import (
    ArgumentError,
    GradcalcError,
    LimitError,
    ShapeError,
    ValueDomainError,
)


@pytest.mark.parametrize(
    "op, message",
    [
        (lambda a, b: a + b, "cannot add tensors of shapes (2, 3) and (4,)"),
        (lambda a, b: a - b, "cannot subtract tensors of shapes (2, 3) and (4,)"),
        (lambda a, b: a * b, "cannot multiply tensors of shapes (2, 3) and (4,)"),
        (lambda a, b: a / b, "cannot divide tensors of shapes (2, 3) and (4,)"),
    ],
)
def test_broadcast_errors_name_the_op(op, message):
    with pytest.raises(ShapeError) as info:
        op(ag.ones(2, 3), ag.ones(4))
    assert info.value.message == message


def test_matmul_shape_error():
    with pytest.raises(ShapeError) as info:
        ag.ones(2, 3) @ ag.ones(4, 5)
    assert info.value.message == "cannot multiply matrices of shapes (2, 3) and (4, 5)"
    with pytest.raises(ShapeError, match="at least 1D"):
        ag.matmul(ag.tensor(1.0), ag.ones(2))


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: ag.ones(2, 3).reshape(4, 4), ShapeError),
        (lambda: ag.ones(2, 3).sum(dim=2), ArgumentError),
        (lambda: ag.ones(2, 3).sum(dim=(0, 0)), ArgumentError),
        (lambda: ag.ones(2, 3).sum(dim="a"), ArgumentError),
        (lambda: ag.ones(2, 3)[5], ShapeError),
        (lambda: ag.ones(2, 3)[0, 0, 0], ShapeError),
        (lambda: ag.ones(2, 3)[1.5], ArgumentError),
        (lambda: ag.ones(2, 3)["a"], ArgumentError),
        (lambda: ag.ones(3)[ag.tensor([0.5])], ArgumentError),
        (lambda: ag.cat([ag.ones(2, 3), ag.ones(3, 3)], dim=1), ShapeError),
        (lambda: ag.cat([]), ArgumentError),
        (lambda: ag.stack([ag.ones(2), ag.ones(3)]), ShapeError),
        (lambda: ag.ones(2, 3).expand(4, 3), ShapeError),
        (lambda: ag.ones(2, 3).permute(0), ShapeError),
        (lambda: ag.tensor([[1, 2], [3]]), ValueDomainError),
        (lambda: ag.tensor("abc"), ArgumentError),
        (lambda: ag.ones(2, dtype="int8"), ValueDomainError),
        (lambda: ag.ones(-1, 3), ShapeError),
        (lambda: ag.ones(2.5), ArgumentError),
        (lambda: ag.arange(0, 5, 0), ValueDomainError),
        (lambda: ag.binary_cross_entropy(ag.tensor([1.5]), ag.tensor([1.0])), ValueDomainError),
        (lambda: ag.cross_entropy(ag.ones(2, 3), ag.tensor([0, 3])), ValueDomainError),
        (lambda: ag.mse_loss(ag.ones(2), ag.ones(2), reduction="avg"), ArgumentError),
        (lambda: ag.clamp(ag.ones(2)), ArgumentError),
        (lambda: ag.ones(2).item(), ValueDomainError),
        (lambda: ag.ones(0).max(), ValueDomainError),
        (lambda: ag.dot(ag.ones(2), ag.ones(3)), ShapeError),
        (lambda: ag.trace(ag.ones(3)), ShapeError),
        (lambda: ag.ones(2, 3).t().t().transpose(0, 5), ArgumentError),
        (lambda: ag.leaky_relu(ag.ones(2), negative_slope="x"), ArgumentError),
        (lambda: ag.gelu(ag.ones(2), approximate="fast"), ArgumentError),
        (lambda: ag.ones(2, 3).var(correction="x"), ArgumentError),
    ],
)
def test_bad_input_raises_package_errors(call, error):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, GradcalcError) and info.value.message


def test_reshape_message_like_torch():
    with pytest.raises(ShapeError) as info:
        ag.ones(2, 3).reshape(4, 4)
    assert info.value.message == "shape '[4, 4]' is invalid for input of size 6"


def test_element_limit_checked_before_allocating():
    ag.set_max_elements(1000)
    try:
        with pytest.raises(LimitError) as info:
            ag.ones(100, 100)
        assert "--max-elements" in info.value.hint
        for call in (
            lambda: ag.ones(100, 1) + ag.ones(1, 100),
            lambda: ag.ones(100, 10) @ ag.ones(10, 100),
            lambda: ag.outer(ag.ones(100), ag.ones(100)),
            lambda: ag.ones(10).expand(200, 10),
            lambda: ag.cat([ag.ones(600), ag.ones(600)]),
            lambda: ag.randn(5000),
            lambda: ag.arange(5000),
            lambda: ag.eye(100),
        ):
            with pytest.raises(LimitError):
                call()
        assert (ag.ones(10, 1) + ag.ones(1, 10)).shape == (10, 10)
    finally:
        ag.set_max_elements(ag.DEFAULT_MAX_ELEMENTS)


def test_constructors():
    assert ag.ones(2, 3).shape == (2, 3) and ag.ones((2, 3)).shape == (2, 3)
    assert ag.zeros(2).data.tolist() == [0.0, 0.0]
    assert ag.full((2,), 7.0).data.tolist() == [7.0, 7.0]
    np.testing.assert_array_equal(ag.eye(2, 3).data, np.eye(2, 3))
    assert ag.arange(5).data.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert ag.arange(1, 2, 0.25).data.tolist() == [1.0, 1.25, 1.5, 1.75]
    assert ag.linspace(0, 1, 5).data.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    x = ag.tensor([[1, 2], [3, 4]], requires_grad=True)
    assert x.dtype == np.float64 and x.requires_grad and x.is_leaf
    assert (
        ag.ones_like(x).shape == (2, 2) and not ag.zeros_like(x, requires_grad=False).requires_grad
    )
    assert ag.ones(2, dtype="float32").dtype == np.float32
    assert ag.tensor([True, False]).dtype == np.bool_


def test_random_constructors_are_seeded():
    ag.manual_seed(7)
    a = ag.randn(3, 2)
    r = ag.rand(4)
    ag.manual_seed(7)
    np.testing.assert_array_equal(ag.randn(3, 2).data, a.data)
    np.testing.assert_array_equal(ag.rand(4).data, r.data)
    assert np.all((r.data >= 0) & (r.data < 1))


def test_default_dtype_switch():
    ag.set_default_dtype("float32")
    try:
        assert ag.ones(2).dtype == np.float32 and ag.tensor([1, 2]).dtype == np.float32
        assert "dtype" not in repr(ag.ones(2))
    finally:
        ag.set_default_dtype("float64")
    assert ag.get_default_dtype() == np.float64
    assert repr(ag.ones(2, dtype="float32")) == "tensor([1., 1.], dtype=torch.float32)"


def test_public_functions_have_torch_keyword_signatures():
    params = lambda f: list(inspect.signature(f).parameters)  # noqa: E731
    assert params(ag.sum) == ["input", "dim", "keepdim"]
    assert params(ag.var) == ["input", "dim", "unbiased", "keepdim", "correction"]
    assert params(ag.leaky_relu) == ["input", "negative_slope"]
    assert params(ag.clamp) == ["input", "min", "max"]
    assert params(ag.ones) == ["size", "dtype", "requires_grad"]
    assert params(ag.cross_entropy) == ["input", "target", "reduction"]
    assert ag.Tensor.sum is ag.sum and ag.Tensor.add is ag.add
    assert set(ag.__all__) >= {"tensor", "backward", "grad", "jacobian", "hessian", "no_grad"}


def test_operators_and_methods_are_one_function():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for y in (x + 1, ag.add(x, 1), x.add(1)):
        assert y.grad_fn.name == "AddBackward0"
        assert y.data.tolist() == [2.0, 3.0]


def test_comparisons_give_bool_tensors_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == np.bool_ and not mask.requires_grad
    assert (x == 2).data.tolist() == [False, True, False]
    assert ((x > 1) & (x < 3)).data.tolist() == [False, True, False]
