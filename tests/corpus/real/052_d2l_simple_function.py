# Source: Dive into Deep Learning, 2.5 "Automatic Differentiation"
#   https://d2l.ai/chapter_preliminaries/autograd.html
#   file: d2l-ai/d2l-en chapter_preliminaries/autograd.md @ 23d7a5aecceee57d1292c56e90cce307f183bb0a (PyTorch tab)
#   section: 2.5.1 "A Simple Function"
# Trimmed: the PyTorch cells of the section in order, "%%tab pytorch" markers removed.

import torch

x = torch.arange(4.0)
x

# Can also create x = torch.arange(4.0, requires_grad=True)
x.requires_grad_(True)
x.grad  # The gradient is None by default

y = 2 * torch.dot(x, x)
y

y.backward()
x.grad

x.grad == 4 * x

x.grad.zero_()  # Reset the gradient
y = x.sum()
y.backward()
x.grad
