# Edge cases of torch.autograd.graph.saved_tensors_hooks, written here for gradcalc (not
# outside material): what is packed (inputs and outputs), nesting, what unpack must return.
import torch

log = []


def pack(t):
    log.append(("pack", t.tolist(), t.grad_fn.name() if t.grad_fn is not None else None))
    return t.detach() * 1


def unpack(t):
    log.append(("unpack", t.tolist()))
    return t


x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.autograd.graph.saved_tensors_hooks(pack, unpack):
    y = x.exp()
    z = (y * x).sum()
z.backward()
print(log)
print(x.grad)

outer, inner = [], []
x.grad = None
with torch.autograd.graph.saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
    with torch.autograd.graph.saved_tensors_hooks(lambda t: inner.append(1) or t, lambda t: t):
        w = x * x
    v = w * x
(v.sum()).backward()
print(len(outer), len(inner), x.grad)

with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: 3):
    u = (x * x).sum()
try:
    u.backward()
except TypeError as e:
    print("TypeError", e)

with torch.autograd.graph.saved_tensors_hooks(lambda t: t.detach().clone(), lambda t: t):
    a = x.clone()
    b = (a * a).sum()
a_before = a.detach().clone()
with torch.no_grad():
    a.mul_(10)
b.backward()
print(x.grad)

with torch.autograd.graph.allow_mutation_on_saved_tensors():
    p = torch.ones(3, requires_grad=True)
    q = p.clone()
    r = (q**3).sum()
    q.mul_(5)
    r.backward()
print(p.grad, q)
