# Source: "Print computed gradient values of PyTorch model" (androidkt.com)
#   https://androidkt.com/print-computed-gradient-values-of-pytorch-model/
# Trimmed: the post's first code blocks (parameters, model, print).

import torch
x = torch.tensor(3.)
w = torch.tensor(4., requires_grad=True)
b = torch.tensor(5., requires_grad=True)

y = w * x + b

print(y) #tensor(17., grad_fn=<AddBackward0>)
