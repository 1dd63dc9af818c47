"""The Session contract (notes/session-api.md): running, outputs, variables, leaves, errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
from interp_helpers import error_of, run, shown, texts

from gradcalc.errors import (
    ArgumentError,
    AttributeLookupError,
    AutogradError,
    GradcalcError,
    LimitError,
    NameLookupError,
    ShapeError,
    UsageError,
    ValueDomainError,
)
from gradcalc.interpreter import Session

THIRD = np.full((2, 3), 1 / 3)


# ---- the brief's one-liner ------------------------------------------------------------------


def test_one_liner_values_output_and_implicit_backward():
    session, result = run("x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    assert result.ok and texts(result) == []
    assert session.output_name == "m"
    assert float(session.values()["m"]) == 9.0
    assert not session.differentiated
    session.implicit_backward(1, retain_graph=False)
    np.testing.assert_allclose(session.leaf_grads()["x"], THIRD)
    assert session.backward_calls == 1


def test_implicit_backward_twice_needs_retain_graph():
    session, _ = run("x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    with pytest.raises(AutogradError) as info:
        session.implicit_backward(2, retain_graph=False)
    assert info.value.message.startswith("Trying to backward through the graph a second time")
    assert "--retain-graph" in info.value.hint

    session, _ = run("x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    session.implicit_backward(2, retain_graph=True)
    np.testing.assert_allclose(session.leaf_grads()["x"], 2 * THIRD)
    assert session.backward_calls == 2


def test_implicit_backward_of_non_scalar_hints_sum():
    session, _ = run("x = [1.0, 2.0]; y = x * 2")
    with pytest.raises(AutogradError) as info:
        session.implicit_backward(1, retain_graph=False)
    assert info.value.message == "grad can be implicitly created only for scalar outputs"
    assert "sum(" in info.value.hint


def test_explicit_backward_marks_differentiated():
    session, result = run("x = [1.0, 2.0]; y = sum(x * x); y.backward(); x.grad")
    assert result.ok
    assert session.differentiated and session.backward_calls == 1
    assert texts(result) == ["tensor([2., 4.])"]
    assert session.output_name is None  # the last statement was an expression


# ---- which tensors require grad ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "name", "requires"),
    [
        ("x = [[1,2,3],[4,5,6]]", "x", True),
        ("c = 2.", "c", True),
        ("c = -2.5", "c", True),
        ("w = randn(3, 3)", "w", True),
        ("w = zeros(2)", "w", True),
        ("w = torch.zeros(2)", "w", False),  # PyTorch's spelling keeps PyTorch's default
        ("X = torch.tensor([[1.0, 2.0]])", "X", False),
        ("X = torch.from_numpy(np.array([1.0, 2.0]))", "X", False),
        ("w = ones(2, 3, requires_grad=False)", "w", False),
        ("w = torch.ones(2, 3, requires_grad=True)", "w", True),
        ("w = tensor([1.0, 2.0], requires_grad=False)", "w", False),
        ("w = [1, 2] * 2", "w", False),  # a literal inside an expression is a constant
    ],
)
def test_requires_grad_rules(source, name, requires):
    session, result = run(source)
    assert result.ok, result.errors
    value = session.variables[name]
    assert value.requires_grad is requires


def test_numbers_inside_expressions_are_constants():
    session, _ = run("n = 2 * 3; b = True")
    assert session.variables["n"] == 6
    assert session.variables["b"] is True


def test_list_of_tensors_is_a_sequence_and_stacks_with_gradients():
    session, result = run(
        "a = [1.0, 2.0]; b = [3.0, 4.0]; s = [a, b * 2]; c = cat(s); t = sum(s * 1); t.backward()"
    )
    assert result.ok, result.errors
    assert isinstance(session.variables["s"], list)
    np.testing.assert_array_equal(session.values()["c"], [1, 2, 6, 8])
    np.testing.assert_array_equal(session.leaf_grads()["a"], [1, 1])
    np.testing.assert_array_equal(session.leaf_grads()["b"], [2, 2])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = [[1, 2], [3]]", "expected sequence of length 2 at dim 1 (got 1)"),
        ("x = [1.0] + [1, 'a']", "unsupported operand"),
        ("x = tensor([1, None])", "invalid data type 'NoneType'"),
    ],
)
def test_bad_list_literals(source, message):
    err = error_of(source)
    assert isinstance(err, ValueDomainError | ArgumentError)
    assert message in err.message


# ---- outputs ----------------------------------------------------------------------------------


def test_expression_statements_show_reprs_and_assignments_show_nothing():
    out = shown("x = torch.ones(2, 3, requires_grad=True); x; 1 + 2; 'text'; None; True; (1, 2.5)")
    assert out == "\n".join(
        [
            "tensor([[1., 1., 1.],",
            "        [1., 1., 1.]], requires_grad=True)",
            "3",
            "'text'",
            "True",
            "(1, 2.5)",
        ]
    )


def test_print_formats_like_python():
    out = shown("x = [1.0, 2.0]; print(x, 'and', 3, None, x.shape, sep=' | ')")
    assert out == "tensor([1., 2.], requires_grad=True) | and | 3 | None | torch.Size([2])"


def test_attributes_print_like_torch():
    out = shown(
        "x = ones(2, 3); y = x + 1; m = y.mean(); x.shape; x.dtype; x.ndim; m.grad_fn; "
        "x.is_leaf; y.is_leaf; y.requires_grad; x.grad; x.T.shape"
    ).split("\n")
    assert out[0] == "torch.Size([2, 3])"
    assert out[1] == "torch.float64"
    assert out[2] == "2"
    assert re.fullmatch(r"<MeanBackward0 object at 0x[0-9a-f]+>", out[3])
    assert out[4:7] == ["True", "False", "True"]
    assert out[7] == "torch.Size([3, 2])"  # x.grad is None: shows nothing


def test_float32_session_and_dtype_suffix():
    assert shown("x = [1.0, 2.0]; x") == "tensor([1., 2.], requires_grad=True)"
    assert shown("x = [1.0, 2.0]; x", dtype="float32") == "tensor([1., 2.], requires_grad=True)"
    assert shown("x = tensor([1.0], dtype=torch.float32); x") == (
        "tensor([1.], dtype=torch.float32, requires_grad=True)"
    )


def test_infinities_are_values_not_warnings():
    """As in PyTorch, log(0) is -inf without a word (gradcalc once warned here)."""
    session, result = run("x = [0.0, 1.0]; y = log(x); z = [1.0] / x[0:1]")
    assert result.ok
    assert [o for s in result.statements for o in s.outputs] == []
    assert session.values()["y"][0] == -np.inf


# ---- errors -----------------------------------------------------------------------------------


def test_unknown_function_suggests_the_closest():
    err = error_of("x = [1.0]; meen(x)")
    assert isinstance(err, NameLookupError)
    assert err.message == "name 'meen' is not defined"
    assert err.hint == "did you mean 'mean'?"
    assert (err.span.line, err.span.column) == (1, 12)


def test_unknown_variable():
    err = error_of("xx = 1; y = xy + 1")
    assert err.message == "name 'xy' is not defined"
    assert "'xx'" in err.hint


def test_unexpected_keyword_with_suggestion():
    err = error_of("x = [[1.0, 2.0]]; mean(x, 1, axs=0)")
    assert isinstance(err, ArgumentError)
    assert err.message == "mean() got an unexpected keyword argument 'axs'"
    assert err.hint == "did you mean 'axis'?"
    # two overloads take (x, axs=0): PyTorch's list of both, with the suggestion as the hint
    err = error_of("x = [[1.0, 2.0]]; mean(x, axs=0)")
    assert err.message.startswith(
        "mean() received an invalid combination of arguments - got (Tensor, axs=int), "
    )
    assert err.hint == "did you mean 'axis'?"


def test_axis_and_keepdims_are_synonyms():
    out = shown("x = [[1.0, 2.0], [3.0, 4.0]]; sum(x, axis=0); x.sum(dim=1, keepdims=True)")
    assert out.split("\n")[0] == "tensor([4., 6.], grad_fn=<SumBackward1>)"
    assert "[[3.]," in out


def test_shape_error_points_at_the_operator():
    source = "x = [[1,2,3],[4,5,6]]; y = x + [1, 2, 3, 4]"
    err = error_of(source)
    assert isinstance(err, ShapeError)
    assert err.message == (
        "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"
    )
    assert source[err.span.start : err.span.end] == "+"


def test_attribute_sandbox():
    for attr in ("__class__", "__dict__", "_grad", "array", "__array__"):
        err = error_of(f"x = [1.0]; x.{attr}")
        assert isinstance(err, AttributeLookupError), attr
        assert err.message == f"'Tensor' object has no attribute '{attr}'"
    err = error_of("x = [1.0]; x.data.__array__")
    assert isinstance(err, AttributeLookupError)
    err = error_of("torch.__dict__")
    assert err.message == "module 'torch' has no attribute '__dict__'"
    assert error_of("x = [1, 'a']; x.__class__").message == (
        "'list' object has no attribute '__class__'"
    )
    err = error_of("import os")
    assert isinstance(err, NameLookupError)


def test_autograd_errors_keep_torch_messages_and_get_hints():
    err = error_of("x = [1.0, 2.0]; z = x * 2; z.backward()")
    assert err.message == "grad can be implicitly created only for scalar outputs"
    assert "sum()" in err.hint or "sum(" in err.hint
    err = error_of("x = [1.0]; m = sum(x * x); m.backward(); m.backward()")
    assert err.message.startswith("Trying to backward through the graph a second time")
    assert "retain_graph=True" in err.hint
    err = error_of("x = tensor([1.0], requires_grad=False); sum(x).backward()")
    assert err.message == "element 0 of tensors does not require grad and does not have a grad_fn"
    assert err.hint


def test_keep_going_reports_every_error():
    _, result = run("a = 1; b = nope; c = 2; d = nada", keep_going=True)
    assert [s.error is not None for s in result.statements] == [False, True, False, True]
    _, result = run("a = 1; b = nope; c = 2")
    assert len(result.statements) == 2


def test_syntax_error_runs_nothing():
    session, result = run("x = 1; y = (")
    assert result.syntax_error is not None and result.statements == []
    assert "x" not in session.variables


def test_deep_nesting_is_a_clear_error_or_a_value():
    session = Session()
    session.run("x = 1.0")
    result = session.run("y = " + "(" * 3000 + "x" + ")" * 3000)
    for err in result.errors:
        assert isinstance(err, GradcalcError)
        assert "nest" in err.message or "deep" in err.message
    result = session.run("y = " + " + ".join(["x"] * 400))
    assert result.ok
    assert float(session.values()["y"]) == 400


def test_long_flat_chains_evaluate_iteratively():
    """A left-nested chain deeper than Python's recursion limit (built directly: the parser
    bounds the depth it accepts) evaluates without recursion."""
    from gradcalc.errors import Span
    from gradcalc.grammar import ast

    del Span, ast
    session = Session()
    result = session.run("x = 1.0\ny = " + " + ".join(["x"] * 20_000))
    assert result.ok, result.errors
    assert float(session.values()["y"]) == 20_000


def test_element_limit():
    err = error_of("x = ones(100000, 100000)")
    assert isinstance(err, LimitError)
    err = error_of("x = ones(1000, 1); y = x * ones(1, 1000)", max_elements=10_000)
    assert isinstance(err, LimitError)


def test_python_number_errors():
    assert error_of("1 / 0").kind == "ZeroDivisionError"
    assert shown("2 ** 10") == "1024"
    err = error_of("10 ** 10 ** 10")
    assert err.kind == "OverflowError"


# ---- attribute statements -----------------------------------------------------------------------


def test_grad_reset_zero_and_retain_grad():
    session, result = run(
        "x = [1.0, 2.0]; y = x * 3; y.retain_grad(); m = sum(y * y); m.backward(retain_graph=True)\n"
        "y.grad\n"
        "x.grad.zero_()\n"
        "x.grad = None\n"
        "x.grad\n"
        "m.backward()\n"
        "x.grad"
    )
    assert result.ok, result.errors
    outs = texts(result)
    assert outs[0] == "tensor([ 6., 12.])"
    assert outs[1] == "tensor([0., 0.])"
    assert outs[2] == "tensor([18., 36.])"


def test_requires_grad_underscore_on_computed_leaf():
    session, result = run(
        "a = tensor([1.0, 2.0], requires_grad=False); b = a * 3; b.requires_grad; b.requires_grad_(); "
        "b.requires_grad"
    )
    assert texts(result)[0] == "False"
    assert texts(result)[-1] == "True"


def test_zero_grad_zeroes_every_named_leaf():
    session, result = run("a = [1.0]; b = [2.0]; s = sum(a * b); s.backward(); zero_grad()")
    assert result.ok
    grads = session.leaf_grads()
    np.testing.assert_array_equal(grads["a"], [0.0])
    np.testing.assert_array_equal(grads["b"], [0.0])


# ---- prefixes and imports -----------------------------------------------------------------------


def test_prefixes_resolve_to_the_same_builtins():
    out = shown(
        "x = [-1.0, 2.0]\nrelu(x); F.relu(x); torch.nn.functional.relu(x); torch.relu(x); x.relu()"
    ).split("\n")
    assert len(set(out)) == 1
    assert out[0] == "tensor([0., 2.], grad_fn=<ReluBackward0>)"


def test_pytorch_code_needs_its_imports_and_aliases_work():
    out = shown(
        "import torch as tt; import numpy as npy; import torch.nn.functional as FF\n"
        "x = tt.tensor([-1.0, 2.0], requires_grad=True)\n"
        "FF.relu(x); tt.nn.functional.relu(x); tt.relu(x); x.relu(); npy.exp(x) - tt.exp(x)"
    ).split("\n")
    assert len(set(out[:4])) == 1
    assert out[0] == "tensor([0., 2.], grad_fn=<ReluBackward0>)"
    assert error_of("import torch\nrelu(torch.ones(1))").message == "name 'relu' is not defined"


def test_autograd_grad_tuple_and_plain_grad():
    out = shown(
        "x = [1.0, 2.0]; m = sum(x * x); grad(m, x, retain_graph=True); torch.autograd.grad(m, x)"
    )
    assert out.split("\n") == ["tensor([2., 4.])", "(tensor([2., 4.]),)"]


def test_jacobian_hessian_detach():
    session, result = run(
        "x = [1.0, 2.0]; j = jacobian(x * x, x); h = hessian(sum(x ** 3), x); d = detach(x)"
    )
    assert result.ok, result.errors
    np.testing.assert_array_equal(session.values()["j"], [[2, 0], [0, 4]])
    np.testing.assert_array_equal(session.values()["h"], [[6, 0], [0, 12]])
    assert session.variables["d"].requires_grad is False
    assert session.differentiated


# ---- bind, values, grads, history ------------------------------------------------------------------


def test_bind_expression_and_file(tmp_path):
    from gradcalc.files import FilePolicy

    session = Session(file_policy=FilePolicy(roots=(str(tmp_path),)))
    session.bind("x", "[[1,2],[3,4]]")
    session.bind("w", "randn(2, 2)")
    np.save(tmp_path / "b.npy", np.array([1.0, 2.0]))
    session.bind("b", f"@{tmp_path / 'b.npy'}")
    for name in ("x", "w", "b"):
        assert session.variables[name].requires_grad and session.variables[name].is_leaf
    result = session.run("m = sum(x @ w) + sum(b)")
    assert result.ok
    session.implicit_backward(1, False)
    assert set(session.leaf_grads()) == {"x", "w", "b"}


@pytest.mark.parametrize("name", ["1x", "x-y", "for", "", "None"])
def test_bind_rejects_bad_names(name):
    with pytest.raises(UsageError):
        Session().bind(name, "1")


def test_bind_rejects_bad_values():
    with pytest.raises(GradcalcError):
        Session().bind("x", "[[1,2],[3]]")
    with pytest.raises(GradcalcError):
        Session().bind("x", "'text'")
    with pytest.raises(GradcalcError):
        Session().bind("x", "x = 1")
    with pytest.raises(GradcalcError):
        Session().bind("x", "@/nonexistent/file.npy")


def test_leaf_grads_wrt_and_unknown_name():
    session, _ = run("a = [1.0]; b = [2.0]; s = sum(a * b); s.backward()")
    assert set(session.leaf_grads(["a"])) == {"a"}
    with pytest.raises(UsageError):
        session.leaf_grads(["zz"])


def test_values_are_plain():
    session, _ = run("x = [1.0, 2.0]; n = 3; s = 'hi'; shape = x.shape")
    values = session.values()
    assert isinstance(values["x"], np.ndarray) and values["n"] == 3 and values["s"] == "hi"
    assert values["shape"].tolist() == [2]


def test_variables_persist_across_runs_and_reset():
    session = Session()
    session.run("x = [1.0, 2.0]")
    result = session.run("y = x * 2\nbad(\n")
    assert result.syntax_error is not None
    result = session.run("y = x * 2; nope; z = 1", keep_going=True)
    assert session.statements_source() == ["x = [1.0, 2.0]", "y = x * 2", "z = 1"]
    session.reset()
    assert session.variables == {} and session.statements_source() == []


def test_seeded_randomness_is_reproducible_per_session():
    a = Session(seed=3).run("w = randn(3)")
    b = Session(seed=3)
    b.run("w = randn(3)")
    s1 = Session(seed=3)
    s1.run("w = randn(3)")
    np.testing.assert_array_equal(s1.values()["w"], b.values()["w"])
    assert a.ok
    s2 = Session(seed=4)
    s2.run("w = randn(3)")
    assert not np.array_equal(s1.values()["w"], s2.values()["w"])


# ---- graph ------------------------------------------------------------------------------------------


def test_graph_of_the_one_liner():
    session, _ = run("x = [[1,2,3],[4,5,6]]; y = x + 1; z = 2 * y; m = mean(z)")
    session.implicit_backward(1, False)
    graph = session.graph()
    root = graph.node(graph.root)
    assert (root.name, root.op, root.expr) == ("m", "MeanBackward0", "mean(z)")
    by_name = {n.name: n for n in graph.nodes if n.name}
    assert by_name["z"].op == "MulBackward0" and by_name["z"].expr == "2 * y"
    assert by_name["y"].expr == "x + 1"
    assert by_name["x"].is_leaf and by_name["x"].requires_grad
    constants = sorted(n.expr for n in graph.nodes if n.is_constant)
    assert constants == ["1", "2"]
    assert [n.id for n in graph.nodes] == list(range(len(graph.nodes)))
    for node in graph.nodes:  # topological: inputs first
        assert all(i < node.id for i in node.inputs)
    assert by_name["z"].freed
    np.testing.assert_allclose(by_name["x"].grad, THIRD)
    assert by_name["z"].value.shape == (2, 3)


def test_graph_shares_nodes_used_twice():
    session, _ = run("x = [1.0, 2.0]; y = x * x; z = y + y; s = sum(z)")
    graph = session.graph()
    assert sum(1 for n in graph.nodes if n.name == "x") == 1
    assert sum(1 for n in graph.nodes if n.name == "y") == 1
    y = next(n for n in graph.nodes if n.name == "y")
    z = next(n for n in graph.nodes if n.name == "z")
    assert z.inputs == [y.id, y.id]


def test_graph_of_a_long_chain_is_iterative():
    session = Session()
    session.run("x = [1.0]; y = x")
    for _ in range(20):
        session.run("; ".join(["y = y * 1.0001"] * 100))
    graph = session.graph("y")
    assert len(graph.nodes) >= 2001


def test_graph_none_for_non_tensor_and_unknown_root():
    session, _ = run("n = 2 * 3")
    assert session.graph() is None
    with pytest.raises(UsageError):
        session.graph("zz")


# ---- explain, check, completion ------------------------------------------------------------------------


def test_explain_steps_of_the_last_backward():
    session = Session(explain=True)
    session.run("x = [[1,2,3],[4,5,6]]; y = x + 1; z = 2 * y; m = mean(z); m.backward()")
    steps = session.explain_steps()
    assert steps[0].node == "m = mean(z)  [MeanBackward0]"
    np.testing.assert_allclose(steps[0].upstream, 1.0)
    assert steps[0].flows[0][0] == "z = 2 * y  [MulBackward0]"
    np.testing.assert_allclose(steps[0].flows[0][1], np.full((2, 3), 1 / 6))
    assert steps[-1].node == "x  [leaf]"
    np.testing.assert_allclose(steps[-1].upstream, THIRD)


def test_check_gradients_matches_finite_differences():
    session, _ = run("x = [[1,2,3],[4,5,6]]; w = randn(3, 2); m = mean(tanh(x @ w) ** 2)")
    session.implicit_backward(1, False)
    checks = session.check_gradients()
    assert set(checks) == {"x", "w"}
    assert all(c.status == "ok" and c.max_abs_error < 1e-7 for c in checks.values()), checks


def test_check_gradients_with_explicit_backward_and_bind():
    session = Session()
    session.bind("a", "[1.0, -2.0]")
    session.run("b = 3.0; c = sum(a * a * b); c.backward(); d = exp(b)")
    checks = session.check_gradients()
    assert set(checks) == {"a", "b"}
    assert max(c.max_abs_error for c in checks.values()) < 1e-6


def test_completions():
    session, _ = run("x = [1.0]; xmax = 'text'")
    assert session.completions("xm") == ["xmax"]
    assert {"x", "xmax", "xlogy"} <= set(session.completions("x"))
    assert "mean" in session.completions("me")
    assert "x.grad" in session.completions("x.gr") and "x.grad_fn" in session.completions("x.gr")
    assert "x.mean" in session.completions("x.me")
    assert "torch.nn.functional" in session.completions("torch.nn.f")
    assert "F.relu" in session.completions("F.re")
    assert "x.sum" in session.completions("print(x.su")
    assert "xmax.upper" in session.completions("xmax.")  # a string's methods


@pytest.mark.parametrize(
    ("program", "hint"),
    [
        ("x = [1., 2.]\nx.grad_fn.name", "a leaf (a tensor made directly, not computed)"),
        ("x = [1., 2.]\nx.grad.zero_()", ".grad stays None until a backward pass"),
        ("x = [1., 2.]\ng = x.grad\ng.shape", "the value is None"),
    ],
)
def test_an_attribute_of_none_says_why_it_is_none(program, hint):
    result = Session().run(program)
    assert not result.ok
    assert "'NoneType' object has no attribute" in str(result.errors[0])
    assert hint in result.errors[0].hint
