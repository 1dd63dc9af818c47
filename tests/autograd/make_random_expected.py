"""Expected results for tests/autograd/test_random.py, made by PyTorch 2.13 on the CPU.

    python tests/autograd/make_random_expected.py           # rewrite data/random_expected.json
    python tests/autograd/make_random_expected.py --check   # replay on gradcalc, report diffs

A case seeds the generator and runs a sequence of calls; for each call the file keeps the
result's dtype, shape, the SHA-256 of its bytes (first 64 bits) and, when small, its values; or the error
message. The cases, and the two players that run a call with torch or with gradcalc's
``Generator``, live here so the test and the file cannot drift apart.

The expectations were made on x86-64 (PyTorch picks the AVX2 normal kernel even on AVX-512);
PyTorch on other CPUs (ARM, or x86 forced to ATEN_CPU_CAPABILITY=default) differs in the last
bit of float32 normals of 16 elements or more.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent / "data" / "random_expected.json"
STORED_SEEDS = (0, 1, 1234, -5, 2**40 + 3)
SIZES = (0, 1, 2, 15, 16, 17, 31, 1000, 100_000)
FLOATS = ("float32", "float64", "float16")
INTEGERS = ("int64", "int32", "int16", "int8", "uint8", "bool")
SMALL = 8  # results up to this many elements are stored value by value


def make_call(op: str, **args) -> dict:
    return {"op": op, **args}


def _float_sampler_calls(op: str, dtype: str, **extra) -> list[dict]:
    return [make_call(op, shape=[n], dtype=dtype, **extra) for n in SIZES] + [make_call("state")]


def case_catalogue() -> list[dict]:
    """Every case as ``{"name", "calls"}``; the seed is added per run."""
    cases = []
    float_ops = {
        "rand": {},
        "randn": {},
        "normal_": {"mean": 0.5, "std": 2.0},
        "uniform_": {"low": -1.5, "high": 2.25},
        "exponential_": {"lambd": 0.5},
    }
    for op, extra in float_ops.items():
        for dtype in FLOATS:
            cases.append(
                {"name": f"{op} {dtype}", "calls": _float_sampler_calls(op, dtype, **extra)}
            )
    cases.append(
        {
            "name": "shapes",
            "calls": [
                make_call("rand", shape=[2, 3, 4], dtype="float32"),
                make_call("randn", shape=[4, 5], dtype="float32"),
                make_call("randn", shape=[3, 0, 2], dtype="float32"),
                make_call("randn", shape=[], dtype="float64"),
                make_call("randint", low=0, high=7, shape=[2, 2], dtype="int64"),
                make_call("state"),
            ],
        }
    )
    cases.append(
        {
            "name": "the task's sequence",
            "calls": [
                make_call("rand", shape=[3], dtype="float32"),
                make_call("randn", shape=[20], dtype="float32"),
                make_call("randint", low=0, high=10, shape=[5], dtype="int64"),
                make_call("state"),
            ],
        }
    )
    cases.append(
        {
            "name": "cached second normal",
            "calls": [
                make_call("randn", shape=[3], dtype="float32"),
                make_call("randn", shape=[1], dtype="float64"),
                make_call("randn", shape=[1], dtype="float32"),
                make_call("state"),
                make_call("randn", shape=[20], dtype="float32"),
                make_call("randn", shape=[5], dtype="float16"),
                make_call("state"),
                make_call("randn", shape=[1], dtype="float32"),
                make_call("normal_", shape=[4], dtype="float64", mean=-1.0, std=0.25),
                make_call("reseed", seed=7),
                make_call("randn", shape=[2], dtype="float32"),
                make_call("state"),
            ],
        }
    )
    cases.append(
        {
            "name": "strided normal_",
            "calls": [
                make_call("normal_strided", rows=5, cols=8, dtype="float32", mean=0.0, std=1.0),
                make_call("normal_strided", rows=3, cols=1, dtype="float64", mean=2.0, std=0.5),
                make_call("state"),
            ],
        }
    )
    grid = np.linspace(-2, 2, 40).round(3).tolist()
    spread = np.linspace(0, 3, 40).round(3).tolist()
    for dtype in ("float32", "float64"):
        cases.append(
            {
                "name": f"torch.normal with tensors {dtype}",
                "calls": [
                    make_call("normal_tensor", mean=grid[:5], std=0.7, dtype=dtype),
                    make_call("normal_tensor", mean=0.3, std=spread, dtype=dtype),
                    make_call("normal_tensor", mean=grid, std=spread, dtype=dtype),
                    make_call(
                        "normal_tensor", mean=[[m] for m in grid[:4]], std=spread[:3], dtype=dtype
                    ),
                    make_call("state"),
                ],
            }
        )
    for dtype in INTEGERS + FLOATS:
        calls = [make_call("random_", shape=[n], dtype=dtype) for n in (0, 1, 17, 1000)]
        calls += [make_call("random_", shape=[100], dtype=dtype, low=0, high=2)]
        if dtype != "bool":
            calls += [
                make_call("randint", low=0, high=10, shape=[1000], dtype=dtype),
                make_call("random_", shape=[100], dtype=dtype, low=3, high=None),
                make_call("random_", shape=[100], dtype=dtype, low=0, high=None),
            ]
        if dtype not in ("uint8", "bool"):
            calls += [make_call("randint", low=-3, high=100, shape=[100], dtype=dtype)]
        cases.append({"name": f"random_ {dtype}", "calls": [*calls, make_call("state")]})
    cases.append(
        {
            "name": "wide integer ranges",
            "calls": [
                make_call("randint", low=0, high=2**28 - 1, shape=[50], dtype="int64"),
                make_call("randint", low=0, high=2**28, shape=[50], dtype="int64"),
                make_call("randint", low=-(2**40), high=2**40, shape=[50], dtype="int64"),
                make_call("random_", shape=[50], dtype="int64", low=-(2**63), high=None),
                make_call("random_", shape=[20], dtype="float32", low=-(2**63), high=None),
                make_call("randint", low=0, high=2**25 + 3, shape=[50], dtype="float32"),
                make_call("randint", low=-(2**60), high=2**60, shape=[20], dtype="float64"),
                make_call("randint", low=0, high=5000, shape=[50], dtype="float16"),
                make_call("state"),
            ],
        }
    )
    cases.append(
        {
            "name": "randperm",
            "calls": [
                *[
                    make_call("randperm", n=n, dtype="int64")
                    for n in (0, 1, 2, 5, 17, 1000, 100_000)
                ],
                make_call("randperm", n=128, dtype="int8"),
                make_call("randperm", n=40, dtype="float32"),
                make_call("randperm", n=2049, dtype="float16"),
                make_call("state"),
            ],
        }
    )
    probabilities = np.linspace(0, 1, 37).round(4).tolist()
    bernoulli_calls = []
    for p_dtype in FLOATS:
        bernoulli_calls += [
            make_call("bernoulli", p=probabilities, p_dtype=p_dtype),
            make_call(
                "bernoulli_into", shape=[2, 37], dtype="float32", p=probabilities, p_dtype=p_dtype
            ),
        ]
    for dtype in ("float32", "float64", "int64", "bool", "uint8"):
        bernoulli_calls += [
            make_call("bernoulli_", shape=[n], dtype=dtype, p=0.3) for n in (1, 17, 1000)
        ]
    bernoulli_calls += [
        make_call("bernoulli_", shape=[10], dtype="float32", p=p) for p in (0.0, 1.0)
    ]
    cases.append({"name": "bernoulli", "calls": [*bernoulli_calls, make_call("state")]})
    weights = [0.5, 1.0, 0.0, 2.0, 0.25, 3.0, 1.5, 0.75]
    multinomial_calls = []
    for dtype in FLOATS:
        multinomial_calls += [
            make_call("multinomial", probs=weights, n=1, replacement=False, dtype=dtype),
            make_call("multinomial", probs=weights, n=5, replacement=False, dtype=dtype),
            make_call("multinomial", probs=weights, n=1, replacement=True, dtype=dtype),
            make_call("multinomial", probs=weights, n=20, replacement=True, dtype=dtype),
            make_call(
                "multinomial", probs=[weights, weights[::-1]], n=3, replacement=False, dtype=dtype
            ),
            make_call(
                "multinomial", probs=[weights, weights[::-1]], n=30, replacement=True, dtype=dtype
            ),
        ]
    big = ((np.arange(1000) % 13) + 0.5).tolist()
    multinomial_calls += [
        make_call("multinomial", probs=big, n=100, replacement=False, dtype="float32"),
        make_call("multinomial", probs=big, n=1000, replacement=True, dtype="float32"),
        make_call("state"),
    ]
    cases.append({"name": "multinomial", "calls": multinomial_calls})
    dropout_calls = []
    for dtype in FLOATS:
        dropout_calls += [
            make_call("dropout", shape=[n], p=p, dtype=dtype)
            for n in (1, 17, 1000)
            for p in (0.0, 0.1, 0.5, 0.77, 1.0)
        ]
        dropout_calls += [make_call("dropout2d", shape=[2, 3, 4, 4], p=0.4, dtype=dtype)]
    cases.append({"name": "dropout", "calls": [*dropout_calls, make_call("state")]})
    cases.append(
        {
            "name": "edge values",
            "calls": [
                make_call("normal_", shape=[5], dtype="float64", mean=-2.0, std=0.0),
                make_call("normal_", shape=[40], dtype="float32", mean=1.0, std=0.0),
                make_call("uniform_", shape=[20], dtype="float32", low=1.0, high=1.0),
                make_call("uniform_", shape=[40], dtype="float16", low=-60000.0, high=5000.0),
                make_call("exponential_", shape=[20], dtype="float32", lambd=math.inf),
                make_call("exponential_", shape=[20], dtype="float16", lambd=1e-30),
                make_call("normal_tensor", mean=grid[:20], std=spread[:20], dtype="float16"),
                make_call(
                    "normal_tensor",
                    mean=grid[:20],
                    std=spread[:20],
                    dtype="float32",
                    std_dtype="float64",
                ),
                make_call(
                    "bernoulli_into",
                    shape=[3, 37],
                    dtype="int64",
                    p=probabilities,
                    p_dtype="float32",
                ),
                make_call("state"),
            ],
        }
    )
    cases.append(
        {
            "name": "save and restore",
            "calls": [
                make_call("randn", shape=[3], dtype="float32"),
                make_call("save"),
                make_call("randn", shape=[33], dtype="float32"),
                make_call("randn", shape=[1], dtype="float32"),
                make_call("restore"),
                make_call("randn", shape=[33], dtype="float32"),
                make_call("randn", shape=[1], dtype="float32"),
                make_call("state"),
            ],
        }
    )
    cases.append({"name": "errors", "calls": error_calls()})
    return cases


def error_calls() -> list[dict]:
    """Calls PyTorch refuses; the test wants the same message (drawing nothing, or as much)."""
    return [
        make_call("normal_", shape=[3], dtype="float32", mean=0.0, std=-1.0),
        make_call("normal_", shape=[3], dtype="int64", mean=0.0, std=1.0),
        make_call("normal_tensor", mean=[0.0, 0.0, 0.0], std=[1.0, -1.0, 1.0], dtype="float32"),
        make_call("normal_tensor", mean=[0.0, 0.0, 0.0], std=-2.0, dtype="float32"),
        make_call("normal_tensor", mean=[0.0, 0.0, 0.0], std=[1.0] * 4, dtype="float32"),
        make_call("uniform_", shape=[3], dtype="float32", low=2.0, high=1.0),
        make_call("uniform_", shape=[3], dtype="float32", low=0.0, high=math.inf),
        make_call("uniform_", shape=[3], dtype="float32", low=-3e38, high=3e38),
        make_call("uniform_", shape=[3], dtype="float16", low=0.0, high=70000.0),
        make_call("rand", shape=[3], dtype="int64"),
        make_call("rand", shape=[-1], dtype="float32"),
        make_call("randint", low=5, high=3, shape=[2], dtype="int64"),
        make_call("randint", low=0, high=300, shape=[2], dtype="int8"),
        make_call("randint", low=-1, high=3, shape=[2], dtype="uint8"),
        make_call("randint", low=0, high=3, shape=[5], dtype="bool"),
        make_call("randint", low=0, high=70000, shape=[2], dtype="float16"),
        make_call("random_", shape=[3], dtype="int16", low=-(2**63), high=None),
        make_call("randperm", n=-1, dtype="int64"),
        make_call("randperm", n=2050, dtype="float16"),
        make_call("randperm", n=129, dtype="int8"),
        make_call("randperm", n=3, dtype="bool"),
        make_call("bernoulli_", shape=[3], dtype="float32", p=1.5),
        make_call("bernoulli", p=[0.5, 0.25, 1.5, 0.5], p_dtype="float32"),
        make_call("bernoulli_into", shape=[3], dtype="float32", p=[0.5, 0.5], p_dtype="float32"),
        make_call("exponential_", shape=[3], dtype="float32", lambd=0.0),
        make_call("exponential_", shape=[3], dtype="int64", lambd=1.0),
        make_call("multinomial", probs=[0.5, -0.1], n=1, replacement=False, dtype="float32"),
        make_call("multinomial", probs=[0.5, -0.1, 0.3], n=2, replacement=True, dtype="float32"),
        make_call(
            "multinomial", probs=[1.0, math.inf, 1.0], n=2, replacement=True, dtype="float32"
        ),
        make_call(
            "multinomial", probs=[1.0, math.nan, 1.0], n=2, replacement=True, dtype="float32"
        ),
        make_call("multinomial", probs=[0.0, 0.0], n=1, replacement=False, dtype="float32"),
        make_call(
            "multinomial", probs=[[1.0, 1.0], [0.0, 0.0]], n=2, replacement=True, dtype="float32"
        ),
        make_call("multinomial", probs=[0.5, 0.5], n=3, replacement=False, dtype="float32"),
        make_call("multinomial", probs=[0.5, 0.5], n=0, replacement=True, dtype="float32"),
        make_call("multinomial", probs=[[[1.0]]], n=1, replacement=True, dtype="float32"),
        make_call("multinomial", probs=[1, 2], n=1, replacement=True, dtype="int64"),
        make_call("dropout", shape=[3], p=1.5, dtype="float32"),
        make_call("randn", shape=[5], dtype="float32"),  # the stream after all the refusals
        make_call("state"),
    ]


# ------------------------------------------------------------------------------- results


def describe(array) -> dict:
    array = np.ascontiguousarray(np.asarray(array))
    result = {
        "dtype": array.dtype.name,
        "shape": list(array.shape),
        "sha256": hashlib.sha256(array.tobytes()).hexdigest()[:16],  # 64 bits are plenty
    }
    if array.size <= SMALL:
        result["values"] = array.ravel().tolist()
    return result


def _example_input(shape, dtype) -> np.ndarray:
    count = math.prod(shape)
    return (np.arange(count, dtype=np.float64) * 0.37 - 1.0).astype(dtype).reshape(shape)


def play_gradcalc(seed: int, calls: list[dict]) -> list[dict]:
    from gradcalc.autograd.random import Generator
    from gradcalc.errors import GradcalcError

    gen = Generator(seed)
    saved = {}
    results = []
    for call in calls:
        try:
            results.append(_gradcalc_call(gen, call, saved))
        except GradcalcError as error:
            results.append({"error": error.message})
    return results


def _gradcalc_call(gen, call: dict, saved: dict) -> dict:
    op = call["op"]
    shape = tuple(call.get("shape", ()))
    dtype = call.get("dtype")
    if op == "rand":
        return describe(gen.rand(shape, dtype))
    if op == "randn":
        return describe(gen.randn(shape, dtype))
    if op == "normal_":
        return describe(gen.normal(shape, call["mean"], call["std"], dtype))
    if op == "normal_strided":
        rows, cols = call["rows"], call["cols"]
        values = gen.normal((rows * cols,), call["mean"], call["std"], dtype, contiguous=False)
        return describe(values.reshape(rows, cols).T)
    if op == "normal_tensor":
        mean, std = call["mean"], call["std"]
        mean = np.array(mean, dtype) if isinstance(mean, list) else mean
        std = np.array(std, call.get("std_dtype", dtype)) if isinstance(std, list) else std
        return describe(gen.normal_tensor(mean, std))
    if op == "uniform_":
        return describe(gen.uniform(shape, call["low"], call["high"], dtype))
    if op == "exponential_":
        return describe(gen.exponential(shape, call["lambd"], dtype))
    if op == "randint":
        return describe(gen.randint(call["low"], call["high"], shape, dtype))
    if op == "random_":
        return describe(gen.random_(shape, dtype, call.get("low"), call.get("high")))
    if op == "randperm":
        return describe(gen.randperm(call["n"], dtype))
    if op == "bernoulli":
        return describe(gen.bernoulli(np.array(call["p"], call["p_dtype"])))
    if op == "bernoulli_into":
        return describe(gen.bernoulli(np.array(call["p"], call["p_dtype"]), shape, dtype))
    if op == "bernoulli_":
        return describe(gen.bernoulli_scalar(shape, call["p"], dtype))
    if op == "multinomial":
        probs = np.array(call["probs"], dtype)
        return describe(gen.multinomial(probs, call["n"], call["replacement"]))
    if op in ("dropout", "dropout2d"):
        x = _example_input(shape, dtype)
        noise_shape = shape if op == "dropout" else (*shape[:2], *[1] * (len(shape) - 2))
        noise = gen.dropout_noise(noise_shape, call["p"], dtype)
        return describe(x if noise is None else x * noise)
    if op == "reseed":
        gen.manual_seed(call["seed"])
        return describe(np.array([gen.initial_seed()], np.uint64))
    if op == "save":
        saved["state"] = gen.get_state()
        return describe(saved["state"])
    if op == "restore":
        gen.set_state(saved["state"])
        return describe(gen.get_state())
    if op == "state":
        return describe(gen.get_state())
    raise ValueError(f"unknown op {op}")


def play_torch(seed: int, calls: list[dict]) -> list[dict]:
    import warnings

    import torch

    torch.manual_seed(seed)
    saved = {}
    results = []
    for call in calls:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # random_'s precision warnings
                results.append(describe(_torch_call(torch, call, saved)))
        except (RuntimeError, ValueError, NotImplementedError, TypeError) as error:
            results.append({"error": str(error).splitlines()[0]})
    return results


def _torch_call(torch, call: dict, saved: dict):
    import torch.nn.functional as F

    op = call["op"]
    shape = tuple(call.get("shape", ()))
    dtype = getattr(torch, call["dtype"]) if "dtype" in call else None

    def tensor(values, kind):
        return torch.tensor(values, dtype=getattr(torch, kind))

    if op == "rand":
        return torch.rand(shape, dtype=dtype)
    if op == "randn":
        return torch.randn(shape, dtype=dtype)
    if op == "normal_":
        return torch.empty(shape, dtype=dtype).normal_(call["mean"], call["std"])
    if op == "normal_strided":
        view = torch.empty(call["rows"], call["cols"], dtype=dtype).t()
        return view.normal_(call["mean"], call["std"])
    if op == "normal_tensor":
        mean, std = call["mean"], call["std"]
        mean = tensor(mean, call["dtype"]) if isinstance(mean, list) else mean
        std = tensor(std, call.get("std_dtype", call["dtype"])) if isinstance(std, list) else std
        return torch.normal(mean, std)
    if op == "uniform_":
        return torch.empty(shape, dtype=dtype).uniform_(call["low"], call["high"])
    if op == "exponential_":
        return torch.empty(shape, dtype=dtype).exponential_(call["lambd"])
    if op == "randint":
        return torch.randint(call["low"], call["high"], shape, dtype=dtype)
    if op == "random_":
        x = torch.empty(shape, dtype=dtype)
        if call.get("low") is None and call.get("high") is None:
            return x.random_()
        return x.random_(call["low"], call.get("high"))
    if op == "randperm":
        return torch.randperm(call["n"], dtype=dtype)
    if op == "bernoulli":
        return torch.bernoulli(tensor(call["p"], call["p_dtype"]))
    if op == "bernoulli_into":
        return torch.empty(shape, dtype=dtype).bernoulli_(tensor(call["p"], call["p_dtype"]))
    if op == "bernoulli_":
        return torch.empty(shape, dtype=dtype).bernoulli_(call["p"])
    if op == "multinomial":
        probs = tensor(call["probs"], call["dtype"])
        return torch.multinomial(probs, call["n"], call["replacement"])
    if op in ("dropout", "dropout2d"):
        x = torch.from_numpy(_example_input(shape, call["dtype"]))
        out = F.dropout(x, call["p"]) if op == "dropout" else F.dropout2d(x, call["p"])
        return out
    if op == "reseed":
        return torch.tensor([torch.manual_seed(call["seed"]).initial_seed()], dtype=torch.uint64)
    if op == "save":
        saved["state"] = torch.get_rng_state()
        return saved["state"]
    if op == "restore":
        torch.set_rng_state(saved["state"])
        return torch.get_rng_state()
    if op == "state":
        return torch.get_rng_state()
    raise ValueError(f"unknown op {op}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare gradcalc with torch only")
    args = parser.parse_args(argv)
    import torch

    cases = case_catalogue()
    for case in cases:
        case["runs"] = [
            {"seed": seed, "results": play_torch(seed, case["calls"])} for seed in STORED_SEEDS
        ]
    if args.check:
        bad = 0
        for case in cases:
            for run in case["runs"]:
                ours = play_gradcalc(run["seed"], case["calls"])
                for call, want, got in zip(case["calls"], run["results"], ours):
                    if want != got:
                        bad += 1
                        print(f"{case['name']} seed={run['seed']} {call}: {want} != {got}")
        print(f"{len(cases)} cases x {len(STORED_SEEDS)} seeds, {bad} differences")
        return 1 if bad else 0
    DATA.parent.mkdir(exist_ok=True)
    payload = {"torch": torch.__version__, "cases": cases}
    DATA.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    print(f"wrote {DATA} ({len(cases)} cases, {DATA.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
