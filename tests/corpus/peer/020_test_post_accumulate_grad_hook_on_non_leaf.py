# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_post_accumulate_grad_hook_on_non_leaf
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

def hook(tensor):
    tensor.sub_(1.0)

leaf = torch.rand(3, requires_grad=True)
non_leaf = 2.0 * leaf

try:
    non_leaf.register_post_accumulate_grad_hook(hook)
except RuntimeError as e:
    print(e)
