# The edges a Python number leaves in grad_fn.next_functions, written here for gradcalc (not
# outside material): PyTorch's binding wraps a number in a tensor for add/sub/mul/div/where
# (an edge (None, 0)) and dispatches to the Scalar overload of pow, clamp, fmod... (no edge);
# a node hook's grad_inputs follow next_functions.
import torch
x = torch.tensor([1., 2.], requires_grad=True)
i = torch.tensor([0, 1])
m = torch.tensor([True, False])
def edges(t):
    return t.grad_fn.name(), [(f.name() if f is not None else None, n) for f, n in t.grad_fn.next_functions]
for t in [x + 2, x - 2, 2 - x, x * 2, 2 * x, x / 2, 2 / x, x ** 2, 2 ** x, x % 2, torch.rsub(x, 2)]:
    print(edges(t))
for t in [torch.pow(x, 2), torch.pow(2, x), torch.float_power(x, 2), torch.fmod(x, 2), torch.remainder(x, 2), torch.copysign(x, 2), torch.xlogy(x, 2), torch.xlogy(2, x)]:
    print(edges(t))
for t in [torch.clamp(x, 0, 1), torch.clamp_min(x, 0), torch.clamp_max(x, 0), torch.where(m, x, 0.), torch.where(m, 0., x), torch.lerp(x, x * 2, 0.5)]:
    print(edges(t))
for t in [x.masked_fill(m, 0.), x.index_fill(0, i, 0.), torch.scatter(x, 0, i, 2.), torch.div(x, 2, rounding_mode="floor")]:
    print(edges(t))
y = x.mul(1); y[i] = 2.; print(edges(y))
y = x.mul(1); y[0] = 2.; print(edges(y))
y = x.mul(1); y.pow_(2); print(edges(y))
y = x.mul(1); y[:1].clamp_(0, 1); print(edges(y))
z = x ** 2; z.grad_fn.register_hook(lambda gi, go: print("hook", len(gi), gi)); z.sum().backward()
z = torch.clamp(x, 0, 1.5); z.grad_fn.register_hook(lambda gi, go: print("hook", len(gi), gi)); z.sum().backward()
print(x.grad)
