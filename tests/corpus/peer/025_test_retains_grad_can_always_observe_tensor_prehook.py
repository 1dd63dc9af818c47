# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_retains_grad_can_always_observe_tensor_prehook
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

def tensor_prehook(g):
    return g * 2

a = torch.tensor(1.0, requires_grad=True)
b = a.clone()
b.register_hook(tensor_prehook)
b.retain_grad()
b.register_hook(tensor_prehook)

b.clone().backward()
print(b.grad.item())

a = torch.tensor(1.0, requires_grad=True)
b = a.clone()
b.retain_grad()
b.register_hook(tensor_prehook)

b.clone().backward()
print(b.grad.item())
