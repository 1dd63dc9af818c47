"""A failing implicit backward still shows what the program computed (nothing is lost)."""


def test_non_scalar_output_keeps_values_and_says_why(run_gradcalc):
    result = run_gradcalc("x = [1, 2]; y = x * 2")
    assert result.returncode == 1
    assert "grad can be implicitly created only for scalar outputs" in result.stderr
    assert "sum(" in result.stderr  # the hint names the fix
    assert "[2., 4.]" in result.stdout  # y's value is still in the Values table
    assert "Traceback" not in result.stderr


def test_second_backward_failure_keeps_first_gradients(run_gradcalc):
    result = run_gradcalc("-b", "2", "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))")
    assert result.returncode == 1
    assert "Trying to backward through the graph a second time" in result.stderr
    assert "--retain-graph" in result.stderr
    assert "after 1 backward call" in result.stdout
    assert "0.3333" in result.stdout
