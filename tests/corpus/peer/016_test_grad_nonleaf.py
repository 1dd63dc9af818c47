# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad_nonleaf
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertGreater(a, b) -> print(a > b); assertIsNotNone(x) -> print(x is not None).

import torch

x_init = torch.randn(2, 2, requires_grad=True)
x = x_init
y = torch.randn(2, 2, requires_grad=True)
grad_output = torch.ones(2, 2)

def fn(x):
    return x**2 + y * x + y**2

for _ in range(5):
    (grad_x,) = torch.autograd.grad(
        fn(x), x, grad_outputs=grad_output, create_graph=True
    )

    grad_x_expected = 2 * x + y
    print(y.grad is None)
    print(x.grad is None)
    print(grad_x)
    print(grad_x_expected)

    x = x + 0.05 * grad_x

val_init = fn(x_init).sum()
val_final = fn(x).sum()
print(val_final > val_init)

x.backward(grad_output)
print(y.grad is not None)
print(x_init.grad is not None)
