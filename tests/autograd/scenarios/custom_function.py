"""Custom ``torch.autograd.Function`` scenarios: ctx, saved tensors, the node, the checks
PyTorch makes on what backward returns (see ../scenario_runner.py).

Sources: "Extending torch.autograd" (pytorch.org/docs/stable/notes/extending.html), the
torch.autograd.Function docs (ctx.save_for_backward, mark_dirty, mark_non_differentiable,
set_materialize_grads, setup_context), and the checks in torch/csrc/autograd/python_function.cpp
(github.com/pytorch/pytorch).
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


def _exp(torch):
    class Exp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    return Exp


def _double(torch, backward):
    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            return x * k

    Double.backward = staticmethod(backward)
    return Double


@S.case
def exp_function(torch):
    Exp = _exp(torch)
    x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    return y, y.grad_fn, y.grad_fn.next_functions, x.grad, y.is_leaf


@S.case
def no_node_without_an_input_that_requires_grad(torch):
    Exp = _exp(torch)
    y = Exp.apply(torch.tensor([0.0, 1.0], dtype=torch.float64))
    with torch.no_grad():
        z = Exp.apply(torch.tensor([0.0], dtype=torch.float64, requires_grad=True))
    return y, z


@S.case
def saved_tensors_are_freed_by_backward(torch):
    Exp = _exp(torch)
    x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward()
    return attempt(y.sum().backward), x.grad


@S.case
def saved_tensors_kept_by_retain_graph(torch):
    Exp = _exp(torch)
    x = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    y = Exp.apply(x)
    y.sum().backward(retain_graph=True)
    y.sum().backward()
    return x.grad


@S.case
def second_derivative_through_a_function(torch):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x

    a = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(Square.apply(a).sum(), a, create_graph=True)
    (g2,) = torch.autograd.grad(g.sum(), a)
    return g, g2


@S.case
def forward_runs_without_grad_and_backward_with_it_only_under_create_graph(torch):
    log = []

    class Probe(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            log.append(("forward", torch.is_grad_enabled()))
            y = x * 2
            log.append(("inner requires grad", y.requires_grad))
            return y

        @staticmethod
        def backward(ctx, g):
            log.append(("backward", torch.is_grad_enabled()))
            return g

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    Probe.apply(a).sum().backward()
    Probe.apply(a).sum().backward(create_graph=True)
    return log


@S.case
def needs_input_grad(torch):
    log = []

    class F(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y, k):
            log.append(ctx.needs_input_grad)
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            log.append(ctx.needs_input_grad)
            return g, None, None

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    F.apply(x, torch.tensor([1.0, 2.0]), 3).sum().backward()
    return log, x.grad


@S.case
def attributes_on_ctx(torch):
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, n):
            ctx.n = n
            return x * n

        @staticmethod
        def backward(ctx, g):
            return g * ctx.n, None

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    Scale.apply(a, 4).sum().backward()
    return a.grad


@S.case
def setup_context_style(torch):
    class Scale(torch.autograd.Function):
        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Scale.apply(a, 3.0)
    y.sum().backward()
    return y, a.grad


@S.case
def two_outputs(torch):
    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb * 3

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = Split.apply(x)
    a.sum().backward()
    first = x.grad.clone()
    (a + b).sum().backward()
    return a, b, first, x.grad, a.grad_fn is b.grad_fn, b.output_nr


@S.case
def gradients_not_materialized(torch):
    log = []

    class Split(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            log.append((ga is None, gb is None))
            return ga * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, b = Split.apply(x)
    a.sum().backward()
    return log, x.grad


@S.case
def non_differentiable_outputs(torch):
    class Mask(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            mask = x > 1
            copy = x.detach() * 1
            ctx.mark_non_differentiable(mask, copy)
            return x * 2, mask, copy

        @staticmethod
        def backward(ctx, ga, gm, gc):
            return ga * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a, mask, copy = Mask.apply(x)
    a.sum().backward()
    return a, mask, copy, x.grad


@S.case
def integer_output(torch):
    class Long(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.long()

        @staticmethod
        def backward(ctx, g):
            return g

    return Long.apply(torch.tensor([1.0, 2.0], requires_grad=True))


@S.case
def number_among_the_outputs(torch):
    class WithCount(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 5

        @staticmethod
        def backward(ctx, g, h):
            return g

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    y, k = WithCount.apply(a)
    y.sum().backward()
    return a.grad, k


@S.case
def input_returned_as_it_is(torch):
    class Identity(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = Identity.apply(x)
    y.sum().backward()
    return y is x, y, x.grad


@S.case
def input_changed_in_place_and_marked_dirty(torch):
    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    x = a * 1
    y = Double.apply(x)
    y.sum().backward()
    return y is x, y, x.grad_fn, a.grad, x._version


@S.case
def leaf_marked_dirty(torch):
    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    Double.apply(torch.tensor([1.0, 2.0], requires_grad=True))


@S.case
def saved_input_changed_in_place(torch):
    class Times(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    x = a * 1
    y = Times.apply(x)
    x.add_(1)
    y.sum().backward()


@S.case
def saving_a_number(torch):
    class Bad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    Bad.apply(torch.tensor([1.0, 2.0], requires_grad=True))


@S.case
def saving_none(torch):
    class Keep(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(None, x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            none, x = ctx.saved_tensors
            return g * 2 if none is None else g

    a = torch.tensor([1.0, 2.0], requires_grad=True)
    Keep.apply(a).sum().backward()
    return a.grad


# ---- what backward returns ---------------------------------------------------------------


@S.case
def backward_returns_too_few(torch):
    Double = _double(torch, lambda ctx, g: g)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x, 2.0).sum().backward()


@S.case
def backward_returns_too_many(torch):
    Double = _double(torch, lambda ctx, g: (g, g))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()


@S.case
def backward_returns_extra_nones(torch):
    Double = _double(torch, lambda ctx, g: (g * 2, None, None))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    return x.grad


@S.case
def backward_returns_a_gradient_for_a_number(torch):
    Double = _double(torch, lambda ctx, g: (g * 2, g))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x, 2.0).sum().backward()


@S.case
def backward_returns_a_number(torch):
    Double = _double(torch, lambda ctx, g: 2.0)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()


@S.case
def backward_returns_the_wrong_shape(torch):
    Double = _double(torch, lambda ctx, g: torch.ones(3))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()


@S.case
def backward_returns_a_broadcastable_shape(torch):
    Double = _double(torch, lambda ctx, g: torch.ones(4, 2))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    return x.grad


@S.case
def backward_returns_a_smaller_shape(torch):
    class Total(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, g):
            return g

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Total.apply(x).backward()


@S.case
def backward_returns_another_dtype(torch):
    Double = _double(torch, lambda ctx, g: (g * 2).double())
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    return x.grad


@S.case
def backward_returns_none_for_an_input_that_requires_grad(torch):
    Double = _double(torch, lambda ctx, g: None)
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    Double.apply(x).sum().backward()
    return x.grad


@S.case
def gradcheck_of_a_function(torch):
    Exp = _exp(torch)
    x = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    return torch.autograd.gradcheck(Exp.apply, (x,)), torch.autograd.gradgradcheck(Exp.apply, (x,))
