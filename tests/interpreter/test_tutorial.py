"""The PyTorch autograd tutorial, as written, prints what PyTorch 2.13 prints.

examples/autograd_tutorial.py runs statement by statement (keep_going: two statements fail on
purpose). Each statement's printed text and error message is compared with literal expected
strings and, when torch is installed, with what real torch prints for the same statement.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from gradcalc.interpreter import Session

TUTORIAL = Path(__file__).resolve().parents[2] / "examples" / "autograd_tutorial.py"
ADDRESS = re.compile(r" at 0x[0-9a-f]+>")

FREED = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you "
    "call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward "
    "through the graph a second time or if you need to access saved tensors after calling "
    "backward."
)
THIRDS = "tensor([[0.3333, 0.3333, 0.3333],\n        [0.3333, 0.3333, 0.3333]])"

# (statement source, what it shows) for every statement that shows something.
EXPECTED = [
    ("print(x)", "tensor([[1., 1., 1.],\n        [1., 1., 1.]], requires_grad=True)"),
    ("print(y)", "tensor([[2., 2., 2.],\n        [2., 2., 2.]], grad_fn=<AddBackward0>)"),
    ("print(y.grad_fn)", "<AddBackward0 object at 0x...>"),
    ("print(y.requires_grad)", "True"),
    (
        "print(z, m)",
        "tensor([[4., 4., 4.],\n        [4., 4., 4.]], grad_fn=<MulBackward0>) "
        "tensor(4., grad_fn=<MeanBackward0>)",
    ),
    ("print(x.grad)", THIRDS),
    ("z.backward()", "error: grad can be implicitly created only for scalar outputs"),
    ("m.backward()", "error: " + FREED),
    ("x.grad.zero_()", "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"),
    ("print(x.grad)", THIRDS),
    ("print(x.grad)", THIRDS.replace("0.3333", "0.6667")),
]


def _gradcalc_transcript() -> list[tuple[str, str]]:
    session = Session()
    result = session.run(TUTORIAL.read_text(), filename=str(TUTORIAL), keep_going=True)
    assert result.syntax_error is None
    shown = []
    for stmt in result.statements:
        parts = [out.text for out in stmt.outputs]
        if stmt.error is not None:
            parts.append("error: " + stmt.error.message)
        if parts:
            shown.append((stmt.source, ADDRESS.sub(" at 0x...>", "\n".join(parts))))
    return shown


def test_tutorial_prints_what_pytorch_prints():
    assert _gradcalc_transcript() == EXPECTED


def test_tutorial_errors_have_hints_and_positions():
    session = Session()
    result = session.run(TUTORIAL.read_text(), keep_going=True)
    failed = [s for s in result.statements if s.error is not None]
    assert len(failed) == 2
    non_scalar, freed = (s.error for s in failed)
    assert ".sum()" in non_scalar.hint and "gradient" in non_scalar.hint
    assert "retain_graph=True" in freed.hint
    lines = TUTORIAL.read_text().splitlines()
    assert lines[non_scalar.span.line - 1].startswith("z.backward()")
    assert lines[freed.span.line - 1].startswith("m.backward()")


@pytest.mark.torch
def test_tutorial_matches_real_torch(torch_module):
    """Run every statement of the tutorial with real torch, as a REPL would, and compare."""
    session = Session()
    result = session.run(TUTORIAL.read_text(), keep_going=True)
    namespace: dict = {}
    for stmt in result.statements:
        buffer = io.StringIO()
        error = None
        with contextlib.redirect_stdout(buffer):
            try:
                exec(compile(stmt.source, "<tutorial>", "single"), namespace)
            except RuntimeError as exc:
                error = str(exc)
        torch_text = buffer.getvalue().rstrip("\n")
        ours = "\n".join(out.text for out in stmt.outputs)
        assert ADDRESS.sub("", ours) == ADDRESS.sub("", torch_text), stmt.source
        if error is None:
            assert stmt.error is None, stmt.source
        else:
            assert stmt.error is not None and stmt.error.message == error, stmt.source
