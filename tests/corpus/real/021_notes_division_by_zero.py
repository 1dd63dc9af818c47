# Source: PyTorch docs, "Autograd mechanics" note
#   https://docs.pytorch.org/docs/stable/notes/autograd.html
#   section: "Gradients for non-differentiable functions" > "Division by Zero in Autograd"
#   file: pytorch/pytorch docs/source/notes/autograd.md @ 95ed7f2fe0b76e57b17249c894d3ef8f3d1d24a7
# Trimmed: the first two code blocks (the problem, then "1. Mask before division"); the
# MaskedTensor variant is left out (torch.masked is outside the interpreter's subset).

import torch

x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])

y = x / div          # Results in [inf, 1]
mask = div != 0      # [False, True]
loss = y[mask].sum()
loss.backward()
print(x.grad)        # [nan, 1], not [0, 1]

x = torch.tensor([1., 1.], requires_grad=True)
div = torch.tensor([0., 1.])

mask = div != 0
safe = torch.zeros_like(x)
safe[mask] = x[mask] / div[mask]
loss = safe.sum()
loss.backward()      # Produces safe gradients [0, 1]
print(x.grad)
