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
    AttributeLookupError,
    AutogradError,
    DataFileError,
    EvaluationError,
    GradcalcSyntaxError,
    IndexOutOfRange,
    LimitError,
    NameLookupError,
    RaisedError,
    ShapeError,
    ValueDomainError,
)
from gradcalc.interpreter import Session

# (source, error type, message pattern, (line, column), hint pattern or None). The messages
# are Python's and PyTorch's (checked against torch 2.13 by test_the_messages_are_pytorchs);
# positions are where the failing expression starts; hints are gradcalc's own.
CASES = [
    # ---- unknown names, functions, attributes, modules ------------------------------------
    ("z = undefined_thing + 1", NameLookupError, r"^name 'undefined_thing' is not defined$",
     (1, 5), None),
    ("meen(x)", NameLookupError, r"^name 'meen' is not defined$", (1, 1), r"did you mean 'mean'"),
    ("torch.meen(x)", AttributeLookupError, r"^module 'torch' has no attribute 'meen'$", (1, 1),
     r"'mean'"),
    ("F.nope(x)", AttributeLookupError,
     r"^module 'torch.nn.functional' has no attribute 'nope'$", (1, 1), None),
    ("x.meen()", AttributeLookupError, r"^'Tensor' object has no attribute 'meen'$", (1, 1),
     r"'mean'"),
    ("x.numpy()", AutogradError,
     r"^Can't call numpy\(\) on Tensor that requires grad\. Use tensor\.detach\(\)\.numpy\(\) "
     r"instead\.$", (1, 1), None),
    ("import os", NameLookupError, r"^No module named 'os'$", (1, 1), r"torch"),
    ("x.bogus = 1", AttributeLookupError, r"^'Tensor' object has no attribute 'bogus'$", (1, 1),
     r"\.grad, \.requires_grad and \.data"),
    ("x.grad.zero_()", AttributeLookupError, r"^'NoneType' object has no attribute 'zero_'$",
     (1, 1), r"x\.grad stays None"),
    ("q += 1", NameLookupError, r"^name 'q' is not defined$", (1, 1), None),
    # ---- wrong argument counts, names and types --------------------------------------------
    # mean has two overloads (every element; over dim): PyTorch lists them when the call
    # fits neither, or names the one mistake when only one takes that many arguments
    ("mean()", ArgumentError, r"^mean\(\) received an invalid combination of arguments - "
     r"got \(\), but expected one of:\n \* \(Tensor input, \*, torch.dtype dtype = None\)\n",
     (1, 1), r"help\(mean\)"),
    ("mean(x, 1, 2, 3, 4)", ArgumentError, r"^mean\(\) received an invalid combination of "
     r"arguments - got \(Tensor, int, int, int, int\)", (1, 1), r"help\(mean\)"),
    ("mean(x, 1, axs=0)", ArgumentError, r"^mean\(\) got an unexpected keyword argument 'axs'$",
     (1, 1), r"did you mean 'axis'"),
    ("mean(x, axs=0)", ArgumentError, r"^mean\(\) received an invalid combination of arguments"
     r" - got \(Tensor, axs=int\)", (1, 1), r"did you mean 'axis'"),
    ("exp(x, x)", ArgumentError, r"^exp\(\) takes 1 positional argument but 2 were given$",
     (1, 1), r"usage: exp\(input\)"),
    ("exp('a')", ArgumentError,
     r"^exp\(\): argument 'input' \(position 1\) must be Tensor, not str$", (1, 1), r"usage"),
    ("None + 1", ArgumentError, r"^unsupported operand type\(s\) for \+: 'NoneType' and 'int'$",
     (1, 6), None),
    ("v.grad * 2", ArgumentError, r"^unsupported operand type\(s\) for \*: 'NoneType' and 'int'$",
     (1, 8), r"v\.grad stays None"),
    ("x['a']", IndexOutOfRange, r"are valid indices \(got str\)$", (1, 1), None),
    ("randn(2.5)", ArgumentError,
     r"^randn\(\): argument 'size' \(position 1\) must be tuple of ints, not float$", (1, 1),
     r"usage"),
    ("ones(2, dtype='object')", ArgumentError,
     r"^ones\(\): argument 'dtype' must be torch\.dtype, not str$", (1, 1), r"usage"),
    ("print(x, sep=1)", ArgumentError, r"^sep must be None or a string, not int$", (1, 1), None),
    ("(1, 2)(3)", ArgumentError, r"^'tuple' object is not callable$", (1, 1), None),
    # ---- shapes: every op ------------------------------------------------------------------
    ("x @ x", ShapeError, r"^mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)$",
     (1, 3), None),
    ("matmul(x, [1., 2.])", ShapeError, r"^size mismatch, got input \(2\), mat \(2x3\), vec \(2\)$",
     (1, 1), None),
    ("x + [1., 2.]", ShapeError,
     r"^The size of tensor a \(3\) must match the size of tensor b \(2\) at non-singleton "
     r"dimension 1$", (1, 3), r"broadcast"),
    ("z = 1 + x * ones(4)", ShapeError, r"^The size of tensor a \(3\) must match the size of "
     r"tensor b \(4\)", (1, 11), r"broadcast"),
    ("cat([x, v])", ShapeError, r"^Tensors must have same number of dimensions: got 2 and 1$",
     (1, 1), None),
    ("stack([x, v])", ShapeError, r"^stack expects each tensor to be equal size, but got \[2, 3\] "
     r"at entry 0 and \[3\] at entry 1$", (1, 1), None),
    ("reshape(x, (4, 2))", ShapeError, r"^shape '\[4, 2\]' is invalid for input of size 6$",
     (1, 1), None),
    ("x.view(7)", ShapeError, r"^shape '\[7\]' is invalid for input of size 6$", (1, 1), None),
    ("x.expand(3, 3)", ShapeError, r"^The expanded size of the tensor \(3\) must match the "
     r"existing size \(2\) at non-singleton dimension 0\.", (1, 1), None),
    ("x[5]", IndexOutOfRange, r"^index 5 is out of bounds for dimension 0 with size 2$", (1, 1),
     None),
    ("x[0, 0, 0]", IndexOutOfRange, r"^too many indices for tensor of dimension 2$", (1, 1),
     None),
    ("v[-4]", IndexOutOfRange, r"^index -4 is out of bounds for dimension 0 with size 3$",
     (1, 1), None),
    ("x[[0, 7]]", IndexOutOfRange, r"^index 7 is out of bounds for dimension 0 with size 2$",
     (1, 1), None),
    ("x.shape[9]", IndexOutOfRange, r"^tuple index out of range$", (1, 1), None),
    ("cat([x, v], dim=5)", IndexOutOfRange,
     r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)$", (1, 1),
     None),
    ("x.transpose(0, 5)", IndexOutOfRange,
     r"^Dimension out of range \(expected to be in range of \[-2, 1\], but got 5\)$", (1, 1),
     None),
    # ---- values: Python's arithmetic, domains, conversions ----------------------------------
    ("1 / 0", RaisedError, r"^division by zero$", (1, 3), r"tensors divide by zero"),
    ("7 // 0", RaisedError, r"^integer division or modulo by zero$", (1, 3), None),
    ("7 % 0", RaisedError, r"^integer modulo by zero$", (1, 3), None),
    ("0 ** -1", RaisedError, r"^0\.0 cannot be raised to a negative power$", (1, 3), None),
    ("q = 10.0 ** 400", RaisedError, r"^\(34, 'Numerical result out of range'\)$", (1, 10),
     None),
    ("ones(-1)", EvaluationError, r"^Trying to create tensor with negative dimension -1: \[-1\]$",
     (1, 1), None),
    ("arange(0, 10, 0)", EvaluationError, r"^step must be nonzero$", (1, 1), None),
    ("float('a')", ValueDomainError, r"^could not convert string to float: 'a'$", (1, 1), None),
    ("x.item()", ValueDomainError, r"^a Tensor with 6 elements cannot be converted to Scalar$",
     (1, 1), r"item\(\) needs a one-element"),
    # ---- backward misuse --------------------------------------------------------------------
    ("y.backward()", AutogradError, r"^grad can be implicitly created only for scalar outputs$",
     (1, 1), r"\.sum\(\)"),
    ("backward(x)", AutogradError, r"^grad can be implicitly created only for scalar outputs$",
     (1, 1), r"gradient"),
    ("a = x * x; s = sum(a); s.backward(); s.backward()", AutogradError,
     r"^Trying to backward through the graph a second time", (1, 38), r"retain_graph=True"),
    ("c = [1., 2.] * 2; d = sum(c); d.backward()", AutogradError,
     r"^element 0 of tensors does not require grad and does not have a grad_fn$", (1, 31),
     r"requires_grad=True"),
    ("n = sum(y); n.backward(gradient=ones(3))", AutogradError,
     r"^Mismatch in shape: grad_output\[0\] has a shape of torch\.Size\(\[3\]\) and output\[0\] "
     r"has a shape of torch\.Size\(\[\]\)\.$", (1, 13), r"shape"),
    ("y.requires_grad = False", AutogradError,
     r"^you can only change requires_grad flags of leaf variables\.", (1, 1), r"detach"),
    ("grad(m, v)", AutogradError, r"appears to not have been used in the graph", (1, 1),
     r"allow_unused=True"),
    ("hessian(y, x)", AutogradError, r"^grad can be implicitly created only for scalar outputs$",
     (1, 1), r"\.sum\(\)"),
    # ---- resources ----------------------------------------------------------------------------
    ("big = ones(100000, 100000)", LimitError,
     r"10,000,000,000 elements \(shape \(100000, 100000\)\) exceeds the limit", (1, 7),
     r"--max-elements"),
    ("arange(1e20)", LimitError, r"exceeds the limit", (1, 1), r"--max-elements"),
    # ---- files --------------------------------------------------------------------------------
    ("load('no/such/file.npy')", DataFileError, r"no such file", (1, 1), None),
    ("load('/etc/passwd')", DataFileError, r"unsupported file type", (1, 1), r"\.npy, \.csv"),
    ("load(3)", ArgumentError, r"expects a file path string", (1, 1), None),
]  # fmt: skip

# Messages the core once worded its own way, now PyTorch 2.13's (the strings are PyTorch's).
CORE_GAPS = [
    ("x[0, 5]", "index 5 is out of bounds for dimension 1 with size 3"),
    ("x[0:1:0]", "slice step cannot be zero"),
    ("x.requires_grad = 1", "requires_grad must be a bool"),
    ("x.grad = ones(7)", "attempting to assign a gradient of size '[7]' to a tensor "
     "of size '[2, 3]'. Please ensure that the gradient and the tensor are the same size"),
    ("x += 'a'", "unsupported operand type(s) for +=: 'Tensor' and 'str'"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "message"), CORE_GAPS)
def test_pytorchs_message_where_the_core_differs(source, message):
    error = run_error(source)
    assert error.message == message


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


# Python's statements run as Python runs them (after BASE: x is a 2x3 leaf, v a 3-vector)
PYTHON_RUNS = [
    "for i in range(3): x",
    "def f(a): return a",
    "lambda a: a",
    "x = 1 if True else 2",
    "del x",
    "global x",
    "x is None",
    "x = {1: 2}",
    "x = {1, 2}",
    "x = y = 1",
    "try: x\nexcept RuntimeError: pass",
    "with torch.no_grad(): x * 2",
]


@pytest.mark.parametrize("source", PYTHON_RUNS)
def test_python_statements_run(source):
    run_ok(source)


# ... and fail where Python and PyTorch fail, with their errors
PYTHON_FAILS = [
    ("if x > 1: y = 2", "Boolean value of Tensor with more than one value is ambiguous"),
    ("x and v", "Boolean value of Tensor with more than one value is ambiguous"),
    ("not x", "Boolean value of Tensor with more than one value is ambiguous"),
    ("assert x", "Boolean value of Tensor with more than one value is ambiguous"),
    ("return x", "'return' outside function"),
    ("with x: pass", "'Tensor' object does not support the context manager protocol"),
    ("x[0] = 5", "a view of a leaf Variable that requires grad is being used in an in-place "
     "operation."),
    ("class A: pass", "gradcalc can only define subclasses of torch.autograd.Function"),
    ("while True: pass", "the program ran more than 10,000 steps"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "message"), PYTHON_FAILS)
def test_python_statements_fail_as_in_python(source, message):
    error = run_error(source, max_steps=10_000)
    assert error.message.startswith(message), error.message


SYNTAX_ERRORS = [
    "x!",
    "x ~ v",
    "print x",
    "`x`",
    "x := 1",
    "x = 1 = 2",
    "def f(:",
    "try: x",
]


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_syntax_errors_have_a_position_and_run_nothing(source):
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


# ---- non-finite results: as in PyTorch, nothing is said -----------------------------------


def test_nonfinite_results_are_values_as_in_pytorch_and_the_run_goes_on():
    session, result = run_ok("w = v / 0; w = w + 1; n = log(-v); k = sum(v); print(w, n)")
    assert outputs(result) == [
        "tensor([inf, inf, inf], grad_fn=<AddBackward0>) tensor([nan, nan, nan], "
        "grad_fn=<LogBackward0>)"
    ]
    assert float(session.values()["k"]) == 6.0


def test_numpy_warnings_never_reach_the_user(recwarn):
    session, result = run_ok("e = mean(tensor([])); s = softplus(tensor([1000.]))")
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
    assert outputs(result, "warning") == []
    assert np.isnan(session.values()["e"])


def test_grad_of_a_non_leaf_warns_like_pytorch_and_is_none():
    session, result = run_ok("s = sum(y); s.backward(); g = y.grad")
    assert session.values()["g"] is None
    (warning,) = outputs(result, "warning")
    assert warning.startswith("UserWarning: The .grad attribute of a Tensor that is not a leaf")
    assert "retain_grad()" in warning
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
        ("RuntimeError", 3, 7),
        ("ValueError", 5, 5),
    ]
    assert float(session.values()["f"]) == 6.0
    stopped = Session().run("a = 1\nb = meen(a)\nc = 2")
    assert len(stopped.statements) == 2 and "c" not in Session().variables


def test_empty_and_blank_programs_run_nothing_and_fail_nothing():
    for source in ("", " ", "\n\n", "# only a comment", "\t\n  # c\n"):
        session = Session()
        result = session.run(source)
        assert result.ok and result.statements == [], source
        assert session.output is None
        session.implicit_backward(1, False)  # nothing to differentiate: a no-op


def test_a_lone_semicolon_is_pythons_syntax_error():
    for source in (";;", "\t\n  # c\n;"):
        assert isinstance(Session().run(source).syntax_error, GradcalcSyntaxError), source


# The CASES whose source means the same in PyTorch (bare names are torch's functions there)
SAME_IN_PYTORCH = [
    "z = undefined_thing + 1", "torch.meen(x)", "F.nope(x)", "x.meen()", "x.numpy()",
    "x.grad.zero_()", "exp(x, x)", "exp('a')", "None + 1", "v.grad * 2", "randn(2.5)",
    "ones(2, dtype='object')", "(1, 2)(3)", "x @ x", "z = 1 + x * ones(4)", "cat([x, v])",
    "stack([x, v])", "reshape(x, (4, 2))", "x.view(7)", "x.expand(3, 3)", "x[5]", "x[0, 0, 0]",
    "v[-4]", "x[[0, 7]]", "x.shape[9]", "cat([x, v], dim=5)", "x.transpose(0, 5)", "1 / 0",
    "7 // 0", "7 % 0", "0 ** -1", "q = 10.0 ** 400", "ones(-1)", "arange(0, 10, 0)", "x.item()",
    "y.backward()", "a = x * x; s = sum(a); s.backward(); s.backward()",
    "n = sum(y); n.backward(gradient=ones(3))", "y.requires_grad = False",
]  # fmt: skip


@pytest.mark.torch
@pytest.mark.parametrize("source", SAME_IN_PYTORCH)
def test_the_messages_are_pytorchs(source, torch_module):
    torch = torch_module
    namespace = {n: getattr(torch, n) for n in dir(torch) if not n.startswith("_")}
    namespace.update(torch=torch, F=torch.nn.functional)
    exec(  # noqa: S102 - BASE, written for PyTorch
        "x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], dtype=torch.float64, requires_grad=True)\n"
        "v = torch.tensor([1., 2., 3.], dtype=torch.float64, requires_grad=True)\n"
        "m = x.mean(); y = x * 2",
        namespace,
    )
    with pytest.raises(Exception) as raised:  # noqa: PT011 - any of Python's exceptions
        exec(compile(source, "<case>", "exec"), namespace)  # noqa: S102
    error = run_error(source)
    assert error.kind == type(raised.value).__name__
    assert error.message == str(raised.value).splitlines()[0]
