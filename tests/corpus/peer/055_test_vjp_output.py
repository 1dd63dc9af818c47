# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_vjp_output
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

def reducer(x):
    return x.sum(dim=1)

inputs = torch.rand(4, 4)
v = torch.ones(4)
res = autogradF.vjp(reducer, inputs, v)
_assert_same_struct(res[1], inputs)
print(res[0].grad_fn is None)
print(res[1].grad_fn is None)

def adder(x, y):
    return 2 * x + 3 * y

inputs = (torch.rand(2), torch.rand(2))
v = torch.ones(2)
out, vjp_val = autogradF.vjp(adder, inputs, v)
_assert_same_struct(vjp_val, inputs)
print(out.grad_fn is None)
print(vjp_val[0].grad_fn is None)
print(vjp_val[1].grad_fn is None)

def adder(x, y):
    return 2 * x + 3 * y, x + y

inputs = (torch.rand(2), torch.rand(2))
v = (torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0]))
out, vjp_val = autogradF.vjp(adder, inputs, v)
_assert_same_struct(vjp_val, inputs)
print(out[0].grad_fn is None)
print(out[1].grad_fn is None)
print(vjp_val[0].grad_fn is None)
print(vjp_val[1].grad_fn is None)
