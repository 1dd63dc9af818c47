"""Library-level peers of gradcalc's autograd core: the seed, the 1000-op chain, an MLP step.

    python bench/peers.py       # or: python bench/run.py --targets (the last table)

Each workload runs forward and backward in float64 in gradcalc's core (``gradcalc.autograd``),
PyTorch, mygrad, HIPS autograd and JAX (eager, no ``jit``: the per-op cost a user of an eager
engine pays), each where installed; a missing peer is left out. The medians are printed
with each peer's time as a ratio of gradcalc's (above 1: gradcalc is faster).

The peers' APIs: https://mygrad.readthedocs.io/en/latest/ (``mygrad.tensor``,
``backward``), https://github.com/HIPS/autograd (``autograd.grad``), https://jax.readthedocs.io
(``jax.grad``, ``jax.config.update("jax_enable_x64", True)``).
"""

from __future__ import annotations

import importlib.util
import statistics
import time

import numpy as np

CHAIN = 1000
BATCH, WIDTH = 256, 512
SEED = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def _mlp_arrays():
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=(BATCH, WIDTH)),
        rng.normal(size=(WIDTH, WIDTH)) / np.sqrt(WIDTH),
        rng.normal(size=WIDTH),
        rng.normal(size=(BATCH, WIDTH)),
    )


def gradcalc_workloads() -> dict:
    from gradcalc.autograd import torch as ag

    x_mlp, w_mlp, b_mlp, target = _mlp_arrays()

    def seed():
        x = ag.tensor(SEED, dtype=ag.float64, requires_grad=True)
        (2 * (x + 1)).mean().backward()
        return x.grad

    def chain():
        x = ag.tensor([0.5, 1.0, 1.5], dtype=ag.float64, requires_grad=True)
        y = x
        for _ in range(CHAIN):
            y = y * 1.001
        y.sum().backward()
        return x.grad

    w = ag.tensor(w_mlp, dtype=ag.float64, requires_grad=True)
    b = ag.tensor(b_mlp, dtype=ag.float64, requires_grad=True)
    xs, ts = ag.tensor(x_mlp, dtype=ag.float64), ag.tensor(target, dtype=ag.float64)

    def mlp():
        w.grad = b.grad = None
        d = ag.tanh(xs @ w + b) - ts
        (d * d).mean().backward()
        return w.grad

    return {"seed": seed, "chain": chain, "mlp": mlp}


def torch_workloads() -> dict:
    import torch

    x_mlp, w_mlp, b_mlp, target = _mlp_arrays()

    def seed():
        x = torch.tensor(SEED, dtype=torch.float64, requires_grad=True)
        (2 * (x + 1)).mean().backward()
        return x.grad

    def chain():
        x = torch.tensor([0.5, 1.0, 1.5], dtype=torch.float64, requires_grad=True)
        y = x
        for _ in range(CHAIN):
            y = y * 1.001
        y.sum().backward()
        return x.grad

    w = torch.tensor(w_mlp, requires_grad=True)
    b = torch.tensor(b_mlp, requires_grad=True)
    xs, ts = torch.tensor(x_mlp), torch.tensor(target)

    def mlp():
        w.grad = b.grad = None
        d = torch.tanh(xs @ w + b) - ts
        (d * d).mean().backward()
        return w.grad

    return {"seed": seed, "chain": chain, "mlp": mlp}


def mygrad_workloads() -> dict:
    import mygrad as mg

    x_mlp, w_mlp, b_mlp, target = _mlp_arrays()

    def seed():
        x = mg.tensor(SEED)
        mg.mean(2 * (x + 1)).backward()
        return x.grad

    def chain():
        x = mg.tensor([0.5, 1.0, 1.5])
        y = x
        for _ in range(CHAIN):
            y = y * 1.001
        mg.sum(y).backward()
        return x.grad

    def mlp():
        w, b = mg.tensor(w_mlp), mg.tensor(b_mlp)
        d = mg.tanh(mg.matmul(x_mlp, w) + b) - target
        mg.mean(d * d).backward()
        return w.grad

    return {"seed": seed, "chain": chain, "mlp": mlp}


def _functional_workloads(grad, np_like) -> dict:
    """HIPS autograd and JAX share the shape of the code: a function and its ``grad``."""
    x_mlp, w_mlp, b_mlp, target = _mlp_arrays()

    def chain_fn(x):
        y = x
        for _ in range(CHAIN):
            y = y * 1.001
        return np_like.sum(y)

    def mlp_fn(params):
        w, b = params
        d = np_like.tanh(np_like.dot(x_mlp, w) + b) - target
        return np_like.mean(d * d)

    seed_grad = grad(lambda x: np_like.mean(2 * (x + 1)))
    chain_grad = grad(chain_fn)
    mlp_grad = grad(mlp_fn)
    seed_x = np.array(SEED)
    chain_x = np.array([0.5, 1.0, 1.5])
    return {
        "seed": lambda: seed_grad(seed_x),
        "chain": lambda: chain_grad(chain_x),
        "mlp": lambda: mlp_grad((w_mlp, b_mlp)),
    }


def hips_workloads() -> dict:
    import autograd.numpy as anp

    import autograd

    return _functional_workloads(autograd.grad, anp)


def jax_workloads() -> dict:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)

    def grad(function):
        differentiated = jax.grad(function)
        return lambda *args: jax.block_until_ready(differentiated(*args))

    return _functional_workloads(grad, jnp)


PEERS = {
    "PyTorch": ("torch", torch_workloads),
    "mygrad": ("mygrad", mygrad_workloads),
    "HIPS autograd": ("autograd", hips_workloads),
    "JAX (eager)": ("jax", jax_workloads),
}


def median_seconds(function, repeat: int) -> float:
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_peers(repeat: int = 5) -> None:
    ours = {name: median_seconds(f, repeat) for name, f in gradcalc_workloads().items()}
    rows = [("gradcalc", *(f"{ours[n] * 1e3:.2f} ms" for n in ours))]
    missing = []
    for peer, (module, make) in PEERS.items():
        if importlib.util.find_spec(module) is None:
            missing.append(peer)
            continue
        theirs = {name: median_seconds(f, repeat) for name, f in make().items()}
        rows.append(
            (peer, *(f"{theirs[n] * 1e3:.2f} ms ({theirs[n] / ours[n]:.2f}x)" for n in ours))
        )
    header = ("library", "seed", f"chain {CHAIN} ops", f"MLP step {BATCH}x{WIDTH}")
    widths = [max(len(c) for c in column) for column in zip(header, *rows)]
    for line in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())
    print("(in brackets: the peer's time over gradcalc's)")
    if missing:
        print(f"(not installed, left out: {', '.join(missing)})")


if __name__ == "__main__":
    print_peers()
