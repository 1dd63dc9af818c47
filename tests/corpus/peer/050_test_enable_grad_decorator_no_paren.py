# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_enable_grad_decorator_no_paren
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.ones(1, requires_grad=True)

@torch.enable_grad
def doubler(x):
    return x * 2

with torch.no_grad():
    z = doubler(x)
print(z.requires_grad)
