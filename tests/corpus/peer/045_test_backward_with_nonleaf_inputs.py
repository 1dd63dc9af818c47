# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_backward_with_nonleaf_inputs
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

x = torch.randn(2, 2, dtype=torch.double, requires_grad=True)
x_nonleaf = x * 1
y = torch.randn(2, 2, dtype=torch.double, requires_grad=True)
z = torch.randn(2, 2, dtype=torch.double, requires_grad=True)

out = x_nonleaf**2 + y * x_nonleaf + y**2

out.backward(
    torch.ones(2, 2, dtype=torch.double),
    create_graph=True,
    inputs=[x, y, x_nonleaf],
)
x_grad_expected = 2 * x + y
y_grad_expected = x + 2 * y
x_non_leaf_expected = 2 * x_nonleaf + y

print(y.grad)
print(y_grad_expected)
print(x.grad)
print(x_grad_expected)
print(x_nonleaf.grad)
print(x_non_leaf_expected)

# backward doesn't have an allow_unused flag, so the behavior of backward
# when variable is not part of the graph is as if allow_used were true
# x.grad will simply be None.
out.backward(
    torch.ones(2, 2, dtype=torch.double), create_graph=True, inputs=[z]
)
print(z.grad is None)

# Avoid leaking memory
x.grad = None
y.grad = None
x_nonleaf.grad = None
