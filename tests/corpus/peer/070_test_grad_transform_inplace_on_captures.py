# Source: PyTorch's test suite, test/functorch/test_eager_transforms.py, TestGradTransform.test_inplace_on_captures
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

x = torch.tensor([1., 2., 3.], device=device)
captured = torch.randn(3, device=device)

def foo(x):
    captured.copy_(x)
    return (x * captured).sum()

try:
    grad(foo)(x)
except RuntimeError as e:
    print(e)
