# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_hooks
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertIsInstance(grad, torch.Tensor) inside the hook -> print(isinstance(...)).

import torch

x = torch.ones(5, 5, requires_grad=True)
y = torch.ones(5, 5) * 4
y.requires_grad_(True)

counter = [0]

def bw_hook(inc, grad):
    print(isinstance(grad, torch.Tensor))
    counter[0] += inc

z = x**2 + x * 2 + x * y + y
x.register_hook(lambda *args: bw_hook(0, *args))
test = z.register_hook(lambda *args: bw_hook(1, *args))
z.backward(torch.ones(5, 5), retain_graph=True)
print(counter[0])

test2 = z.register_hook(lambda *args: bw_hook(2, *args))
z.backward(torch.ones(5, 5), retain_graph=True)
print(counter[0])

test2.remove()
z.backward(torch.ones(5, 5), retain_graph=True)
print(counter[0])

def bw_hook_modify(grad):
    return grad.mul(2)

test.remove()
z.register_hook(bw_hook_modify)
with torch.no_grad():
    y.grad.zero_()
z.backward(torch.ones(5, 5), retain_graph=True)
print(torch.equal(y.grad, (x + 1) * 2))

y.register_hook(bw_hook_modify)
with torch.no_grad():
    y.grad.zero_()
z.backward(torch.ones(5, 5))
print(torch.equal(y.grad, (x + 1) * 4))
