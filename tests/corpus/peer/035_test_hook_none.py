# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_hook_none
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function

# WARNING: this is a test for autograd internals.
# You should never have to use such things in your code.
class NoneGradientFunction(Function):
    @staticmethod
    def forward(ctx, x, y):
        if not ctx.needs_input_grad[0]:
            raise AssertionError("expected needs_input_grad[0] to be True")
        if ctx.needs_input_grad[1]:
            raise AssertionError("expected needs_input_grad[1] to be False")
        return x, y

    @staticmethod
    def backward(ctx, grad_x, grad_y):
        return grad_x, None

was_called = [False]

def hook(grad):
    print(grad is not None)
    was_called[0] = True

x = torch.randn(5, 5, requires_grad=True)
y = torch.randn(5, 5)
rx, ry = NoneGradientFunction.apply(x, y)
rx.register_hook(hook)
ry.register_hook(hook)
sum(rx, ry).sum().backward()
print(was_called[0])
