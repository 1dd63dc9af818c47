# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_vjp_no_grad
#   (the base_tensor parametrization: ctors are torch.rand, torch.ones, ...)
#   repository pytorch/pytorch, commit 68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd
#   https://github.com/pytorch/pytorch/blob/68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd/test/autograd/test_functional.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e);
# the module's helpers are included at the top with their assertions turned into prints.
# assertNotEqual(a, b) -> print(a) (b is a literal zeros tensor).

import torch
import torch.autograd.functional as autogradF

def reducer(x):
    return x.sum(dim=1)

inputs = torch.rand(4, 4)
v = torch.ones(4)
with torch.no_grad():
    res = autogradF.vjp(reducer, inputs, v)
print(res[0].grad_fn is None)
print(res[1].grad_fn is None)
print(res[1])

inputs.requires_grad_()
v.requires_grad_()
with torch.no_grad():
    res = autogradF.vjp(reducer, inputs, v, create_graph=True)
print(res[0].grad_fn is not None)
print(res[1].grad_fn is not None)
print(res[1])
