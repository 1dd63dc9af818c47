"""``help(obj)`` in a program: ops from their declarations, other functions by signature, a
program's own functions by repr; never an error (issue 15, REPL and help item)."""

from __future__ import annotations

from interp_helpers import shown


def help_of(expression: str) -> str:
    return shown(f"import torch\nhelp({expression})")


def test_an_op_from_its_declaration():
    shown = help_of("torch.exp")
    assert shown.startswith("exp(Tensor self) -> Tensor")
    assert "PyTorch node: ExpBackward0" in shown and "spellings: torch.exp" in shown


def test_functions_that_are_not_ops_show_their_signature():
    assert help_of("torch.autograd.functional.jacobian").startswith(
        "jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, "
        "strategy='reverse-mode')"
    )
    assert help_of("torch.func.grad").startswith("grad(func, argnums=0, has_aux=False)")


def test_builtins_and_a_programs_own_functions():
    assert help_of("print").startswith("<built-in function print>")
    assert help_of("lambda q: q").startswith("<function <lambda> at 0x")
