# Source: PyTorch tutorials, "Introduction to PyTorch" > "The Fundamentals of Autograd"
#   https://pytorch.org/tutorials/beginner/introyt/autogradyt_tutorial.html
#   section: "Advanced Topic: More Autograd Detail and the High-Level API"
#   file: pytorch/tutorials beginner_source/introyt/autogradyt_tutorial.py @ 199e9530f4b72f57ba2dc222e1fd18db3efc49ed
# Trimmed: the autograd-profiler example before it (profiler tables depend on timing) is left out.

import torch

x = torch.randn(3, requires_grad=True)

y = x * 2
while y.data.norm() < 1000:
    y = y * 2

print(y)

v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float) # stand-in for gradients
y.backward(v)

print(x.grad)
