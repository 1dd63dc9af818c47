# Source: PyTorch's test suite, test/autograd/test_functional.py, TestAutogradFunctional.test_jacobian_vectorize_correctness_simple
#   (the base_tensor parametrization: ctors are torch.rand, torch.ones, ...)
#   repository pytorch/pytorch, commit 68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd
#   https://github.com/pytorch/pytorch/blob/68e217b9e71fcecbd34d831dd3e3e5a4ea9028fd/test/autograd/test_functional.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e);
# the module's helpers are included at the top with their assertions turned into prints.
# The helper _check_jacobian_vectorize_correctness is included, assertEqual -> torch.allclose print.

import torch
import torch.autograd.functional as autogradF

def _check_jacobian_vectorize_correctness(f, inputs, test_forward_ad=True):
    expected = autogradF.jacobian(f, inputs, vectorize=False)
    result_backward_mode = autogradF.jacobian(f, inputs, vectorize=True)
    print(torch.allclose(result_backward_mode, expected))

    if test_forward_ad:
        result_forward_mode = autogradF.jacobian(
            f, inputs, strategy="forward-mode", vectorize=True
        )
        print(torch.allclose(result_forward_mode, expected))

def f(x):
    return 3 * x**2

x = torch.randn(2, 3, 5)
_check_jacobian_vectorize_correctness(f, x)
