"""gradcalc.autograd.random against PyTorch 2.13's CPU generator, bit for bit.

Stored expectations (data/random_expected.json, written by make_random_expected.py with torch)
are replayed without torch; the tests marked ``torch`` replay the same cases with more seeds,
and random call sequences, against torch itself. Reference values for mt19937 come from the
C++ standard ([rand.predef]: the 10000th output of a default-seeded mt19937 is 4123659995).
"""

from __future__ import annotations

import importlib.util
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from gradcalc.autograd import random_mathfun
from gradcalc.autograd.random import Generator, fill_view, manual_seed_argument, normalize_seed
from gradcalc.autograd.random_engine import STATE_SIZE, MT19937Stream
from gradcalc.errors import ArgumentError, ShapeError, ValueDomainError

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location(
    "make_random_expected", HERE / "make_random_expected.py"
)
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

STORED = json.loads(cases.DATA.read_text())["cases"]


# ----------------------------------------------------------------- stored expectations


@pytest.mark.parametrize("case", STORED, ids=[case["name"] for case in STORED])
def test_stored_expectations(case):
    catalogue = cases.case_catalogue()[STORED.index(case)]
    assert json.dumps(case["calls"]) == json.dumps(catalogue["calls"]), (
        "the case list changed: rerun make_random_expected.py"
    )
    for run in case["runs"]:
        ours = cases.play_gradcalc(run["seed"], case["calls"])
        for call, want, got in zip(case["calls"], run["results"], ours, strict=True):
            assert got == want, (run["seed"], call)


def test_stored_expectations_cover_the_task():
    ops = {call["op"] for case in STORED for call in case["calls"]}
    assert {"rand", "randn", "randint", "randperm", "normal_", "normal_tensor", "uniform_"} <= ops
    assert {"bernoulli", "bernoulli_", "exponential_", "multinomial", "dropout", "random_"} <= ops
    sizes = {call["shape"][0] for case in STORED for call in case["calls"] if call.get("shape")}
    assert {0, 1, 15, 16, 17, 1000, 100_000} <= sizes
    errors = [r for case in STORED for run in case["runs"] for r in run["results"] if "error" in r]
    assert len(errors) >= 30


# ---------------------------------------------------------------------- against torch

MORE_SEEDS = (2, 3, 99, 2**32 + 1, -(2**63), 2**64 - 1)


@pytest.mark.torch
@pytest.mark.parametrize("seed", MORE_SEEDS)
def test_catalogue_against_torch(seed):
    for case in cases.case_catalogue():
        want = cases.play_torch(seed, case["calls"])
        got = cases.play_gradcalc(seed, case["calls"])
        for call, w, g in zip(case["calls"], want, got, strict=True):
            assert g == w, (case["name"], call)


def random_program(rng: np.random.Generator, length: int) -> list[dict]:
    """A random sequence of calls with sizes on both sides of the 16-element switch."""
    calls = []
    for _ in range(length):
        n = int(rng.choice([0, 1, 2, 3, 7, 15, 16, 17, 18, 33, 64, 250]))
        dtype = str(rng.choice(["float32", "float32", "float64", "float16"]))
        kind = int(rng.integers(9))
        if kind == 0:
            calls.append(cases.make_call("rand", shape=[n], dtype=dtype))
        elif kind == 1:
            calls.append(cases.make_call("randn", shape=[n], dtype=dtype))
        elif kind == 2:
            mean, std = float(rng.normal()), float(rng.uniform(0, 3))
            calls.append(cases.make_call("normal_", shape=[n], dtype=dtype, mean=mean, std=std))
        elif kind == 3:
            low = float(rng.uniform(-5, 5))
            high = low + float(rng.uniform(0, 5))
            calls.append(cases.make_call("uniform_", shape=[n], dtype=dtype, low=low, high=high))
        elif kind == 4:
            high = int(rng.integers(1, 2**31))
            calls.append(cases.make_call("randint", low=-high, high=high, shape=[n], dtype="int64"))
        elif kind == 5:
            calls.append(cases.make_call("randperm", n=n, dtype="int64"))
        elif kind == 6:
            lambd = float(rng.uniform(0.1, 4))
            calls.append(cases.make_call("exponential_", shape=[n], dtype=dtype, lambd=lambd))
        elif kind == 7:
            p = float(rng.uniform())
            calls.append(cases.make_call("bernoulli_", shape=[n], dtype=dtype, p=p))
        else:
            calls.append(cases.make_call("dropout", shape=[max(n, 1)], p=0.5, dtype=dtype))
    return [*calls, cases.make_call("state")]


@pytest.mark.torch
def test_random_call_sequences_against_torch():
    rng = np.random.default_rng(20260513)
    for _ in range(40):
        seed = int(rng.integers(-(2**63), 2**63))
        program = random_program(rng, 12)
        want = cases.play_torch(seed, program)
        assert cases.play_gradcalc(seed, program) == want, (seed, program)


@pytest.mark.torch
def test_a_million_float32_normals_match_torch(torch_module):
    torch_module.manual_seed(5)
    want = torch_module.randn(1_000_003).numpy()
    got = Generator(5).randn((1_000_003,))
    assert got.tobytes() == want.tobytes()


@pytest.mark.torch
def test_state_bytes_load_into_torch(torch_module):
    gen = Generator(11)
    gen.randn((5,))  # leaves a cached normal in the state
    torch_module.set_rng_state(torch_module.from_numpy(gen.get_state()))
    assert torch_module.randn(3).numpy().tobytes() == gen.randn((3,)).tobytes()


# -------------------------------------------------------------------- mt19937 and seeds


def test_mt19937_matches_the_cpp_standard():
    stream = MT19937Stream(5489)
    draws = stream.random32(10_000)
    assert int(draws[0]) == 3499211612
    assert int(draws[-1]) == 4123659995


def test_random64_puts_the_first_draw_high():
    a, b = MT19937Stream(3), MT19937Stream(3)
    first, second = (int(v) for v in a.random32(2))
    assert int(b.random64(1)[0]) == (first << 32) | second


def test_reseeding_with_the_same_seed_starts_the_stream_again():
    """Reseeding skips numpy's state setter when the stream is as that seed left it; after
    draws, or after loading other state (even a fresh-looking one), it must start over."""
    stream = MT19937Stream(7)
    first = stream.random32(5)
    stream.reseed(7)
    assert np.array_equal(stream.random32(5), first)
    other = MT19937Stream(8)
    stream.reseed(7)  # untouched: the skip applies
    stream.load_state_bytes(other.state_bytes())  # seed 8's fresh state, seeded flag on
    stream.reseed(7)
    assert np.array_equal(stream.random32(5), first)
    assert np.array_equal(stream.state_bytes(), _after(7, 5))


def _after(seed: int, draws: int) -> np.ndarray:
    stream = MT19937Stream(seed)
    stream.random32(draws)
    return stream.state_bytes()


def test_only_the_low_32_bits_of_the_seed_reach_the_stream():
    low, high = Generator(5), Generator(2**32 + 5)
    assert np.array_equal(low.rand((10,)), high.rand((10,)))
    assert high.initial_seed() == 2**32 + 5


@pytest.mark.parametrize(
    ("seed", "stored"),
    [(0, 0), (-1, 2**64 - 1), (-5, 2**64 - 5), (-(2**63), 2**63), (2**64 - 1, 2**64 - 1)],
)
def test_seeds_are_kept_modulo_2_to_the_64(seed, stored):
    gen = Generator(seed)
    assert gen.initial_seed() == stored
    assert np.array_equal(gen.rand((4,)), Generator(stored).rand((4,)))


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1, 10**30])
def test_seed_overflow(seed):
    with pytest.raises(ValueDomainError, match="Overflow when unpacking long long"):
        Generator(0).manual_seed(seed)


@pytest.mark.parametrize(
    ("seed", "name"), [(2.5, "float"), (True, "bool"), ("3", "str"), (None, "NoneType")]
)
def test_generator_manual_seed_wants_an_integer(seed, name):
    with pytest.raises(ArgumentError, match=f"manual_seed expected a long, but got {name}$"):
        normalize_seed(seed)


def test_manual_seed_argument_converts_like_torch_manual_seed():
    assert manual_seed_argument(2.7) == 2
    assert manual_seed_argument("12") == 12
    assert manual_seed_argument(True) == 1
    assert manual_seed_argument(-1) == 2**64 - 1
    with pytest.raises(ValueDomainError, match="invalid literal for int"):
        manual_seed_argument("abc")
    with pytest.raises(ValueDomainError, match="cannot convert float infinity to integer"):
        manual_seed_argument(math.inf)
    with pytest.raises(ArgumentError, match="int\\(\\) argument must be"):
        manual_seed_argument(None)


def test_manual_seed_restarts_the_stream_and_drops_the_cached_normal():
    gen = Generator(0)
    first = gen.randn((3,))  # odd count: a second normal is cached
    assert gen.manual_seed(0) is gen
    assert np.array_equal(gen.randn((3,)), first)


def test_seed_is_nondeterministic_and_reported():
    gen = Generator(0)
    a = gen.seed()
    assert gen.initial_seed() == a and 0 <= a < 2**64
    b = gen.seed()
    assert a != b


# ------------------------------------------------------------------------------ state


def test_state_round_trip_includes_the_cached_normal():
    gen = Generator(21)
    gen.randn((5,))
    state = gen.get_state()
    assert state.dtype == np.uint8 and state.shape == (STATE_SIZE,)
    after = gen.randn((40,)), gen.randn((1,))
    gen.randn((7,))
    assert gen.set_state(state) is gen
    assert all(np.array_equal(a, b) for a, b in zip(after, (gen.randn((40,)), gen.randn((1,)))))


def test_state_is_a_copy():
    gen = Generator(1)
    state = gen.get_state()
    state[100:200] = 0
    assert not np.array_equal(gen.get_state(), state)


def test_fresh_and_used_up_streams_have_distinct_states():
    fresh, used = Generator(8), Generator(8)
    used.random_((624,), np.int32)  # one whole block of 32-bit draws
    assert not np.array_equal(fresh.get_state(), used.get_state())
    clone = Generator(0).set_state(used.get_state())
    assert np.array_equal(clone.rand((5,)), used.rand((5,)))


def test_bad_states_are_refused():
    gen = Generator(0)
    with pytest.raises(ValueDomainError, match="size 5056 but found the input RNG state size"):
        gen.set_state(np.zeros(10, np.uint8))
    with pytest.raises(ValueDomainError, match="Invalid mt19937 state"):
        gen.set_state(np.zeros(STATE_SIZE, np.uint8))  # never seeded
    with pytest.raises(ValueDomainError, match="ByteTensor"):
        gen.set_state(np.zeros(STATE_SIZE, np.float32))


# ---------------------------------------------------------------- exact floating point


def _exact_float32(value: Fraction) -> np.float32:
    """``value`` rounded once to the nearest float32, ties to even."""
    guess = np.float32(float(value))
    neighbours = [np.nextafter(guess, np.float32(-np.inf)), guess]
    neighbours.append(np.nextafter(guess, np.float32(np.inf)))
    best = min(
        neighbours,
        key=lambda f: (abs(Fraction(float(f)) - value), int(np.array(f).view(np.uint32)) & 1),
    )
    return np.float32(best)


def test_fma32_rounds_once_where_double_rounding_would_not():
    # a*b = 2**-14 - 2**-60 exactly; with c the double sum is the float32 midpoint
    # 1024 + 3*2**-14 (rounding to even would go up), the exact sum lies just below it.
    a = np.array([1 + 2**-23], np.float32)
    b = np.array([2**-14 * (1 - 2**-23)], np.float32)
    c = np.float32(1024 + 2**-13)
    naive = (a.astype(np.float64) * b.astype(np.float64) + np.float64(c)).astype(np.float32)
    assert naive[0] == np.float32(1024 + 2**-12)
    assert random_mathfun.fma32(a, b, c)[0] == c
    assert random_mathfun.fma32(-a, b, -c)[0] == -c


def test_fma32_matches_exact_rounding_on_random_operands(rng):
    count = 3000

    def floats():
        return (rng.standard_normal(count) * 2.0 ** rng.integers(-30, 30, count)).astype(np.float32)

    a, b, c = floats(), floats(), floats()
    got = random_mathfun.fma32(a, b, c)
    for i in range(count):
        exact = Fraction(float(a[i])) * Fraction(float(b[i])) + Fraction(float(c[i]))
        assert got[i] == _exact_float32(exact), (a[i], b[i], c[i])


def test_fma64_matches_exact_rounding(rng):
    count = 3000
    a = rng.standard_normal(count) * 2.0 ** rng.integers(-40, 40, count)
    b = rng.standard_normal(count) * 2.0 ** rng.integers(-40, 40, count)
    c = rng.standard_normal(count) * 2.0 ** rng.integers(-80, 80, count)
    # a case where the product's low part decides the rounding of the sum
    a[0], b[0], c[0] = 1 + 2**-52, 1 - 2**-53, -1.0
    got = random_mathfun.fma64(a, b, c)
    for i in range(count):
        exact = Fraction(a[i]) * Fraction(b[i]) + Fraction(c[i])
        assert got[i] == float(exact), (a[i], b[i], c[i])
    assert np.array_equal(random_mathfun.fma64(a, 1.0, c), a + c)


def test_round_to_float32_recomputes_values_near_a_boundary():
    midpoint = 1 + 2.0**-24  # halfway between float32 1 and its successor
    approximate = np.array([np.nextafter(midpoint, 2.0), 0.75, 1e-300])
    exact_values = np.array([np.nextafter(midpoint, 0.0), 0.75, 1e-300])
    asked = []

    def exact(where):
        asked.extend(where[0].tolist())
        return exact_values[where]

    result = random_mathfun.round_to_float32(approximate, exact)
    assert asked == [0, 2]
    assert result.tolist() == [1.0, 0.75, 0.0]


def test_avx2_log_and_sincos_are_close_to_the_true_functions():
    u = (np.arange(1, 2**16, dtype=np.float32) * np.float32(2**-16)).astype(np.float32)
    log = random_mathfun._log_avx2(u)
    assert np.allclose(log, np.log(u.astype(np.float64)), rtol=3e-7, atol=1e-7)
    theta = random_mathfun._TWO_PI_F32 * u
    sine, cosine = random_mathfun._sincos_avx2(theta)
    assert np.allclose(sine, np.sin(theta.astype(np.float64)), atol=2e-7)
    assert np.allclose(cosine, np.cos(theta.astype(np.float64)), atol=2e-7)


def test_numpy_float64_sin_cos_are_glibcs(rng):
    """box_muller_float64 relies on it (numpy's log and log1p are not glibc's)."""
    theta = rng.uniform(0, 2 * math.pi, 20_000)
    assert np.array_equal(np.sin(theta), random_mathfun.libm(math.sin, theta))
    assert np.array_equal(np.cos(theta), random_mathfun.libm(math.cos, theta))


@pytest.mark.slow
def test_box_muller_fma_never_needs_the_halfway_repair(monkeypatch):
    """Every multiply-add inside the AVX2 log and sincos, on all 2**24 inputs Box-Muller can
    give them, rounds the same in double-then-float as in one rounding (so
    ``fma32_in_box_muller`` may skip ``fma32``'s repair)."""
    repairs = []

    def checked(a, b, c):
        a64 = np.asarray(a, np.float64)
        b64 = np.asarray(b, np.float64)
        c64 = np.broadcast_to(np.asarray(c, np.float64), np.broadcast(a64, b64).shape)
        product = np.broadcast_to(a64 * b64, c64.shape)
        total = product + c64
        halfway = (total.view(np.uint64) & np.uint64(2**29 - 1)) == np.uint64(2**28)
        if halfway.any():
            s, error = random_mathfun._two_sum(product[halfway], c64[halfway])
            repairs.append(int(np.count_nonzero(error)))
        return total.astype(np.float32)

    monkeypatch.setattr(random_mathfun, "fma32_in_box_muller", checked)
    uniforms = np.arange(2**24, dtype=np.float32) * np.float32(2**-24)
    for start in range(0, 2**24, 2**20):
        block = uniforms[start : start + 2**20]
        random_mathfun._log_avx2(np.float32(1) - block)
        random_mathfun._sincos_avx2(random_mathfun._TWO_PI_F32 * block)
    assert repairs and not any(repairs)


# ----------------------------------------------------------------------------- shapes


def test_samplers_return_new_c_ordered_arrays_of_the_requested_dtype():
    gen = Generator(0)
    results = {
        "rand": gen.rand((2, 3), np.float16),
        "randn": gen.randn((4, 5), np.float64),
        "randint": gen.randint(0, 3, (3, 2), np.int16),
        "bernoulli": gen.bernoulli_scalar((2, 2), 0.5, np.bool_),
        "exponential": gen.exponential((3,), 2.0, np.float32),
        "randperm": gen.randperm(6, np.int32),
    }
    dtypes = [np.float16, np.float64, np.int16, np.bool_, np.float32, np.int32]
    shapes = [(2, 3), (4, 5), (3, 2), (2, 2), (3,), (6,)]
    for (name, array), dtype, shape in zip(results.items(), dtypes, shapes, strict=True):
        assert array.dtype == dtype and array.shape == shape, name
        assert array.flags.c_contiguous and array.flags.writeable, name
    assert sorted(results["randperm"].tolist()) == list(range(6))


def test_negative_sizes_are_shape_errors():
    with pytest.raises(ShapeError, match=r"negative dimension -2: \[3, -2\]"):
        Generator(0).randn((3, -2))


def test_fill_view_writes_in_memory_order():
    base = np.zeros((3, 4))
    fill_view(base.T, np.arange(12.0))
    assert base.ravel().tolist() == list(range(12))
    base = np.zeros((4, 6))
    fill_view(base[:, ::2], np.arange(12.0))
    assert base[:, ::2].ravel().tolist() == list(range(12))


VIEWS = {
    "t": lambda base: base.T,
    "step": lambda base: base[:, ::2],
    "t_step": lambda base: base.T[::2],
    "t_slice": lambda base: base.T[:, 1:],
}


def _sample_like(gen: Generator, op: str, view: np.ndarray) -> np.ndarray:
    n = view.size
    if op == "uniform_":
        return gen.rand((n,))
    if op == "normal_":
        return gen.randn((n,), contiguous=view.flags.c_contiguous)
    if op == "bernoulli_":
        return gen.bernoulli_scalar((n,), 0.5)
    return gen.exponential((n,))


@pytest.mark.torch
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("op", ["uniform_", "normal_", "bernoulli_", "exponential_"])
def test_in_place_samplers_on_views_match_torch(torch_module, view, op):
    torch_module.manual_seed(4)
    target = VIEWS[view](torch_module.zeros(6, 9))  # the same slicing works on both
    getattr(target, op)(*([0.5] if op == "bernoulli_" else []))
    ours = VIEWS[view](np.zeros((6, 9), np.float32))
    fill_view(ours, _sample_like(Generator(4), op, ours))
    assert ours.tobytes() == target.numpy().tobytes()
