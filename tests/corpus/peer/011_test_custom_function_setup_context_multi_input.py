# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_custom_function_setup_context_multi_input
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function

class MyReshape(Function):
    @staticmethod
    def forward(x, shape, scale_forward, scale_backward):
        return x.reshape(shape) * scale_forward

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, shape, scale_forward, scale_backward = inputs
        ctx.scale_backward = scale_backward
        ctx.x_shape = x.shape

    @staticmethod
    def backward(ctx, gO):
        return gO.reshape(ctx.x_shape) * ctx.scale_backward, None, None, None

class MyReshapeRef(Function):
    @staticmethod
    def forward(ctx, x, shape, scale_forward, scale_backward):
        ctx.scale_backward = scale_backward
        ctx.x_shape = x.shape
        return x.reshape(shape) * scale_forward

    @staticmethod
    def backward(ctx, gO):
        return gO.reshape(ctx.x_shape) * ctx.scale_backward, None, None, None

def test(x, shape, scale_forward, scale_backward):
    y = MyReshape.apply(x, shape, scale_forward, scale_backward).sum()
    (gx,) = torch.autograd.grad(y, x)

    y_expected = MyReshapeRef.apply(
        x, shape, scale_forward, scale_backward
    ).sum()
    (gx_expected,) = torch.autograd.grad(y_expected, x)

    print(y_expected)
    print(y)
    print(torch.equal(gx_expected, gx))

test(torch.randn(24, requires_grad=True), (3, 8), 7, 11)
test(torch.randn(2, 3, 4, requires_grad=True), (6, 4), -1, 2)
