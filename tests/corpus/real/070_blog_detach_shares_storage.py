# Source: "One of the variables needed for gradient computation has been modified by an
#   inplace operation" (androidkt.com)
#   https://androidkt.com/one-of-the-variables-needed-for-gradient-computation-has-been-modified-by-an-inplace-operation/
# Trimmed: the post's first two code blocks.

import torch

x = torch.tensor(([1.0]),requires_grad=True)
y = x.detach()
print(y.requires_grad) #False
y[0]=2.0
print(x) #tensor([2.], requires_grad=True)

x.untyped_storage().tolist()==y.untyped_storage().tolist() #True
