# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_hessian_vector
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.randn(2, 2, requires_grad=True)
y = torch.randn(2, 2, requires_grad=True)

z = x**2 + y * x + y**2
z.backward(torch.ones(2, 2), create_graph=True)

with torch.no_grad():
    x_grad = 2 * x + y
    y_grad = x + 2 * y
print(x.grad)
print(x_grad)
print(y.grad)
print(y_grad)

grad_sum = 2 * x.grad + y.grad
grad_sum.backward(torch.ones(2, 2))
x_hv = torch.ones(2, 2) * 5
y_hv = torch.ones(2, 2) * 4
print(x.grad)
print(x_grad + x_hv)
print(y.grad)
print(y_grad + y_hv)

# Avoid leaking memory
x.grad = None
y.grad = None
