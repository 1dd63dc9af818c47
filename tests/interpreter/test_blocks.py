"""``with torch.no_grad():`` blocks: what runs inside, how each statement is reported, and
the in-place update of a leaf that PyTorch tutorials write as ``w -= lr * w.grad``."""

from __future__ import annotations

import numpy as np
import pytest

from gradcalc.errors import ArgumentError, AttributeLookupError, NameLookupError, ShapeError
from gradcalc.interpreter import Session

STEP = (
    "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
    "lr = 0.1\n"
    "loss = (w ** 2).sum()\n"
    "loss.backward()\n"
)


def outputs(result, kind=None) -> list[str]:
    return [o.text for s in result.statements for o in s.outputs if kind in (None, o.kind)]


def test_an_sgd_step_in_no_grad_updates_the_leaf_in_place():
    session = Session()
    before = None
    result = session.run(STEP)
    before = session.variables["w"]
    result = session.run("with torch.no_grad():\n    w -= lr * w.grad\n    w.grad.zero_()\n")
    assert result.ok, result.errors
    assert outputs(result, "warning") == []
    w = session.variables["w"]
    assert w is before  # the same leaf, not a new tensor
    assert w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.array, [0.8, 1.6])
    np.testing.assert_allclose(w.grad.array, [0.0, 0.0])
    # still a leaf that receives gradients
    assert session.run("loss = (w ** 2).sum()\nloss.backward()").ok
    np.testing.assert_allclose(w.grad.array, [1.6, 3.2])


@pytest.mark.parametrize("op", ["+=", "-=", "*=", "/="])
def test_every_augmented_operator_is_in_place_under_no_grad(op):
    session = Session()
    session.run(STEP)
    w = session.variables["w"]
    grad = w.grad
    assert session.run(f"with torch.no_grad(): w {op} 2").ok
    assert session.variables["w"] is w and w.is_leaf and w.grad is grad
    expected = {"+=": [3.0, 4.0], "-=": [-1.0, 0.0], "*=": [2.0, 4.0], "/=": [0.5, 1.0]}[op]
    np.testing.assert_allclose(w.array, expected)


def test_the_values_seen_through_data_change_too_as_in_pytorch():
    shown = outputs(Session().run(STEP + "d = w.data\nwith torch.no_grad():\n    w -= 1\nprint(d)"))
    assert shown == ["tensor([0., 1.])"]


def test_a_gradient_shared_by_two_leaves_is_not_changed_through_the_other():
    source = (
        "x = [1.0, 2.0]\ny = [3.0, 4.0]\n(x + y).sum().backward()\n"
        "g = x.grad\nwith torch.no_grad():\n    g *= 10\nprint(x.grad, y.grad)"
    )
    assert outputs(Session().run(source)) == ["tensor([10., 10.]) tensor([1., 1.])"]


def test_outside_no_grad_an_update_of_a_leaf_is_pytorchs_error_and_the_hint_names_the_fix():
    session = Session()
    result = session.run(STEP + "w -= lr * w.grad")
    (error,) = result.errors
    assert error.message == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert error.kind == "RuntimeError" and "with torch.no_grad():" in error.hint
    assert outputs(result, "warning") == []
    assert session.variables["w"].is_leaf  # unchanged, as in PyTorch


def test_statements_in_a_block_record_no_graph():
    session = Session()
    source = (
        "x = [1.0, 2.0]\nwith torch.no_grad():\n    y = x * 2\n    print(y)\nz = x * 2\nprint(z)"
    )
    result = session.run(source)
    assert outputs(result) == [
        "tensor([2., 4.])",
        "tensor([2., 4.], grad_fn=<MulBackward0>)",
    ]
    assert not session.variables["y"].requires_grad


@pytest.mark.parametrize(
    ("header", "records"),
    [
        ("with torch.no_grad():", False),
        ("with no_grad():", False),
        ("with torch.autograd.no_grad():", False),
        ("with torch.enable_grad():", True),
        ("with torch.set_grad_enabled(False):", False),
        ("with torch.set_grad_enabled(mode=True):", True),
        ("with torch.inference_mode():", False),
        ("with torch.inference_mode(False):", True),
    ],
)
def test_grad_mode_contexts(header, records):
    session = Session()
    assert session.run(f"x = [1.0]\n{header}\n    y = x * 2\n").ok
    assert session.variables["y"].requires_grad is records


def test_enable_grad_inside_no_grad_and_the_mode_comes_back_after():
    source = (
        "x = [1.0]\n"
        "with torch.no_grad():\n"
        "    a = x * 2\n"
        "    with torch.enable_grad():\n"
        "        b = x * 2\n"
        "    c = x * 2\n"
        "d = x * 2\n"
    )
    session = Session()
    assert session.run(source).ok
    flags = {name: session.variables[name].requires_grad for name in "abcd"}
    assert flags == {"a": False, "b": True, "c": False, "d": True}


def test_a_block_is_one_result_with_the_outputs_of_its_statements_in_order():
    source = "x = [1.0]\nwith torch.no_grad():\n    x * 2\n    print('in')\nprint('out')"
    result = Session().run(source)
    seen = [(s.index, s.source, s.depth, [o.text for o in s.outputs]) for s in result.statements]
    assert seen == [
        (0, "x = [1.0]", 0, []),
        (1, "with torch.no_grad():\n    x * 2\n    print('in')", 0, ["tensor([2.])", "in"]),
        (2, "print('out')", 0, ["out"]),
    ]


def test_a_failing_statement_stops_its_block_and_the_program():
    source = (
        "w = [1.0, 2.0]\n"
        "with torch.no_grad():\n"
        "    w -= 1\n"
        "    w -= [1.0, 2.0, 3.0]\n"
        "    print('not reached')\n"
        "print('after')\n"
    )
    result = Session().run(source)
    (error,) = result.errors
    assert isinstance(error, ShapeError)
    assert (error.span.line, error.span.column) == (4, 5)
    assert outputs(result) == []
    assert [s.source for s in result.statements][-1].startswith("with torch.no_grad():")


def test_with_keep_going_the_program_goes_on_after_the_block():
    source = (
        "w = [1.0, 2.0]\n"
        "with torch.no_grad():\n"
        "    with torch.no_grad():\n"
        "        undefined_name\n"
        "        print('not reached')\n"
        "    print('not reached either')\n"
        "print('after')\n"
    )
    result = Session().run(source, keep_going=True)
    assert [type(e) for e in result.errors] == [NameLookupError]
    assert outputs(result) == ["after"]


@pytest.mark.parametrize(
    ("source", "error", "message"),
    [
        ("with torch.set_grad_enabled(1):\n    x = 1", ArgumentError, "must be bool, not int"),
        ("with torch.set_grad_enabled():\n    x = 1", ArgumentError, "missing 1 required"),
        # torch.no_grad(f) decorates f, so the with line holds a function (PyTorch's error)
        ("with torch.no_grad(1):\n    x = 1", ArgumentError, "'function' object does not "),
        ("no_grad = 1\nwith no_grad():\n    x = 1", ArgumentError, "'int' object is not callable"),
        ("with np.no_grad():\n    x = 1", AttributeLookupError, "'numpy' has no attribute"),
        ("w = [1.0]\nwith torch.no_grad():\n    w -= [1.0, 2.0]", ShapeError, "doesn't match"),
    ],
)
def test_errors_in_a_with_line_or_an_in_place_update(source, error, message):
    result = Session().run(source)
    (found,) = result.errors
    assert isinstance(found, error) and message in found.message, found.message
    assert found.span is not None


def test_a_block_in_the_repl_is_saved_as_a_block():
    session = Session()
    session.run(STEP)
    session.run("with torch.no_grad():\n    w -= lr * w.grad\n    w.grad.zero_()\n")
    session.run("with torch.no_grad(): w *= 2")
    lines = session.statements_source()
    assert lines[-3:] == [
        "loss.backward()",
        "with torch.no_grad():\n    w -= lr * w.grad\n    w.grad.zero_()",
        "with torch.no_grad(): w *= 2",
    ]
    again = Session()
    assert again.run("\n".join(lines)).ok
    np.testing.assert_allclose(again.variables["w"].array, session.variables["w"].array)


def test_check_replays_the_statements_of_blocks():
    # --check runs the history again: the in-place update inside the block must replay too.
    session = Session()
    source = (
        "x = [1.0, 2.0]\nk = [3.0, 4.0]\nwith torch.no_grad():\n    k *= 2\n"
        "y = (x * k).sum()\ny.backward()"
    )
    assert session.run(source).ok
    np.testing.assert_allclose(session.variables["x"].grad.array, [6.0, 8.0])
    check = session.check_gradients(["x"])["x"]
    assert check.status == "ok" and check.max_abs_error < 1e-6


@pytest.mark.torch
def test_a_tutorial_training_loop_written_out_matches_pytorch(torch_module):
    torch = torch_module
    step = (
        "loss = ((x @ w + b - y) ** 2).mean()\n"
        "loss.backward()\n"
        "with torch.no_grad():\n"
        "    w -= lr * w.grad\n"
        "    b -= lr * b.grad\n"
        "    w.grad.zero_()\n"
        "    b.grad.zero_()\n"
    )
    setup = (
        "x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])\n"
        "y = torch.tensor([[1.0], [2.0], [3.0]])\n"
        "w = torch.tensor([[0.1], [-0.2]], requires_grad=True)\n"
        "b = torch.tensor([0.5], requires_grad=True)\n"
        "lr = 0.01\n"
    )
    session = Session(dtype="float32")
    result = session.run(setup + step * 3 + "print(w, b, loss)")
    assert result.ok, result.errors
    namespace: dict = {"torch": torch}
    exec(setup + step * 3, namespace)  # the same text, run by Python and PyTorch
    for name in ("w", "b", "loss"):
        np.testing.assert_allclose(
            session.variables[name].array, namespace[name].detach().numpy(), rtol=1e-6
        )
    assert session.variables["w"].is_leaf and namespace["w"].is_leaf


# ---- unpacking -----------------------------------------------------------------------------


def test_unpacking_binds_each_name():
    session = Session()
    source = (
        "a, b = 1, 2\n"
        "a, b = b, a\n"
        "x = torch.tensor([1.0, 3.0, 2.0], requires_grad=True)\n"
        "values, indices = x.max(dim=0)\n"
        "(v2, i2) = x.max(dim=0)\n"
        "g, = torch.autograd.grad((x ** 2).sum(), [x])\n"
        "p, q, r = x\n"
    )
    result = session.run(source)
    assert result.ok, result.errors
    variables = session.variables
    assert (variables["a"], variables["b"]) == (2, 1)  # ints stay Python ints
    assert float(variables["values"].array) == 3.0 and int(variables["indices"].array) == 1
    assert float(variables["v2"].array) == 3.0
    np.testing.assert_allclose(variables["g"].array, [2.0, 6.0, 4.0])
    assert [float(variables[n].array) for n in "pqr"] == [1.0, 3.0, 2.0]
    assert session.output_name == "r"


def test_unpacked_literals_are_leaves_as_in_separate_assignments():
    session = Session()
    assert session.run("a, b = 1.0, [2.0, 3.0]\nc = 1.0").ok
    assert session.variables["a"].requires_grad == session.variables["c"].requires_grad


@pytest.mark.parametrize(
    ("source", "message", "covered"),
    [
        ("a, b = 1, 2, 3", "too many values to unpack (expected 2)", "1, 2, 3"),
        ("a, b, c = 1, 2", "not enough values to unpack (expected 3, got 2)", "1, 2"),
        ("x = [1.0, 2.0, 3.0]\na, b = x", "too many values to unpack (expected 2)", "x"),
        (
            "x = [1.0, 2.0]\nv, i, j = x.max(dim=0)",
            "not enough values to unpack (expected 3, got 2)",
            "x.max(dim=0)",
        ),
        ("a, b = 1", "cannot unpack non-iterable int object", "1"),
        ("x = tensor(1.0)\na, b = x", "iteration over a 0-d tensor", "x"),
    ],
)
def test_unpacking_errors_are_pythons(source, message, covered):
    session = Session()
    result = session.run(source)
    (error,) = result.errors
    assert error.message == message
    assert result.source[error.span.start : error.span.end] == covered
    assert error.hint is not None or "0-d" in message


def test_a_failed_unpack_binds_nothing():
    session = Session()
    session.run("a = 5.0")
    session.run("a, b = 1, 2, 3")
    assert float(session.variables["a"].array) == 5.0 and "b" not in session.variables


@pytest.mark.torch
def test_unpacking_gives_what_pytorch_gives(torch_module):
    source = (
        "x = torch.tensor([[1.0, 5.0], [4.0, 2.0]], requires_grad=True)\n"
        "values, indices = x.max(dim=1)\n"
        "print(values)\n"
        "print(indices)\n"
        "g, = torch.autograd.grad(values.sum(), [x])\n"
        "print(g)\n"
    )
    session = Session(dtype="float32")
    shown = outputs(session.run(source))
    import contextlib
    import io

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        exec(source, {"torch": torch_module})
    assert "\n".join(shown) + "\n" == captured.getvalue()


def test_in_place_methods_update_a_leaf_only_inside_no_grad():
    session = Session()
    assert session.run(STEP).ok
    before = session.variables["w"]
    outside = session.run("w.sub_(lr * w.grad)")
    assert not outside.ok and "leaf Variable" in str(outside.errors[0])
    assert "torch.no_grad()" in outside.errors[0].hint
    inside = session.run("with torch.no_grad():\n    w.sub_(lr * w.grad)\n    w.mul_(2)\n")
    assert inside.ok, inside.errors
    w = session.variables["w"]
    assert w is before and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.array, [1.6, 3.2])
    np.testing.assert_allclose(w.grad.array, [2.0, 4.0])


MODIFIED = "one of the variables needed for gradient computation has been modified by an inplace"


@pytest.mark.parametrize(
    ("program", "detail"),
    [
        (  # w * w saved w, then w changed before backward
            "w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\n"
            "with torch.no_grad():\n    w -= 1\ny.backward()\n",
            "[torch.DoubleTensor [2]] is at version 1; expected version 0 instead.",
        ),
        (  # exp saved its output, then the output changed
            "x = torch.tensor([1.0, 2.0], requires_grad=True)\ne = x.exp()\n"
            "with torch.no_grad():\n    e *= 2\ne.sum().backward()\n",
            "[torch.DoubleTensor [2]], which is output 0 of Exp, is at version 1;",
        ),
        (  # an in-place method counts too
            "w = torch.tensor([[1.0, 2.0]], requires_grad=True)\ny = (w * w).sum()\n"
            "with torch.no_grad():\n    w.mul_(2)\ny.backward()\n",
            "[torch.DoubleTensor [1, 2]] is at version 1; expected version 0 instead.",
        ),
    ],
)
def test_backward_refuses_values_changed_in_place_since_they_were_saved(program, detail):
    result = Session().run(program)
    assert not result.ok
    message = str(result.errors[-1])
    assert MODIFIED in message and detail in message
    assert "set_detect_anomaly(True, check_nan=False)" in message


def test_an_update_the_graph_does_not_need_is_fine_and_later_graphs_see_new_values():
    session = Session()
    result = session.run(
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
        "y = (w * 3).sum()\n"  # saves the 3, not w
        "with torch.no_grad():\n    w -= 1\n"
        "y.backward()\n"
        "loss = (w * w).sum()\nloss.backward()\n"  # saved after the change: version 1
        "with torch.no_grad():\n    w -= 0.1 * w.grad\n    w.grad.zero_()\n"
        "loss = (w * w).sum()\nloss.backward()\n"
    )
    assert result.ok, result.errors
    w = session.variables["w"]
    np.testing.assert_allclose(w.array, [-0.3, 0.5])
    np.testing.assert_allclose(w.grad.array, [-0.6, 1.0])


def test_changes_through_data_are_not_tracked_as_in_pytorch():
    result = Session().run(
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\n"
        "w.data -= 1\ny.backward()\nprint(w.grad)\n"
    )
    assert result.ok, result.errors  # PyTorch computes with the new values, silently
    assert outputs(result, "print") == ["tensor([0., 2.])"]


def test_the_check_runs_with_create_graph_too():
    result = Session().run(
        "w = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (w * w).sum()\n"
        "with torch.no_grad():\n    w += 1\ng, = torch.autograd.grad(y, [w], create_graph=True)\n"
    )
    assert not result.ok and MODIFIED in str(result.errors[-1])


def test_unpacking_a_reduction_without_dim_hints_at_dim():
    result = Session().run("x = [3., 1., 2.]\nv, i = x.max()")
    assert not result.ok
    assert str(result.errors[0]).startswith("iteration over a 0-d tensor")
    assert "x.max(dim=0)" in result.errors[0].hint


def test_element_assignment_points_to_no_grad_updates():
    result = Session().run("x = [1., 2.]\nx[0] = 0.0")
    assert not result.ok
    assert str(result.errors[0]) == (
        "a view of a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert "with torch.no_grad():" in result.errors[0].hint
