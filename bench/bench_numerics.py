"""Measure gradcalc.autograd.numerics: agreement with torch 2.13 and speed against plain numpy.

    PYTHONPATH=src python bench/bench_numerics.py agreement   # needs torch
    PYTHONPATH=src python bench/bench_numerics.py speed

Agreement: the share of float32 elements equal to torch's bit for bit (NaN counts as equal to
NaN) on three input sets: 200,000 random values (half uniform in [-10, 10], half of magnitude
e**-20 .. e**6, both signs, cut to the function's domain), "tutorial" values (integers -10..10,
linspace(-pi, pi, 2000), torch.randn(1000) with seed 0), and the random values seen through a
stride-2 view (torch's scalar code everywhere). The figures in numerics/__init__.py come from here.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "autograd"))
import numerics_api as nx  # noqa: E402


def _unary_cases():
    import torch
    import torch.nn.functional as F

    inf = np.inf
    return [
        ("exp", nx.exp, torch.exp, (-90, 90)),
        ("log", nx.log, torch.log, (0, inf)),
        ("log1p", nx.log1p, torch.log1p, (-1, inf)),
        ("expm1", nx.expm1, torch.expm1, (-90, 90)),
        ("sqrt", nx.sqrt, torch.sqrt, (0, inf)),
        ("rsqrt", nx.rsqrt, torch.rsqrt, (0, inf)),
        ("sin", nx.sin, torch.sin, None),
        ("cos", nx.cos, torch.cos, None),
        ("tan", nx.tan, torch.tan, None),
        ("tanh", nx.tanh, torch.tanh, None),
        ("sigmoid", nx.sigmoid, torch.sigmoid, None),
        ("erf", nx.erf, torch.erf, None),
        ("erfc", nx.erfc, torch.erfc, None),
        ("atan", nx.atan, torch.atan, None),
        ("asin", nx.asin, torch.asin, (-1, 1)),
        ("acos", nx.acos, torch.acos, (-1, 1)),
        ("sinh", nx.sinh, torch.sinh, (-89, 89)),
        ("cosh", nx.cosh, torch.cosh, (-89, 89)),
        ("asinh", nx.asinh, torch.asinh, None),
        ("acosh", nx.acosh, torch.acosh, (1, inf)),
        ("atanh", nx.atanh, torch.atanh, (-1, 1)),
        ("reciprocal", nx.reciprocal, torch.reciprocal, None),
        ("x**2", lambda v: nx.pow(v, 2), lambda t: t**2, None),
        ("x**3", lambda v: nx.pow(v, 3), lambda t: t**3, None),
        ("x**0.5", lambda v: nx.pow(v, 0.5), lambda t: t**0.5, (0, inf)),
        ("x**-1", lambda v: nx.pow(v, -1), lambda t: t**-1, None),
        ("x**2.5", lambda v: nx.pow(v, 2.5), lambda t: t**2.5, None),
        ("pow(|x|, y)", lambda v: nx.pow(np.abs(v), v[::-1] / 4),
         lambda t: torch.pow(t.abs(), t.flip(0) / 4), None),
        ("atan2", lambda v: nx.atan2(v, v[::-1].copy()), lambda t: torch.atan2(t, t.flip(0)), None),
        ("hypot", lambda v: nx.hypot(v, v[::-1].copy()), lambda t: torch.hypot(t, t.flip(0)), None),
        ("logaddexp", lambda v: nx.logaddexp(v, v[::-1].copy()),
         lambda t: torch.logaddexp(t, t.flip(0)), None),
        ("softplus", nx.softplus, F.softplus, None),
        ("gelu", nx.gelu, F.gelu, None),
        ("gelu tanh", lambda v: nx.gelu(v, "tanh"), lambda t: F.gelu(t, approximate="tanh"), None),
        ("silu", nx.silu, F.silu, None),
        ("elu", nx.elu, F.elu, None),
        ("log_sigmoid", nx.log_sigmoid, F.logsigmoid, None),
    ]  # fmt: skip


def _rate(ours: np.ndarray, theirs: np.ndarray) -> float:
    same = (ours == theirs) | (np.isnan(ours) & np.isnan(theirs))
    return float(np.mean(same))


def _random(rng: np.random.Generator, domain, dtype) -> np.ndarray:
    n = 200_000
    a = rng.uniform(-10, 10, n // 2)
    b = np.exp(rng.uniform(-20, 6, n // 2)) * rng.choice([-1, 1], n // 2)
    x = np.concatenate([a, b]).astype(dtype)
    if domain:
        x = x[(x >= domain[0]) & (x <= domain[1])]
    rng.shuffle(x)
    return x


def _tutorial(domain, dtype):
    import torch

    sets = {
        "ints": np.arange(-10, 11).astype(dtype),
        "linspace": np.linspace(-np.pi, np.pi, 2000).astype(dtype),
        "randn": torch.randn(1000, generator=torch.Generator().manual_seed(0))
        .numpy()
        .astype(dtype),
    }
    if domain:
        lo, hi = domain
        for key, v in sets.items():
            v = np.abs(v) + (1 if lo >= 1 else 0) if lo >= 0 else v
            sets[key] = np.clip(v, lo, hi)
    return sets


def agreement(dtype=np.float32) -> None:
    import torch

    rng = np.random.default_rng(0)
    print(f"| function | random | ints | linspace | randn | strided |  ({np.dtype(dtype).name})")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, ours, theirs, domain in _unary_cases():
        x = _random(rng, domain, dtype)
        with np.errstate(all="ignore"):
            cells = [_rate(ours(x), theirs(torch.from_numpy(x)).numpy())]
            for v in _tutorial(domain, dtype).values():
                cells.append(_rate(ours(v), theirs(torch.from_numpy(v)).numpy()))
            wide = np.repeat(x[:20_000], 2)
            if "(" in name or name in ("atan2", "hypot", "logaddexp"):
                cells.append(float("nan"))
            else:
                cells.append(_rate(ours(wide[::2]), theirs(torch.from_numpy(wide)[::2]).numpy()))
        print(f"| {name} | " + " | ".join(f"{100 * c:.2f}%" for c in cells) + " |")


def _best_of(function, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def speed() -> None:
    rng = np.random.default_rng(0)
    rows = [
        ("sum", (2000,), lambda x: nx.reduce_sum(x), lambda x: np.sum(x)),
        ("sum", (1_000_000,), lambda x: nx.reduce_sum(x), lambda x: np.sum(x)),
        ("sum dim=0", (1000, 1000), lambda x: nx.reduce_sum(x, 0), lambda x: np.sum(x, 0)),
        ("sum dim=1", (1000, 1000), lambda x: nx.reduce_sum(x, 1), lambda x: np.sum(x, 1)),
        ("mean", (2000,), lambda x: nx.reduce_mean(x), lambda x: np.mean(x)),
        ("prod", (1_000_000,), lambda x: nx.reduce_prod(x), lambda x: np.prod(x)),
        ("var", (1_000_000,), lambda x: nx.reduce_var(x), lambda x: np.var(x, ddof=1)),
        ("norm", (1_000_000,), lambda x: nx.vector_norm(x), lambda x: np.linalg.norm(x)),
        ("softmax dim=-1", (1000, 1000), lambda x: nx.softmax(x, -1),
         lambda x: np.exp(x - x.max(-1, keepdims=True))),
        ("exp", (1_000_000,), lambda x: nx.exp(x), lambda x: np.exp(x)),
        ("sigmoid", (1_000_000,), lambda x: nx.sigmoid(x), lambda x: 1 / (1 + np.exp(-x))),
    ]  # fmt: skip
    print("| op | shape | numerics | numpy | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, shape, ours, plain in rows:
        x = rng.standard_normal(shape).astype(np.float32)
        a = _best_of(lambda ours=ours, x=x: ours(x))
        b = _best_of(lambda plain=plain, x=x: plain(x))
        print(f"| {name} | {shape} | {a * 1e3:.3f} ms | {b * 1e3:.3f} ms | {a / b:.1f}x |")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "speed"
    if what == "agreement":
        agreement(np.float32)
        print()
        agreement(np.float64)
    else:
        speed()
