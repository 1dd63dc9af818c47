# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_unused_grad_requires_grad_with_materialize
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.ones(10, requires_grad=True)
y = torch.ones(10, requires_grad=True)
z = (x**2).sum()

g = torch.autograd.grad(
    z, (x, y), allow_unused=True, materialize_grads=True, create_graph=False
)

print(g[0].requires_grad)
print(g[1].requires_grad)
