"""'-' as the program reads stdin; the tree shows the last real graph, not a lone leaf."""


def test_dash_program_reads_stdin_in_batch_mode(run_gradcalc):
    result = run_gradcalc("--batch", "-", input="x = [1., 2.]; m = sum(x*x)\nm = 3 * 2\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["line 1: m = 5.   x.grad = [2., 4.]", "line 2: m = 6"]


def test_tree_after_a_trailing_leaf_expression_shows_the_graph(run_gradcalc):
    result = run_gradcalc("-q", "--tree", "x = [1., 2.]; m = sum(x * x); m.backward(); x")
    assert result.returncode == 0, result.stderr
    assert "m = sum(x * x)  SumBackward0" in result.stdout
