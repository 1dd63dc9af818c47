# Source: Dive into Deep Learning, 2.5 "Automatic Differentiation"
#   https://d2l.ai/chapter_preliminaries/autograd.html
#   file: d2l-ai/d2l-en chapter_preliminaries/autograd.md @ 23d7a5aecceee57d1292c56e90cce307f183bb0a (PyTorch tab)
#   sections: 2.5.2 "Backward for Non-Scalar Variables", 2.5.3 "Detaching Computation"
# Trimmed: the PyTorch cells of the two sections in order; the first line (x with
# requires_grad, and one backward so that x.grad exists) is the state section 2.5.1 leaves.

import torch

x = torch.arange(4.0, requires_grad=True)
x.sum().backward()

x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
x.grad

x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
x.grad == u

x.grad.zero_()
y.sum().backward()
x.grad == 2 * x
