# Source: PyTorch Forums, "I tried .backward(retain_graph=True) twice"
#   https://discuss.pytorch.org/t/i-tried-backward-retain-graph-true-twice/58644
# Trimmed: the question's code as written.

import torch

x = torch.ones(2,2,requires_grad=True)

y=x+2

z=y * y * 3

out=z.mean()

out.backward(retain_graph=True)

print(x.grad)

out.backward(retain_graph=True)

print(x.grad)
