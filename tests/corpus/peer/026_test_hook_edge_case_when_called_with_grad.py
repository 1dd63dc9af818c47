# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_hook_edge_case_when_called_with_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# reset_counts is now a module-level function, so its 'nonlocal' becomes 'global'.

import torch

# grad executes the tensor hooks of the next node but not
# grad_fn pre hooks or the post hooks
a = torch.tensor(1.0, requires_grad=True)
b = a * 2
c = b * 2

tensor_hook_count = [0]
prehook_count = [0]
posthook_count = [0]

def reset_counts():
    global tensor_hook_count, prehook_count, posthook_count
    tensor_hook_count = [0]
    prehook_count = [0]
    posthook_count = [0]

def tensor_prehook(g):
    tensor_hook_count[0] += 1

def prehook(g):
    prehook_count[0] += 1

def posthook(gI, gO):
    posthook_count[0] += 1

a.register_hook(tensor_prehook)
b.register_hook(tensor_prehook)
acc = b.grad_fn.next_functions[0][0]
acc.register_hook(posthook)
acc.register_prehook(prehook)
b.grad_fn.register_hook(posthook)
b.grad_fn.register_prehook(prehook)

torch.autograd.grad(c, inputs=(b), retain_graph=True)
print(tensor_hook_count[0])
print(posthook_count[0])
print(prehook_count[0])
reset_counts()

torch.autograd.grad(c, inputs=(a, b), retain_graph=True)
print(tensor_hook_count[0])
print(posthook_count[0])
print(prehook_count[0])
reset_counts()

c.backward(retain_graph=True)
print(tensor_hook_count[0])
print(posthook_count[0])
print(prehook_count[0])
reset_counts()

c.backward(inputs=(a, b), retain_graph=True)
print(tensor_hook_count[0])
print(posthook_count[0])
print(prehook_count[0])
