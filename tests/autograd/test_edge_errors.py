"""Edge cases where numpy's own wording used to reach users."""

import inspect
import warnings

import numpy as np
import pytest

import gradcalc.autograd as ag
from gradcalc.errors import ArgumentError, LimitError, ShapeError, ValueDomainError


def test_negating_a_bool_tensor_fails_with_pytorchs_message():
    mask = ag.tensor([1.0, 3.0]) > 2
    with pytest.raises(ValueDomainError) as info:
        _ = -mask
    assert info.value.message.startswith(
        "Negation, the `-` operator, on a bool tensor is not supported."
    )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_of_an_empty_tensor_is_empty(name):
    x = ag.tensor(np.zeros((0,)), requires_grad=True)
    out = getattr(ag, name)(x, dim=0)
    assert out.shape == (0,)
    out.sum().backward()
    assert x.grad.shape == (0,)


@pytest.mark.torch
def test_unused_input_message_is_pytorchs(torch_module):
    torch = torch_module
    from gradcalc.errors import AutogradError

    x = ag.tensor([1.0, 1.0], requires_grad=True)
    y = ag.tensor([1.0, 1.0], requires_grad=True)
    with pytest.raises(AutogradError) as ours:
        ag.grad((x * 2).sum(), [x, y])
    tx = torch.ones(2, requires_grad=True)
    ty = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError) as theirs:
        torch.autograd.grad((tx * 2).sum(), [tx, ty])
    assert ours.value.message == str(theirs.value)


# ---- hostile-input findings (notes/requests.md, "hostile -> autograd") ----------------------


@pytest.fixture
def element_limit():
    """Run with a small element limit, restored afterwards."""
    ag.set_max_elements(1_000_000)
    yield 1_000_000
    ag.set_max_elements(ag.DEFAULT_MAX_ELEMENTS)


def test_mean_of_nothing_is_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "Mean of empty slice" must not be raised
        x = ag.tensor(np.zeros((0,)), requires_grad=True)
        m = ag.mean(x)
        assert np.isnan(m.item())
        m.backward()
        assert x.grad.shape == (0,)
        y = ag.zeros(0, 3, requires_grad=True)
        per_column = ag.mean(y, dim=0)
        assert per_column.shape == (3,) and np.isnan(per_column.data).all()
        assert ag.mean(y, dim=0, keepdim=True).shape == (1, 3)
        per_column.sum().backward()
        assert y.grad.shape == (0, 3)
        assert ag.mean(y, dim=1).shape == (0,)


@pytest.mark.parametrize("fname", ["var", "std"])
@pytest.mark.parametrize("data", [[], [1.0]])
def test_variance_without_degrees_of_freedom_is_nan_as_in_pytorch(fname, data):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = ag.tensor(data, requires_grad=True)
        out = getattr(ag, fname)(x)
        assert np.isnan(out.item())  # was -0.0 for an empty input
        out.backward()  # was ZeroDivisionError for one element
        assert x.grad.shape == x.shape and np.isnan(x.grad.data).all()


def test_variance_with_a_correction_over_n_is_inf_as_in_pytorch():
    assert ag.var(ag.tensor([1.0, 2.0]), correction=3).item() == np.inf


def test_log_softmax_of_an_empty_batch_is_empty():
    x = ag.zeros(0, 3, requires_grad=True)
    out = ag.log_softmax(x, dim=1)
    assert out.shape == (0, 3)
    out.sum().backward()
    assert x.grad.shape == (0, 3)


@pytest.mark.torch
@pytest.mark.parametrize("negate", [lambda m: -m, ag.neg, lambda m: m.neg()])
def test_negating_a_bool_tensor_message_equals_pytorchs(torch_module, negate):
    with pytest.raises(RuntimeError) as theirs:
        _ = -(torch_module.tensor([1.0, 3.0]) > 2)
    with pytest.raises(ValueDomainError) as ours:
        negate(ag.tensor([1.0, 3.0]) > 2)
    assert ours.value.message == str(theirs.value)
    assert "numpy" not in ours.value.message


_TOO_MANY_DIMS = r"would have 65 dimensions; tensors can have at most 64$"


@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda x: x.unsqueeze(0), "result of unsqueeze()"),
        (lambda x: x[None], "indexing result"),
        (lambda x: x[None, [0]], "indexing result"),
        (lambda x: x.reshape((1,) * 65), "result of reshape()"),
        (lambda x: x.view(*(1,) * 65), "result of view()"),
        (lambda x: x.expand(*(1,) * 65), "result of expand()"),
        (lambda x: ag.broadcast_to(x, (1,) * 65), "result of broadcast_to()"),
        (lambda x: ag.stack([x, x]), "result"),
        (lambda x: ag.ones(*(1,) * 65), "tensor"),
        (lambda x: ag.zeros((1,) * 65), "tensor"),
        (lambda x: ag.randn(*(1,) * 65), "tensor"),
        (lambda x: ag.tensor([x.tolist()]), "tensor"),
    ],
)
def test_more_than_64_dimensions_is_a_shape_error(make, what):
    x = ag.ones(*(1,) * 64)
    with pytest.raises(ShapeError, match=_TOO_MANY_DIMS) as info:
        make(x)
    assert info.value.message == f"the {what} would have 65 dimensions; tensors can have at most 64"
    assert "reshape" in info.value.hint
    assert "ndarray" not in info.value.message


def test_broadcasting_works_up_to_64_dimensions():
    # np.broadcast_shapes stops at 32 dims ("this function only supports up to 32 dimensions").
    x = ag.ones(*(1,) * 40, 2, requires_grad=True)
    y = x + ag.ones(*(1,) * 39, 3, 1)
    assert y.shape == (1,) * 39 + (3, 2)
    (y @ ag.ones(2, 1)).sum().backward()
    assert x.grad.shape == x.shape and (x.grad.data == 3).all()
    with pytest.raises(ShapeError, match=r"^cannot add tensors of shapes \(2, 3\) and \(4,\)$"):
        ag.ones(2, 3) + ag.ones(4)


@pytest.mark.parametrize("size", [print, "3", 2.0, None, ag.ones(2)])
def test_broadcast_to_a_non_sequence_size_is_an_argument_error(size):
    with pytest.raises(ArgumentError) as info:
        ag.broadcast_to(ag.ones(1), size)
    assert info.value.message == f"broadcast_to(): size must be a tuple of integers, got {size!r}"
    assert info.value.hint == "e.g. broadcast_to(x, (2, 3))"


def test_broadcast_to_names_itself_for_bad_sizes():
    with pytest.raises(ArgumentError, match=r"^broadcast_to\(\): shape must be integers, got 3.0$"):
        ag.broadcast_to(ag.ones(1), (3.0,))
    with pytest.raises(ShapeError, match=r"^broadcast_to: the number of sizes provided \(0\)"):
        ag.broadcast_to(ag.ones(1), ())
    assert ag.broadcast_to(ag.ones(1), [2, 3]).shape == (2, 3)


@pytest.mark.parametrize("steps", [1e9, 5.0, "5", None])
def test_linspace_steps_must_be_an_integer(steps):
    with pytest.raises(ArgumentError) as info:
        ag.linspace(0, 1, steps)
    assert info.value.message == f"linspace(): steps must be an integer, got {steps!r}"
    assert info.value.hint == "e.g. linspace(0, 1, 5)"


@pytest.mark.torch
def test_linspace_negative_steps_message_is_pytorchs(torch_module):
    with pytest.raises(RuntimeError) as theirs:
        torch_module.linspace(0, 1, -1)
    with pytest.raises(ValueDomainError) as ours:
        ag.linspace(0, 1, -1)
    assert ours.value.message == str(theirs.value)
    assert ag.linspace(0, 1, 0).shape == (0,)


@pytest.mark.parametrize("fname", ["ones_like", "zeros_like", "full_like"])
def test_like_constructors_take_dtype_by_keyword_only(fname):
    # As PyTorch: ones_like(x, [0, 1]) must not read the list as a dtype.
    dtype = inspect.signature(getattr(ag, fname)).parameters["dtype"]
    assert dtype.kind is inspect.Parameter.KEYWORD_ONLY
    args = (ag.ones(2),) if fname != "full_like" else (ag.ones(2), 7.0)
    with pytest.raises(TypeError, match="positional argument"):
        getattr(ag, fname)(*args, [0, 1])
    assert getattr(ag, fname)(*args, dtype="float32").dtype == np.float32


@pytest.mark.parametrize("bad", [[0, 1], ag.tensor([0.0, 1.0]), 3])
def test_a_dtype_that_is_not_a_dtype_is_an_argument_error(bad):
    # np.dtype() takes any object with a .dtype (a Tensor) and would use that silently.
    with pytest.raises(ArgumentError) as info:
        ag.ones_like(ag.ones(2), dtype=bad)
    assert info.value.message == (
        f"dtype must be a dtype such as float32, not {type(bad).__name__}"
    )
    assert info.value.hint == "use float64 (the default) or float32"
    with pytest.raises(ArgumentError):
        ag.ones(2, dtype=bad)


def test_hessian_over_the_element_limit_names_hessian(element_limit):
    a = ag.ones(2000, requires_grad=True)
    with pytest.raises(LimitError) as info:
        ag.hessian(ag.sum(a * a), a)
    assert info.value.message == (
        "hessian of 4,000,000 elements (shape (2000, 2000)) exceeds the limit of 1,000,000"
    )
    with pytest.raises(LimitError, match=r"^hessian of 4,000,000 elements"):
        ag.hessian(lambda v: ag.sum(v * v), a)


def test_element_limit_wording_matches_the_interpreters(element_limit):
    # The interpreter says "tensor of N elements exceeds the limit of M" with this hint.
    with pytest.raises(LimitError) as info:
        ag.ones(2000, 1) + ag.ones(1000)
    assert info.value.message == (
        "result of 2,000,000 elements (shape (2000, 1000)) exceeds the limit of 1,000,000"
    )
    assert info.value.hint == "use smaller shapes, or raise the limit with --max-elements"
    with pytest.raises(LimitError, match=r"^tensor of 4,000,000 elements \(shape \(2000, 2000\)\)"):
        ag.zeros(2000, 2000)
