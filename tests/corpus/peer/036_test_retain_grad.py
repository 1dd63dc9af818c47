# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_retain_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

input = torch.rand(1, 3, requires_grad=True)
h1 = input * 3
out = (h1 * h1).sum()

# It should be possible to call retain_grad() multiple times
h1.retain_grad()
h1.retain_grad()

# Gradient should be accumulated
out.backward(retain_graph=True)
print(h1 * 2)
print(h1.grad)
out.backward(retain_graph=True)
print(h1 * 4)
print(h1.grad)

with torch.no_grad():
    input.grad.zero_()
# It should be a no-op for leaves
input.retain_grad()
input.retain_grad()
out.backward()
print(input * 18)
print(input.grad)
