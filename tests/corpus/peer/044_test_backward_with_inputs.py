# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_backward_with_inputs
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertRaisesRegex(E, msg, callable) -> try: callable() / except E as e: print(e).

import torch

x = torch.randn(2, 2, dtype=torch.double, requires_grad=True)
y = torch.randn(2, 2, dtype=torch.double, requires_grad=True)

def fn():
    return x**2 + y * x + y**2

gradient = torch.ones(2, 2)
x_grad_expected = 2 * x + y
y_grad_expected = x + 2 * y

@torch.no_grad()
def reset_grad():
    x.grad.zero_()
    y.grad.zero_()

torch.autograd.backward(fn(), gradient, inputs=[x, y])
print(x.grad)
print(x_grad_expected)
print(y.grad)
print(y_grad_expected)

reset_grad()
torch.autograd.backward(fn(), gradient, inputs=[x])
print(x.grad)
print(x_grad_expected)
print(y.grad)

reset_grad()
torch.autograd.backward(fn(), gradient, inputs=[y])
print(y.grad)
print(y_grad_expected)
print(x.grad)

reset_grad()
torch.autograd.backward(fn(), gradient, inputs=y)
print(y.grad)
print(y_grad_expected)
print(x.grad)

reset_grad()
try:
    (lambda: torch.autograd.backward(fn(), gradient, inputs=[]))()
except RuntimeError as e:
    print(e)
