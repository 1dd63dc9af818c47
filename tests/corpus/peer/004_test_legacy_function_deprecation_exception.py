# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_legacy_function_deprecation_exception
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch
from torch.autograd import Function

# Trigger exception
class MyFunction(Function):
    def forward(self, x):
        return x

    def backward(self, grad_output):
        return grad_output

# Check exception occurs
try:
    MyFunction()(torch.randn(3, 4))
except RuntimeError as e:
    print(e)
