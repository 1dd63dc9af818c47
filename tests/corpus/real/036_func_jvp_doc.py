# Source: PyTorch docs, torch.func.jvp (docstring examples)
#   https://docs.pytorch.org/docs/stable/generated/torch.func.jvp.html
#   file: pytorch/pytorch torch/_functorch/eager_transforms.py, docstring of jvp (as shipped in torch 2.13.0)
# Trimmed: ">>> "/"... " prompts and xdoctest directives removed; "import torch" added (the
# docs assume it). Where the docstring shows no output the snippet prints nothing.

import torch

from torch.func import jvp
x = torch.randn([])
f = lambda x: x * torch.tensor([1.0, 2.0, 3])
value, grad = jvp(f, (x,), (torch.tensor(1.0),))
assert torch.allclose(value, f(x))
assert torch.allclose(grad, torch.tensor([1.0, 2, 3]))

from torch.func import jvp
x = torch.randn(5)
y = torch.randn(5)
f = lambda x, y: (x * y)
_, output = jvp(f, (x, y), (torch.ones(5), torch.ones(5)))
assert torch.allclose(output, x + y)
