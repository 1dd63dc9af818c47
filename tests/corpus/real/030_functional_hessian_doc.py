# Source: PyTorch docs, torch.autograd.functional.hessian (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.functional.hessian.html
#   file: pytorch/pytorch torch/autograd/functional.py, docstring of hessian (as shipped in torch 2.13.0)
# Trimmed: ">>> " prompts and the shown outputs removed (the bare calls echo them); the
# xdoctest directive comments dropped; "import torch" and the import of hessian that the docs
# page assumes are added.

import torch
from torch.autograd.functional import hessian

def pow_reducer(x):
    return x.pow(3).sum()
inputs = torch.rand(2, 2)
hessian(pow_reducer, inputs)

hessian(pow_reducer, inputs, create_graph=True)


def pow_adder_reducer(x, y):
    return (2 * x.pow(2) + 3 * y.pow(2)).sum()
inputs = (torch.rand(2), torch.rand(2))
hessian(pow_adder_reducer, inputs)
