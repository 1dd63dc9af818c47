# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_post_accumulate_grad_hook_ordering
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

tensor = torch.rand(3, requires_grad=True)

def pre_hook(grad):
    return grad.sub(2.0)

def acc_grad_node_pre_hook(grad_out):
    return (grad_out[0].div(5.0),)

def post_acc_grad_hook(tensor):
    tensor.grad.add_(0.5)

def acc_grad_node_post_hook(grad_in, grad_out):
    tensor.grad = grad_out[0].mul(10)

acc_grad = tensor.view_as(tensor).grad_fn.next_functions[0][0]
tensor.register_hook(pre_hook)
acc_grad.register_prehook(acc_grad_node_pre_hook)
tensor.register_post_accumulate_grad_hook(post_acc_grad_hook)
acc_grad.register_hook(acc_grad_node_post_hook)
tensor.sum().backward()

# the hooks should run in the order of:
#   1. tensor prehook
#   2. acc_grad prehook
#   3. tensor post acc_grad hook
#   4. acc_grad posthook
# so that would be ((1 - 2) / 5 + 0.5) * 10 = 3
print(tensor.grad)
