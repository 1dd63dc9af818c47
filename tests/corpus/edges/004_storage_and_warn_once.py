# untyped_storage() and PyTorch's warn-once messages, written here for gradcalc (not outside
# material).
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.detach()
print(x.untyped_storage().tolist() == y.untyped_storage().tolist())
print(x.untyped_storage().data_ptr() == x[1:].untyped_storage().data_ptr())
print(x[1:].untyped_storage().size(), x.untyped_storage().nbytes(), len(x.untyped_storage()))
print(torch.tensor([1, 2], dtype=torch.int16).untyped_storage())
print(float(x[0]))
print(float(x[1]))
print(torch.tensor([x[0], x[2]]))
(x * x).sum().backward(create_graph=True)
(x * x).sum().backward(create_graph=True)
print(x.grad)
