# Source: micrograd (Andrej Karpathy), test/test_engine.py, test_sanity_check
#   https://github.com/karpathy/micrograd/blob/master/test/test_engine.py
#   file: karpathy/micrograd test/test_engine.py @ c911406e5ace8742e5841a7e0df113ecb5d54685
# Trimmed: the PyTorch half of the test only, at top level (the micrograd Value half and the
# asserts comparing the two are left out: micrograd is not installed here).

import torch

x = torch.Tensor([-4.0]).double()
x.requires_grad = True
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
xpt, ypt = x, y

ypt.data.item()
xpt.grad.item()
