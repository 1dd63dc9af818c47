"""Property tests: generated programs' gradients match finite differences; random input only
ever produces the package's own errors."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcalc.errors import GradcalcError
from gradcalc.interpreter import Session

# GRADCALC_FUZZ_SCALE=40 pytest tests/interpreter/test_properties.py: a longer run.
SCALE = int(os.environ.get("GRADCALC_FUZZ_SCALE", "1"))

# ---- well-formed expressions ---------------------------------------------------------------------

SMOOTH_UNARY = [
    "exp(tanh({}))",
    "tanh({})",
    "sin({})",
    "cos({})",
    "sigmoid({})",
    "torch.sigmoid({})",
    "({}).tanh()",
    "softplus({})",
    "F.silu({})",
    "np.exp(-({})*({}))",
    "log(1 + ({})**2)",
    "sqrt(1 + ({})**2)",
    "({}) ** 2",
    "-({})",
    "softmax({}, dim=0)",
    "log_softmax({}, axis=0)",
    "({}).T",
    "({}).flip(0)",
]
BINARY = [
    "({}) + ({})",
    "({}) - ({})",
    "({}) * ({})",
    "({}) / (2 + ({})**2)",
    "maximum({}, {}) * 0 + ({}) * ({})",
]
REDUCE = [
    "sum({})",
    "mean({})",
    "({}).sum()",
    "torch.mean({})",
    "logsumexp({}, dim=0)",
    "norm(({}) + 3)",
    "dot({}, {})",
    "var({})",
]


def _expression(draw, depth: int) -> str:
    if depth == 0 or draw(st.booleans()) and depth < 3:
        return draw(st.sampled_from(["x", "w", "x", "w", "0.5 * w", "tensor([1.0, -2.0, 0.25])"]))
    kind = draw(st.sampled_from(["unary", "unary", "binary"]))
    if kind == "unary":
        template = draw(st.sampled_from(SMOOTH_UNARY))
        inner = _expression(draw, depth - 1)
        return template.format(*([inner] * template.count("{}")))
    template = draw(st.sampled_from(BINARY))
    left = _expression(draw, depth - 1)
    right = _expression(draw, depth - 1)
    if template.count("{}") == 4:
        return template.format(left, right, left, right)
    if template.count("{}") == 3:
        return template.format(left, right, right)
    return template.format(left, right)


@st.composite
def scalar_programs(draw) -> str:
    # "+ x * w" keeps the reduced operand a 3-vector whatever was drawn (no var(0.5)).
    body = f"{_expression(draw, draw(st.integers(1, 4)))} + x * w"
    template = draw(st.sampled_from(REDUCE))
    if template.count("{}") == 2:
        reduced = template.format(body, "x")
    else:
        reduced = template.format(body)
    # Both leaves always take part, so the output requires grad whatever was drawn.
    return f"{reduced} + 0 * sum(x + w)"


def _value(expr: str, x: np.ndarray, w: np.ndarray) -> float:
    session = Session()
    session.bind("x", repr(x.tolist()))
    session.bind("w", repr(w.tolist()))
    result = session.run(f"out = {expr}")
    assert result.ok, [e.message for e in result.errors]
    return float(session.values()["out"])


@settings(max_examples=30 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scalar_programs(), st.integers(0, 2**16))
def test_generated_gradients_match_finite_differences(expr, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, size=3)
    w = rng.uniform(-1.5, 1.5, size=3)
    session = Session()
    session.bind("x", repr(x.tolist()))
    session.bind("w", repr(w.tolist()))
    result = session.run(f"out = {expr}; out.backward()")
    assert result.ok, (expr, [e.message for e in result.errors])
    grads = session.leaf_grads()
    h = 1e-6
    for name, base in (("x", x), ("w", w)):
        analytic = grads.get(name, np.zeros(3))
        numeric = np.zeros(3)
        for i in range(3):
            plus, minus = base.copy(), base.copy()
            plus[i] += h
            minus[i] -= h
            args_plus = (plus, w) if name == "x" else (x, plus)
            args_minus = (minus, w) if name == "x" else (x, minus)
            numeric[i] = (_value(expr, *args_plus) - _value(expr, *args_minus)) / (2 * h)
        np.testing.assert_allclose(
            analytic, numeric, rtol=1e-5, atol=1e-6, err_msg=f"{expr} d/d{name}"
        )


# ---- hostile input ---------------------------------------------------------------------------------------

TOKENS = [
    "x", "y", "m", "mean", "sum", "torch", ".", "(", ")", "[", "]", ",", ":", "=", "+", "-", "*",
    "/", "**", "@", "//", "%", "==", "<", "1", "2.5", "-1", "0", "1e308", "'a.npy'", "\"s\"",
    "None", "True", ";", "\n", "backward", "grad", "x.grad", "requires_grad=True", "dim=",
    "axis=0", "...", "__class__", "import", "as", "F", "np", "load", "print", "reshape", "T",
    "zero_()", "retain_graph=True", "ones", "randn", "cat", "stack", "jacobian", "hessian",
    "item", "len", "float", "int", "abs", "round", "+=", "where", "keepdim=True",
]  # fmt: skip


def _assert_only_own_errors(session: Session, source: str) -> None:
    try:
        result = session.run(source, keep_going=True)
    except Exception as exc:  # pragma: no cover - the failure this test exists to catch
        raise AssertionError(
            f"Session.run raised {type(exc).__name__}: {exc!r} for {source!r}"
        ) from exc
    for err in result.errors:
        assert isinstance(err, GradcalcError), (source, err)
        assert "internal error" not in err.message, (source, err.message)
    for stmt in result.statements:
        for out in stmt.outputs:
            assert isinstance(out.text, str)


@settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25))
def test_random_token_sequences_raise_only_package_errors(tokens):
    session = Session(max_elements=100_000)
    session.run("x = [[1.0, 2.0], [3.0, 4.0]]; y = x * 2; m = mean(y)")
    _assert_only_own_errors(session, " ".join(tokens))


@settings(max_examples=50 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_random_text_raises_only_package_errors(text):
    session = Session(max_elements=100_000)
    session.run("x = [1.0, 2.0]")
    _assert_only_own_errors(session, text)


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        sorted(
            {
                "mean",
                "sum",
                "exp",
                "reshape",
                "cat",
                "stack",
                "where",
                "clamp",
                "max",
                "softmax",
                "transpose",
                "permute",
                "matmul",
                "norm",
                "var",
                "cross_entropy",
                "mse_loss",
                "linspace",
                "arange",
                "eye",
                "full",
                "ones",
                "randn",
                "item",
                "backward",
                "grad",
                "jacobian",
                "hessian",
                "load",
                "print",
                "len",
                "float",
                "int",
                "round",
                "unsqueeze",
                "squeeze",
                "expand",
                "flatten",
                "std",
                "prod",
                "min",
                "dot",
                "outer",
            }
        )
    ),
    st.lists(
        st.sampled_from(
            [
                "x",
                "y",
                "0",
                "1",
                "-1",
                "2.5",
                "(2, 2)",
                "[x, y]",
                "None",
                "'s'",
                "dim=0",
                "axis=5",
                "keepdim=True",
                "bogus=1",
                "x.T",
                "True",
            ]
        ),
        max_size=4,
    ),
)
def test_random_builtin_calls_raise_only_package_errors(name, args):
    session = Session(max_elements=100_000)
    session.run("x = [[1.0, 2.0], [3.0, 4.0]]; y = x * 2")
    _assert_only_own_errors(session, f"{name}({', '.join(args)})")
    _assert_only_own_errors(session, f"x.{name}({', '.join(args)})")
