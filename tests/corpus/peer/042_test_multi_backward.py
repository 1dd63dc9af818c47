# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_multi_backward
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.randn(5, 5, requires_grad=True)
y = torch.randn(5, 5, requires_grad=True)

q = torch.randn(5, 5, requires_grad=True)

a = torch.randn(5, 5, requires_grad=True)
b = torch.randn(5, 5, requires_grad=True)

q2 = q * 2
z = x + y + q2
c = a * b + q2
grad_z = torch.randn(5, 5)
grad_c = torch.randn(5, 5)
torch.autograd.backward([z, c], [grad_z, grad_c])

print(torch.equal(x.grad, grad_z))
print(torch.equal(y.grad, grad_z))
print(torch.equal(a.grad, grad_c * b))
print(torch.equal(b.grad, grad_c * a))
print(q.grad)
print((grad_c + grad_z) * 2)
