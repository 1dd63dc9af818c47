# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_retain_grad_inplace_over_view
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

base = torch.tensor([1.0], requires_grad=True).clone()
view = base[:]
view2 = base[:]
view.retain_grad()
view2.retain_grad()
view.mul_(2)
(view + view2).sum().backward()

# The old grad_fn, slice, wouldn't be part of the graph during backward
# so if the retains grad were not properly updated to the new grad_fn,
# the grad would still be None
print(view.grad)
print(view2.grad)
