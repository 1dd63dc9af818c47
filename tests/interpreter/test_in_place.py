"""In-place updates as PyTorch tutorials write them, and the slips PyTorch refuses."""

import numpy as np

from gradcalc.errors import AutogradError, ShapeError
from gradcalc.interpreter import Session

STEP = "w = tensor([1.0, 2.0], requires_grad=True); loss = (w ** 2).sum(); loss.backward()"


def outputs(result, kind):
    return [o.text for s in result.statements for o in s.outputs if o.kind == kind]


def test_sgd_step_through_data_keeps_the_leaf():
    session = Session()
    assert session.run(STEP + "; w.data.sub_(0.1 * w.grad); w.grad.zero_()").ok
    assert session.run("loss = (w ** 2).sum(); loss.backward()").ok
    w = session.variables["w"]
    np.testing.assert_allclose(w.array, [0.8, 1.6])
    np.testing.assert_allclose(w.grad.array, [1.6, 3.2])  # still a leaf: gradients arrive


def test_augmented_update_of_a_leaf_that_requires_grad_is_pytorchs_error():
    session = Session()
    result = session.run(STEP + "\nw -= 0.1 * w.grad")
    error = result.statements[-1].error
    assert isinstance(error, AutogradError) and error.kind == "RuntimeError"
    assert error.message == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert "with torch.no_grad():" in error.hint
    assert outputs(result, "warning") == []
    assert session.variables["w"].is_leaf


def test_augmented_assignment_of_a_fresh_leaf_is_quiet():
    result = Session().run("c = 1; c += 1; c *= 3")
    assert result.ok and outputs(result, "warning") == []


def test_in_place_on_a_leaf_that_requires_grad_fails_like_pytorch():
    result = Session().run(STEP + "\nw.add_(1)")
    error = result.statements[-1].error
    assert isinstance(error, AutogradError)
    assert error.message == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert "with torch.no_grad():" in error.hint
    assert (error.span.line, error.span.column) == (2, 1)


def test_in_place_inside_a_graph_is_recorded_as_pytorch_records_it():
    session = Session()
    result = session.run(STEP + "\ny = w * 2; y.mul_(2); y.sum().backward()")
    assert result.ok, result.errors
    y = session.variables["y"]
    assert y.grad_fn.name() == "MulBackward0" and y._version == 1
    np.testing.assert_allclose(session.variables["w"].grad.array, [2.0 + 4.0, 4.0 + 4.0])


def test_in_place_shape_must_fit():
    result = Session().run("b = zeros(2, requires_grad=False); b.add_(ones(3))")
    error = result.statements[-1].error
    assert isinstance(error, ShapeError)
    assert error.message == (  # PyTorch's
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
    )
    error = Session().run("b = zeros(1, requires_grad=False); b.add_(ones(3))").errors[0]
    assert error.message == "output with shape [1] doesn't match the broadcast shape [3]"


def test_in_place_on_a_broadcast_gradient_gets_its_own_copy():
    session = Session()
    assert session.run("x = [1.0, 2.0]; m = mean(x); m.backward(); x.grad.mul_(4)").ok
    np.testing.assert_allclose(session.variables["x"].grad.array, [2.0, 2.0])


def test_in_place_on_one_grad_leaves_a_shared_gradient_alone():
    # add's backward hands both leaves the same gradient array
    session = Session()
    assert session.run("x = [1., 2.]; y = [3., 4.]; m = sum(x + y); m.backward()").ok
    assert session.run("x.grad.mul_(5); g = y.grad; y.grad.zero_()").ok
    np.testing.assert_allclose(session.variables["x"].grad.array, [5.0, 5.0])
    np.testing.assert_allclose(session.variables["g"].array, [0.0, 0.0])  # same Tensor object


def test_zero_through_data_reaches_the_leaf():
    session = Session()
    assert session.run("a = [1., 2.]; a.data.zero_()").ok
    np.testing.assert_allclose(session.variables["a"].array, [0.0, 0.0])
    assert session.variables["a"].requires_grad
