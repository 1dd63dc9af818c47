# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_no_unnecessary_save
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# torch.empty(1) becomes torch.zeros(1): at top level the loop echoes x.detach_(), which would
# print uninitialised memory on the first pass.

import torch

# If we kept x in the derivative Function of x * 2 we would
# get an error in the backward that would complain that we've
# modified x, which was needed for gradient computation.
# Since we should elide unnecessary saves, this test should pass.
mu = torch.ones(1, requires_grad=True)
x = torch.zeros(1)
loss = 0
for i in range(3):
    x.detach_()
    x.copy_(mu + i)
    ft = torch.tensor([float(i)])
    multiplied = x * ft
    s = multiplied.sum()
    loss += s
loss.backward()
print(mu.grad)
