# Source: PyTorch docs, torch.inference_mode (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.grad_mode.inference_mode.html
#   file: pytorch/pytorch torch/autograd/grad_mode.py, docstring of inference_mode (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch
x = torch.ones(1, 2, 3, requires_grad=True)
with torch.inference_mode():
    y = x * x
y.requires_grad
y._version
@torch.inference_mode()
def func(x):
    return x * x
out = func(x)
out.requires_grad
@torch.inference_mode()
def doubler(x):
    return x * 2
out = doubler(x)
out.requires_grad
