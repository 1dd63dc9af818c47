# Source: PyTorch tutorials, "Learn the Basics" > "Automatic Differentiation with torch.autograd"
#   https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html
#   section: "Disabling Gradient Tracking"
#   file: pytorch/tutorials beginner_source/basics/autogradqs_tutorial.py @ 1532c0de875b79f541371438d8d1d08be18f87de
# Trimmed: the first six code lines are the tutorial's opening example, which this section
# relies on (x, w, b); prose comments dropped.

import torch

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)

z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)
