# Source: PyTorch Forums, "Numerical Error after Addition" (answer)
#   https://discuss.pytorch.org/t/numerical-error-after-addition/87840
# Trimmed: the answer's CPU code block (the question's tensors live on CUDA).

import torch

x = torch.tensor(1000000.)
y = torch.tensor(46785.6914)
z = x + y

print(2**19 < z)
print(z < 2**20)
