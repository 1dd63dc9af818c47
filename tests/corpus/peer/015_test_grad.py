# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# self.assertFail() (reached only when no error is raised) becomes a print saying so.

import torch

x = torch.randn(2, 2, requires_grad=True)
y = torch.randn(2, 2, requires_grad=True)
z = x**2 + y * x + y**2
z.backward(torch.ones(2, 2), create_graph=True)

x_grad = 2 * x + y
y_grad = x + 2 * y
print(x.grad)
print(x_grad)
print(y.grad)
print(y_grad)

grad_sum = 2 * x.grad + y.grad
x_hv = torch.autograd.grad(
    outputs=[grad_sum],
    grad_outputs=[torch.ones(2, 2)],
    inputs=[x],
    create_graph=True,
)
expected_x_hv = torch.ones(2, 2) * 5
expected_y_hv = torch.ones(2, 2) * 4

print(x_hv[0])
print(x.grad)
print(y.grad)

# Avoid leaking memory
x.grad = None
y.grad = None

# Test that grad_outputs and outputs have the same shape
grad_out = torch.ones(2)
try:
    torch.autograd.grad(
        outputs=[grad_sum],
        grad_outputs=[grad_out],
        inputs=[x],
        create_graph=True,
    )
    print("assertFail: no error")
except RuntimeError as error:
    print(str(error))
    print(
        "Mismatch in shape: grad_output[0] has a shape of "
        + str(grad_out.shape)
        + " and output[0] has a shape of "
        + str(grad_sum.shape)
        + "."
    )
