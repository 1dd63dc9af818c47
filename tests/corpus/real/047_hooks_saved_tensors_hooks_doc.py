# Source: PyTorch docs, torch.autograd.graph.saved_tensors_hooks (docstring example)
#   https://docs.pytorch.org/docs/stable/autograd.html#torch.autograd.graph.saved_tensors_hooks
#   file: pytorch/pytorch torch/autograd/graph.py, docstring of saved_tensors_hooks (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

def pack_hook(x):
    print("Packing", x)
    return x.detach()

def unpack_hook(x):
    print("Unpacking", x)
    return x

a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
