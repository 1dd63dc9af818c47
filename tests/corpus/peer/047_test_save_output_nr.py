# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_save_output_nr
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertEqual(b.output_nr, 1) inside backward -> print(b.output_nr).

import torch
from torch.autograd import Function

x = torch.randn(10, requires_grad=True)

class MultiOutputFn(Function):
    @staticmethod
    def forward(ctx, x):
        return x[:5], x[5:]

    @staticmethod
    def backward(ctx, *grad):
        return torch.cat(grad)

a, b = MultiOutputFn.apply(x)
print(b.output_nr)

class TestFn(Function):
    @staticmethod
    def forward(ctx, b):
        ctx.save_for_backward(b)
        return b * 2

    @staticmethod
    def backward(ctx, grad_b):
        (b,) = ctx.saved_tensors
        print(b.output_nr)

TestFn.apply(b).sum().backward()
