# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_empty_inputs
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.tensor([1.0], requires_grad=True)
try:
    torch.autograd.grad(2 * x, [], grad_outputs=torch.tensor([1.0]))
except ValueError as e:
    print(e)
