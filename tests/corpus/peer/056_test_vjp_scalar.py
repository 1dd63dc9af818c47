# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_vjp_scalar
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
    return x.sum()

inputs = torch.rand(4, 4)
v = torch.ones([])
res = autogradF.vjp(reducer, inputs, v)
_assert_same_struct(res[0], v)
_assert_same_struct(res[1], inputs)

res = autogradF.vjp(reducer, inputs)
_assert_same_struct(res[0], v)
_assert_same_struct(res[1], inputs)

def expander(x):
    return x.unsqueeze(0).repeat(4)

inputs = torch.rand([])
v = torch.ones(4)
res = autogradF.vjp(expander, inputs, v)
_assert_same_struct(res[0], v)
_assert_same_struct(res[1], inputs)
