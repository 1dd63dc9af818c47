# Source: PyTorch docs, torch.no_grad (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.no_grad.html
#   file: pytorch/pytorch torch/autograd/grad_mode.py, docstring of no_grad (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.
# The last example (torch.nn.Parameter as the "factory function exception") is left out: nn.

import torch

x = torch.tensor([1.], requires_grad=True)
with torch.no_grad():
    y = x * 2
y.requires_grad
@torch.no_grad()
def doubler(x):
    return x * 2
z = doubler(x)
z.requires_grad
@torch.no_grad()
def tripler(x):
    return x * 3
z = tripler(x)
z.requires_grad
