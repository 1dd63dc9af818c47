# Source: PyTorch's test suite, test/functorch/test_eager_transforms.py, TestGradTransform.test_grad_aux_tensor
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

try:
    grad(lambda t: [t, t], has_aux=True)(x)
except RuntimeError as e:
    print(e)

try:
    grad(lambda t: (t, t + 2, t + 3), has_aux=True)(x)
except RuntimeError as e:
    print(e)

def f(t):
    y = t.sin()
    return y.sum(), t.cos()

out, aux = grad(f, has_aux=True)(x)
print(torch.equal(aux, x.cos()))
print(out)
print(x.cos())
