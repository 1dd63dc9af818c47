# Source: PyTorch docs, torch.Tensor.register_hook (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.Tensor.register_hook.html
#   file: pytorch/pytorch torch/_tensor.py, docstring of Tensor.register_hook (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

v = torch.tensor([0., 0., 0.], requires_grad=True)
h = v.register_hook(lambda grad: grad * 2)  # double the gradient
v.backward(torch.tensor([1., 2., 3.]))
v.grad

h.remove()  # removes the hook
