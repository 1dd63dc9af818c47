# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_nonleaf_many_outputs
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

# This checks an edge case for function callbacks
# We want to capture two grads of a function, but can only
# register a single callback.
x = torch.randn(4, 2, requires_grad=True)
a, b = x.chunk(2)

def hook(*grads):
    hook_called[0] = True

hook_called = [False]
x.register_hook(hook)

go = torch.randn(2, 2)
grad_a, grad_b = torch.autograd.grad(
    (a + 2 * b), [a, b], grad_outputs=go, create_graph=True
)

print(torch.equal(grad_a, go))
print(torch.equal(grad_b, go * 2))
print(hook_called[0])
print(x.grad is None)
