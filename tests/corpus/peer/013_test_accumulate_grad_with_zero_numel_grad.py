# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_accumulate_grad_with_zero_numel_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

a = torch.rand(4, 0, requires_grad=True)
b = torch.rand(4, 1, requires_grad=True)
c = a + b
if c.shape != (4, 0):
    raise AssertionError(f"expected shape (4, 0), got {c.shape}")
c.sum().backward()

print(b.grad)
print(a.grad)
