# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_no_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertRaises(RuntimeError, lambda: ...) -> try/except printing the error.

import torch

x = torch.ones(5, 5, requires_grad=True)
y = torch.ones(5, 5) * 4
with torch.no_grad():
    w = x + y

def adder(x, y):
    return x + y

adders = [torch.no_grad()(adder), torch.no_grad(adder)]

for adder in adders:
    z = adder(x, y)

    print(w.requires_grad)
    try:
        (lambda: w.backward(torch.ones(5, 5)))()
    except RuntimeError as e:
        print(e)
    print(w.grad_fn is None)
    print(z.requires_grad)
    try:
        (lambda: z.backward(torch.ones(5, 5)))()
    except RuntimeError as e:
        print(e)
    print(z.grad_fn is None)

# test nested decorator and with-statement on no_grad
with torch.no_grad():
    print(torch.is_grad_enabled())
    w = adder(x, y)
    print(torch.is_grad_enabled())
