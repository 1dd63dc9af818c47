# Source: PyTorch docs, torch.autograd.Function (docstring example)
#   https://docs.pytorch.org/docs/stable/autograd.html#torch.autograd.Function
#   file: pytorch/pytorch torch/autograd/function.py, docstring of Function (torch 2.13.0)
# Trimmed: ">>> " prompts and xdoctest directives removed; "import torch" and
# "from torch.autograd import Function" added (the docs assume them). The last line is as
# written: "input" there is Python's builtin, since the example never defines it.

import torch
from torch.autograd import Function

class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result

# Use it by calling the apply method:
output = Exp.apply(input)
