"""--explain shows every backward pass of a program, not only the last."""

import numpy as np

from gradcalc.interpreter import Session


def test_every_pass_since_run_is_kept_in_order():
    session = Session(explain=True)
    result = session.run(
        "x = [1., 2.]; m = sum(x * x); m.backward(retain_graph=True); n = sum(3 * x); n.backward()"
    )
    assert result.ok
    passes = session.explain_passes()
    assert [steps[0].node.split()[0] for steps in passes] == ["m", "n"]
    first_leaf = passes[0][-1]
    np.testing.assert_allclose(first_leaf.upstream, [2.0, 4.0])  # d sum(x*x)/dx = 2x
    np.testing.assert_allclose(passes[1][-1].upstream, [3.0, 3.0])
    assert session.explain_steps() == passes[1]


def test_a_new_run_starts_a_new_list():
    session = Session(explain=True)
    session.run("x = [1., 2.]; m = sum(x); m.backward()")
    session.run("y = 2 * x")
    assert session.explain_passes() == []
