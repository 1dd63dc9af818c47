# Source: PyTorch docs, torch.autograd.functional.jacobian (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.functional.jacobian.html
#   file: pytorch/pytorch torch/autograd/functional.py, docstring of jacobian (as shipped in torch 2.13.0)
# Trimmed: ">>> " prompts and the shown outputs removed (the bare calls echo them); the
# xdoctest directive comments dropped; "import torch" and the import of jacobian that the docs
# page assumes are added.

import torch
from torch.autograd.functional import jacobian

def exp_reducer(x):
    return x.exp().sum(dim=1)
inputs = torch.rand(2, 2)
jacobian(exp_reducer, inputs)

jacobian(exp_reducer, inputs, create_graph=True)

def exp_adder(x, y):
    return 2 * x.exp() + 3 * y
inputs = (torch.rand(2), torch.rand(2))
jacobian(exp_adder, inputs)

def linear_model(x):
    W = torch.tensor([[2.0, -1.0], [0.0, 1.0]])
    b = torch.tensor([1.0, 0.5])
    return x @ W.T + b

x = torch.randn(4, 2, requires_grad=True)
jac = jacobian(linear_model, x, vectorize=True)
jac.shape
