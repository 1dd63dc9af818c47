# Source: PyTorch's test suite, test/functorch/test_eager_transforms.py, TestGradTransform.test_composite_complicated
#   (the CPU instantiation: device is "cpu")
#   repository pytorch/pytorch, commit 27bcff420307f25fbdaebd862ba98e83f32b8235
#   https://github.com/pytorch/pytorch/blob/27bcff420307f25fbdaebd862ba98e83f32b8235/test/functorch/test_eager_transforms.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (or
# print(torch.equal(a, b))), assertRaisesRegex(E, ...) -> try/except E: print(e); the
# imports the test module makes (torch.func's grad and vjp, torch.nn.functional as F) are added.

import torch
import torch.nn.functional as F
from torch.func import grad, vjp

device = "cpu"

x = torch.randn(3, device=device)
y = torch.randn(3, 5, device=device)

def foo(x, y):
    result = x @ y
    return result.sum()

result = grad(foo)(x, y)

x.requires_grad_()
out = foo(x, y)
expected, = torch.autograd.grad(out, x)

print(result)
print(expected)
