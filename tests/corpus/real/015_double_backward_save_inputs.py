# Source: PyTorch tutorials, "Double Backward with Custom Functions"
#   https://pytorch.org/tutorials/intermediate/custom_function_double_backward_tutorial.html
#   section: "Saving the Inputs"
#   file: pytorch/tutorials intermediate_source/custom_function_double_backward_tutorial.rst @ d4e697bcefdadc591b93ebdc87905f08018fe27a
# Trimmed: "import torchviz" and the torchviz.make_dot(...) line are replaced by nothing; the
# autograd.grad call that feeds make_dot is kept. The gradcheck calls echo their result.

import torch

class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        # Because we are saving one of the inputs use `save_for_backward`
        # Save non-tensors and non-inputs/non-outputs directly on ctx
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_out):
        # A function support double backward automatically if autograd
        # is able to record the computations performed in backward
        x, = ctx.saved_tensors
        return grad_out * 2 * x

# Use double precision because finite differencing method magnifies errors
x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
torch.autograd.gradcheck(Square.apply, x)
# Use gradcheck to verify second-order derivatives
torch.autograd.gradgradcheck(Square.apply, x)

x = torch.tensor(1., requires_grad=True).clone()
out = Square.apply(x)
grad_x, = torch.autograd.grad(out, x, create_graph=True)
