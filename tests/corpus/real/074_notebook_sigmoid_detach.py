# Source: OrangeC93/DeepLearningwithPytorch, notebook section ".detach()"
#   https://github.com/OrangeC93/DeepLearningwithPytorch
# Trimmed: the notebook's first two code cells (In [5], In [34]) in order.

import torch

a = torch.tensor([1,2,3.], requires_grad=True)
print(a)
print(a.grad)
print('\n')

out = a.sigmoid()
print(out)
print('\n')

print(out.sum().backward())
print(a.grad)

import torch

a = torch.tensor([1, 2, 3.], requires_grad=True)
print(a.grad)
out = a.sigmoid()
print(out)

#添加detach(),c的requires_grad为False
c = out.detach()
print(c)

#这时候没有对c进行更改，所以并不会影响backward()
out.sum().backward()
print(a.grad)
