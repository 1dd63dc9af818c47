# Source: PyTorch docs, torch.func.hessian (docstring examples)
#   https://docs.pytorch.org/docs/stable/generated/torch.func.hessian.html
#   file: pytorch/pytorch torch/_functorch/eager_transforms.py, docstring of hessian (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts and xdoctest directives removed; "import torch" added (the
# docs assume it). Where the docstring shows no output the snippet prints nothing.

import torch

from torch.func import hessian
def f(x):
  return x.sin().sum()

x = torch.randn(5)
hess = hessian(f)(x)  # equivalent to jacfwd(jacrev(f))(x)
assert torch.allclose(hess, torch.diag(-x.sin()))
