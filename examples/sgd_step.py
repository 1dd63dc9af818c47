# Run: gradcalc -f examples/sgd_step.py
# Two steps of gradient descent on a linear model, written as PyTorch tutorials write them:
# the update runs inside `with torch.no_grad():`, so w and b stay the same leaves and keep
# receiving gradients. `python examples/sgd_step.py` prints the same.
import torch

x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
y = torch.tensor([[1.0], [2.0], [3.0]])
w = torch.tensor([[0.1], [-0.2]], requires_grad=True)
b = torch.tensor([0.5], requires_grad=True)
lr = 0.01

# step 1
loss = ((x @ w + b - y) ** 2).mean()
print(loss)
loss.backward()
with torch.no_grad():
    w -= lr * w.grad
    b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()

# step 2
loss = ((x @ w + b - y) ** 2).mean()
print(loss)
loss.backward()
with torch.no_grad():
    w -= lr * w.grad
    b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()

print(w)
print(b)
print(w.is_leaf, b.is_leaf)
