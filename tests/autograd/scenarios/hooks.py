"""Hook scenarios: tensor hooks, node pre/post hooks, retain_grad, post-accumulate hooks,
their order, what their return values do, and PyTorch's checks of them
(see ../scenario_runner.py).

Sources: "Backward Hooks execution" in the autograd notes
(pytorch.org/docs/stable/notes/autograd.html#backward-hooks-execution), the docs of
Tensor.register_hook, Node.register_hook/register_prehook and
Tensor.register_post_accumulate_grad_hook, and python_hook.cpp's result checks
(github.com/pytorch/pytorch, torch/csrc/autograd/python_hook.cpp).
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


def _values(ts):
    return [None if t is None else t.tolist() for t in ts]


@S.case
def every_kind_of_hook_in_order(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: log.append(("x1", g.tolist())))
    x.register_hook(lambda g: log.append(("x2", g.tolist())) or g * 10)
    x.register_post_accumulate_grad_hook(lambda t: log.append(("post", t.grad.tolist())))
    y = x * 2
    y.register_hook(lambda g: log.append(("y", g.tolist())))
    y.retain_grad()
    y.register_hook(lambda g: log.append(("y2", g.tolist())) or g + 1)
    z = y.sum()
    z.grad_fn.register_hook(lambda gi, go: log.append(("zpost", _values(gi), _values(go))))
    z.grad_fn.register_prehook(lambda go: log.append(("zpre", _values(go))))
    y.grad_fn.register_prehook(lambda go: log.append(("ypre", _values(go))))
    y.grad_fn.register_hook(lambda gi, go: log.append(("ypost", _values(gi))))
    z.backward()
    return log, x.grad, y.grad


@S.case
def removed_hook_is_not_called(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    handle = x.register_hook(lambda g: log.append(1))
    x.register_hook(lambda g: log.append(2))
    handle.remove()
    handle.remove()
    (x * 2).sum().backward()
    return log, handle


@S.case
def hook_on_a_tensor_without_grad(torch):
    return (
        attempt(torch.tensor([1.0, 2.0]).register_hook, lambda g: g),
        attempt(torch.tensor([1.0]).register_post_accumulate_grad_hook, lambda t: None),
    )


@S.case
def post_accumulate_hook_on_a_non_leaf(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).register_post_accumulate_grad_hook(lambda t: None)


@S.case
def retain_grad_rules(torch):
    x = torch.ones(2, requires_grad=True)
    x.retain_grad()
    return x.retains_grad, attempt(torch.ones(2).retain_grad)


@S.case
def hooks_run_in_autograd_grad(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: log.append(("x", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append("post"))
    y = x * 3
    y.register_hook(lambda g: log.append(("y", g.tolist())))
    g = torch.autograd.grad(y.sum(), x)
    return log, g, x.grad


@S.case
def hook_result_replaces_the_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 0 + 7)
    (y * y).sum().backward()
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    w.register_hook(lambda g: g * 2)
    (w * w).sum().backward()
    return x.grad, w.grad


@S.case
def retain_grad_before_and_after_a_hook(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 3
    a.retain_grad()
    a.register_hook(lambda g: g * 2)
    b = x * 3
    b.register_hook(lambda g: g * 2)
    b.retain_grad()
    (a + b).sum().backward()
    return a.grad, b.grad, x.grad


@S.case
def retain_grad_under_create_graph(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.retain_grad()
    y.sum().backward(create_graph=True)
    return y.grad, x.grad


@S.case
def node_post_hooks_see_and_replace_input_gradients(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: log.append((_values(gi), _values(go))))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] * 0, gi[1]))
    y.sum().backward()
    return log, x.grad, w.grad


@S.case
def node_post_hook_sees_none_for_a_constant(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * torch.tensor([3.0, 4.0])
    y.grad_fn.register_hook(lambda gi, go: log.append(_values(gi)))
    y.sum().backward()
    return log


@S.case
def node_hook_none_drops_a_gradient(torch):
    x = torch.ones(2, requires_grad=True)
    w = torch.ones(2, requires_grad=True)
    y = x * w
    y.grad_fn.register_hook(lambda gi, go: (None, gi[1]))
    y.sum().backward()
    v = torch.ones(2, requires_grad=True)
    z = (v * 2) * 3
    z.grad_fn.register_prehook(lambda go: (None,))
    z.sum().backward()
    return x.grad, w.grad, v.grad


@S.case
def node_pre_hook_replaces_the_output_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0] * 5,))
    y.sum().backward()
    return x.grad


@S.case
def accumulate_grad_node_hooks(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    acc = y.grad_fn.next_functions[0][0]
    acc.register_prehook(lambda go: log.append(("pre", _values(go))))
    acc.register_hook(lambda gi, go: log.append(("post", _values(gi), _values(go))))
    x.register_hook(lambda g: log.append(("tensor", g.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("accumulated", t.grad.tolist())))
    y.sum().backward()
    return log, x.grad


@S.case
def hooks_of_two_branches(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = x * 3
    a.register_hook(lambda g: log.append("a"))
    b.register_hook(lambda g: log.append("b"))
    (a + b).sum().backward()
    c = x * 3
    d = x * 2
    d.register_hook(lambda g: log.append("d"))
    c.register_hook(lambda g: log.append("c"))
    (d + c).sum().backward()
    return log


@S.case
def nodes_run_newest_first(torch):
    log = []
    x = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    a = x.exp()
    b = w.sin()
    c = a * b
    d = c + a
    e = (d * b).sum() + a.sum()
    for t, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d"), (e, "e")):
        t.grad_fn.register_prehook(lambda go, name=name: log.append(name))
    for t, name in ((x, "x"), (w, "w")):
        t.register_hook(lambda g, name=name: log.append(name))
    e.backward()
    return log


@S.case
def post_accumulate_hooks_per_backward(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(lambda t: log.append(("p1", t.grad.tolist())))
    x.register_post_accumulate_grad_hook(lambda t: log.append(("p2", t.grad.tolist())))
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    return log


@S.case
def post_accumulate_hook_as_an_optimizer_step(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)

    def step(t):
        with torch.no_grad():
            t -= 0.5 * t.grad
        t.grad = None

    w.register_post_accumulate_grad_hook(step)
    (w * w).sum().backward()
    return w, w.grad, w._version


@S.case
def hook_on_an_output_of_a_multi_output_op(torch):
    x = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    a, b = x.unbind(0)
    log = []
    a.register_hook(lambda g: log.append(("a", g.tolist())))
    b.register_hook(lambda g: log.append(("b", g)))
    (a * 2).sum().backward()
    return log, x.grad


@S.case
def hook_under_create_graph(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: log.append(g))
    (x**2).sum().backward(create_graph=True)
    return log


@S.case
def hook_on_a_tensor_captured_by_grad(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x.exp()
    h.register_hook(lambda g: log.append("h") or g * 2)
    h.grad_fn.register_prehook(lambda go: log.append("node"))
    (g,) = torch.autograd.grad((h * 3).sum(), h)
    return log, g


# ---- what a hook may return --------------------------------------------------------------


@S.case
def hook_changing_the_size(torch):
    def shrink(g):
        return g[:1]

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(shrink)
    return attempt(y.sum().backward), attempt(_leaf_hook_backward, torch, lambda g: torch.ones(3))


def _leaf_hook_backward(torch, hook):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(hook)
    (x * 2).sum().backward()
    return x.grad


@S.case
def hook_changing_the_dtype(torch):
    return (
        attempt(_leaf_hook_backward, torch, lambda g: g.double()),
        attempt(_leaf_hook_backward, torch, lambda g: g.long()),
        attempt(_leaf_hook_backward, torch, lambda g: g.bool()),
        attempt(_leaf_hook_backward, torch, lambda g: g.float()),
    )


@S.case
def hook_returning_a_number(torch):
    return attempt(_leaf_hook_backward, torch, lambda g: 3)


@S.case
def node_hook_returning_the_wrong_count(torch):
    def post(torch, hook):
        x = torch.ones(2, requires_grad=True)
        w = torch.ones(2, requires_grad=True)
        y = x * w
        y.grad_fn.register_hook(hook)
        y.sum().backward()
        return x.grad

    def pre(torch, hook):
        x = torch.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(hook)
        y.sum().backward()
        return x.grad

    return (
        attempt(post, torch, lambda gi, go: (gi[0], gi[0], gi[0])),
        attempt(post, torch, lambda gi, go: gi[0]),
        attempt(pre, torch, lambda go: (go[0], go[0])),
        attempt(pre, torch, lambda go: go[0]),
    )


@S.case
def node_hook_replacing_a_none_gradient(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_hook(lambda gi, go: (gi[0], gi[0]))
    y.sum().backward()


@S.case
def post_accumulate_hook_returning_a_value(torch):
    def returns_grad(t):
        return t.grad

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    x.register_post_accumulate_grad_hook(returns_grad)
    return attempt(x.sum().backward), x.grad


@S.case
def retain_grad_follows_in_place_changes(torch):
    a = torch.tensor([1.0], requires_grad=True).clone()
    a.retain_grad()
    a.mul_(2)
    a.sum().backward()
    b = torch.tensor([1.0], requires_grad=True).clone()
    b.retain_grad()
    b.mul_(2)
    b.mul_(2)
    b.sum().backward()
    return a, a.grad, b, b.grad


@S.case
def retain_grad_of_views_changed_in_place(torch):
    base = torch.tensor([1.0], requires_grad=True).clone()
    view = base[:]
    view2 = base[:]
    view.retain_grad()
    view2.retain_grad()
    view.mul_(2)
    (view + view2).sum().backward()
    return view.grad, view2.grad


@S.case
def hook_before_an_in_place_change_sees_the_old_value(torch):
    log = []
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    y.register_hook(lambda g: log.append(("before", g.tolist())))
    y.mul_(3)
    y.register_hook(lambda g: log.append(("after", g.tolist())))
    y.sum().backward()
    return log, x.grad


@S.case
def post_accumulate_hook_returning_the_tensor(torch):
    v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
    v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-0.01))
    v.backward(torch.tensor([1.0, 2.0, 3.0]))
    bad = torch.tensor([1.0], requires_grad=True)
    bad.register_post_accumulate_grad_hook(lambda p: 3)
    return v, attempt(bad.sum().backward)
