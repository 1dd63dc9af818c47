"""--wrt names leaves or intermediates whose gradient was kept; anything else is a usage
error, never a silent empty answer."""

import pytest

from gradcalc.errors import UsageError
from gradcalc.interpreter import Session


def session_after_backward():
    session = Session()
    assert session.run("x = [1., 2.]; y = x * 2; m = sum(y); m.backward()").ok
    return session


def test_wrt_a_leaf():
    assert list(session_after_backward().leaf_grads(["x"])) == ["x"]


@pytest.mark.parametrize("name", ["y", "m"])
def test_wrt_a_non_leaf_whose_gradient_was_not_kept_is_a_usage_error(name):
    with pytest.raises(UsageError) as info:
        session_after_backward().leaf_grads([name])
    assert info.value.message.startswith(f"--wrt {name}: {name} is not a leaf tensor")
    assert "retain_grad()" in info.value.hint and "such as x" in info.value.hint


def test_wrt_an_intermediate_kept_before_the_implicit_backward():
    from gradcalc.interpreter.gradients import retain_intermediates

    session = Session()
    assert session.run("x = [1., 2.]; y = x * 2; m = sum(3 * y)").ok
    retain_intermediates(session, ["y"])
    session.implicit_backward(1, False)
    grads = session.leaf_grads(["y", "x"])
    assert grads["y"].tolist() == [3.0, 3.0] and grads["x"].tolist() == [6.0, 6.0]


def test_wrt_an_unknown_name_suggests_one():
    with pytest.raises(UsageError) as info:
        session_after_backward().leaf_grads(["xx"])
    assert "no variable named 'xx'" in info.value.message
