"""Engine scenarios: backward, accumulation into .grad, retain_graph and freed graphs, grad
mode, the graph's structure, anomaly and inference modes, conversions, whole programs, and
PyTorch's argument errors (see ../scenario_runner.py; autograd.grad and create_graph are
in grad.py).

Sources: the autograd tutorial (pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html),
the "Autograd mechanics" notes (pytorch.org/docs/stable/notes/autograd.html), micrograd's
test_engine.py (github.com/karpathy/micrograd, test/test_engine.py), and the old gradcalc
tests of the engine (tests/autograd/test_engine.py before the core rewrite).
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


def _saved(node, name: str):
    """``node._saved_<name>``: gradcalc's nodes read it with ``saved_value`` (they have no
    ``__getattr__``; the language's attribute lookup is what spells it ``_saved_<name>``)."""
    read = getattr(node, "saved_value", None)
    return read(name) if read is not None else getattr(node, "_saved_" + name)


def _tutorial(torch):
    x = torch.ones(2, 3, requires_grad=True)
    y = x + 1
    z = 2 * y
    m = z.mean()
    return x, y, z, m


@S.case
def tutorial_sequence(torch):
    x, y, z, m = _tutorial(torch)
    before = [x, y, z, m, y.is_leaf, x.is_leaf]
    m.backward()
    return before, x.grad, attempt(z.backward)


@S.case
def backward_twice_through_saved_values_is_refused(torch):
    x = torch.ones(2, 3, requires_grad=True)
    m = (x * x).mean()
    m.backward()
    return x.grad, attempt(m.backward), x.grad


@S.case
def retain_graph_accumulates(torch):
    x, _, _, m = _tutorial(torch)
    m.backward(retain_graph=True)
    m.backward()
    return x.grad


@S.case
def graph_without_saved_values_runs_twice(torch):
    # add, mul by a number and sum save no tensors: nothing is freed
    x = torch.ones(3, requires_grad=True)
    s = (2 * (x + 1)).sum()
    s.backward()
    s.backward()
    return x.grad


@S.case
def freed_saved_values_are_refused_when_read(torch):
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    y = x.exp()
    kept = _saved(y.grad_fn, "result")
    y.sum().backward()
    return kept, attempt(lambda: _saved(y.grad_fn, "result"))


@S.case
def saved_values_are_the_inputs(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0])
    y = x * w
    other = _saved(y.grad_fn, "other")
    return _saved(y.grad_fn, "self") is x, other is w, other


@S.case
def nodes_expose_the_saved_values_their_formulas_read(torch):
    # PyTorch's nodes have ``_saved_<name>`` only for what derivatives.yaml reads:
    # SumBackward0 its input's sizes, MulBackward0 none (it reads the inputs themselves)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0])
    nodes = {
        "mul": (x * w).grad_fn,
        "add": (x + w).grad_fn,
        "sub": (x - w).grad_fn,
        "sum": x.sum().grad_fn,
        "sum_dim": x.sum(0).grad_fn,
        "pow": x.pow(2).grad_fn,
        "expand": x.expand(3, 2).grad_fn,
    }
    names = ("self_sym_sizes", "other_sym_sizes", "alpha", "exponent", "dim", "keepdim")
    # (SumBackward0's dim and keepdim are left out: tests/autograd/test_engine.py's xfail)
    return {
        key: [_saved_or_missing(node, name) for name in names[: 4 if key == "sum" else 6]]
        for key, node in nodes.items()
    }


def _saved_or_missing(node, name: str):
    try:
        return _saved(node, name)
    except AttributeError:  # the message is the language's to word (attributes.py)
        return "missing"


@S.case
def a_saved_number_is_the_tensor_pytorch_wrapped_it_in(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return [
        _saved((x * 3).grad_fn, "other"),
        _saved((x * 3.5).grad_fn, "other"),
        _saved((x * True).grad_fn, "other"),
        _saved((x / 4).grad_fn, "other"),
        _saved((x * 3).grad_fn, "self"),
    ]


@S.case
def power_zero_has_a_zero_gradient_whatever_arrives(torch):
    # pow_backward returns zeros_like(self) for a zero exponent: an inf or nan gradient
    # arriving does not make it nan (grad * 0 would)
    x = torch.tensor([1.0, 2.0, 0.0], requires_grad=True)
    (x**0).backward(torch.tensor([float("inf"), float("nan"), 1.0]))
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    (g,) = torch.autograd.grad((w**0).sum(), w, create_graph=True)
    return x.grad, g, g.requires_grad


@S.case(warnings=True)
def non_leaf_grad_is_none_unless_retained(torch):
    x, y, z, m = _tutorial(torch)
    z.retain_grad()
    m.backward()
    return y.grad, z.grad, z.retains_grad, y.retains_grad, x.retains_grad


@S.case
def retained_grad_accumulates(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    return y.grad, x.grad


@S.case
def grad_tensor_is_kept_and_added_into(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    first = x.grad
    (x * 3).sum().backward()
    return x.grad is first, first


@S.case
def zeroing_one_grad_leaves_the_other(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    b = torch.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    zeroed = [a.grad, b.grad]
    a.grad = None
    return zeroed, a.grad


@S.case
def assigning_grad(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = torch.ones(2)
    (a * 2).sum().backward()
    return a.grad


@S.case
def assigning_grad_of_another_size(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = torch.ones(3)


@S.case
def assigning_grad_of_another_dtype(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = torch.ones(2, dtype=torch.float64)


@S.case
def assigning_grad_that_is_not_a_tensor(torch):
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    a.grad = 3


@S.case
def output_that_requires_no_grad(torch):
    return attempt(torch.ones(3).sum().backward), attempt(torch.tensor([1, 2]).sum().backward)


@S.case
def implicit_gradient_needs_a_scalar(torch):
    x = torch.ones(2, 3, requires_grad=True)
    (x * 2).backward()


@S.case
def gradient_of_another_shape(torch):
    x = torch.ones(2, 3, requires_grad=True)
    (x * 2).backward(torch.ones(3))


@S.case
def explicit_gradient_for_a_vector(torch):
    x = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    y = x * x
    y.backward(torch.tensor([1.0, 0.1, 0.01], dtype=torch.float64))
    return x.grad


@S.case
def gradient_of_another_dtype_is_cast(torch):
    x = torch.ones(2, requires_grad=True)
    (x * 2).backward(torch.tensor([1.0, 2.0], dtype=torch.float64))
    y = torch.ones(2, requires_grad=True)
    (y * 2).backward(torch.tensor([1, 2]))
    z = torch.ones(2, requires_grad=True)
    (z * 2).backward(torch.tensor([True, False]))
    return x.grad, y.grad, z.grad


@S.case
def gradients_given_for_fewer_outputs(torch):
    x = torch.ones(2, requires_grad=True)
    torch.autograd.backward([x * 2, x * 3], [torch.ones(2)])


@S.case
def gradients_given_for_more_outputs(torch):
    x = torch.ones(2, requires_grad=True)
    torch.autograd.backward([x * 2], [torch.ones(2), torch.ones(2)])
    (g,) = torch.autograd.grad([x * 2], [x], [torch.ones(2), 5 * torch.ones(2)])
    return x.grad, g


@S.case
def gradient_given_as_a_number(torch):
    x = torch.ones(2, requires_grad=True)
    return torch.autograd.grad([(x * 2).sum()], [x], [2.0])


@S.case
def leaf_backward_with_itself(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.backward(torch.tensor([1.0, 3.0]))
    s = torch.tensor(2.0, requires_grad=True)
    s.backward()
    s.backward()
    return x.grad, s.grad


@S.case
def shared_leaf_gets_the_summed_gradient(torch):
    x = torch.tensor(3.0, requires_grad=True)
    y = x * x + x
    y.backward()
    return x.grad


@S.case
def float32_and_float64_gradients_keep_their_dtype(torch):
    x = torch.ones(3, requires_grad=True)
    w = torch.ones(3, dtype=torch.float64, requires_grad=True)
    y = x * w
    y.sum().backward()
    return y, x.grad, w.grad, (x * 2.0).dtype


@S.case
def no_grad_and_detach(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        y = x * 2
    d = (x * 3).detach()
    return y, torch.is_grad_enabled(), d


@S.case
def enable_grad_inside_no_grad(torch):
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        with torch.enable_grad():
            y = x * 2
        z = x * 2
    return y, z


@S.case
def set_grad_enabled_false(torch):
    torch.set_grad_enabled(False)
    try:
        x = torch.ones(2, requires_grad=True)
        return x * 2, torch.is_grad_enabled()
    finally:
        torch.set_grad_enabled(True)


@S.case
def requires_grad_of_a_non_leaf_cannot_be_cleared(torch):
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.requires_grad_(True)
    return y.requires_grad, attempt(setattr, y, "requires_grad", False)


@S.case
def requires_grad_of_integers_is_refused(torch):
    return attempt(torch.tensor([1, 2]).requires_grad_), attempt(
        torch.tensor([True]).requires_grad_
    )


@S.case
def factory_requires_grad_of_integers_is_refused(torch):
    return (
        attempt(torch.ones, 2, dtype=torch.int64, requires_grad=True),
        attempt(torch.tensor, [1, 2], requires_grad=True),
        attempt(torch.arange, 3, requires_grad=True),
        attempt(torch.zeros, 2, dtype=torch.bool, requires_grad=True),
    )


@S.case
def requires_grad_cleared_on_a_leaf(torch):
    x = torch.ones(2, requires_grad=True)
    x.requires_grad_(False)
    z = torch.ones(2)
    z.requires_grad_()
    return x, z, z.is_leaf


@S.case
def leaves_and_grad_fns(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    return x.grad_fn, x.is_leaf, (x * 1).is_leaf, torch.ones(2).is_leaf, x.output_nr


# ---- the graph ---------------------------------------------------------------------------


@S.case
def node_names_and_next_functions(torch):
    x = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    y = 2 * (x + 1) * c
    mul = y.grad_fn
    inner = mul.next_functions[0][0]
    return (
        mul,
        [(n, i) for n, i in mul.next_functions],
        inner,
        [(n, i) for n, i in inner.next_functions],
        [(n, i) for n, i in inner.next_functions[0][0].next_functions],
    )


@S.case
def accumulate_grad_node(torch):
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    return acc, acc.variable is x, acc.next_functions, (x * 3).grad_fn.next_functions[0][0] is acc


@S.case
def node_of_a_constant_operand(torch):
    x = torch.ones(2, requires_grad=True)
    return (x * torch.ones(2)).grad_fn.next_functions, (torch.ones(2) * x).grad_fn.next_functions


@S.case
def node_metadata_is_a_dict(torch):
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    y.grad_fn.metadata["note"] = 1
    return y.grad_fn.metadata


# ---- whole programs ----------------------------------------------------------------------


def _micrograd_sanity(torch):
    x = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return x, y


@S.case
def micrograd_sanity_check(torch):
    x, y = _micrograd_sanity(torch)
    return y, x.grad


@S.case
def micrograd_more_ops(torch):
    a = torch.tensor(-4.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return g, a.grad, b.grad


@S.case
def sgd_steps(torch):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    losses = []
    for _ in range(3):
        loss = ((w - 0.5) ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= 0.25 * w.grad
        w.grad.zero_()
        losses.append(loss.item())
    return losses, w, w.grad, w._version


@S.case
def deep_chain(torch):
    x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(3000):
        y = y * 1.0
    y.sum().backward()
    return x.grad, y.grad_fn


@S.case
def anomaly_mode_names_the_node_that_made_nan(torch):
    x = torch.tensor([-1.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        y = x.sqrt().sum()
        return attempt(y.backward), x.grad


@S.case
def anomaly_mode_without_nan_check(torch):
    x = torch.tensor([-1.0, 1.0], requires_grad=True)
    with torch.autograd.detect_anomaly(check_nan=False):
        x.sqrt().sum().backward()
    return x.grad


# ---- inference mode ----------------------------------------------------------------------


@S.case
def inference_tensors(torch):
    with torch.inference_mode():
        x = torch.ones(2)
        y = torch.ones(2, requires_grad=True) * 2
        inside = torch.is_inference_mode_enabled()
    return x.is_inference(), y, inside, torch.is_inference_mode_enabled()


@S.case
def inference_tensor_cannot_require_grad(torch):
    with torch.inference_mode():
        x = torch.ones(2)
    x.requires_grad_()


@S.case
def inference_tensor_cannot_be_saved_for_backward(torch):
    with torch.inference_mode():
        x = torch.ones(2)
    w = torch.ones(2, requires_grad=True)
    summed = w + x  # AddBackward0 saves nothing
    return summed, attempt(lambda: w * x)


@S.case
def inference_tensor_cannot_change_outside(torch):
    with torch.inference_mode():
        x = torch.ones(2)
    x.add_(1)


# ---- conversions -------------------------------------------------------------------------


@S.case
def conversions_to_python_numbers(torch):
    return (
        torch.tensor(2.5).item(),
        float(torch.tensor([2.5])),
        int(torch.tensor(3.7)),
        int(torch.tensor([-3.7])),
        [1, 2, 3][torch.tensor(1)],
        f"{torch.tensor(1.5):.2f}",
    )


@S.case
def conversion_of_many_elements(torch):
    t = torch.ones(2)
    return (
        attempt(t.item),
        attempt(float, t),
        attempt(int, t),
        attempt(bool, t),
        attempt(bool, torch.ones(0)),
        attempt(len, torch.tensor(1.0)),
        attempt(lambda: [1, 2][torch.tensor(1.0)]),
        attempt(lambda: f"{torch.tensor([1.5]):.2f}"),
    )


@S.case
def numpy_of_a_tensor_that_requires_grad(torch):
    torch.ones(2, requires_grad=True).numpy()


@S.case(needs=("matmul", "mse_loss"))
def mlp_training_step(torch):
    # the old test_torch_parity.py MLP: tanh hidden layer, mean squared error, one SGD step
    g = [[0.1 * ((i * 7 + j * 3) % 11 - 5) for j in range(4)] for i in range(6)]
    x = torch.tensor([row[:3] for row in g], dtype=torch.float64)
    target = torch.tensor([row[3:] for row in g], dtype=torch.float64)
    w1 = torch.tensor(g[:3], dtype=torch.float64, requires_grad=True)
    b1 = torch.tensor(g[4], dtype=torch.float64, requires_grad=True)
    w2 = torch.tensor([row[:1] for row in g[:4]], dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.mse_loss(torch.tanh(x @ w1 + b1) @ w2, target)
    loss.backward()
    with torch.no_grad():
        for p in (w1, b1, w2):
            p -= 0.1 * p.grad
    return loss, loss.grad_fn, w1.grad, b1.grad, w2.grad, w1


@S.case
def plain_backward_adds_into_a_grad_that_has_a_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0], requires_grad=True)
    z = x**2 + y * x + y**2
    z.backward(torch.ones(2), create_graph=True)
    first = x.grad
    grad_sum = 2 * x.grad + y.grad
    grad_sum.backward(torch.ones(2))
    return first is x.grad, x.grad, y.grad, x.grad._version


@S.case
def version_of_an_inference_tensor(torch):
    with torch.inference_mode():
        x = torch.ones(2)
    return attempt(lambda: x._version), x.is_inference()


@S.case
def version_of_grad(torch):
    def version(build):
        x = torch.ones(3, requires_grad=True)
        build(x)
        return x.grad._version

    return (
        version(lambda x: x.sum().backward()),  # a broadcast gradient is copied
        version(lambda x: (x * 2).sum().backward()),  # a fresh gradient is kept as it is
        version(lambda x: ((x * 2).sum().backward(), (x * 2).sum().backward())),
        version(lambda x: x.backward(torch.ones(3))),  # the caller's seed is copied
        version(lambda x: x.clone().backward(torch.ones(3))),
        version(lambda x: (x * x).sum().backward(create_graph=True)),
        version(lambda x: ((x * x).sum().backward(create_graph=True), (x * x).sum().backward())),
    )
