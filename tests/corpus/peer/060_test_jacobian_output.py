# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_jacobian_output (vectorize=False)
#   (the base_tensor parametrization: ctors are torch.rand, torch.ones, ...)
#   repository pytorch/pytorch, commit 68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd
#   https://github.com/pytorch/pytorch/blob/68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd/test/autograd/test_functional.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e);
# the module's helpers are included at the top with their assertions turned into prints.

import torch
import torch.autograd.functional as autogradF

def _assert_interleaved_struct(res, base1, base2):
    # base1 and base2 can be Tensors or tuples of Tensors.
    # If they are tuples, res should be a tuple as well.
    if isinstance(base1, torch.Tensor) and isinstance(base2, torch.Tensor):
        print(isinstance(res, torch.Tensor))
        print(res.size())
        print(base1.size() + base2.size())
    elif isinstance(base1, tuple) and isinstance(base2, torch.Tensor):
        print(isinstance(res, tuple))
        print(len(res))
        print(len(base1))
        for el_res, el_base1 in zip(res, base1):
            print(isinstance(el_res, torch.Tensor))
            print(isinstance(el_base1, torch.Tensor))
            print(el_res.size())
            print(el_base1.size() + base2.size())
    elif isinstance(base1, torch.Tensor) and isinstance(base2, tuple):
        print(isinstance(res, tuple))
        print(len(res))
        print(len(base2))
        for el_res, el_base2 in zip(res, base2):
            print(isinstance(el_res, torch.Tensor))
            print(isinstance(el_base2, torch.Tensor))
            print(el_res.size())
            print(base1.size() + el_base2.size())
    elif isinstance(base1, tuple) and isinstance(base2, tuple):
        print(isinstance(res, tuple))
        print(len(res))
        print(len(base1))
        for el_res, el_base1 in zip(res, base1):
            print(isinstance(el_res, tuple))
            print(len(res))
            print(len(base2))
            for el_el_res, el_base2 in zip(el_res, base2):
                print(isinstance(el_el_res, torch.Tensor))
                print(isinstance(el_base2, torch.Tensor))
                print(el_el_res.size())
                print(el_base1.size() + el_base2.size())
    else:
        # Wrong bases
        raise RuntimeError(
            "The bases given to `_assert_interleaved_struct` don't have"
            " the right structure."
        )

vectorize = False

def exp_reducer(x):
    return x.exp().sum(dim=1)

inputs = torch.rand(4, 4)
res = autogradF.jacobian(exp_reducer, inputs, vectorize=vectorize)
_assert_interleaved_struct(res, exp_reducer(inputs), inputs)
print(res.grad_fn is None)

def identity(x):
    return x.clone()

inputs = torch.rand(4)
res = autogradF.jacobian(identity, inputs, vectorize=vectorize)
_assert_interleaved_struct(res, identity(inputs), inputs)
print(res.grad_fn is None)
print(res)

def add_exp_reducer(x, y):
    return (x + y.exp()).sum(dim=1)

inputs = (torch.rand(4, 4), torch.rand(4, 4))
res = autogradF.jacobian(add_exp_reducer, inputs, vectorize=vectorize)
_assert_interleaved_struct(res, add_exp_reducer(*inputs), inputs)
print(res[0].grad_fn is None)
print(res[1].grad_fn is None)
