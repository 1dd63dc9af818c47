# Source: PyTorch's test suite, test/test_autograd.py, TestAutograd.test_sharded_grad
#   repository pytorch/pytorch, commit 5c322af10e52e4d236104ceefd542f34e6dcf20a
#   https://github.com/pytorch/pytorch/blob/5c322af10e52e4d236104ceefd542f34e6dcf20a/test/test_autograd.py
# Rewritten as a straight-line snippet: assertEqual(a, b) -> print(a) / print(b) (only the
# computed side when the other is a literal), assertTrue/False(c) -> print(c),
# assertIsNone(x) -> print(x is None), assertRaisesRegex(E, ...) -> try/except E: print(e).

import torch

leaves = [torch.zeros(5, 5, requires_grad=True) for _ in range(10)]
intermediates = [l * i + l * l for i, l in enumerate(leaves)]
loss = sum(v * i for i, v in enumerate(intermediates)).sum()

# define a helper for dividing intermediates into groups
def group(l, group_size):
    return (l[i : i + group_size] for i in range(0, len(l), group_size))

# Compute the d loss / d intermediates in chunks of shard_size
shard_size = 2
d_intermediates = [
    d_i
    for intermediates_batch in group(intermediates, shard_size)
    for d_i in torch.autograd.grad(loss, intermediates_batch)
]
# Compute rest of backward pass
torch.autograd.backward(intermediates, d_intermediates)

for i, l in enumerate(leaves):
    print(torch.equal(l.grad, i * i * (1 + l)))
