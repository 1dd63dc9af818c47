# Source: PyTorch docs, "Autograd mechanics" note
#   https://docs.pytorch.org/docs/stable/notes/autograd.html#saved-tensors
#   section: "How autograd encodes the history" > "Saved tensors"
#   file: pytorch/pytorch docs/source/notes/autograd.md @ 95ed7f2fe0b76e57b17249c894d3ef8f3d1d24a7
# Trimmed: the two code blocks of the section, one after the other.

import torch

x = torch.randn(5, requires_grad=True)
y = x.pow(2)
print(x.equal(y.grad_fn._saved_self))  # True
print(x is y.grad_fn._saved_self)  # True

x = torch.randn(5, requires_grad=True)
y = x.exp()
print(y.equal(y.grad_fn._saved_result))  # True
print(y is y.grad_fn._saved_result)  # False
