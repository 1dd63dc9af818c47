"""--explain in plain words (issue 15, item 6): each rule names the program's variables and
numbers, a value used twice is explained as a sum, a rule that does not apply is not shown,
and every number a sentence states is the one the engine computed."""

from __future__ import annotations

import numpy as np

from gradcalc.interpreter import Session


def steps_of(program: str):
    session = Session(explain=True)
    result = session.run(program)
    assert result.ok, result
    return session.explain_steps()


def step(steps, title: str):
    (found,) = [s for s in steps if s.node.startswith(title)]
    return found


def test_mean_states_its_share_with_the_names_and_count():
    steps = steps_of("x = [[1.,2.,3.],[4.,5.,6.]]; z = 2 * x; m = mean(z); m.backward()")
    mean = step(steps, "m = mean(z)")
    assert mean.gradient == "∂m/∂m"
    (why,) = mean.why
    assert why.startswith("∂m/∂z = 1/6 for each of z's 6 elements")
    assert why.endswith("because m = mean(z)")
    (_, sent) = mean.flows[0]
    np.testing.assert_allclose(sent, np.full((2, 3), 1 / 6))  # the engine's own 1/6
    mul = step(steps, "z = 2 * x")
    assert mul.gradient == "∂m/∂z"
    assert mul.why == [
        "∂z/∂x = 2: the gradient is multiplied by the other factor, because z = 2 * x"
    ]


def test_a_variable_used_twice_is_a_sum_of_its_uses():
    steps = steps_of("x = [1., 2., 3.]; y = x**2; m = sum(y / x); m.backward()")
    leaf = step(steps, "x  [leaf]")
    first, second = leaf.rule.splitlines()
    assert first.startswith("x was used 2 times (in y / x and in y = x**2)")
    # the terms are what the two uses sent, and their sum is what x.grad receives
    sent = [grad for s in steps for label, grad in s.flows if label == "x  [leaf]"]
    np.testing.assert_allclose(sent[0] + sent[1], leaf.upstream)
    assert "[-1, -1, -1] + [2, 2, 2] = [1, 1, 1]" in first
    np.testing.assert_allclose(leaf.upstream, [1.0, 1.0, 1.0])
    assert second == "x.grad += ∂m/∂x: a leaf adds what arrives to its .grad"
    square = steps_of("x = [1., 2.]; y = x*x; m = sum(y); m.backward()")
    assert "twice in y = x*x" in step(square, "x  [leaf]").rule


def test_only_the_branch_that_applies_is_explained():
    # a constant exponent receives no gradient: no ln() rule
    power = step(steps_of("x = [1., 2.]; y = x**3; m = sum(y); m.backward()"), "y = x**3")
    assert power.why == ["∂y/∂x = 3·x^(3 - 1) = 3·x^2 with x = [1, 2], because y = x**3"]
    assert "ln" not in power.rule
    np.testing.assert_allclose(power.flows[0][1], 3 * np.array([1.0, 2.0]) ** 2)
    # a tensor exponent that requires grad does get its rule
    both = steps_of("x = [1., 2.]; p = [2., 3.]; y = x**p; m = sum(y); m.backward()")
    rule = step(both, "y = x**p").rule
    assert "∂y/∂x = p·x^(p - 1)" in rule and "∂y/∂p = y·ln(x)" in rule


def test_matrix_vector_product_rules_are_right_for_vectors():
    steps = steps_of(
        "A = [[1.,2.],[3.,4.],[5.,6.]]; v = [1.,-1.]; y = A @ v; m = sum(y * y); m.backward()"
    )
    mv = step(steps, "y = A @ v")
    assert mv.node.endswith("[MvBackward0]")
    matrix_rule, vector_rule = mv.why
    assert "outer product of the gradient with v = [1, -1]" in matrix_rule
    assert "Aᵀ @ gradient" in vector_rule and "broadcast" not in mv.rule
    flows = dict(mv.flows)
    np.testing.assert_allclose(flows["A  [leaf]"], np.outer(mv.upstream, [1.0, -1.0]))
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_allclose(flows["v  [leaf]"], A.T @ mv.upstream)


def test_broadcasting_is_named_where_it_happens():
    steps = steps_of("x = [[1.,2.],[3.,4.]]; w = [1.,2.]; m = sum(x * w); m.backward()")
    mul = step(steps, "x * w")
    assert "w was broadcast, so the gradient is summed back to its shape 2" in mul.why[1]
    np.testing.assert_allclose(dict(mul.flows)["w  [leaf]"], [4.0, 6.0])


def test_ops_without_their_own_sentence_still_say_which_derivative_ran():
    steps = steps_of("x = [0.5, 1.5]; m = sum(softplus(x)); m.backward()")
    (soft,) = [s for s in steps if s.node.startswith("softplus")]
    assert "PyTorch's derivative" in soft.why[0] and "SoftplusBackward0" in soft.why[0]


def test_multi_line_source_is_one_line_in_the_steps():
    steps = steps_of("x = [1., 2.]\nm = sum(\n    x * 3\n)\nm.backward()")
    assert steps[0].node == "m = sum( x * 3 )  [SumBackward0]"
    assert all("\n" not in line for s in steps for line in s.why)


def test_views_selections_and_a_number_base_have_their_own_words():
    steps = steps_of(
        "x = [1., 2.]; b = x.reshape(2, 1); c = 2 ** b; m = sum(c) + x[0]; m.backward()"
    )
    power = step(steps, "c = 2 ** b")
    assert power.why == ["∂c/∂b = c·ln(2), because c = 2 ** b"]
    np.testing.assert_allclose(power.flows[0][1], np.log(2) * 2 ** np.array([[1.0], [2.0]]))
    assert "in another shape: the gradient is reshaped back" in step(steps, "b = x.reshape").rule
    assert "picks elements of x" in step(steps, "x[0]").rule
    leaf = step(steps, "x  [leaf]")
    assert "x was used 2 times (in x[0] and in b = x.reshape(2, 1))" in leaf.rule
