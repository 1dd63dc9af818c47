# Source: PyTorch docs, torch.set_grad_enabled (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.set_grad_enabled.html
#   file: pytorch/pytorch torch/autograd/grad_mode.py, docstring of set_grad_enabled (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

x = torch.tensor([1.], requires_grad=True)
is_train = False
with torch.set_grad_enabled(is_train):
    y = x * 2
y.requires_grad
_ = torch.set_grad_enabled(True)
y = x * 2
y.requires_grad
_ = torch.set_grad_enabled(False)
y = x * 2
y.requires_grad
