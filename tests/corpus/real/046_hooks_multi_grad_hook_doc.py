# Source: PyTorch docs, torch.autograd.graph.register_multi_grad_hook (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.autograd.graph.register_multi_grad_hook.html
#   file: pytorch/pytorch torch/autograd/graph.py, docstring of register_multi_grad_hook (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

a = torch.rand(2, 3, requires_grad=True)
b = torch.rand(2, 3, requires_grad=True)
c = a * b
d = a * b

def fn(grads):
    print([g is not None for g in grads])

torch.autograd.graph.register_multi_grad_hook((a, b, c, d), fn)

c.sum().backward(retain_graph=True)
c.sum().backward(inputs=(a,), retain_graph=True)
