# Source: PyTorch tutorials, "Introduction to PyTorch" > "The Fundamentals of Autograd"
#   https://pytorch.org/tutorials/beginner/introyt/autogradyt_tutorial.html
#   section: "Autograd and In-place Operations" (the code block the tutorial says throws)
#   file: pytorch/tutorials beginner_source/introyt/autogradyt_tutorial.py @ 199e9530f4b72f57ba2dc222e1fd18db3efc49ed
# Trimmed: nothing; the tutorial shows these two lines in a literal block ("::").

import torch
import math

a = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
torch.sin_(a)
