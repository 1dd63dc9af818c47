# Source: Stack Overflow question "Why does pytorch tensor.item() give an unprecise output to
#   any real number input but give a precise output to a number that ends with .0 or .5?"
#   (copy at https://example-a.com/answer/78947709; the float64 variant is from the answer
#   shown at https://reddeveloper.ru/questions/... same question)
# Trimmed: the question's two inputs, then the answer's float64 version.

import torch

x = torch.tensor([3.5])

print(x)
print(x.item())
print(float(x))

x = torch.tensor([3.1])

print(x)
print(x.item())
print(float(x))

x = torch.tensor([3.1], dtype=torch.float64)
print(x)
print(x.item())
print(float(x))
