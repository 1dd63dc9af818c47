# Source: "Python PyTorch RuntimeError: Trying to backward through the graph a second time,
#   but the buffers have already been freed" (pythonkb.com)
#   https://pythonkb.com/python-pytorch-runtimeerror-trying-to-backward-through-the-graph-a-second-time-but-the-buffers-have-already-been-freed
# Trimmed: the article's failing example and its first fix, one after the other.

import torch
# Define a simple computation graph
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.sum(x ** 2)
# Perform the first backward pass
y.backward()
# Perform the second backward pass
y.backward()

import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.sum(x ** 2)
y.backward(retain_graph=True)
# Perform the second backward pass
y.backward()
