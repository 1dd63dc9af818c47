# Source: lhycms/Deep_Learning_Notes, notebook on "RuntimeError: a leaf Variable that requires
#   grad is being used in an in-place operation."
#   https://github.com/lhycms/Deep_Learning_Notes
# Trimmed: the notebook's code cells in order (In [3], [6], [7], [8], [14]).

import torch

# For example

# leaf variable
w = torch.tensor([1.0, 2.0, 3.0])

# also leaf variable
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

# not a leaf variable
y = x + 1

print(w.is_leaf, x.is_leaf, y.is_leaf)

x += 1  # in-place
y = x + 1 # not in place

x2 = x.clone()  # clone the variable
x2 += 1  # in-place operation
print(x2)

with torch.no_grad():
    x += 1
    print(x)
    print(x.requires_grad)
print(x)
print(x.requires_grad)
