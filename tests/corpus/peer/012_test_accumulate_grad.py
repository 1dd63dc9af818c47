# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_accumulate_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

grad_output = torch.ones(5, 5)

def compute_grad(create_graph):
    x = torch.randn(5, 5, requires_grad=True)
    y = x + 2
    y.backward(grad_output, retain_graph=True)
    x_grad = x.grad
    x_grad_clone = x.grad.clone()
    y.backward(grad_output, create_graph=create_graph)
    return x_grad, x_grad_clone

# Accumulate in-place when create_graph is False
x_grad, x_grad_clone = compute_grad(create_graph=False)
print(x_grad)
print(x_grad_clone * 2)

# Accumulate out-of-place when create_graph is True
x_grad, x_grad_clone = compute_grad(create_graph=True)
print(x_grad)
print(x_grad_clone)
