"""Fuzzing the whole pipeline (what tests/grammar and tests/interpreter do not already):

* random byte strings, decoded as the CLI decodes a script, through Session.run and then
  everything the CLI asks afterwards (implicit backward, values, gradients, graph, check);
* random multi-statement token soups (statements, newlines, builtins, dunders, attributes);
* random well-formed multi-statement programs with intermediate variables, augmented
  assignment and several backward calls: x.grad matches central finite differences of the
  program re-run on perturbed inputs (an oracle independent of the autograd core).

The default run is short; ``pytest -m fuzz tests/hostile`` runs the same properties with
many more examples (GRADCALC_FUZZ_EXAMPLES sets how many, default 2000).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hostile_helpers import assert_no_python_leak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcalc.errors import GradcalcError
from gradcalc.interpreter import Session

FUZZ_EXAMPLES = int(os.environ.get("GRADCALC_FUZZ_EXAMPLES", "2000"))
QUICK = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

SETUP = "x = [[1., -2.], [0.5, 3.]]; v = [1., 2.]; y = x * 2; m = mean(y)"


def run_whole_pipeline(source: str) -> None:
    """What the CLI does with a program; only package errors may come out, none leaking."""
    session = Session(max_elements=20_000, max_steps=20_000)
    session.run(SETUP)
    try:
        result = session.run(source, filename="fuzz.gc", keep_going=True)
        for error in result.errors:
            assert isinstance(error, GradcalcError)
            assert_no_python_leak(error.message)
            assert_no_python_leak(error.hint)
        for statement in result.statements:
            for output in statement.outputs:
                assert isinstance(output.text, str)
        try:
            session.implicit_backward(2, True)
        except GradcalcError as error:
            assert_no_python_leak(error.message)
        session.values()
        session.leaf_grads()
        graph = session.graph()
        if graph is not None:
            assert graph.nodes
        session.check_gradients()
        session.statements_source()
        session.completions(source[-5:])
    except GradcalcError:
        pass  # the reporting calls may refuse (e.g. an unknown name); never anything else


# ---- random bytes, decoded as the CLI does --------------------------------------------------


def decode_like_the_cli(data: bytes) -> str | None:
    """``-f FILE`` reads UTF-8 strictly (anything else is a UsageError before parsing)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


# Bytes biased towards the language: fragments of programs, with random bytes between.
FRAGMENTS = [
    b"def f(", b"):\n    ", b"return ", b"for i in range(", b"while True:\n    ", b"try:\n    ",
    b"\nexcept:\n    ", b"lambda q: ", b"class A(torch.autograd.Function):\n    ", b"yield ",
    b"x", b"y", b"m", b"v", b" = ", b" + ", b" * ", b" @ ", b"**", b"(", b")", b"[", b"]", b",",
    b":", b".", b";", b"\n", b"#", b"'", b'"', b"\\", b"1", b"0.5", b"1e309", b"-", b"mean(",
    b"sum(", b".backward()", b".grad", b"__class__", b"import ", b"torch.", b"requires_grad=True",
    b"retain_grad()", b"\xff", b"\x00", b"\xc3\xa9", b"\xe2\x80\x94", b"\xef\xbb\xbf", b"\t", b"\r\n",
]  # fmt: skip
byte_programs = st.one_of(
    st.binary(max_size=80),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=3)), max_size=25).map(
        b"".join
    ),
)


def check_bytes(data: bytes) -> None:
    text = decode_like_the_cli(data)
    if text is None:
        text = data.decode("utf-8", errors="replace")  # what a terminal paste may deliver
    run_whole_pipeline(text)


@QUICK
@given(byte_programs)
def test_random_bytes_through_the_whole_pipeline(data):
    check_bytes(data)


@pytest.mark.fuzz
@LONG
@given(byte_programs)
def test_fuzz_random_bytes_through_the_whole_pipeline(data):
    check_bytes(data)


# ---- token soups made of whole statements -----------------------------------------------------

WORDS = [
    "x", "y", "m", "v", "z", "w", "1", "2.5", "-1", "0", "1e300", "None", "True", "'ij->j'",
    "mean", "sum", "exp", "log", "reshape", "cat", "stack", "backward", "grad", "jacobian",
    "hessian", "load", "print", "zero_grad", "detach", "tensor", "ones", "randn", "where",
    "torch", "F", "np", "import", "from", "as", "__class__", "__import__", "grad_fn", "data",
    "shape", "T", "requires_grad", "retain_grad", "retain_graph", "keepdim", "dim",
    "+", "-", "*", "/", "//", "%", "@", "**", "==", "<", "=", "+=", "*=", "(", ")", "[", "]",
    ",", ":", ".", ";", "\n", "...",
    # the language's statements: blocks, functions, classes, exceptions, comprehensions
    "def", "f", "lambda", "return", "for", "in", "range", "while", "True", "if", "else", "elif",
    "try", "except", "finally", "raise", "class", "with", "torch.no_grad()", "break",
    "continue", "pass", "yield", "global", "nonlocal", "del", "assert", "is", "not", "and",
    ":=", "\n    ", "\n        ", "@", "f(x)", "**kwargs", "*args", "{", "}", "[i for i in x]",
    "f'{x}'", "'{0}'.format(x)", "'%d' % 1", "Exception", "RuntimeError", "e", "e.args",
]  # fmt: skip
soups = st.lists(st.sampled_from(WORDS), min_size=1, max_size=40).map(" ".join)


@QUICK
@given(soups)
def test_statement_soups_through_the_whole_pipeline(source):
    run_whole_pipeline(source)


@pytest.mark.fuzz
@LONG
@given(soups)
def test_fuzz_statement_soups_through_the_whole_pipeline(source):
    run_whole_pipeline(source)


# ---- well-formed programs: gradients against finite differences --------------------------

UNARY = ["tanh({})", "sin({})", "exp(-({})**2)", "sigmoid({})", "({})**2", "softplus({})", "-({})"]
BINARY = ["{} + {}", "{} - {}", "{} * {}", "{} / (1 + {}**2)"]


@st.composite
def programs(draw):
    """Statements over the leaf x (shape (3,)), each one naming a new intermediate."""
    names = ["x"]
    lines = []
    for i in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["unary", "binary", "aug", "constant"]))
        a = draw(st.sampled_from(names))
        b = draw(st.sampled_from(names))
        if kind == "unary":
            expr = draw(st.sampled_from(UNARY)).format(a)
        elif kind == "binary":
            expr = draw(st.sampled_from(BINARY)).format(a, b)
        elif kind == "constant":
            expr = f"{a} * {draw(st.sampled_from(['2', '0.5', '-3', '[1., 2., 3.]']))}"
        else:
            target = f"t{i}"
            # a copy: in-place on the leaf itself is PyTorch's error (tested elsewhere)
            lines.append(f"{target} = {a} * 1")
            op = draw(st.sampled_from(["+=", "-=", "*="]))
            lines.append(f"{target} {op} tanh({b})")
            names.append(target)
            continue
        lines.append(f"t{i} = {expr}")
        names.append(f"t{i}")
    terms = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))
    lines.append("out = sum(" + " + ".join(terms) + ")")
    return "\n".join(lines)


def program_value(program: str, x: np.ndarray) -> float:
    session = Session()
    session.bind("x", "[" + ", ".join(repr(float(v)) for v in x) + "]")
    result = session.run(program)
    assert result.ok, [e.message for e in result.errors]
    return float(session.values()["out"])


def check_program(program: str, point: list[float], passes: int) -> None:
    session = Session()
    session.bind("x", repr(point))
    body = program + "".join("\nout.backward(retain_graph=True)" for _ in range(passes))
    result = session.run(body)
    assert result.ok, [e.message for e in result.errors]
    analytic = session.leaf_grads()["x"]
    x = np.array(point)
    numeric = np.zeros_like(x)
    h = 1e-6
    for i in range(x.size):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        numeric[i] = (program_value(program, plus) - program_value(program, minus)) / (2 * h)
    # gradients accumulate over the backward passes, as in PyTorch
    np.testing.assert_allclose(analytic, passes * numeric, rtol=1e-5, atol=1e-6)


points = st.lists(
    st.floats(-2, 2, allow_nan=False).map(lambda f: round(f, 3)), min_size=3, max_size=3
)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(programs(), points, st.integers(1, 2))
def test_generated_programs_gradients_match_finite_differences(program, point, passes):
    check_program(program, point, passes)


@pytest.mark.fuzz
@settings(
    max_examples=max(FUZZ_EXAMPLES // 10, 25),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@given(programs(), points, st.integers(1, 3))
def test_fuzz_generated_programs_gradients_match_finite_differences(program, point, passes):
    check_program(program, point, passes)
