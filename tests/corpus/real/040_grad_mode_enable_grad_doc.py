# Source: PyTorch docs, torch.enable_grad (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.enable_grad.html
#   file: pytorch/pytorch torch/autograd/grad_mode.py, docstring of enable_grad (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    with torch.enable_grad():
        y = x * 2
y.requires_grad
y.backward()
x.grad
@torch.enable_grad()
def doubler(x):
    return x * 2
with torch.no_grad():
    z = doubler(x)
z.requires_grad
@torch.enable_grad()
def tripler(x):
    return x * 3
with torch.no_grad():
    z = tripler(x)
z.requires_grad
