# Run: gradcalc -f examples/neural_layer.py
# One dense layer with a tanh activation and a mean-squared-error loss.
import torch
import torch.nn.functional as F

torch.manual_seed(0)
X = torch.randn(4, 3)                        # a batch of 4 inputs with 3 features
target = torch.tensor([[0.5], [-0.5], [1.0], [0.0]])
W = torch.randn(3, 1, requires_grad=True)    # weights
b = torch.zeros(1, requires_grad=True)       # bias, broadcast over the batch

pred = torch.tanh(X @ W + b)
loss = F.mse_loss(pred, target)
print(loss)

loss.backward()
print(W.grad)
print(b.grad)

# one step of gradient descent
lr = 0.1
W.data -= lr * W.grad
b.data -= lr * b.grad
print(F.mse_loss(torch.tanh(X @ W + b), target))
