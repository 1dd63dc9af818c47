# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_post_accumulate_grad_hook_returns_not_None
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

def bad_hook(tensor):
    return tensor.grad

tensor = torch.rand(2, 3, requires_grad=True)
tensor.register_post_accumulate_grad_hook(bad_hook)
# should error!
try:
    tensor.sum().backward()
except RuntimeError as e:
    print(e)
