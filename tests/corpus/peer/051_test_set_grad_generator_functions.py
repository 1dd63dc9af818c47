# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_set_grad_generator_functions
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertEqual(torch.is_grad_enabled(), X) -> print(torch.is_grad_enabled()).

import torch

@torch.no_grad()
def gen_no_grad():
    for i in range(10):
        print(torch.is_grad_enabled())
        yield i

with torch.enable_grad():
    for _ in gen_no_grad():
        print(torch.is_grad_enabled())

@torch.enable_grad()
def gen_enable_grad():
    for i in range(10):
        print(torch.is_grad_enabled())
        yield i

with torch.no_grad():
    for _ in gen_enable_grad():
        print(torch.is_grad_enabled())
