# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_invalid_gradients
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function

class MyFunction(Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, grad_output):
        return torch.randn(10, dtype=torch.float)

try:
    input = torch.randn(5, 5, dtype=torch.float, requires_grad=True)
    MyFunction.apply(input).sum().backward()
except RuntimeError as e:
    print(e)
