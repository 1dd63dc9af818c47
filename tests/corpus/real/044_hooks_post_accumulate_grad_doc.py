# Source: PyTorch docs, torch.Tensor.register_post_accumulate_grad_hook (docstring example)
#   https://docs.pytorch.org/docs/stable/generated/torch.Tensor.register_post_accumulate_grad_hook.html
#   file: pytorch/pytorch torch/_tensor.py, docstring of Tensor.register_post_accumulate_grad_hook (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and shown outputs removed (bare
# expressions echo them); "import torch" added where the docs assume it.

import torch

v = torch.tensor([0., 0., 0.], requires_grad=True)
lr = 0.01
# simulate a simple SGD update
h = v.register_post_accumulate_grad_hook(lambda p: p.add_(p.grad, alpha=-lr))
v.backward(torch.tensor([1., 2., 3.]))
v

h.remove()  # removes the hook
