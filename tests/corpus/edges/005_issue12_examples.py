# The examples of issue 12 (dtypes, in-place rules, the ops real code calls), gathered here
# for gradcalc; each line is one of the examples of PyTorch code (not outside material).
import torch
import numpy as np
import torch.nn.functional as F
a = torch.tensor([1,2,3.], requires_grad=True); out = a.sigmoid(); c = out.detach(); c.zero_()
try:
    out.sum().backward()
except RuntimeError as e:
    print(str(e)[:80])
x = torch.tensor([1.,2.,3.], requires_grad=True)
try:
    x += 1
except RuntimeError as e:
    print(e)
u = x.exp(); u.mul_(2); u.grad_fn
torch.arange(2, 5)
torch.arange(2, 5)[-1].item()
preds = torch.tensor([1, 0, 2]); y = torch.tensor([1, 1, 2])
(preds == y).sum()
torch.tensor(16777217.)
torch.tensor(np.array([1.5, 2.5]), dtype=torch.float)
z = torch.ones(2); z.grad == None
torch.Tensor([1, 2])
torch.FloatTensor([1, 2]), torch.LongTensor([1, 2])
F.binary_cross_entropy_with_logits(torch.tensor([0.5, -1.]), torch.tensor([1., 0.]))
F.one_hot(torch.tensor([0, 2]), 3)
F.nll_loss(torch.tensor([[-0.5, -1.0], [-2., -0.1]]), torch.tensor([0, 1]))
F.cross_entropy(torch.tensor([[1., 2., 3.], [1., 0., 0.]]), torch.tensor([2, -100]), ignore_index=-100, label_smoothing=0.1)
F.cross_entropy(torch.tensor([[1., 2., 3.], [1., 0., 0.]]), torch.tensor([2, 0]), weight=torch.tensor([1., 2., 3.]))
m = torch.arange(9.).reshape(3, 3)
torch.triu(m), torch.tril(m, -1)
torch.topk(torch.tensor([3., 1., 2.]), 2)
torch.sort(torch.tensor([3., 1., 2.]))
torch.argsort(torch.tensor([3., 1., 2.]))
torch.equal(m, m), torch.allclose(m, m + 1e-9), torch.isclose(m, m)
torch.gather(m, 1, torch.tensor([[0], [2], [1]]))
torch.zeros(3, 3).scatter(0, torch.tensor([[0, 1, 2]]), 1.)
torch.index_select(m, 0, torch.tensor([2, 0]))
m.norm(p=1, dim=0), torch.dist(m, m.t())
torch.outer(torch.tensor([1., 2.]), torch.tensor([3., 4.])), torch.diag(m), torch.trace(m)
A = torch.tensor([[2., 1.], [1., 3.]])
torch.linalg.det(A), torch.linalg.inv(A), torch.linalg.solve(A, torch.tensor([1., 2.])), torch.linalg.norm(A)
torch.set_grad_enabled(False); torch.is_grad_enabled(); torch.set_grad_enabled(True)
torch.manual_seed(0)
t = torch.arange(6.)
t.narrow(0, 1, 2), t.chunk(3), t.unbind(), t.split(4), t.split_with_sizes([2, 4]), t.view_as(t)
w = torch.ones(2, requires_grad=True) * 1; w.detach_(); w.exp_(); w._version
torch.empty(2).shape, torch.is_inference_mode_enabled(), t.is_inference()
torch.autograd.gradcheck(torch.sin, torch.tensor([0.5], dtype=torch.double, requires_grad=True))
torch.autograd.gradgradcheck(torch.sin, torch.tensor([0.5], dtype=torch.double, requires_grad=True))
with torch.autograd.detect_anomaly():
    pass
torch.autograd.set_detect_anomaly(False)
q = torch.tensor([1., 2.], requires_grad=True)
(q * q).sum().backward(create_graph=True)
q.grad
(q * q).sum().backward(create_graph=True)
q.grad
r = q * 2; r.retain_grad(); (r * r).sum().backward(create_graph=True); r.grad
