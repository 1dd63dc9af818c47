# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_unrelated_inputs
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# gradcheck/gradgradcheck come from torch.autograd (the suite wraps the same functions).

import torch
from torch.autograd import gradcheck, gradgradcheck

# test to ensure grad(grad)check runs successfully even if there is an
# unrelated (but differentiable) inputs

def my_function(x, y):
    return x * x

x = torch.rand(10, dtype=torch.double, requires_grad=True)
y = torch.rand(10, dtype=torch.double, requires_grad=True)

print(gradcheck(my_function, (x, y)))
print(gradgradcheck(my_function, (x, y)))
