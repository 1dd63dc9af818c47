# torch.tensor of ragged or mixed nested lists, written here for gradcalc (not outside
# material): PyTorch's TypeError for each shape of mistake.
import torch
for d in ([1., [2.]], [True, [1]], [1, (2,)], [[1, 2], [3, [4]]], [[1., 2], [3, [4]]], [1, 2.5, [3]], [[1], 2], [1, 'a'], [[1, 2], [3]]):
    try:
        torch.tensor(d)
    except TypeError as e:
        print("TypeError", d, e)
    except ValueError as e:
        print("ValueError", d, e)
