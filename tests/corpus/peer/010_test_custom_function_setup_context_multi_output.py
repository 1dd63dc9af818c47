# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_custom_function_setup_context_multi_output
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function
from torch.autograd.function import once_differentiable

# Multiple outputs with some non-Tensor outputs.
class MySquare(Function):
    @staticmethod
    def forward(x):
        two_x = x.item() * 2
        return x**2, two_x

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        _, two_x = output
        ctx.two_x = two_x

    @staticmethod
    @once_differentiable
    def backward(ctx, gO, _):
        return gO * ctx.two_x

x = torch.randn([], requires_grad=True)
y, _ = MySquare.apply(x)
(gx,) = torch.autograd.grad(y, x)
print(gx)
print(2 * x)
