# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_materialize_grads
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.tensor(0.5, requires_grad=True)
a = torch.tensor(1.0, requires_grad=True)
y = x * a
dydx = torch.autograd.grad(y, x, create_graph=True)
d2ydx2_none = torch.autograd.grad(dydx, x, create_graph=True, allow_unused=True)
d2ydx2 = torch.autograd.grad(
    dydx, x, create_graph=True, allow_unused=True, materialize_grads=True
)
# `allow_unused` set to True implicitly
d3ydx3 = torch.autograd.grad(d2ydx2, x, materialize_grads=True)
print(d2ydx2_none[0] is None)
print(d2ydx2[0].item())
print(d3ydx3[0].item())
try:
    torch.autograd.grad(y, x, allow_unused=False, materialize_grads=True)
except ValueError as e:
    print(e)
