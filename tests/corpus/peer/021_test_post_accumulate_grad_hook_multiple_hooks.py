# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_post_accumulate_grad_hook_multiple_hooks
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

def hook1(tensor):
    tensor.sub_(tensor.grad)

def hook2(tensor):
    tensor.mul_(4.0)

tensor = torch.rand(3, requires_grad=True)
tensor_ref = tensor.detach().clone()
tensor.register_post_accumulate_grad_hook(hook1)
tensor.register_post_accumulate_grad_hook(hook2)
sum = tensor.sum()
sum.backward()
# both hooks should be called, in order
print(4.0 * (tensor_ref - 1.0))
print(tensor)
