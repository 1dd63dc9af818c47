# Source: Dive into Deep Learning, 2.5 "Automatic Differentiation"
#   https://d2l.ai/chapter_preliminaries/autograd.html
#   file: d2l-ai/d2l-en chapter_preliminaries/autograd.md @ 23d7a5aecceee57d1292c56e90cce307f183bb0a (PyTorch tab)
#   section: 2.5.4 "Gradients and Python Control Flow"
# Trimmed: the PyTorch cells of the section in order.

import torch

def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c

a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()

a.grad == d / a
