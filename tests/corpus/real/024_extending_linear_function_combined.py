# Source: PyTorch docs, "Extending PyTorch" note
#   https://docs.pytorch.org/docs/stable/notes/extending.html
#   section: "Combined or separate forward() and setup_context()" (LinearFunction with ctx in
#   forward), checked with the gradcheck block of the "Example" section
#   file: pytorch/pytorch docs/source/notes/extending.md @ 98af3f132a47b4c26f67273a1914af2e775cb717
# Trimmed: the note's blocks put together; the imports the note assumes are added, and the
# "Option 1: alias" line of the Example section names the function gradcheck is given.

import torch
from torch.autograd import Function

class LinearFunction(Function):
    @staticmethod
    # ctx is the first argument to forward
    def forward(ctx, input, weight, bias=None):
        # The forward pass can use ctx.
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None

        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)

        return grad_input, grad_weight, grad_bias

# Option 1: alias
linear = LinearFunction.apply

from torch.autograd import gradcheck

# gradcheck takes a tuple of tensors as input, check if your gradient
# evaluated with these tensors are close enough to numerical
# approximations and returns True if they all verify this condition.
input = (torch.randn(20,20,dtype=torch.double,requires_grad=True), torch.randn(30,20,dtype=torch.double,requires_grad=True))
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print(test)
