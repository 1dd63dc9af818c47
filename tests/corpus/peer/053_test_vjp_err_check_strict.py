# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_vjp_err_check_strict
#   (the base_tensor parametrization: ctors are torch.rand, torch.ones, ...)
#   repository pytorch/pytorch, commit 68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd
#   https://github.com/pytorch/pytorch/blob/68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd/test/autograd/test_functional.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e);
# the module's helpers are included at the top with their assertions turned into prints.

import torch
import torch.autograd.functional as autogradF

def _assert_same_struct(res, base):
    # base and res should be Tensors or tuple of Tensors with the same size
    if isinstance(base, torch.Tensor):
        print(isinstance(res, torch.Tensor))
        print(base.size())
        print(res.size())
    elif isinstance(base, tuple):
        print(isinstance(res, tuple))
        print(len(base))
        print(len(res))
        for el_base, el_res in zip(base, res):
            print(isinstance(el_base, torch.Tensor))
            print(isinstance(el_res, torch.Tensor))
            print(el_base.size())
            print(el_res.size())
    else:
        # Wrong base
        raise RuntimeError(
            "The base given to `_assert_same_struct` doesn't have"
            " the right structure."
        )

def foo(a):
    return a.detach()

def bar(a):
    # Make a non-leaf Tensor that requires_grad but that is not connected to the input
    return a.long().float().requires_grad_().clone()

inp = torch.rand(4)
v = torch.rand(4)
try:
    res = autogradF.vjp(foo, inp, v, strict=True)
except RuntimeError as e:
    print(e)
res = autogradF.vjp(foo, inp, v, strict=False)
_assert_same_struct(res[1], inp)
print(res[1].abs().sum())

try:
    res = autogradF.vjp(bar, inp, v, strict=True)
except RuntimeError as e:
    print(e)
res = autogradF.vjp(bar, inp, v, strict=False)
_assert_same_struct(res[1], inp)
print(res[1].abs().sum())

# The Jacobian does not depend on the input
def foo(a):
    return a.clone()

inp.requires_grad_()
try:
    res = autogradF.vjp(foo, inp, v, create_graph=True, strict=True)
except RuntimeError as e:
    print(e)
res = autogradF.vjp(foo, inp, v, create_graph=True, strict=False)
_assert_same_struct(res[1], inp)
print(res[1])
print(v)
