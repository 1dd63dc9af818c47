"""Every kind of broken program, at the Session level: the package's own error type, the
right exit code, a message that says what, the line:column it concerns, and a hint where one
helps. Variables survive every error (what the REPL relies on)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hostile_helpers import outputs, run_error, run_ok, session_with_base

from gradcalc.errors import (
    ArgumentError,
    AutogradError,
    DataFileError,
    GradcalcSyntaxError,
    LimitError,
    NameLookupError,
    ShapeError,
    ValueDomainError,
)
from gradcalc.interpreter import Session

# (source, error type, message pattern, (line, column), hint pattern or None)
CASES = [
    # ---- unknown names, functions, attributes, modules, Python-only keywords -------------
    (
        "z = undefined_thing + 1",
        NameLookupError,
        r"name 'undefined_thing' is not defined",
        (1, 5),
        r"assign it first",
    ),
    ("meen(x)", NameLookupError, r"unknown function 'meen'", (1, 1), r"did you mean 'mean'"),
    (
        "torch.meen(x)",
        NameLookupError,
        r"module 'torch' has no attribute 'meen'",
        (1, 7),
        r"'mean'",
    ),
    (
        "F.nope(x)",
        NameLookupError,
        r"module 'torch.nn.functional' has no attribute 'nope'",
        (1, 3),
        r"subset of torch",
    ),
    ("x.meen()", NameLookupError, r"'Tensor' object has no attribute 'meen'", (1, 3), r"'mean'"),
    (
        "x.numpy()",
        NameLookupError,
        r"'Tensor' object has no attribute 'numpy'",
        (1, 3),
        r"did you mean",
    ),
    ("import os", NameLookupError, r"No module named 'os'", (1, 1), r"torch"),
    (
        "x.bogus = 1",
        NameLookupError,
        r"cannot assign to attribute 'bogus'",
        (1, 3),
        r"assignable attributes",
    ),
    (
        "x.grad.zero_()",
        NameLookupError,
        r"'NoneType' object has no attribute 'zero_'",
        (1, 8),
        r"\.grad stays None",
    ),
    ("q += 1", NameLookupError, r"name 'q' is not defined", (1, 1), None),
    # ---- wrong argument counts, names and types --------------------------------------------
    (
        "mean()",
        ArgumentError,
        r"mean\(\) missing a required argument: 'input'",
        (1, 1),
        r"usage: mean\(input",
    ),
    (
        "mean(x, 1, 2, 3, 4)",
        ArgumentError,
        r"mean\(\) takes at most 3 positional arguments",
        (1, 1),
        r"usage",
    ),
    (
        "mean(x, axs=0)",
        ArgumentError,
        r"unexpected keyword argument 'axs'",
        (1, 1),
        r"did you mean 'axis'",
    ),
    (
        "exp(x, x)",
        ArgumentError,
        r"exp\(\) takes at most 1 positional argument",
        (1, 1),
        r"usage: exp\(input\)",
    ),
    ("exp('a')", ArgumentError, r"must be a tensor or a number, not str", (1, 1), None),
    ("x.sum(dim='a')", ArgumentError, r"dim must be an integer", (1, 1), None),
    ("x += 'a'", ArgumentError, r"expected a tensor, got str", (1, 1), None),
    (
        "None + 1",
        ArgumentError,
        r"unsupported operand type\(s\) for \+: 'NoneType' and 'int'",
        (1, 6),
        r"None",
    ),
    (
        "v.grad * 2",
        ArgumentError,
        r"unsupported operand",
        (1, 8),
        r"\.grad is None until a backward",
    ),
    ("x['a']", ArgumentError, r"valid indices", (1, 3), None),
    ("round(x, 'a')", ArgumentError, r"ndigits must be an integer", (1, 1), r"round\(x, 2\)"),
    ("randn(2.5)", ArgumentError, r"size must be integers", (1, 1), r"randn\(2, 3\)"),
    ("ones(2, dtype='object')", ArgumentError, r"unsupported dtype 'object'", (1, 1), r"float32"),
    ("x.requires_grad = 1", ArgumentError, r"requires_grad must be True or False", (1, 1), None),
    ("print(x, sep=1)", ArgumentError, r"sep and end must be strings", (1, 1), None),
    ("(1, 2)(3)", ArgumentError, r"'tuple' object is not callable", (1, 1), None),
    # ---- shapes: every op ------------------------------------------------------------------
    (
        "x @ x",
        ShapeError,
        r"cannot multiply matrices of shapes \(2, 3\) and \(2, 3\)",
        (1, 3),
        r"last dim",
    ),
    ("matmul(x, [1., 2.])", ShapeError, r"shapes \(2, 3\) and \(2,\)", (1, 1), None),
    (
        "x + [1., 2.]",
        ShapeError,
        r"cannot add tensors of shapes \(2, 3\) and \(2,\)",
        (1, 3),
        r"broadcast",
    ),
    (
        "z = 1 + x * ones(4)",
        ShapeError,
        r"cannot multiply tensors of shapes \(2, 3\) and \(4,\)",
        (1, 11),
        r"broadcast",
    ),
    ("cat([x, v])", ShapeError, r"same number of dimensions", (1, 1), None),
    ("stack([x, v])", ShapeError, r"equal size", (1, 1), None),
    (
        "reshape(x, (4, 2))",
        ShapeError,
        r"shape '\[4, 2\]' is invalid for input of size 6",
        (1, 1),
        r"number of elements",
    ),
    ("x.view(7)", ShapeError, r"invalid for input of size 6", (1, 1), None),
    ("x.expand(3, 3)", ShapeError, r"expanded size", (1, 1), None),
    ("broadcast_to(x, (3,))", ShapeError, r"number of sizes", (1, 1), None),
    ("x[5]", ShapeError, r"index 5 is out of bounds for dimension 0 with size 2", (1, 1), None),
    ("x[0, 5]", ShapeError, r"index 5 is out of bounds for dimension 1 with size 3", (1, 1), None),
    ("x[0, 0, 0]", ShapeError, r"too many indices", (1, 1), None),
    ("v[-4]", ShapeError, r"index -4 is out of bounds", (1, 1), None),
    ("x[[0, 7]]", ShapeError, r"index 7 is out of bounds", (1, 1), None),
    ("x.shape[9]", ShapeError, r"out of range", (1, 1), None),
    ("cat([x, v], dim=5)", ArgumentError, r"Dimension out of range", (1, 1), None),
    ("x.transpose(0, 5)", ArgumentError, r"Dimension out of range", (1, 1), None),
    ("softmax(x, dim=9)", ArgumentError, r"Dimension out of range", (1, 1), None),
    # ---- values: ragged / non-numeric lists, division by zero, domains ---------------------
    ("[[1, 2], [3]]", ValueDomainError, r"ragged nested lists", (1, 1), r"same length"),
    ("[[1, 2], 3]", ValueDomainError, r"numbers and lists mixed", (1, 1), None),
    ("[1, 'a']", ValueDomainError, r"list holding str", (1, 5), r"list literals hold numbers"),
    ("[1, None]", ValueDomainError, r"list holding NoneType", (1, 5), None),
    ("[x, v] * 2", ValueDomainError, r"different shapes", (1, 8), r"same shape"),
    ("1 / 0", ValueDomainError, r"division by zero", (1, 3), r"1/0 gives inf"),
    ("7 // 0", ValueDomainError, r"division by zero", (1, 3), None),
    ("7 % 0", ValueDomainError, r"division by zero", (1, 3), None),
    ("0 ** -1", ValueDomainError, r"division by zero", (1, 3), None),
    ("(-8) ** 0.5", ValueDomainError, r"has no real value", (1, 6), r"real numbers"),
    ("q = 10.0 ** 400", ValueDomainError, r"number too large", (1, 10), None),
    ("x[0:1:0]", ValueDomainError, r"slice step cannot be zero", (1, 3), None),
    ("ones(-1)", ValueDomainError, r"negative dimension", (1, 1), None),
    ("arange(0, 10, 0)", ValueDomainError, r"step must be nonzero", (1, 1), None),
    ("arange(float('nan'))", ValueDomainError, r"finite", (1, 1), None),
    ("float('a')", ValueDomainError, r"could not convert", (1, 1), None),
    (
        "x.item()",
        ValueDomainError,
        r"6 elements cannot be converted",
        (1, 1),
        r"item\(\) needs a one-element",
    ),
    # ---- backward misuse --------------------------------------------------------------------
    (
        "y.backward()",
        AutogradError,
        r"grad can be implicitly created only for scalar outputs",
        (1, 1),
        r"sum\(\.\.\.\)",
    ),
    ("backward(x)", AutogradError, r"only for scalar outputs", (1, 1), r"gradient="),
    (
        "a = x * x; s = sum(a); s.backward(); s.backward()",
        AutogradError,
        r"Trying to backward through the graph a second time",
        (1, 38),
        r"retain_graph=True",
    ),
    (
        "c = [1., 2.] * 2; d = sum(c); d.backward()",
        AutogradError,
        r"element 0 of tensors does not require grad and does not have a grad_fn",
        (1, 31),
        r"requires_grad=True",
    ),
    (
        "n = sum(y); n.backward(gradient=ones(3))",
        ShapeError,
        r"Mismatch in shape",
        (1, 13),
        r"shape",
    ),
    (
        "y.requires_grad = False",
        AutogradError,
        r"only change requires_grad flags of leaf variables",
        (1, 1),
        r"detach",
    ),
    (
        "grad(m, v)",
        AutogradError,
        r"appears to not have been used in the graph",
        (1, 1),
        r"allow_unused=True",
    ),
    ("hessian(y, x)", AutogradError, r"scalar output", (1, 1), r"sum\(\.\.\.\)"),
    ("x.grad = ones(7)", ShapeError, r"assigned grad has data of a different size", (1, 1), None),
    # ---- resources ----------------------------------------------------------------------------
    (
        "big = ones(100000, 100000)",
        LimitError,
        r"10,000,000,000 elements exceeds the limit",
        (1, 7),
        r"--max-elements",
    ),
    ("arange(1e20)", LimitError, r"exceeds the limit", (1, 1), r"--max-elements"),
    # ---- files --------------------------------------------------------------------------------
    ("load('no/such/file.npy')", DataFileError, r"no such file", (1, 1), None),
    ("load('/etc/passwd')", DataFileError, r"unsupported file type", (1, 1), r"\.npy, \.csv"),
    ("load(3)", ArgumentError, r"expects a file path string", (1, 1), None),
]


@pytest.mark.parametrize(
    "source, error_type, message, position, hint", CASES, ids=[c[0][:40] for c in CASES]
)
def test_each_mistake_gets_its_own_clear_error(source, error_type, message, position, hint):
    session = session_with_base()
    before = dict(session.values())
    error = run_error(source, session)
    assert type(error) is error_type, (type(error).__name__, error.message)
    assert error.exit_code == 1
    assert re.search(message, error.message), error.message
    assert (error.span.line, error.span.column) == position
    if hint is None:
        return
    assert error.hint and re.search(hint, error.hint), error.hint
    # nothing the user had is lost
    after = session.values()
    for name, value in before.items():
        assert name in after
        np.testing.assert_array_equal(after[name], value)


PYTHON_ONLY = [
    "if x > 1: y = 2",
    "for i in range(3): x",
    "while True: pass",
    "def f(a): return a",
    "lambda a: a",
    "class A: pass",
    "x = 1 if True else 2",
    "x and v",
    "not x",
    "del x",
    "return x",
    "with x: pass",
    "try: x",
    "global x",
    "assert x",
    "x is None",
    "1 in x",
    "x = {1: 2}",
    "x = {1, 2}",
    "x!",
    "x ~ v",
    "x & v",
    "x << 2",
    "x = y = 1",
    "x[0] = 5",
    "print x",
    "`x`",
    "x := 1",
]


@pytest.mark.parametrize("source", PYTHON_ONLY)
def test_python_only_syntax_is_a_syntax_error_with_position(source):
    session = session_with_base()
    result = session.run(source)
    error = result.syntax_error
    assert isinstance(error, GradcalcSyntaxError), (source, result.errors)
    assert error.exit_code == 2
    assert result.statements == []  # nothing ran
    from hostile_helpers import assert_well_formed

    assert_well_formed(error, source)
    for token in ("LPAR", "RPAR", "NAME", "$END", "_NL", "__ANON"):
        assert token not in error.message


def test_syntax_error_position_on_a_later_line():
    session = session_with_base()
    error = session.run("a = 1\nb = 2\nc = (a +\n  * b)").syntax_error
    assert (error.span.line, error.span.column) == (4, 3)
    assert "'*'" in error.message and "expected an expression" in error.message


def test_unclosed_bracket_names_where_it_opened():
    error = session_with_base().run("z = mean((x + 1)").syntax_error
    assert "'(' opened at column 9 is not closed" in error.message
    assert error.hint == "add the missing ')'"
    # a half-pasted line followed by more code: the next line is where it stops
    error = session_with_base().run("z = mean((x + 1)\nw = 2").syntax_error
    assert (error.span.line, error.span.column) == (2, 1)
    assert error.hint == "'(' opened at line 1, column 9 is still open"


def test_lookalike_characters_get_a_hint():
    error = session_with_base().run("z = x × 2").syntax_error
    assert (error.span.line, error.span.column) == (1, 7)
    assert "'*'" in (error.hint or "")


# ---- non-finite results: warn once per variable, keep going ---------------------------------


def test_nonfinite_results_warn_once_per_variable_and_keep_going():
    session, result = run_ok("w = v / 0; w = w + 1; n = log(-v); k = sum(v)")
    warnings = outputs(result, "warning")
    assert warnings == ["w contains inf", "n contains NaN"]
    assert float(session.values()["k"]) == 6.0  # the run went on
    _, again = run_ok("w = w * 2", session)
    assert outputs(again, "warning") == []  # still inf: not repeated
    _, healed = run_ok("w = v; w = v / 0", session)
    assert outputs(healed, "warning") == ["w contains inf"]  # finite in between


def test_nan_and_inf_together_and_python_floats():
    session, result = run_ok(
        "b = [0., 1., -1.] / 0 * [0., 1., 1.]; f = float('inf') - float('inf')"
    )
    assert outputs(result, "warning") == [
        "b contains NaN and inf",
        "f contains NaN",
    ]


def test_numpy_warnings_never_reach_the_user(recwarn):
    session, result = run_ok("e = mean(tensor([])); s = softplus(tensor([1000.]))")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    assert outputs(result, "warning") == ["e contains NaN"]


def test_grad_of_a_non_leaf_warns_like_pytorch_and_is_none():
    session, result = run_ok("s = sum(y); s.backward(); g = y.grad")
    assert session.values()["g"] is None
    (warning,) = outputs(result, "warning")
    assert "non-leaf" in warning and "retain_grad()" in warning
    session, result = run_ok("y.retain_grad(); s = sum(y); s.backward(); g = y.grad")
    assert outputs(result, "warning") == []
    np.testing.assert_array_equal(session.values()["g"], np.ones((2, 3)))


# ---- the REPL's promise: errors in the middle lose nothing ------------------------------------


def test_every_error_keeps_every_variable_intact():
    session = session_with_base()
    run_ok("s = sum(x * x); s.backward(retain_graph=True)", session)
    snapshot = {k: np.array(v, copy=True) for k, v in session.values().items() if v is not None}
    grads = {k: g.copy() for k, g in session.leaf_grads().items()}
    for source, *_ in CASES:
        if source.startswith(("x.", "x +=", "a = x", "y.requires")):
            continue  # these deliberately touch x or y
        session.run(source, keep_going=True)
    values = session.values()
    for name, value in snapshot.items():
        np.testing.assert_array_equal(values[name], value, err_msg=name)
    for name, grad in grads.items():
        np.testing.assert_array_equal(session.leaf_grads()[name], grad, err_msg=name)
    # and the session still computes
    run_ok("t = sum(x * x); t.backward()", session)
    np.testing.assert_allclose(session.leaf_grads()["x"], 2 * grads["x"])


def test_keep_going_reports_each_error_with_its_line_and_runs_the_rest():
    session = Session()
    result = session.run(
        "a = [1., 2.]\nb = meen(a)\nc = a @ ones(3)\nd = sum(a)\ne = [[1], [2, 3]]\nf = d * 2",
        keep_going=True,
    )
    assert [(e.kind, e.span.line, e.span.column) for e in result.errors] == [
        ("NameError", 2, 5),
        ("ShapeError", 3, 7),
        ("ValueError", 5, 5),
    ]
    assert float(session.values()["f"]) == 6.0
    stopped = Session().run("a = 1\nb = meen(a)\nc = 2")
    assert len(stopped.statements) == 2 and "c" not in Session().variables


def test_empty_and_blank_programs_run_nothing_and_fail_nothing():
    for source in ("", " ", "\n\n", "# only a comment", ";;", "\t\n  # c\n;"):
        session = Session()
        result = session.run(source)
        assert result.ok and result.statements == [], source
        assert session.output is None
        session.implicit_backward(1, False)  # nothing to differentiate: a no-op
