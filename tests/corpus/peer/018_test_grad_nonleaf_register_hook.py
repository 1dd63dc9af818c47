# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_nonleaf_register_hook
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

# This checks an edge case for register_hook.
# We want to capture grad of a nonleaf tensor,
# but avoid segfault during backward of other nonleaf tensors
x = torch.randn(5, requires_grad=True)
x_list = x.unbind()

x0 = x_list[0]
hook_results = [None]

def hook(grad):
    hook_results[0] = grad

x0.register_hook(hook)

x_list[0].backward()
print(hook_results[0])
expected_grad = torch.tensor([1.0, 0, 0, 0, 0])
print(x.grad)
print(expected_grad)
print(x_list[0].grad is None)

for i in range(1, 5, 1):
    x_list[i].backward()
    print(hook_results[0])
    expected_grad[i] = 1.0
    print(x.grad)
    print(expected_grad)
    print(x_list[i].grad is None)
