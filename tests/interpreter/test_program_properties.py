"""Generated PyTorch programs with functions, closures, lambdas, loops, conditions,
comprehensions and try blocks: the gradients gradcalc computes match finite differences of the
same program (``gradcalc.autograd.gradcheck.numeric_jacobian``), and, with torch installed, the
values and gradients real PyTorch computes for the same text (issue 11's done-when).

Control flow depends on loop counters, never on tensor values, so every generated program is
smooth in its inputs and central differences are a fair oracle.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcalc.autograd.gradcheck import numeric_jacobian
from gradcalc.autograd.tensor import make_tensor
from gradcalc.interpreter import Session

SCALE = int(os.environ.get("GRADCALC_FUZZ_SCALE", "1"))
SETTINGS = settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))

UNARY = [
    "torch.sin({})",
    "torch.tanh({})",
    "({}) ** 2",
    "torch.exp(-({}) ** 2)",
    "torch.sigmoid({})",
    "({}).cos()",
    "torch.nn.functional.softplus({})",
    "({}) * 0.5 + 1.0",
]
BINARY = ["{a} * {b}", "{a} + {b}", "{a} - 0.5 * {b}", "{a} / (1.0 + {b} ** 2)"]


def unary(draw, inner: str) -> str:
    return draw(st.sampled_from(UNARY)).format(inner)


@st.composite
def helpers(draw) -> str:
    """Two functions (one with a default and a keyword-only parameter), a lambda, a closure."""
    h0 = draw(st.sampled_from(BINARY)).format(a=unary(draw, "a"), b="b")
    h1 = draw(st.sampled_from(BINARY)).format(a="a", b=unary(draw, "b"))
    return (
        f"def h0(a, b):\n    return {h0}\n"
        f"def h1(a, b, scale=0.5, *, shift=0.0):\n    return ({h1}) * scale + shift\n"
        f"sq = lambda t: {unary(draw, 't')}\n"
        "def make(c):\n"
        "    def inner(t):\n"
        f"        return t * c + {unary(draw, 't')}\n"
        "    return inner\n"
        f"mul = make({draw(st.sampled_from(['0.5', '-1.0', '2.0']))})\n"
    )


def indent(block: str, levels: int = 1) -> str:
    return "".join("    " * levels + line + "\n" for line in block.splitlines())


@st.composite
def stages(draw) -> str:
    """One block of g's body, transforming acc (shape (3,)) with w."""
    kind = draw(st.integers(0, 10))
    n = draw(st.integers(1, 4))
    if kind == 0:
        stop = draw(st.sampled_from(["", "    if i == 1:\n        continue\n",
                                     "    if i == 2:\n        break\n"]))  # fmt: skip
        return f"for i in range({n}):\n{stop}    acc = h0(acc, w) if i % 2 == 0 else h1(acc, w)\n"
    if kind == 1:
        return f"k = 0\nwhile k < {n}:\n    acc = acc + sq(w) * 0.1\n    k += 1\n"
    if kind == 2:
        return f"acc = torch.stack([{unary(draw, 'acc[j]')} * w[j] for j in range(3)])\n"
    if kind == 3:
        return f"acc = torch.stack([a * b + {unary(draw, 'a')} for a, b in zip(acc, w)])\n"
    if kind == 4:
        return (
            f"if {n} % 2 == 0:\n    acc = {unary(draw, 'acc')}\n"
            f"elif {n} == 3:\n    acc = acc * w\nelse:\n    acc = mul(acc)\n"
        )
    if kind == 5:
        return "acc = sq(acc) + mul(w)\n"
    if kind == 6:
        op = draw(st.sampled_from(["+=", "-="]))
        return f"acc = acc.clone()\nacc {op} w * 0.5\n"
    if kind == 7:
        return "acc = h1(acc, b=w, scale=0.3, shift=0.1)\n"
    if kind == 8:
        return (
            "try:\n    acc = acc + undefined_thing\n"
            "except NameError:\n    acc = acc * 1.5\nfinally:\n    acc = acc + 0.25\n"
        )
    if kind == 9:
        return (
            f"vals = []\nfor j, v in enumerate(acc):\n    vals.append({unary(draw, 'v')} + w[j])\n"
            "acc = torch.stack(vals)\n"
        )

    def total(values):
        return f"sum([{values}], torch.zeros(()))"

    return f"acc = acc * {total('t for t in w * w')}\n"


@st.composite
def programs(draw) -> str:
    body = "".join(draw(st.lists(stages(), min_size=1, max_size=4)))
    ending = draw(st.sampled_from(["(acc * acc).sum()", "acc.sum()", "torch.tanh(acc).sum()"]))
    return (
        "import torch\n"
        + draw(helpers())
        + "def g(x, w):\n    acc = x * 1\n"
        + indent(body)
        + f"    return {ending}\n"
    )


points = st.lists(
    st.floats(-1.5, 1.5, allow_nan=False).map(lambda f: round(f, 3)), min_size=6, max_size=6
)


def run_program(program: str, point: list[float]) -> Session:
    x, w = point[:3], point[3:]
    session = Session(record_graph=False)
    result = session.run(
        program
        + f"x = torch.tensor({x!r}, dtype=torch.float64, requires_grad=True)\n"
        + f"w = torch.tensor({w!r}, dtype=torch.float64, requires_grad=True)\n"
        + "out = g(x, w)\nout.backward()\n"
    )
    assert result.ok, (program, [e.message for e in result.errors])
    return session


@SETTINGS
@given(program=programs(), point=points)
def test_gradients_of_programs_with_functions_and_loops_match_finite_differences(program, point):
    session = run_program(program, point)
    variables = session.variables

    def g_of(x, w):  # the program's own g, run by the session on the nudged inputs
        variables["xp"], variables["wp"] = x, w
        result = session.run("outp = g(xp, wp)")
        assert result.ok, result.errors
        return variables["outp"]

    inputs = [
        make_tensor(np.array(point[:3], dtype=np.float64)),
        make_tensor(np.array(point[3:], dtype=np.float64)),
    ]
    for index, name in enumerate("xw"):
        numeric = numeric_jacobian(g_of, inputs, index)[0]
        grad = variables[name].grad  # None for an input the program did not use
        analytic = np.zeros(3) if grad is None else grad.array
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7, err_msg=program)


@pytest.mark.torch
@SETTINGS
@given(program=programs(), point=points)
def test_programs_compute_what_pytorch_computes(program, point, torch_module):
    torch = torch_module
    session = run_program(program, point)
    namespace: dict = {}
    exec(program, namespace)  # noqa: S102 - generated by this test
    x = torch.tensor(point[:3], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(point[3:], dtype=torch.float64, requires_grad=True)
    out = namespace["g"](x, w)
    out.backward()
    ours = session.variables
    np.testing.assert_allclose(ours["out"].array, out.detach().numpy(), rtol=1e-12, atol=1e-12)
    for name, theirs in (("x", x.grad), ("w", w.grad)):
        if theirs is None:
            assert ours[name].grad is None
        else:
            np.testing.assert_allclose(
                ours[name].grad.array, theirs.numpy(), rtol=1e-12, atol=1e-12, err_msg=program
            )
