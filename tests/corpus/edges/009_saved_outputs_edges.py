# What a node of a two-output op saves, written here for gradcalc (not outside material):
# max(dim), sort and cummax save only their indices (PyTorch's formulas read those), so a
# pack hook sees one tensor and the values may change in place before backward; aminmax
# saves both outputs; gather saves its input.
import torch
x = torch.tensor([[1., 5.], [3., 2.]], requires_grad=True)
packed = []
def pack(t):
    packed.append((tuple(t.shape), t.dtype))
    return t
with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
    values, indices = x.max(0)
    s = torch.sort(x, 1)
    lo, hi = torch.aminmax(x, dim=1)
packed
values.grad_fn._saved_indices
s.values.grad_fn._saved_indices
lo.grad_fn._saved_min
lo.grad_fn._saved_max
hasattr(values.grad_fn, "_saved_result")
values.mul_(2)
values.sum().backward()
x.grad
y = x * 1
g = y.gather(1, torch.tensor([[1], [0]]))
g.grad_fn._saved_self
y.add_(1)
try:
    g.sum().backward()
except RuntimeError as e:
    print(e)
c, ci = torch.cummax(x, 0)
c.grad_fn._saved_indices
c.grad_fn._saved_self
