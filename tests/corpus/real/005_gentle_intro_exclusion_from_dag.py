# Source: PyTorch tutorials, "A Gentle Introduction to torch.autograd"
#   https://pytorch.org/tutorials/beginner/blitz/autograd_tutorial.html
#   section: "Exclusion from the DAG"
#   file: pytorch/tutorials beginner_source/blitz/autograd_tutorial.py (current version)
# Trimmed: the frozen-resnet18 fine-tuning lines that follow (torchvision, nn.Linear, optim)
# are left out.

import torch

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)

a = x + y
print(f"Does `a` require gradients? : {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
