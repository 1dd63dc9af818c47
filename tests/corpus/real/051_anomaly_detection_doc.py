# Source: PyTorch docs, torch.autograd.detect_anomaly (docstring example)
#   https://docs.pytorch.org/docs/stable/autograd.html#torch.autograd.detect_anomaly
#   file: pytorch/pytorch torch/autograd/anomaly_mode.py, docstring of detect_anomaly (torch 2.13.0)
# Trimmed: ">>> "/"... " prompts, xdoctest directives and the shown tracebacks removed.

import torch
from torch import autograd
class MyFunc(autograd.Function):
    @staticmethod
    def forward(ctx, inp):
        return inp.clone()

    @staticmethod
    def backward(ctx, gO):
        # Error during the backward pass
        raise RuntimeError("Some error in backward")
        return gO.clone()
def run_fn(a):
    out = MyFunc.apply(a)
    return out.sum()
inp = torch.rand(10, 10, requires_grad=True)
out = run_fn(inp)
out.backward()
with autograd.detect_anomaly():
    inp = torch.rand(10, 10, requires_grad=True)
    out = run_fn(inp)
    out.backward()
