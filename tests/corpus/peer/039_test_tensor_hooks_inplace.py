# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_tensor_hooks_inplace
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).
# assertEqual(grad, ...) inside the hooks -> print(grad).

import torch

# Check that the second hook gets registered to the new version of tensor
count1 = [0]
count2 = [0]

def fn1(grad):
    count1[0] += 1
    # x2 from mul, x2 from fn2
    print(grad)
    return grad * 2

def fn2(grad):
    count2[0] += 1
    print(grad)
    return grad * 2

a = torch.tensor([1.0], requires_grad=True)
b = a.clone()
b.register_hook(fn1)
b.mul_(2)
b.register_hook(fn2)
b.sum().backward()
print(count1[0])
print(count2[0])
print(a.grad)

count3 = [0]

def fn3(grad):
    count3[0] += 1
    print(grad)
    return grad * 2

a = torch.tensor([1.0], requires_grad=True)
b = a.clone()
b.register_hook(fn3)
# Inplace multiple times is OK
b.mul_(2)
b.mul_(2)
b.sum().backward()
print(count1[0])
print(a.grad)
