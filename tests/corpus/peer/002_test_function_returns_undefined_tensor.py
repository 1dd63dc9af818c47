# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_function_returns_undefined_tensor
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
    def backward(ctx, grad):
        return None

# Test that undefined tensors returned from custom backward function
# are propagated as undefined and not tensor full of zeroes
x = torch.ones(1, requires_grad=True)

MyFunction.apply(x).backward()
print(x.grad is None)

MyFunction.apply(x**2).backward()
print(x.grad is None)

MyFunction.apply(x).sum().backward()
print(x.grad is None)

print(
    torch.autograd.grad(MyFunction.apply(x), x, allow_unused=True)[0] is None
)
