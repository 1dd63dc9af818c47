# Source: PyTorch tutorials, "Introduction to PyTorch" > "The Fundamentals of Autograd"
#   https://pytorch.org/tutorials/beginner/introyt/autogradyt_tutorial.html
#   section: "The High-Level API"
#   file: pytorch/tutorials beginner_source/introyt/autogradyt_tutorial.py @ 199e9530f4b72f57ba2dc222e1fd18db3efc49ed
# Trimmed: nothing but prose. The bare expression lines echo their values, as in the notebook.

import torch

def exp_adder(x, y):
    return 2 * x.exp() + 3 * y

inputs = (torch.rand(1), torch.rand(1)) # arguments for the function
print(inputs)
torch.autograd.functional.jacobian(exp_adder, inputs)

inputs = (torch.rand(3), torch.rand(3)) # arguments for the function
print(inputs)
torch.autograd.functional.jacobian(exp_adder, inputs)

def do_some_doubling(x):
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    return y

inputs = torch.randn(3)
my_gradients = torch.tensor([0.1, 1.0, 0.0001])
torch.autograd.functional.vjp(do_some_doubling, inputs, v=my_gradients)
