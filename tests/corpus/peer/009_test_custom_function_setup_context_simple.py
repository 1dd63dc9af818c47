# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_custom_function_setup_context_simple
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function

class MySquare(Function):
    @staticmethod
    def forward(x):
        return x**2

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, gO):
        (x,) = ctx.saved_tensors
        return gO * 2 * x

x = torch.randn([], requires_grad=True)
y = MySquare.apply(x)
(gx,) = torch.autograd.grad(y, x)
print(gx)
print(2 * x)
