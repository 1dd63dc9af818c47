"""micrograd's engine tests, written in gradcalc (examples/micrograd_tests.gc)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradcalc.interpreter import Session

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "micrograd_tests.gc"


def _run():
    session = Session()
    result = session.run(SCRIPT.read_text(), filename=str(SCRIPT))
    assert result.ok, [e.message for e in result.errors]
    return session, [o.text for s in result.statements for o in s.outputs]


def test_micrograd_known_results():
    session, printed = _run()
    assert printed == [
        "-20.0 46.0",
        "24.70408163265306",
        "138.83381924198252",
        "645.5772594752186",
    ]
    grads = session.leaf_grads()
    assert float(grads["a"]) == pytest.approx(138.83381924198252, rel=1e-15)
    assert float(grads["b"]) == pytest.approx(645.5772594752186, rel=1e-15)
    assert float(session.values()["g"]) == pytest.approx(24.70408163265306, rel=1e-15)


@pytest.mark.torch
def test_micrograd_matches_torch(torch_module):
    torch = torch_module
    session, _ = _run()
    values = session.values()
    grads = session.leaf_grads()

    x = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert float(values["y"]) == y.item() and float(grads["x"]) == x.grad.item()

    a = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    tol = 1e-12
    assert abs(float(values["g"]) - g.item()) < tol
    assert abs(float(grads["a"]) - a.grad.item()) < tol
    assert abs(float(grads["b"]) - b.grad.item()) < tol
