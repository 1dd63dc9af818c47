# Source: PyTorch docs, torch.autograd.functional.hvp (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.functional.hvp.html
#   file: pytorch/pytorch torch/autograd/functional.py, docstring of hvp (as shipped in torch 2.13.0)
# Trimmed: ">>> " prompts and the shown outputs removed (the bare calls echo them); the
# xdoctest directive comments dropped; "import torch" and the import of hvp that the docs
# page assumes are added.

import torch
from torch.autograd.functional import hvp

def pow_reducer(x):
    return x.pow(3).sum()
inputs = torch.rand(2, 2)
v = torch.ones(2, 2)
hvp(pow_reducer, inputs, v)

hvp(pow_reducer, inputs, v, create_graph=True)


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()
inputs = (torch.rand(2), torch.rand(2))
v = (torch.zeros(2), torch.ones(2))
hvp(pow_adder_reducer, inputs, v)
