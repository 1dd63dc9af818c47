# Source: PyTorch docs, "Autograd mechanics" note (older rst version)
#   https://pytorch.org/docs/stable/notes/autograd.html
#   section: "Excluding subgraphs from backward" > "requires_grad"
#   file: pytorch/pytorch docs/source/notes/autograd.rst @ 01bcc2a219f01ea508749bce7d29bd47da3ef0d0
# Trimmed: the ">>> " prompts removed; the expected outputs shown in the note are dropped
# (the bare expressions echo them). The torchvision fine-tuning block is left out.

import torch

x = torch.randn(5, 5)  # requires_grad=False by default
y = torch.randn(5, 5)  # requires_grad=False by default
z = torch.randn((5, 5), requires_grad=True)
a = x + y
a.requires_grad
b = a + z
b.requires_grad
