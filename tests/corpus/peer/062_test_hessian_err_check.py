# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_hessian_err_check (vectorize=False)
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

def foo(a):
    return 3 * a.narrow(0, 0, 3).exp().sum()

def bar(a):
    return 3 * a.narrow(0, 0, 3), "bar"

def bar2(a):
    return 3 * a.narrow(0, 0, 3)

def bar3(a):
    return 3 * a.narrow(0, 0, 3), 3 * a.narrow(0, 0, 3)

inp = torch.rand(4)
try:
    res = autogradF.hessian(foo, (inp, 2), vectorize=vectorize)
except TypeError as e:
    print(e)

try:
    res = autogradF.hessian(bar, inp, vectorize=vectorize)
except TypeError as e:
    print(e)

err_msg_out = "The Tensor returned by the function given to hessian should contain a single element"
try:
    res = autogradF.hessian(bar2, inp, vectorize=vectorize)
except RuntimeError as e:
    print(e)

try:
    res = autogradF.hessian(bar3, inp, vectorize=vectorize)
except RuntimeError as e:
    print(e)

res = autogradF.hessian(foo, inp, vectorize=vectorize)
_assert_interleaved_struct(res, inp, inp)

def foo(a, b):
    return (3 * b.narrow(0, 0, 3) * a.narrow(0, 0, 3)).sum()

inp = (torch.rand(4), torch.rand(5))

res = autogradF.hessian(foo, inp, vectorize=vectorize)
_assert_interleaved_struct(res, inp, inp)
