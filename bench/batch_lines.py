"""Varied one-line PyTorch programs for the batch benchmarks (``bench/run.py``, ``bench_batch``).

Each line is PyTorch code as written (``import torch`` first), so the very same text runs in
``gradcalc --batch --json`` and under ``exec`` with real PyTorch: the comparison of issue 13.
The lines are generated from templates with varying numbers (deterministic: a fixed seed),
covering constructors, pointwise ops, reductions, products, losses and explicit backward
calls, as short tutorial snippets do.
"""

from __future__ import annotations

import random

TEMPLATES = [
    "import torch; x = torch.tensor([{a}, {b}, {c}], requires_grad=True); y = (x * x).sum(); y.backward()",
    "import torch; x = torch.tensor([[{a}, {b}], [{c}, {d}]], requires_grad=True); m = torch.tanh(x @ x).mean(); m.backward()",
    "import torch; w = torch.tensor([{a}, {b}], requires_grad=True); b = torch.tensor({c}, requires_grad=True); out = torch.sigmoid((w * torch.tensor([{d}, {a}])).sum() + b); out.backward()",
    "import torch; x = torch.linspace({a}, {b}, {n}, requires_grad=True); y = torch.exp(-x ** 2).sum(); y.backward()",
    "import torch; x = torch.tensor([{a}, {b}, {c}, {d}], requires_grad=True); y = torch.softmax(x, dim=0)[{i}]; y.backward()",
    "import torch; a = torch.tensor({a}, requires_grad=True); b = torch.tensor({b}, requires_grad=True); c = a * b + b ** 3; d = torch.tanh(c); d.backward()",
    "import torch; import torch.nn.functional as F; p = torch.tensor([{a}, {b}, {c}], requires_grad=True); t = torch.tensor([{d}, {a}, {b}]); loss = F.mse_loss(p, t); loss.backward()",
    "import torch; x = torch.ones({n}, {m}, requires_grad=True); y = (x * {a} + {b}).relu().sum(); y.backward()",
    "import torch; x = torch.tensor([{a}, {b}], requires_grad=True); y = torch.log(x.abs() + 1).sum() * {c}; y.backward()",
    "import torch; x = torch.arange({n}, dtype=torch.float32, requires_grad=True); y = (x.sin() * x.cos()).mean(); y.backward()",
]


def make_lines(count: int = 5000, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        numbers = {k: round(rng.uniform(-3, 3), 2) for k in "abcd"}
        lines.append(
            template.format(
                **numbers, n=rng.randint(2, 9), m=rng.randint(2, 5), i=rng.randint(0, 3)
            )
        )
    return lines


TORCH_RUNNER = """\
import sys
import torch
for line in open(sys.argv[1], encoding="utf-8"):
    exec(line, {})
"""
