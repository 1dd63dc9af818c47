"""gradcalc.autograd.numerics against torch 2.13: stored expectations, and torch itself when present.

The stored cases (tests/autograd/data, written by make_numerics_expected.py) hold torch's outputs
for inputs numerics_cases.py rebuilds bit for bit; "exact" cases must agree on every bit (NaN with
NaN), the others on at least the share recorded with them. Tests marked torch rerun fresh cases
against the installed torch.
"""

from __future__ import annotations

import json
import math
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numerics_api as nx  # noqa: E402
from numerics_cases import agreement, build_cases, ours, theirs  # noqa: E402

from gradcalc.autograd.numerics.layout import range_calls, split_chunks  # noqa: E402
from gradcalc.autograd.numerics.libm import erf64, erfc64  # noqa: E402
from gradcalc.autograd.numerics.loops import vector_mask  # noqa: E402
from gradcalc.autograd.numerics.sleef_df import fma32  # noqa: E402
from gradcalc.errors import ArgumentError, ValueDomainError  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
_INDEX = json.loads((DATA / "numerics_cases.json").read_text())
_OPS = sorted({entry["op"] for entry in _INDEX["cases"]})


def _check(cases_and_expected) -> list[str]:
    failures = []
    for case, expected, expect in cases_and_expected:
        rate = agreement(ours(case), expected)
        least = 1.0 if expect == "exact" else float(expect)
        if rate < least:
            failures.append(f"{case.name}: {rate:.4%} equal, expected at least {least:.2%}")
    return failures


@pytest.fixture(scope="module")
def stored():
    expected = np.load(DATA / "numerics_expected.npz")
    by_name = {case.name: case for case in build_cases()}
    return [(by_name[e["name"]], expected[e["key"]], e["expect"], e["op"]) for e in _INDEX["cases"]]


@pytest.mark.parametrize("op", _OPS)
def test_stored_torch_results(stored, op):
    failures = _check((case, value, expect) for case, value, expect, o in stored if o == op)
    assert not failures, "\n".join(failures)


def test_stored_cases_cover_every_op_and_were_made_by_torch_2_13():
    assert _INDEX["torch"].startswith("2.13")
    assert set(_OPS) >= {"sum", "mean", "prod", "var", "std", "norm", "cumsum", "softmax",
                         "log_softmax", "logsumexp", "nll", "ce", "mse", "unary", "binary"}  # fmt: skip


def test_tutorial_loss_item_digits(stored):
    """loss.item() of the polynomial-fit tutorial prints torch's digits."""
    case, expected, _, _ = next(s for s in stored if s[0].name == "tutorial-loss")
    ours_value = float(ours(case))
    assert repr(ours_value) == repr(float(expected))
    # numpy's pairwise float32 sum prints other digits: the cascade order is what matters
    assert repr(float(np.sum(case.inputs["x"]))) != repr(ours_value)


@pytest.mark.torch
def test_fresh_cases_against_torch(torch_module):
    torch_module.set_num_threads(2)
    failures = []
    for case in build_cases(seed=7)[::3]:
        expected = theirs(case)
        if expected is not None:
            failures += _check([(case, expected, case.expect)])
    assert not failures, "\n".join(failures[:20])


@pytest.mark.torch
def test_thread_count_changes_large_sums_as_in_torch(torch_module):
    values = np.linspace(-3, 5, 100_003, dtype=np.float32) ** 3
    tensor = torch_module.from_numpy(values)
    try:
        for threads in (1, 2):
            torch_module.set_num_threads(threads)
            expected = tensor.sum().numpy()
            assert nx.reduce_sum(values, threads=threads).tobytes() == expected.tobytes()
    finally:
        torch_module.set_num_threads(2)


@pytest.mark.torch
@pytest.mark.parametrize("n", [1, 5, 31, 32, 33, 95, 1000, 40_001])
def test_sigmoid_tails_take_the_scalar_path_as_in_torch(torch_module, n):
    x = np.linspace(-9, 9, n, dtype=np.float32)
    expected = torch_module.sigmoid(torch_module.from_numpy(x)).numpy()
    assert agreement(nx.sigmoid(x), expected) >= (0.99 if n > 1000 else 1.0)


# ------------------------------------------------------------------ without torch


def test_fma32_is_one_rounding():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(2000).astype(np.float32)
    b = rng.standard_normal(2000).astype(np.float32)
    c = (-(a.astype(np.float64) * b)).astype(np.float32)  # near-cancellation: the hard cases
    c[::2] = rng.standard_normal(1000).astype(np.float32)
    got = fma32(a, b, c)
    for x, y, z, r in zip(a[:400], b[:400], c[:400], got[:400]):
        exact = Fraction(float(x)) * Fraction(float(y)) + Fraction(float(z))
        down = np.float32(float(exact))
        # the true rounding is the float32 nearest to the exact value (ties to even)
        candidates = [
            down,
            np.nextafter(down, np.float32(np.inf)),
            np.nextafter(down, np.float32(-np.inf)),
        ]
        best = min(
            candidates, key=lambda v: (abs(Fraction(float(v)) - exact), int(v.view(np.int32)) & 1)
        )
        assert r == best


def test_fma32_is_not_fooled_by_a_float64_tie():
    # a*b + c = 1 + 2**-11 + 2**-24 + 2**-80: float64 rounds it onto the float32 tie
    # 1 + 2**-11 + 2**-24, which rounds to even (down); the exact value is above the tie
    a = b = np.float32(1 + 2**-12)
    c = np.float32(2**-80)
    assert fma32(a, b, c) == np.float32(1 + 2**-11 + 2**-23)
    assert np.float32(float(a) * float(b) + float(c)) == np.float32(1 + 2**-11)


def test_range_calls_walk_the_range_once_in_order():
    sizes = [7, 5, 3]
    for begin, end in [(0, 105), (3, 50), (10, 11), (35, 105), (0, 1)]:
        calls = range_calls(sizes, begin, end)
        covered = []
        for call in calls:
            start = call.start[0] + sizes[0] * (call.start[1] + sizes[1] * call.start[2])
            for row in range(call.size1):
                first = start + row * sizes[0]
                covered += list(range(first, first + call.size0))
        assert covered == list(range(begin, end))


def test_split_chunks_like_openmp():
    assert split_chunks(40_000, 32768, 2) == [(0, 20_000), (20_000, 40_000)]
    assert split_chunks(32768, 32768, 2) == [(0, 32768)]
    assert split_chunks(5, 1, 2) == [(0, 3), (3, 5)]
    assert split_chunks(100_001, 32768, 8) == [(0, 25001), (25001, 50002), (50002, 75003), (75003, 100_001)]  # fmt: skip


def test_vector_mask_whole_steps_then_scalar_tail():
    x = np.zeros(70, np.float32)
    mask = vector_mask(x.shape, [x.strides], 4, 16, 2)
    assert mask[:64].all() and not mask[64:].any()
    strided = np.zeros(140, np.float32)[::2]
    assert not vector_mask(strided.shape, [strided.strides], 4, 16, 2).any()
    big = np.zeros(40_010, np.float32)
    mask = vector_mask(big.shape, [big.strides], 4, 16, 2)
    # two threads, 20005 elements each: each half ends its own vector run
    assert mask[:20_000].all() and not mask[20_000:20_005].any()
    assert mask[20_005:40_005].all() and not mask[40_005:].any()


def test_erf64_within_an_ulp_of_the_c_library():
    x = np.concatenate([np.linspace(-7, 7, 3001), [0.0, -0.0, 1e-300, 30.0, -30.0]])
    for function, reference in ((erf64, math.erf), (erfc64, math.erfc)):
        ours_values = function(x)
        theirs_values = np.array([reference(v) for v in x])
        ulps = np.abs(ours_values - theirs_values) / np.spacing(np.abs(theirs_values) + 1e-300)
        assert np.all(ulps <= 4)


def test_dims_are_checked_like_torch():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(ArgumentError, match=r"Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"):  # fmt: skip
        nx.reduce_sum(x, 2)
    with pytest.raises(ArgumentError, match="appears multiple times"):
        nx.reduce_mean(x, (0, -2))
    assert nx.reduce_sum(x, (-1,)).shape == (2,)


def test_loss_arguments_are_checked():
    x = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueDomainError, match="Target 7 is out of bounds"):
        nx.nll_loss(x, np.array([0, 7, 1]))
    with pytest.raises(ArgumentError, match="not a valid value for reduction"):
        nx.mse_loss(x, x, "average")


def test_empty_and_zero_dim_reductions():
    empty = np.zeros((0, 3), np.float32)
    assert nx.reduce_sum(empty, 0).tolist() == [0.0, 0.0, 0.0]
    assert np.isnan(nx.reduce_mean(empty)).all()
    scalar = np.array(-0.0, np.float32)
    assert not np.signbit(nx.reduce_sum(scalar))  # torch adds to +0
    assert nx.reduce_prod(np.array(3.0, np.float32)) == 3.0
    assert nx.reduce_sum(np.array([True, True, False])).dtype == np.int64
