# Source: PyTorch tutorials, "A Gentle Introduction to torch.autograd"
#   https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
#   section: "Differentiation in Autograd"
#   file: pytorch/tutorials beginner_source/blitz/autograd_tutorial.py (current version)
# Trimmed: the resnet18/torchvision training step of "Usage in PyTorch" (needs torchvision,
# nn and an optimizer) is left out.

import torch

a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)

Q = 3*a**3 - b**2

external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# check if collected gradients are correct
print(9*a**2 == a.grad)
print(-2*b == b.grad)
