# Source: PyTorch Forums thread "Torch.add floating point addition" (answer by K. Frank),
#   as collected in https://huggingface.co/datasets/nvidia/Nemotron-CC-Math-v1
# Trimmed: the question's code, then the answer's demonstration (which raises the print
# precision to 20 digits).

import torch
a = torch.FloatTensor([98310])
b = 0.1
arr = torch.add(a, b)
print(arr)

n_digits = 2
rounded = (arr * 10**n_digits).round() / (10**n_digits)
print("after roundoff", rounded)

import torch
torch.set_printoptions(precision=20)

bs = torch.tensor([0.1], dtype=torch.float)
print(bs)  # tensor([0.10000000149011611938])
print(1 + bs)  # tensor([1.10000002384185791016])
print((1 + bs) - 1)  # tensor([0.10000002384185791016])

print(98310 + bs)  # tensor([98310.10156250000000000000])
print((98310 + bs) - 98310)  # tensor([0.10156250000000000000])

bd = torch.tensor([0.1], dtype=torch.double)
print(bd)  # tensor([0.10000000000000000555], dtype=torch.float64)
print(1 + bd)  # tensor([1.10000000000000008882], dtype=torch.float64)
print((1 + bd) - 1)  # tensor([0.10000000000000008882], dtype=torch.float64)

print(98310 + bd)  # tensor([98310.10000000000582076609], dtype=torch.float64)
print((98310 + bd) - 98310)  # tensor([0.10000000000582076609], dtype=torch.float64)
