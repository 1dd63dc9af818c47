"""Shared cases for test_numerics.py and make_numerics_expected.py: inputs, our call, torch's call.

A case is a name, an op, named input arrays and plain parameters. The inputs come from ``Values``,
a counter-based generator made of integer arithmetic and exact float32 scalings only, so every
numpy on every platform rebuilds the same bits and only torch's outputs need storing. ``view``
re-creates the strided layout torch and gradcalc both see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numerics_api as nx
import numpy as np


@dataclass
class Case:
    name: str
    op: str
    inputs: dict[str, np.ndarray]
    params: dict = field(default_factory=dict)
    # "exact": every element bit for bit; a float: the least share of equal elements
    expect: object = "exact"


def view(array: np.ndarray, how: str, dtype: str | None = None) -> np.ndarray:
    """The array a case works on: its stored base, cast to ``dtype``, seen through view ``how``."""
    if dtype is not None:
        array = array.astype(dtype)
    if how == "T":
        return np.swapaxes(array, -1, -2)
    if how == "cols2":
        return array[..., ::2]
    if how == "rows3":
        return array[::3]
    if how == "permute":
        return np.transpose(array, (2, 0, 1))
    return array


class Values:
    """Deterministic test data: splitmix64 on a counter, turned into exactly representable floats."""

    def __init__(self, seed: int) -> None:
        self.state = np.uint64(seed)

    def bits(self, n: int) -> np.ndarray:
        with np.errstate(over="ignore"):
            counter = self.state + np.arange(1, n + 1, dtype=np.uint64) * np.uint64(
                0x9E3779B97F4A7C15
            )
            self.state = counter[-1] if n else self.state
            z = counter
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            return z ^ (z >> np.uint64(31))

    def uniform(self, n: int, low: float, high: float) -> np.ndarray:
        """Multiples of (high - low) / 2**20 in [low, high): exact in float32 for these ranges."""
        steps = (self.bits(n) >> np.uint64(44)).astype(np.float64)
        return (low + steps * ((high - low) / 2**20)).astype(np.float32)

    def normalish(self, shape, scale: float = 1.0, offset: float = 0.0) -> np.ndarray:
        """Bell-shaped values (the mean of four uniforms), scaled: float32."""
        n = int(np.prod(shape))
        total = sum(self.uniform(n, -1.0, 1.0).astype(np.float64) for _ in range(4))
        return (total * (0.8660254 * scale) + offset).astype(np.float32).reshape(shape)

    def wide(self, n: int) -> np.ndarray:
        """Half uniform in [-10, 10), half sign * (1..2) * 2**k with k in [-29, 8]: float32."""
        half = n // 2
        uniform = self.uniform(half, -10.0, 10.0)
        mantissa = self.uniform(n - half, 1.0, 2.0)
        exponent = (self.bits(n - half) % np.uint64(38)).astype(np.int64) - 29
        sign = np.where(self.bits(n - half) % np.uint64(2) == 0, 1.0, -1.0)
        scaled = np.ldexp(mantissa.astype(np.float64), exponent) * sign
        return np.concatenate([uniform, scaled.astype(np.float32)])

    def integers(self, n: int, low: int, high: int) -> np.ndarray:
        return (self.bits(n) % np.uint64(high - low)).astype(np.int64) + low


def _linspace(n: int) -> np.ndarray:
    """linspace(-pi, pi, n) in float32, written out so that no numpy version changes its bits."""
    return (np.arange(n) * (2 * np.pi / (n - 1)) - np.pi).astype(np.float32)


def _data(rng: Values, shape, dtype, scale=1.0, offset=0.0):
    return rng.normalish(shape, scale, offset).astype(dtype)


def _reduction_cases(rng) -> list[Case]:
    cases = []
    layouts = [
        ((2000,), "c"),
        ((7,), "c"),
        ((37, 53), "c"),
        ((37, 53), "T"),
        ((64, 130), "cols2"),
        ((300, 40), "rows3"),
        ((6, 7, 9), "permute"),
        ((70001,), "c"),
        ((300, 301), "T"),
        ((3, 12000), "c"),
    ]
    bases = {shape: _data(rng, shape, np.float32, 3.0, 1.0) for shape, _ in layouts}
    smaller = {shape: (x / 3).astype(np.float32) for shape, x in bases.items()}
    for dtype in (np.float32, np.float64):
        for shape, how in layouts:
            if dtype == np.float64 and np.prod(shape) > 32768:
                continue  # the threaded orders are the same code: float32 is enough
            # float64 cases widen the float32 data (stored once): the orders are what is tested
            x = bases[shape]
            ndim = len(shape)
            dims = [None, 0, ndim - 1] + ([(0, 1)] if ndim > 1 else [])
            dims = list(dict.fromkeys(dims))
            big = x.size > 32768
            ndim = len(shape)  # threaded: fewer ops, the same code paths otherwise
            for dim in dims:
                for keepdim in (False,) if big else (False, True):
                    tag = f"{np.dtype(dtype).name}-{shape}-{how}-dim{dim}-k{int(keepdim)}"
                    params = {
                        "view": how,
                        "dim": dim,
                        "keepdim": keepdim,
                        "dtype": np.dtype(dtype).name,
                    }
                    for op in ("sum", "mean") if big else ("sum", "mean", "var", "std"):
                        cases.append(Case(f"{op}-{tag}", op, {"x": x}, params))
                    if x.size < 10000:
                        cases.append(Case(f"prod-{tag}", "prod", {"x": smaller[shape]}, params))
                    for p in (2,) if big else (2, 1, np.inf):
                        exact = "exact" if not (dtype == np.float64 and p == 2) else 0.9
                        cases.append(
                            Case(f"norm{p}-{tag}", "norm", {"x": x}, {**params, "ord": p}, exact)
                        )
            for d in range(ndim if not big else 0):
                cases.append(
                    Case(f"cumsum-{np.dtype(dtype).name}-{shape}-{how}-{d}", "cumsum", {"x": x},
                         {"view": how, "dim": d, "dtype": np.dtype(dtype).name})
                )  # fmt: skip
    ints = rng.integers(50 * 40, -1000, 1000).reshape(50, 40)
    cases.append(Case("sum-int64", "sum", {"x": ints}, {"view": "c", "dim": 1, "keepdim": False}))
    cases.append(Case("sum-bool", "sum", {"x": ints > 0}, {"view": "c", "dim": None, "keepdim": False}))  # fmt: skip
    # the polynomial-fit tutorial: loss.item() of a float32 sum over 2000 squared errors
    x = _linspace(2000)
    y = x - x * x * x / np.float32(6)
    pred = (0.1 + 0.2 * x - 0.3 * x**2 + 0.05 * x**3).astype(np.float32)
    cases.append(Case("tutorial-loss", "sum", {"x": (pred - y) ** 2}, {"view": "c", "dim": None, "keepdim": False}))  # fmt: skip
    return cases


def _softmax_loss_cases(rng) -> list[Case]:
    cases = []
    for shape, dim in [((4, 10), -1), ((64, 100), -1), ((3, 1000), 1), ((5,), 0), ((100, 40), 0),
                       ((8, 20, 30), 1), ((2, 3, 50, 40), 1), ((17000, 2), 1)]:  # fmt: skip
        x = _data(rng, shape, np.float32, 3.0)
        for op in ("softmax", "log_softmax"):
            exact = "exact" if shape != (8, 20, 30) else 0.999
            cases.append(Case(f"{op}-{shape}-{dim}", op, {"x": x}, {"dim": dim}, exact))
    for batch in (1, 3, 17, 257, 4200):
        x = _data(rng, (batch, 10), np.float32, 2.0)
        target = rng.integers(batch, 0, 10)
        ignored = np.where(rng.uniform(batch, 0.0, 1.0) < 0.2, -100, target)
        weight = rng.uniform(10, 0.125, 2.0)
        small = batch < 1000
        shifted = np.roll(x, 1, axis=0)  # a target that differs from x everywhere
        probs = np.abs(_data(rng, (batch, 10), np.float32))
        probs /= probs.sum(1, keepdims=True)
        for red in ("mean", "sum", "none") if small else ("mean", "sum"):
            p = {"reduction": red}
            cases.append(Case(f"nll-{batch}-{red}", "nll", {"x": x, "t": target}, p))
            cases.append(Case(f"nll-ignore-{batch}-{red}", "nll", {"x": x, "t": ignored}, p))
            cases.append(Case(f"nll-weight-{batch}-{red}", "nll", {"x": x, "t": target, "w": weight}, p))  # fmt: skip
            cases.append(Case(f"ce-{batch}-{red}", "ce", {"x": x, "t": target}, p))
            if small:
                cases.append(Case(f"ce-probs-{batch}-{red}", "ce", {"x": x, "t": probs}, p))
            cases.append(Case(f"mse-{batch}-{red}", "mse", {"x": x, "t": shifted}, p))
        x = _data(rng, (batch, 7), np.float32, 2.0)
        cases.append(Case(f"logsumexp-{batch}", "logsumexp", {"x": x}, {"dim": 1}, 0.98))
    return cases


# name, our function, exact or least agreement on random data, domain
UNARY_CASES = [
    ("exp", 0.98, (-90, 90)), ("log", 0.999, (0, None)), ("log1p", "exact", (-1, None)),
    ("expm1", "exact", (-90, 90)), ("sqrt", 0.99, (0, None)), ("rsqrt", "exact", (0, None)),
    ("sin", 0.95, None), ("cos", 0.94, None), ("tan", 0.99, None), ("tanh", 0.99, None),
    ("sigmoid", "exact", None), ("erf", 0.96, None), ("erfc", 0.92, None), ("atan", 0.999, None),
    ("asin", 0.97, (-1, 1)), ("acos", 0.96, (-1, 1)), ("sinh", "exact", (-89, 89)),
    ("cosh", "exact", (-89, 89)), ("asinh", 0.97, None), ("acosh", 0.97, (1, None)),
    ("atanh", "exact", (-1, 1)), ("reciprocal", "exact", None), ("silu", "exact", None),
    ("elu", "exact", None), ("softplus", "exact", None), ("log_sigmoid", "exact", None),
    ("gelu_tanh", "exact", None), ("gelu", 0.8, None), ("pow2", "exact", None),
    ("pow3", "exact", None), ("pow-1", "exact", None), ("pow-2", "exact", None),
    ("pow0.5", 0.99, (0, None)), ("pow2.5", "exact", None), ("pow-3", "exact", None),
]  # fmt: skip
BINARY_CASES = [("atan2", "exact"), ("hypot", "exact"), ("logaddexp", "exact"), ("pow", "exact")]


def _unary_cases(rng) -> list[Case]:
    cases = []
    n = 32 * 100  # whole SIMD steps: every element takes torch's vector code
    for name, expect, domain in UNARY_CASES:
        x = rng.wide(n)
        if domain:
            lo, hi = domain
            x = (
                np.clip(np.abs(x) + (1 if lo == 1 else 0), lo, hi)
                if lo is not None and lo >= 0
                else np.clip(x, lo, hi)
            )
        cases.append(Case(f"unary-{name}", "unary", {"x": x}, {"function": name}, expect))
        tutorial = _linspace(500)
        if domain and domain[0] is not None and domain[0] >= 0:
            tutorial = np.abs(tutorial) + (1 if domain[0] == 1 else 0)
        elif domain:
            tutorial = np.clip(tutorial / 4, domain[0], domain[1])
        # exact functions lose only their scalar tails here; MKL-backed ones agree less on these
        loose = 0.9 if expect == "exact" else max(0.6, expect - 0.12)
        cases.append(
            Case(f"unary-{name}-linspace", "unary", {"x": tutorial}, {"function": name}, loose)
        )
    for name, expect in BINARY_CASES:
        a = _data(rng, 32 * 100, np.float32, 3.0)
        b = _data(rng, 32 * 100, np.float32, 3.0)
        if name == "pow":
            a, b = np.abs(a), b / 2
        cases.append(Case(f"binary-{name}", "binary", {"a": a, "b": b}, {"function": name}, expect))
    return cases


def build_cases(seed: int = 20260) -> list[Case]:
    rng = Values(seed)
    return _reduction_cases(rng) + _softmax_loss_cases(rng) + _unary_cases(rng)


_UNARY_OURS = {
    **nx.UNARY,
    "sigmoid": nx.sigmoid, "silu": nx.silu, "elu": nx.elu, "softplus": nx.softplus,
    "log_sigmoid": nx.log_sigmoid, "gelu": nx.gelu,
    "gelu_tanh": lambda x: nx.gelu(x, "tanh"),
    "pow2": lambda x: nx.pow(x, 2), "pow3": lambda x: nx.pow(x, 3),
    "pow-1": lambda x: nx.pow(x, -1), "pow-2": lambda x: nx.pow(x, -2),
    "pow0.5": lambda x: nx.pow(x, 0.5), "pow2.5": lambda x: nx.pow(x, 2.5),
    "pow-3": lambda x: nx.pow(x, -3),
}  # fmt: skip
_BINARY_OURS = {"atan2": nx.atan2, "hypot": nx.hypot, "logaddexp": nx.logaddexp, "pow": nx.pow}


def ours(case: Case) -> np.ndarray:
    p = case.params
    i = case.inputs
    with np.errstate(all="ignore"):
        if case.op in ("sum", "mean", "prod", "var", "std", "norm"):
            x = view(i["x"], p["view"], p.get("dtype"))
            if case.op == "sum":
                return nx.reduce_sum(x, p["dim"], p["keepdim"])
            if case.op == "mean":
                return nx.reduce_mean(x, p["dim"], p["keepdim"])
            if case.op == "prod":
                return nx.reduce_prod(x, p["dim"], p["keepdim"])
            if case.op == "var":
                return nx.reduce_var(x, p["dim"], 1, p["keepdim"])
            if case.op == "std":
                return nx.reduce_std(x, p["dim"], 0, p["keepdim"])
            return nx.vector_norm(x, p["ord"], p["dim"], p["keepdim"])
        if case.op == "cumsum":
            return nx.cumulative_sum(view(i["x"], p["view"], p.get("dtype")), p["dim"])
        if case.op == "softmax":
            return nx.softmax(i["x"], p["dim"])
        if case.op == "log_softmax":
            return nx.log_softmax(i["x"], p["dim"])
        if case.op == "logsumexp":
            return nx.logsumexp(i["x"], p["dim"])
        if case.op == "nll":
            return nx.nll_loss(i["x"], i["t"], i.get("w"), p["reduction"])
        if case.op == "ce":
            return nx.cross_entropy(i["x"], i["t"], None, p["reduction"])
        if case.op == "mse":
            return nx.mse_loss(i["x"], i["t"], p["reduction"])
        if case.op == "unary":
            return _UNARY_OURS[p["function"]](i["x"])
        return _BINARY_OURS[p["function"]](i["a"], i["b"])


def theirs(case: Case) -> np.ndarray:
    """The same computation in torch (imported here: only the generator and marked tests call)."""
    import torch
    import torch.nn.functional as F

    p = case.params
    t = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in case.inputs.items()}
    x = t.get("x")
    if case.op in ("sum", "mean", "prod", "var", "std", "norm", "cumsum"):
        x = torch.from_numpy(view(case.inputs["x"], p["view"], p.get("dtype")))
    if case.op in ("sum", "mean", "var", "std", "norm", "prod"):
        dim = p["dim"] if p["dim"] is not None else tuple(range(x.dim()))
        keep = p["keepdim"]
        if case.op == "sum":
            out = x.sum() if p["dim"] is None and not keep else x.sum(dim, keepdim=keep)
        elif case.op == "mean":
            out = x.mean() if p["dim"] is None and not keep else x.mean(dim, keepdim=keep)
        elif case.op == "var":
            out = x.var(dim, keepdim=keep)
        elif case.op == "std":
            out = x.std(dim, correction=0, keepdim=keep)
        elif case.op == "norm":
            out = torch.linalg.vector_norm(x, p["ord"], dim, keep)
        elif p["dim"] is None or isinstance(p["dim"], tuple):
            if isinstance(p["dim"], tuple) or keep:
                return None
            out = x.prod()
        else:
            out = x.prod(p["dim"], keepdim=keep)
        return out.numpy()
    if case.op == "cumsum":
        return torch.cumsum(x, p["dim"]).numpy()
    if case.op == "softmax":
        return torch.softmax(x, p["dim"]).numpy()
    if case.op == "log_softmax":
        return torch.log_softmax(x, p["dim"]).numpy()
    if case.op == "logsumexp":
        return torch.logsumexp(x, p["dim"]).numpy()
    if case.op == "nll":
        return F.nll_loss(x, t["t"], t.get("w"), reduction=p["reduction"]).numpy()
    if case.op == "ce":
        return F.cross_entropy(x, t["t"], reduction=p["reduction"]).numpy()
    if case.op == "mse":
        return F.mse_loss(x, t["t"], reduction=p["reduction"]).numpy()
    if case.op == "binary":
        a, b = t["a"], t["b"]
        function = {"atan2": torch.atan2, "hypot": torch.hypot, "logaddexp": torch.logaddexp,
                    "pow": torch.pow}[p["function"]]  # fmt: skip
        return function(a, b).numpy()
    name = p["function"]
    special = {
        "sigmoid": torch.sigmoid, "silu": F.silu, "elu": F.elu, "softplus": F.softplus,
        "log_sigmoid": F.logsigmoid, "gelu": F.gelu,
        "gelu_tanh": lambda v: F.gelu(v, approximate="tanh"),
        "pow2": lambda v: v**2, "pow3": lambda v: v**3, "pow-1": lambda v: v**-1,
        "pow-2": lambda v: v**-2, "pow0.5": lambda v: v**0.5, "pow2.5": lambda v: v**2.5,
        "pow-3": lambda v: v**-3,
    }  # fmt: skip
    function = special.get(name) or getattr(torch, name)
    return function(x).numpy()


def agreement(ours_value: np.ndarray, expected: np.ndarray) -> float:
    a = np.asarray(ours_value)
    b = np.asarray(expected)
    if a.shape != b.shape:
        return 0.0
    if a.dtype != b.dtype:
        return 0.0
    if a.dtype.kind == "f":
        same = (a == b) & (np.signbit(a) == np.signbit(b)) | (np.isnan(a) & np.isnan(b))
    else:
        same = a == b
    return float(np.mean(same)) if same.size else 1.0
