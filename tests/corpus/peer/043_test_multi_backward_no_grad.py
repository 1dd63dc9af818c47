# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_multi_backward_no_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertRaises(RuntimeError, call_backwards) -> try: call_backwards() / except RuntimeError: print(e).

import torch

x = torch.randn(5, 5, requires_grad=True)
y = torch.randn(5, 5, requires_grad=False)

z = x + y
q = y * 2

# NB: we currently raise an exception if any arguments to backwards
# have requires_grad=False and don't have a grad_fn. We may want to
# relax that check to a warning.
def call_backwards():
    torch.autograd.backward([z, q], [torch.ones(5, 5), torch.ones(5, 5)])

try:
    call_backwards()
except RuntimeError as e:
    print(e)
