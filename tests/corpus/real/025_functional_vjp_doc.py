# Source: PyTorch docs, torch.autograd.functional.vjp (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.functional.vjp.html
#   file: pytorch/pytorch torch/autograd/functional.py, docstring of vjp (as shipped in torch 2.13.0)
# Trimmed: ">>> " prompts and the shown outputs removed (the bare calls echo them); the
# xdoctest directive comments dropped; "import torch" and the import of vjp that the docs
# page assumes are added.

import torch
from torch.autograd.functional import vjp

def exp_reducer(x):
    return x.exp().sum(dim=1)
inputs = torch.rand(4, 4)
v = torch.ones(4)
vjp(exp_reducer, inputs, v)

vjp(exp_reducer, inputs, v, create_graph=True)

def adder(x, y):
    return 2 * x + 3 * y
inputs = (torch.rand(2), torch.rand(2))
v = torch.ones(2)
vjp(adder, inputs, v)
