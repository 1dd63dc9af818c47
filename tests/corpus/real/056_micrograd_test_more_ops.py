# Source: micrograd (Andrej Karpathy), test/test_engine.py, test_more_ops
#   https://github.com/karpathy/micrograd/blob/master/test/test_engine.py
#   file: karpathy/micrograd test/test_engine.py @ c911406e5ace8742e5841a7e0df113ecb5d54685
# Trimmed: the PyTorch half of the test only, at top level; the asserts against micrograd's
# values are replaced by the three quantities they compare (gpt.data.item(), apt.grad.item(),
# bpt.grad.item()) as bare expressions.

import torch

a = torch.Tensor([-4.0]).double()
b = torch.Tensor([2.0]).double()
a.requires_grad = True
b.requires_grad = True
c = a + b
d = a * b + b**3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a).relu()
d = d + 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g = g + 10.0 / f
g.backward()
apt, bpt, gpt = a, b, g

gpt.data.item()
apt.grad.item()
bpt.grad.item()
