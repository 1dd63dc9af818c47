# Source: PyTorch 0.4.0 Migration Guide
#   https://pytorch.org/blog/pytorch-0_4_0-migration-guide/
#   section: "When does autograd start tracking history now?"
# Trimmed: the ">>> " session as a script, shown outputs removed (bare expressions echo them);
# only the part up to z.backward() is taken.

import torch

x = torch.ones(1)  # create a tensor with requires_grad=False (default)
x.requires_grad
y = torch.ones(1)  # another tensor with requires_grad=False
z = x + y
# both inputs have requires_grad=False. so does the output
z.requires_grad
# then autograd won't track this computation. let's verify!
z.backward()
