"""Autograd core workloads for bench/run.py: gradcalc vs hand-written numpy vs PyTorch.

    python bench/bench_autograd.py      # a quick standalone timing of each workload

Every variant does the same work, forward and backward, in float64.
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np

from gradcalc.autograd import functional as agF
from gradcalc.autograd import torch as ag

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _torch():
    import torch

    return torch


# ---- a 1000-op chain on a 3-element tensor (per-op overhead) ---------------------------------

CHAIN = 1000


def chain_gradcalc():
    x = ag.tensor([0.5, 1.0, 1.5], dtype=ag.float64, requires_grad=True)
    y = x
    for _ in range(CHAIN):
        y = y * 1.001
    y.sum().backward()
    return x.grad


def chain_numpy():
    x = np.array([0.5, 1.0, 1.5])
    y = x
    for _ in range(CHAIN):
        y = y * 1.001
    y.sum()
    g = np.ones(3)
    for _ in range(CHAIN):
        g = g * 1.001
    return g


def chain_torch():
    torch = _torch()
    x = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(CHAIN):
        y = y * 1.001
    y.sum().backward()
    return x.grad


# ---- mean(2 * (x + 1)) on large arrays --------------------------------------------------------


def mean_workloads(n: int):
    data = np.random.default_rng(0).normal(size=n)
    leaf = ag.tensor(data, dtype=ag.float64, requires_grad=True)

    def gradcalc_fn():
        leaf.grad = None
        m = (2 * (leaf + 1)).mean()
        m.backward()
        return leaf.grad

    def numpy_fn():
        m = np.mean(2 * (data + 1))
        return m, np.full(data.shape, 2.0 / data.size)

    torch_fn = None
    if HAS_TORCH:
        torch = _torch()
        tleaf = torch.tensor(data, requires_grad=True)

        def torch_fn():
            tleaf.grad = None
            m = (2 * (tleaf + 1)).mean()
            m.backward()
            return tleaf.grad

    return gradcalc_fn, numpy_fn, torch_fn


# ---- one MLP training step: batch 256, 512x512 layers, tanh, mse -----------------------------


def mlp_workloads(batch: int = 256, width: int = 512):
    rng = np.random.default_rng(0)
    arrays = {
        "x": rng.normal(size=(batch, width)),
        "w1": rng.normal(size=(width, width)) / np.sqrt(width),
        "b1": rng.normal(size=width),
        "w2": rng.normal(size=(width, width)) / np.sqrt(width),
        "b2": rng.normal(size=width),
        "target": rng.normal(size=(batch, width)),
    }
    params = ("w1", "b1", "w2", "b2")
    g = {k: ag.tensor(v, dtype=ag.float64, requires_grad=k in params) for k, v in arrays.items()}

    def gradcalc_fn():
        for k in params:
            g[k].grad = None
        h = ag.tanh(g["x"] @ g["w1"] + g["b1"])
        loss = agF.mse_loss(h @ g["w2"] + g["b2"], g["target"])
        loss.backward()
        return loss

    def numpy_fn():
        a = arrays
        h = np.tanh(a["x"] @ a["w1"] + a["b1"])
        out = h @ a["w2"] + a["b2"]
        d = out - a["target"]
        loss = np.mean(d * d)
        g_out = 2.0 * d / d.size
        g_w2 = h.T @ g_out
        g_b2 = g_out.sum(axis=0)
        g_h = g_out @ a["w2"].T
        g_pre = g_h * (1.0 - h * h)
        g_w1 = a["x"].T @ g_pre
        g_b1 = g_pre.sum(axis=0)
        return loss, g_w1, g_b1, g_w2, g_b2

    torch_fn = None
    if HAS_TORCH:
        torch = _torch()
        t = {k: torch.tensor(v, requires_grad=k in params) for k, v in arrays.items()}

        def torch_fn():
            for k in params:
                t[k].grad = None
            h = torch.tanh(t["x"] @ t["w1"] + t["b1"])
            loss = torch.nn.functional.mse_loss(h @ t["w2"] + t["b2"], t["target"])
            loss.backward()
            return loss

    return gradcalc_fn, numpy_fn, torch_fn


# ---- 1000 backward calls through one retained graph ------------------------------------------

RETAINED = 1000


def retained_gradcalc():
    x = ag.ones(2, 3, dtype=ag.float64, requires_grad=True)
    m = (2 * (x + 1)).mean()
    for _ in range(RETAINED):
        m.backward(retain_graph=True)
    return x.grad


def retained_numpy():
    x = np.ones((2, 3))
    np.mean(2 * (x + 1))
    grad = np.zeros_like(x)
    for _ in range(RETAINED):
        g = np.broadcast_to(1.0 / x.size, x.shape)  # mean
        g = g * 2.0  # mul
        grad = grad + g  # add, accumulate
    return grad


def retained_torch():
    torch = _torch()
    x = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
    m = (2 * (x + 1)).mean()
    for _ in range(RETAINED):
        m.backward(retain_graph=True)
    return x.grad


def workloads() -> list[dict]:
    mean6 = mean_workloads(10**6)
    mean7 = mean_workloads(10**7)
    mlp = mlp_workloads()
    return [
        {
            "name": "chain 1000 ops (3 elements)",
            "gradcalc": chain_gradcalc,
            "numpy": chain_numpy,
            "torch": chain_torch if HAS_TORCH else None,
            "note": "per-op overhead: forward + backward of 1000 multiplications",
            "repeat": 21,  # a few ms each: more repetitions steady the median
        },
        {
            "name": "mean(2*(x+1)) 1e6",
            "gradcalc": mean6[0],
            "numpy": mean6[1],
            "torch": mean6[2],
            "repeat": 11,
            "note": (
                "numpy and gradcalc both compute 2*(x+1) in the buffer of x+1 (temporary "
                "elision, autograd/elision.py); torch allocates both, and glibc returning the "
                "second buffer to the OS makes each run pay page faults again"
            ),
        },
        {
            "name": "mean(2*(x+1)) 1e7",
            "gradcalc": mean7[0],
            "numpy": mean7[1],
            "torch": mean7[2],
            "repeat": 3,
        },
        {
            "name": "MLP step (256 x 512 x 512)",
            "gradcalc": mlp[0],
            "numpy": mlp[1],
            "torch": mlp[2],
        },
        {
            "name": "1000 retained backward calls",
            "gradcalc": retained_gradcalc,
            "numpy": retained_numpy,
            "torch": retained_torch if HAS_TORCH else None,
        },
    ]


def _median(fn, repeat: int = 5) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def main() -> None:
    for w in workloads():
        row = [w["name"]]
        for variant in ("gradcalc", "numpy", "torch"):
            fn = w.get(variant)
            row.append(
                f"{variant} {_median(fn, w.get('repeat', 5)) * 1e3:8.2f} ms"
                if fn
                else f"{variant} -"
            )
        print("  ".join(row))


if __name__ == "__main__":
    main()
