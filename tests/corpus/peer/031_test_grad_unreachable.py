# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_unreachable
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.ones(1, requires_grad=True)
y = torch.ones(1, requires_grad=True)
# Make sure x and y have grad accumulators allocated
z = x * 2
w = y * 2

grad_x, grad_y = torch.autograd.grad(x * 2, [x, y], allow_unused=True)
print(grad_x)
print(x * 2)
print(grad_y is None)

# This is slightly different than the case above, because z doesn't even
# have a grad accumulator allocated.
z = torch.ones(1, requires_grad=True)
grad_x, grad_z = torch.autograd.grad(x * 2, [x, z], allow_unused=True)
print(grad_x)
print(x * 2)
print(grad_z is None)

# allow_unused=False, but grads contains None inside, should throw
try:
    grad_x, grad_y = torch.autograd.grad(x * 2, [x, y], allow_unused=False)
except RuntimeError as e:
    print(e)
