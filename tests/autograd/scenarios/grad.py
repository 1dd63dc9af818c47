"""autograd.grad, backward(inputs=...) and create_graph scenarios: what runs, what is
captured or accumulated, what is freed, higher derivatives (see ../scenario_runner.py).

Sources: the torch.autograd.grad and torch.autograd.backward docs
(pytorch.org/docs/stable/generated/torch.autograd.grad.html), "Autograd mechanics"
(pytorch.org/docs/stable/notes/autograd.html), the engine's exec_info rules in
torch/csrc/autograd/engine.cpp (github.com/pytorch/pytorch), and the old gradcalc tests
of the engine (tests/autograd/test_engine.py before the core rewrite).
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


# ---- backward(inputs=...) and autograd.grad ----------------------------------------------


@S.case
def backward_inputs_restricts_accumulation(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a])
    return a.grad, b.grad


@S.case
def backward_inputs_every_leaf(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    (a * b * a).sum().backward(inputs=[a, b])
    return a.grad, b.grad


@S.case
def backward_inputs_named_twice(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    (a * b).sum().backward(inputs=[a, a])
    return a.grad


@S.case
def backward_inputs_non_leaf(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a * 2
    y = (h * h).sum()
    y.backward(inputs=[h])
    return h.grad, a.grad


@S.case
def backward_inputs_non_leaf_leaves_its_node_unrun(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    h = a.exp()
    y = (h * 2).sum()
    y.backward(inputs=[h])
    h.sum().backward()  # ExpBackward0 did not run, so its saved result is still there
    return h.grad, a.grad


@S.case
def backward_inputs_not_reached(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    (a * 2).sum().backward(inputs=[b])
    return a.grad, b.grad


@S.case
def backward_inputs_empty(torch):
    x = torch.ones(2, requires_grad=True)
    (x * 2).sum().backward(inputs=[])


@S.case
def backward_inputs_not_requiring_grad(torch):
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    (x * c).sum().backward(inputs=[c])


@S.case
def backward_inputs_one_pass_each(torch):
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([2.0], requires_grad=True)
    y = (a * b).sum()
    y.backward(inputs=[a])
    return a.grad, attempt(y.backward, inputs=[b])


@S.case
def grad_leaves_grad_fields_alone(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x**2).sum()
    return torch.autograd.grad(y, x), x.grad


@S.case
def grad_of_a_non_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    y = (h * h).sum()
    return torch.autograd.grad([y], [h, x])


@S.case
def grad_of_the_output_itself(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    return torch.autograd.grad([y], [y], [torch.ones(2)]), torch.autograd.grad([x], [x], [y])


@S.case
def grad_of_one_input_twice(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return torch.autograd.grad([(x * x).sum()], [x, x])


@S.case
def grad_of_an_unused_input(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    u = torch.tensor([5.0], requires_grad=True)
    return torch.autograd.grad((x * 2).sum(), [x, u])


@S.case
def grad_of_an_unused_input_allowed(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    u = torch.tensor([5.0], requires_grad=True)
    return (
        torch.autograd.grad((x * 2).sum(), [x, u], allow_unused=True),
        torch.autograd.grad((x * 2).sum(), [x, u], materialize_grads=True),
    )


@S.case
def grad_materialize_without_allow_unused(torch):
    x = torch.ones(2, requires_grad=True)
    torch.autograd.grad([(x * 2).sum()], [x], materialize_grads=True, allow_unused=False)


@S.case
def grad_of_an_input_not_requiring_grad(torch):
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    return torch.autograd.grad((x * c).sum(), c)


@S.case
def grad_of_an_output_not_requiring_grad(torch):
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    return (
        attempt(torch.autograd.grad, [c.sum()], [x]),
        attempt(torch.autograd.grad, [(x * 2).sum(), c.sum()], [x]),
    )


@S.case
def grad_with_a_gradient_of_the_wrong_type(torch):
    x = torch.ones(2, requires_grad=True)
    return torch.autograd.grad([(x * 2).sum()], [x], ["a"])


@S.case
def grad_frees_the_graph_unless_retained(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    first = torch.autograd.grad(y, x, retain_graph=True)
    second = torch.autograd.grad(y, x)
    return first, second, attempt(torch.autograd.grad, y, x)


@S.case
def grad_runs_only_the_nodes_it_needs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    a = x * w
    b = a.exp()
    first = torch.autograd.grad(a.sum(), x)
    b.sum().backward()  # ExpBackward0 was not needed, so it was not freed
    return first, x.grad, w.grad


@S.case
def grad_frees_what_it_ran(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    a = x * w
    torch.autograd.grad(a.sum(), x)
    a.sum().backward()


# ---- create_graph ------------------------------------------------------------------------


@S.case
def second_derivative_with_grad(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x**3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x)
    return g, g2


@S.case
def third_derivative(torch):
    x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    y = x.sin() * x**4
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    (g2,) = torch.autograd.grad(g, x, create_graph=True)
    (g3,) = torch.autograd.grad(g2, x)
    return g, g2, g3


@S.case
def backward_create_graph_makes_grad_differentiable(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    (g2,) = torch.autograd.grad(x.grad.sum(), x)
    return first, first.grad_fn, first.grad_fn.next_functions, g2


@S.case
def create_graph_accumulation(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**2).sum().backward(create_graph=True)
    g1 = x.grad
    (x**3).sum().backward(create_graph=True)
    return g1 is x.grad, g1, x.grad


@S.case
def create_graph_after_a_plain_backward(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x**2).sum().backward()
    g1 = x.grad
    (x**3).sum().backward(create_graph=True)
    return g1 is x.grad, g1, x.grad


@S.case
def create_graph_of_a_linear_function(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad((x * 2).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad(x.sum(), x, create_graph=True)
    (x * 2).sum().backward(create_graph=True)
    return g, h, x.grad


@S.case
def create_graph_grads_are_separate_tensors(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward(create_graph=True)
    same = a.grad is b.grad
    seed = torch.tensor([5.0, 6.0])
    c = torch.tensor([1.0, 2.0], requires_grad=True)
    (c * 1.0).backward(seed, create_graph=True)
    return same, c.grad is seed, a.grad, b.grad, c.grad


@S.case
def seed_is_not_aliased_by_the_grad(torch):
    seed = torch.tensor([5.0, 6.0])
    c = torch.tensor([1.0, 2.0], requires_grad=True)
    c.backward(seed)
    aliased = c.grad is seed
    c.backward(seed)
    return aliased, seed, c.grad


@S.case
def create_graph_retains_the_graph_by_default(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    torch.autograd.grad(y, x, create_graph=True)
    return torch.autograd.grad(y, x)


@S.case
def double_backward_of_a_product(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([3.0, -1.0], dtype=torch.float64, requires_grad=True)
    y = (x * w * x).sum()
    gx, gw = torch.autograd.grad(y, [x, w], create_graph=True)
    return gx, gw, torch.autograd.grad((gx * gw).sum(), [x, w])


@S.case
def grad_materialized_zeros_keep_create_graph(torch):
    x = torch.tensor(0.5, requires_grad=True)
    a = torch.tensor(1.0, requires_grad=True)
    (dydx,) = torch.autograd.grad(x * a, x, create_graph=True)
    (none,) = torch.autograd.grad(dydx, x, create_graph=True, allow_unused=True)
    (zero,) = torch.autograd.grad(dydx, x, create_graph=True, materialize_grads=True)
    (third,) = torch.autograd.grad(zero, x, materialize_grads=True)
    return none, zero, third


@S.case
def grad_checks_outputs_before_inputs(torch):
    x = torch.ones(1)
    y = x**2
    return attempt(torch.autograd.grad, x, y), attempt(torch.autograd.grad, y, x)


@S.case
def grad_with_no_inputs(torch):
    x = torch.ones(1, requires_grad=True)
    return torch.autograd.grad(x * 2, [])
