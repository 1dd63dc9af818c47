# Edge cases of torch.autograd.graph.register_multi_grad_hook, written here for gradcalc
# (not outside material): mode="any", remove(), a tensor the pass does not reach.
import torch

a = torch.tensor([1.0, 2.0], requires_grad=True)
b = torch.tensor([3.0, 4.0], requires_grad=True)
seen = []
handle = torch.autograd.graph.register_multi_grad_hook(
    (a, b), lambda grads: seen.append([None if g is None else g.tolist() for g in grads])
)
(a * b).sum().backward()
(a * 2).sum().backward()
print(seen)
handle.remove()
(a * b).sum().backward()
print(len(seen))

first = []
torch.autograd.graph.register_multi_grad_hook(
    (a, b), lambda g: first.append(g.tolist()), mode="any"
)
(a * b).sum().backward()
print(first)
try:
    torch.autograd.graph.register_multi_grad_hook((a, b), print, mode="some")
except ValueError as e:
    print(e)
