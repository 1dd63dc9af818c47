"""'did you mean': the bounded distance picks the same name as the full table does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gradcalc.interpreter.suggest import _distance, did_you_mean

_NAMES = st.text(alphabet="abxyXY_01", min_size=0, max_size=7)


def _full_table(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@settings(max_examples=400, deadline=None)
@given(_NAMES, _NAMES, st.integers(-1, 6))
def test_the_bounded_distance_is_exact_up_to_its_bound(a, b, bound):
    full = _full_table(a, b)
    bounded = _distance(a, b, bound)
    if full <= bound:
        assert bounded == full
    else:
        assert bounded > bound
    assert _distance(a, b) == full


@settings(max_examples=300, deadline=None)
@given(_NAMES, st.lists(_NAMES, max_size=12))
def test_the_suggestion_is_the_closest_first_name(name, known):
    candidates = sorted({k for k in known if not k.startswith("__")})
    limit = max(1, (len(name) + 2) // 3)
    scored = [(_full_table(name, c), c) for c in candidates if abs(len(c) - len(name)) <= limit]
    close = [(d, c) for d, c in scored if d <= limit]
    hint = did_you_mean(name, known)
    if len(name) >= 2 and close:
        assert hint == f"did you mean '{min(close, key=lambda dc: dc[0])[1]}'?"
    elif len(name) < 2:
        assert hint is None


def test_a_name_among_many_globals():
    known = [f"x{i}" for i in range(5000)] + ["weight"]
    assert did_you_mean("wieght", known) == "did you mean 'weight'?"
    assert did_you_mean("x12345", known) == "did you mean 'x1234'?"
