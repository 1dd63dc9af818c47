# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_tensor_hooks_inplace_over_view
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# self.fail() in the hooks becomes raise AssertionError(); assertEqual in fn2 -> print(grad).

import torch

# There might be a better UX here, but this is the way it is now
count = [0]

def fn0(grad):
    raise AssertionError()

def fn1(grad):
    raise AssertionError()

def fn2(grad):
    count[0] += 1
    print(grad)

base = torch.tensor([1.0], requires_grad=True).clone()
view = base[:]
view2 = base[:]
view.register_hook(fn0)
view2.register_hook(fn1)
view.mul_(2)
# We need to explicitly trigger an update to view to update its grad_fn
view2.grad_fn
view2.register_hook(fn2)
(view + view2).sum().backward()
# The hooks originally registered to view are not fired, one must explicitly
# trigger an update to the view's grad_fn, and then register a new hook
print(count[0])
