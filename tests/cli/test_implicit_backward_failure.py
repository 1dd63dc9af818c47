"""A failing implicit backward still shows what the program computed (nothing is lost)."""


def test_non_scalar_output_is_shown_not_differentiated(run_gradcalc):
    result = run_gradcalc("x = [1, 2]; y = x * 2")
    assert result.returncode == 0
    assert "no implicit backward: y has shape (2,), not a scalar" in result.stderr
    assert "sum(y)" in result.stderr  # the warning names the fix
    assert "[2., 4.]" in result.stdout  # y's value is in the Values table
    assert "Gradients" not in result.stdout


def test_non_scalar_warning_in_json(run_gradcalc):
    import json

    result = run_gradcalc("--json", "x = [1, 2]; y = x * 2")
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["grads"] == {}
    assert document["values"]["y"] == [2.0, 4.0]
    assert any("no implicit backward" in w for w in document["warnings"])


def test_explicit_non_scalar_backward_still_fails_as_in_pytorch(run_gradcalc):
    result = run_gradcalc("x = [1, 2]; y = x * 2; y.backward()")
    assert result.returncode == 1
    assert "grad can be implicitly created only for scalar outputs" in result.stderr


def test_second_backward_failure_keeps_first_gradients(run_gradcalc):
    result = run_gradcalc("-b", "2", "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    assert result.returncode == 1
    assert "Trying to backward through the graph a second time" in result.stderr
    assert "--retain-graph" in result.stderr
    assert "0.3333" in result.stdout and "0.6667" not in result.stdout


def test_a_failed_implicit_backward_is_not_counted(run_gradcalc):
    result = run_gradcalc("-b", "2", "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    assert "after 1 backward call" in result.stdout


def test_explain_shows_each_backward_of_the_program(run_gradcalc):
    program = "x = [1., 2.]; m = sum(x * x); m.backward(retain_graph=True); backward(m)"
    result = run_gradcalc("--explain", "-q", program)
    assert result.returncode == 0, result.stderr
    assert "backward 1 of 2 in the program" in result.stdout
    assert "backward 2 of 2 in the program" in result.stdout
