# Source: "improper rounding from float to torch.float64" (taourl.com, 2025-05-11)
#   https://taourl.com/read-2326321.html
# Trimmed: the post's two code blocks; its comments claim outputs that PyTorch's default
# print precision does not show.

import torch
x = torch.tensor(0.1, dtype=torch.float32) # stored with inherent floating-point error
y = x.to(torch.float64) # does not recover lost precision
print(y) # Output: tensor(0.10000000149011612, dtype=torch.float64)

x_correct = torch.tensor(0.1, dtype=torch.float64) # high precision at initialization
print(x_correct) # Output: tensor(0.10000000000000000, dtype=torch.float64)
