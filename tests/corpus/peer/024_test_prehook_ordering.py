# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_prehook_ordering
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

# Hooks registered to tensor are ordered before those
# that are registered to grad_fn
log = []

def hook1(g):
    log.append(1)
    return g * 3

def hook2(gs):
    log.append(2)
    return tuple(g * 2 for g in gs)

a = torch.tensor(1.0, requires_grad=True)
b = a.clone()

b.grad_fn.register_prehook(hook2)
b.register_hook(hook1)
b.grad_fn.register_prehook(hook2)

acc = b.grad_fn.next_functions[0][0]
a.register_hook(hook1)
acc.register_prehook(hook2)
a.register_hook(hook1)

b.sum().backward(retain_graph=True)
print(log)

# grad also runs hooks on accumulate grad nodes, even though
# the accumulate grad nodes are not actually executed
log = []
torch.autograd.grad(b.sum(), inputs=(a,), retain_graph=True)
print(log)

log = []
b.sum().backward(inputs=(b,))
print(log)
# retains_grad hooks would not observe modifications by all pre hooks
# because they are executed after
print(b.grad.item())
