# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_jacobian_no_grad
#   (the base_tensor parametrization: ctors are torch.rand, torch.ones, ...)
#   repository pytorch/pytorch, commit 68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd
#   https://github.com/pytorch/pytorch/blob/68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd/test/autograd/test_functional.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e);
# the module's helpers are included at the top with their assertions turned into prints.
# assertNotEqual(res, zeros) -> print(res).

import torch
import torch.autograd.functional as autogradF

def exp_reducer(x):
    return x.exp().sum(dim=1)

inputs = torch.rand(4, 4)
with torch.no_grad():
    res = autogradF.jacobian(exp_reducer, inputs)
print(res.grad_fn is None)
print(res)

with torch.no_grad():
    res = autogradF.jacobian(exp_reducer, inputs, create_graph=True)
print(res.grad_fn is not None)
print(res)
