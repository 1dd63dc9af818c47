"""gradcheck and gradgradcheck scenarios: passing, failing with PyTorch's message (the
Jacobians as PyTorch prints them), and the argument checks (see ../scenario_runner.py).

Sources: the torch.autograd.gradcheck docs (pytorch.org/docs/stable/generated/torch.autograd.gradcheck.html),
"Gradcheck mechanics" (pytorch.org/docs/stable/notes/gradcheck.html) and
torch/autograd/gradcheck.py (github.com/pytorch/pytorch), slow mode.
"""

from scenario_runner import Scenarios, attempt

S = Scenarios()


def D(torch, values, requires_grad=True):
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def _half_square(torch):
    """x * x with a backward that forgot the factor 2."""

    class HalfSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    return HalfSquare


@S.case
def correct_function_passes(torch):
    x, w = D(torch, [0.5, -1.0]), D(torch, [2.0, 3.0])
    return (
        torch.autograd.gradcheck(lambda a, b: (a * b).sin(), (x, w)),
        torch.autograd.gradcheck(lambda a: a * 2, x),
        torch.autograd.gradcheck(lambda a: (a * 2, a.exp()), [x]),
        torch.autograd.gradcheck(lambda a, i: a * i, (x, torch.tensor([1, 2]))),
    )


@S.case
def wrong_backward_fails(torch):
    return torch.autograd.gradcheck(_half_square(torch).apply, (D(torch, [0.5, -1.0]),))


@S.case
def wrong_backward_of_a_matrix(torch):
    x = D(torch, [[0.5, -1.0], [2.0, 3.0]])
    return torch.autograd.gradcheck(_half_square(torch).apply, (x,))


@S.case
def wrong_backward_without_raising(torch):
    f = _half_square(torch).apply
    x = D(torch, [0.5, -1.0])
    return (
        torch.autograd.gradcheck(f, (x,), raise_exception=False),
        torch.autograd.gradcheck(f, (x,), atol=10.0),
    )


@S.case
def wrong_gradient_for_the_second_input(torch):
    class Product(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x * y

        @staticmethod
        def backward(ctx, g):
            return g, g

    return torch.autograd.gradcheck(Product.apply, (D(torch, [0.5, -1.0]), D(torch, [2.0, 3.0])))


@S.case
def wrong_gradient_for_the_second_output(torch):
    class Pair(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, ga, gb):
            return ga * 2 + gb

    return torch.autograd.gradcheck(Pair.apply, (D(torch, [0.5, -1.0]),))


@S.case
def index_counts_only_inputs_that_require_grad(torch):
    class Product(torch.autograd.Function):
        @staticmethod
        def forward(ctx, c, x, y):
            return c * x * y

        @staticmethod
        def backward(ctx, g):
            return None, g, g

    c = D(torch, [1.0, 1.0], requires_grad=False)
    return torch.autograd.gradcheck(Product.apply, (c, D(torch, [0.5, -1.0]), D(torch, [2.0, 3.0])))


@S.case
def no_input_requires_grad(torch):
    return torch.autograd.gradcheck(lambda a: a * 2, (D(torch, [0.5, -1.0], False),))


@S.case
def output_that_requires_no_grad(torch):
    return torch.autograd.gradcheck(lambda a: a.detach() * 2, (D(torch, [0.5, -1.0]),))


@S.case
def constant_output_passes(torch):
    return torch.autograd.gradcheck(lambda a: a.detach() * 0, (D(torch, [0.5, -1.0]),))


@S.case(warnings=True)
def float32_input_warns_and_fails(torch):
    x = torch.tensor([0.5, -1.0], requires_grad=True)
    return attempt(torch.autograd.gradcheck, lambda a: a * 2, (x,))


@S.case
def expanded_input_is_refused(torch):
    x = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    with torch.no_grad():
        e = x.expand(3)
    e.requires_grad_()
    return torch.autograd.gradcheck(lambda a: a * 2, (e,))


@S.case
def gradgradcheck_passes(torch):
    x = D(torch, [0.5, -1.0])
    torch.manual_seed(0)
    return (
        torch.autograd.gradgradcheck(lambda a: (a**3).sum(), (x,)),
        torch.autograd.gradgradcheck(lambda a, b: a * b.exp(), (x, D(torch, [2.0, 3.0]))),
        torch.autograd.gradgradcheck(lambda a: a**3, (x,), (D(torch, [1.0, -2.0]),)),
    )


@S.case
def gradgradcheck_of_a_backward_that_is_not_differentiable(torch):
    class Square(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x.detach()

    torch.manual_seed(0)  # the random grad_outputs come from the default generator
    return torch.autograd.gradgradcheck(Square.apply, (D(torch, [0.5, -1.0]),))
