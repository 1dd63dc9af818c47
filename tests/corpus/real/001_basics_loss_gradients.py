# Source: PyTorch tutorials, "Learn the Basics" > "Automatic Differentiation with torch.autograd"
#   https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html
#   sections: opening example, "Tensors, Functions and Computational graph", "Computing Gradients"
#   file: pytorch/tutorials beginner_source/basics/autogradqs_tutorial.py @ 1532c0de875b79f541371438d8d1d08be18f87de
# Trimmed: prose comments only; code as written.

import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(w.grad)
print(b.grad)
