# Source: PyTorch docs, torch.func.linearize (docstring examples)
#   https://docs.pytorch.org/docs/stable/generated/torch.func.linearize.html
#   file: pytorch/pytorch torch/_functorch/eager_transforms.py, docstring of linearize (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts and xdoctest directives removed; "import torch" added (the
# docs assume it). Where the docstring shows no output the snippet prints nothing.

import torch
from torch.func import linearize
def fn(x):
    return x.sin()

output, jvp_fn = linearize(fn, torch.zeros(3, 3))
jvp_fn(torch.ones(3, 3))
