# Source: PyTorch docs, "Autograd mechanics" note
#   https://docs.pytorch.org/docs/stable/notes/autograd.html
#   section: "Hooks for saved tensors" > "Registering default hooks for saved tensors"
#   file: pytorch/pytorch docs/source/notes/autograd.md @ 95ed7f2fe0b76e57b17249c894d3ef8f3d1d24a7
# Trimmed: only the last example of the section (the file-backed pack hooks before it need
# files and nn.DataParallel). It prints nothing: the transcript is empty unless it fails.

import torch

with torch.autograd.graph.saved_tensors_hooks(lambda x: x.detach(), lambda x: x):
    x = torch.randn(5, requires_grad=True)
    y = x * x
