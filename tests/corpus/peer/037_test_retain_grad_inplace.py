# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_retain_grad_inplace
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

a = torch.tensor([1.0], requires_grad=True).clone()
a.retain_grad()
a.mul_(2)
a.sum().backward()
print(a.grad)

a = torch.tensor([1.0], requires_grad=True).clone()
a.retain_grad()
# Inplace multiple times is OK
a.mul_(2)
a.mul_(2)
a.sum().backward()
print(a.grad)

# When in-place over view is done, the retains_grad hooks should be
# moved from base's original grad_fn to the copyslices node.
x = torch.tensor([1.0], requires_grad=True).clone()
x.retain_grad()
x_view = x[:]
x_view *= 2
x *= 2
x.sum().backward()
# The grad is 1, not 4, because we are computing grad wrt the latest
# version of x.
print(a.grad)

# If the base did not originally require grad, there should be no hook
# to move. Make sure this case runs without error.
x = torch.zeros(4)
y = x.view(2, 2)
y.add_(torch.randn(2, 2, requires_grad=True))
