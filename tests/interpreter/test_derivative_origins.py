"""What the session remembers of a Jacobian or Hessian a program made: the output's and the
input's names and shapes that label its matrix (``interpreter/derivatives.py``, issue 15)."""

from __future__ import annotations

import numpy as np
from interp_helpers import run

from gradcalc.interpreter.results import DerivativeOrigin


def origins(source: str) -> dict:
    session, result = run(source)
    assert result.ok, [e.message for e in result.errors]
    return session.derivative_origins()


def test_functional_jacobian_of_a_lambda_is_dy_dx_named_after_the_input_variable():
    found = origins(
        "x = tensor([1., 2., 3.]); J = torch.autograd.functional.jacobian(lambda v: v * v, x)"
    )
    assert found == {"J": DerivativeOrigin("jacobian", "y", "y", (3,), "x", (3,))}


def test_a_def_gives_its_name_and_an_expression_input_is_x():
    found = origins(
        "w = tensor([1., 2., 3.])\n"
        "def f(v):\n    return stack([sum(v), prod(v)])\n"
        "J = jacobian(f, w * 2)\n"
    )
    assert found == {"J": DerivativeOrigin("jacobian", "f", "f", (2,), "x", (3,))}


def test_a_lambda_of_an_input_named_y_is_not_called_y_too():
    found = origins("y = tensor([1., 2.]); J = jacobian(lambda v: v * 3, y)")
    assert found["J"].of == "f" and found["J"].col_name == "y"


def test_the_calculator_s_jacobian_of_an_output_tensor_is_named_after_that_tensor():
    found = origins("x = tensor([1., 2.]); z = x * x; J = jacobian(z, x); K = jacobian(x * 2, x)")
    assert found["J"] == DerivativeOrigin("jacobian", "z", "z", (2,), "x", (2,))
    assert found["K"].of == "y"


def test_hessians_of_a_function_and_of_a_scalar_tensor():
    found = origins(
        "x = tensor([1., 2., 3.]); H = hessian(lambda v: sum(v ** 3), x)\n"
        "s = sum(x ** 3); G = hessian(s, x)\n"
    )
    assert found["H"] == DerivativeOrigin("hessian", "f", "x", (3,), "x", (3,))
    assert found["G"] == DerivativeOrigin("hessian", "s", "x", (3,), "x", (3,))


def test_torch_func_transforms_record_their_results():
    session, result = run(
        "import torch\n"
        "a = torch.tensor([1., 2.])\n"
        "def f(v):\n    return (v ** 3).sum()\n"
        "Jr = torch.func.jacrev(torch.sin)(a)\n"
        "Jf = torch.func.jacfwd(lambda v: v * 2)(a)\n"
        "H = torch.func.hessian(f)(a)\n"
        "V = torch.func.hessian(lambda v: v ** 3)(a)\n"  # a vector's Hessian: 3-D, no matrix
        "Jx, Jy = torch.func.jacrev(lambda p, q: p * q, argnums=(0, 1))(a, a + 1)\n"
    )
    assert result.ok, [e.message for e in result.errors]
    found = session.derivative_origins()
    assert found["Jr"] == DerivativeOrigin("jacobian", "sin", "sin", (2,), "a", (2,))
    assert found["Jf"] == DerivativeOrigin("jacobian", "y", "y", (2,), "a", (2,))
    assert found["H"] == DerivativeOrigin("hessian", "f", "a", (2,), "a", (2,))
    assert "V" not in found
    assert (found["Jx"].col_name, found["Jy"].col_name) == ("a", "x1")
    np.testing.assert_array_equal(session.values()["Jx"], [[2.0, 0.0], [0.0, 3.0]])


def test_tuple_inputs_label_each_block_and_a_tuple_variable_is_not_labelled():
    found = origins(
        "a = tensor([1., 2.]); b = tensor([3., 4., 5.])\n"
        "T = jacobian(lambda p, q: p * sum(q), (a, b))\n"
        "Ja, Jb = T\n"
        "Ha = hessian(lambda p, q: sum(p * p) * sum(q), (a, b))[0][1]\n"
    )
    assert "T" not in found
    assert found["Ja"] == DerivativeOrigin("jacobian", "y", "y", (2,), "a", (2,))
    assert found["Jb"] == DerivativeOrigin("jacobian", "y", "y", (2,), "b", (3,))
    assert found["Ha"] == DerivativeOrigin("hessian", "f", "a", (2,), "b", (3,))


def test_a_tensor_computed_from_a_jacobian_is_not_one_and_reset_forgets():
    session, result = run(
        "x = tensor([1., 2.]); J = jacobian(lambda v: v * v, x); K = J * 1; T = J.T"
    )
    assert result.ok
    assert set(session.derivative_origins()) == {"J"}
    session.reset()
    assert session.derivative_origins() == {}


def test_the_wrapped_transforms_keep_their_errors_and_repr():
    session, result = run(
        "import torch\n"
        "print(torch.autograd.functional.jacobian)\n"
        "torch.autograd.functional.jacobian(lambda v: v, 3)\n",
        keep_going=True,
    )
    printed = result.statements[1].outputs[0].text
    assert printed.startswith("<function jacobian at ")
    (error,) = result.errors
    assert "must be either a Tensor or a tuple of Tensors" in error.message
    assert session.derivative_origins() == {}
