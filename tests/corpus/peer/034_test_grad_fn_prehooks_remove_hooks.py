# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_fn_prehooks_remove_hooks
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# The helper self._get_mul2(use_custom_function) is inlined as get_mul2 below.

import torch
from torch.autograd import Function

def get_mul2(use_custom_function):
    if use_custom_function:

        class Mul2(Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, gO):
                return gO * 2

        return Mul2.apply
    else:
        return lambda x: x * 2

for use_custom_function in (True, False):
    mul2 = get_mul2(use_custom_function)

    # Simply remove hooks

    a = torch.rand(3, 3, requires_grad=True)
    b = mul2(a)
    counter = [0]

    def prehook(grad_output):
        counter[0] += 1
        return None

    handle = b.grad_fn.register_prehook(prehook)
    b.grad_fn.register_prehook(prehook)
    handle.remove()
    b.sum().backward()
    print(torch.allclose(a.grad, torch.ones(3, 3) * 2))
    print(counter[0])

    # Remove hooks during backward
    a = torch.rand(3, 3, requires_grad=True)
    b = mul2(a)
    counter = [0]

    def prehook1(grad_output):
        handle2.remove()
        # Remove hook that is already removed is OK
        handle3.remove()
        return None

    def prehook2(grad_output):
        counter[0] += 1
        return None

    # Hooks that registered first run first
    b.grad_fn.register_prehook(prehook1)
    handle2 = b.grad_fn.register_prehook(prehook2)
    handle3 = b.grad_fn.register_prehook(prehook2)
    handle3.remove()
    b.sum().backward()
    print(torch.allclose(a.grad, torch.ones(3, 3) * 2))
    print(counter[0])
