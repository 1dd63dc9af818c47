# torch.func.grad and in-place changes, written here for gradcalc (not outside material):
# a captured tensor may not change in place inside the transform; one made inside may.
import torch
from torch.func import grad, vjp

x = torch.tensor([1.0, 2.0, 3.0])
c = torch.zeros(3)


def inside(x):
    buf = torch.zeros(3)
    buf.copy_(x)
    return (x * buf).sum()


print(grad(inside)(x))


def adds(x):
    c.add_(1)
    return x.sum()


try:
    grad(adds)(x)
except RuntimeError as e:
    print(e)


def writes(x):
    c[0] = 1
    return x.sum()


try:
    grad(writes)(x)
except RuntimeError as e:
    print(e)


def view_exp(x):
    c[1:].exp_()
    return (x * x).sum()


try:
    vjp(view_exp, x)
except RuntimeError as e:
    print(e)
print(c)
