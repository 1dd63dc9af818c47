"""Broadcasting scenarios: result shapes, PyTorch's mismatch message, empty dimensions, and
gradients summed back to each operand's shape (see ../scenario_runner.py).

Sources: "Broadcasting semantics" (pytorch.org/docs/stable/notes/broadcasting.html) and the
old gradcalc tests of broadcast gradients (tests/autograd/test_properties.py,
tests/autograd/test_uniform_gradients.py).
"""

import operator

from scenario_runner import Scenarios, attempt

S = Scenarios()

PAIRS = [
    ((2, 3), (3,)),
    ((2, 3), (2, 1)),
    ((4, 1, 3), (2, 1)),
    ((1,), (3, 2)),
    ((3, 1, 2), (1, 4, 1)),
    ((), (2, 2)),
    ((5, 1), ()),
    ((0, 3), (3,)),
    ((1, 0), (5, 1)),
]


def _grad_case(op, a_shape, b_shape):
    def scenario(torch):
        n_a = max(1, _numel(a_shape))
        n_b = max(1, _numel(b_shape))
        a = (torch.arange(n_a, dtype=torch.float64) + 1)[: _numel(a_shape)].reshape(a_shape)
        b = (torch.arange(n_b, dtype=torch.float64) + 2)[: _numel(b_shape)].reshape(b_shape)
        a.requires_grad_()
        b.requires_grad_()
        y = op(a, b)
        w = torch.arange(_numel(y.shape), dtype=torch.float64).reshape(y.shape) - 1
        (y * w).sum().backward()
        return y, a.grad, b.grad

    return scenario


def _numel(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


for _name, _op in [
    ("add", operator.add),
    ("sub", operator.sub),
    ("mul", operator.mul),
    ("div", operator.truediv),
    ("pow", operator.pow),
]:
    for _a, _b in PAIRS:
        S.add(f"{_name}/{_a}/{_b}", _grad_case(_op, _a, _b))


@S.case
def mismatched_shapes(torch):
    return (
        attempt(operator.add, torch.ones(2, 3), torch.ones(4)),
        attempt(operator.mul, torch.ones(2, 3, 1), torch.ones(5, 2)),
        attempt(operator.sub, torch.ones(0, 3), torch.ones(2, 3)),
        attempt(torch.maximum, torch.ones(3, 2), torch.ones(2, 3)),
    )


@S.case(
    xfail="declare.py Op.apply: the shape check broadcasts only the promoted inputs (self, "
    "other); PyTorch broadcasts every tensor operand in order (condition, self, other), so the "
    "mismatch is reported at dimension 1 of the (2, 3) result"
)
def mismatched_shapes_in_where(torch):
    return torch.where(torch.ones(2, 3) > 0, torch.ones(3), torch.ones(4))


@S.case
def mismatched_shapes_in_a_comparison(torch):
    return torch.ones(2, 3) < torch.ones(2)


@S.case
def expand_and_its_gradient(torch):
    x = torch.tensor([[1.0], [2.0]], requires_grad=True)
    y = x.expand(2, 3)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    return y, x.grad, y.grad_fn


@S.case
def broadcast_leaf_used_twice(torch):
    b = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.ones(3, 2)
    ((x + b) * (x * b)).sum().backward()
    return b.grad


@S.case
def zero_dim_tensor_with_a_vector(torch):
    s = torch.tensor(2.0, requires_grad=True)
    v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = s * v + s
    y.sum().backward()
    return y, s.grad, v.grad
