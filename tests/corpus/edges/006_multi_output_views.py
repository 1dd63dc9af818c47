# In-place changes of the pieces of split/unbind/chunk, written here for gradcalc (not outside
# material): refused while they require grad, as PyTorch's MULTI_OUTPUT_NODE rule refuses them.
import torch
y = torch.ones(2, 3, requires_grad=True) * 1
for f in [lambda: y.unbind()[1].mul_(3), lambda: y.split(1)[0].mul_(2), lambda: y.chunk(2)[1].add_(1), lambda: y.split_with_sizes([1, 1])[1].add_(1)]:
    try:
        f()
    except RuntimeError as e:
        print(e)
a = torch.ones(2, 3)
a.unbind()[0].mul_(2)
print(a)
with torch.no_grad():
    _ = y.unbind()[0].mul_(2)
print(y)
