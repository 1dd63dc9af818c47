# PyTorch's autograd tutorial, as written — runs in gradcalc statement by statement:
#
#     gradcalc -k -f examples/autograd_tutorial.py
#
# Every printed value and error message is what PyTorch 2.13 prints (tests/interpreter/
# test_tutorial.py runs the same lines through torch and compares). Two statements fail on
# purpose; -k (--keep-going) reports them and carries on, as the tutorial does.
import torch

x = torch.ones(2, 3, requires_grad=True)
print(x)

y = x + 1
print(y)
print(y.grad_fn)
print(y.requires_grad)

z = 2 * y
m = z.mean()
print(z, m)

m.backward()
print(x.grad)  # dm/dx = 2/6 = 1/3 everywhere

# backward needs a scalar output (or an explicit gradient=):
z.backward()

# the graph was freed by the first backward:
m.backward()

# keep the graph with retain_graph=True; gradients accumulate across backward calls
x.grad.zero_()
y = x + 1
z = 2 * y
m = z.mean()
m.backward(retain_graph=True)
print(x.grad)
m.backward()
print(x.grad)  # 2/3 after two passes
