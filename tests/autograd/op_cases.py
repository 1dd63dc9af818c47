"""The op-case table: one line per op spelling, checked by ``test_op_cases.py``.

Each case, in ``cases/<family>.py``, is ``(id, expression, inputs)``. The expression is PyTorch code over the names in
``inputs`` and is run on real torch (to make ``data/op_expected_<family>.json``) and on gradcalc.
An input spec is ``"2x3"`` (standard normal, float, requires grad), ``"pos:2x3"`` (in
[0.5, 2]), ``"unit:3"`` (in (-0.9, 0.9)), ``"int:3:5"`` (int64 in [0, 5), no grad),
``"bool:3"``, or a Python value used as it is. Adding an op: one line in its family's
file, then ``python tests/autograd/make_op_expected.py FAMILY`` for its expected values.
"""

from __future__ import annotations

import numpy as np

FAMILIES = tuple(
    sorted(p.stem for p in __import__("pathlib").Path(__file__).with_name("cases").glob("*.py"))
)


def _load() -> list:
    import importlib.util
    from pathlib import Path

    cases = []
    for family in FAMILIES:
        path = Path(__file__).with_name("cases") / f"{family}.py"
        spec = importlib.util.spec_from_file_location(f"op_cases_{family}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend((family, *case) for case in module.CASES)
    return cases


CASES = _load()  # (family, id, expression, inputs)


def make_input(spec, rng: np.random.Generator):
    """(numpy array or Python value, requires_grad) for one input spec."""
    if not isinstance(spec, str):
        return spec, False
    kind, _, rest = spec.rpartition(":") if spec.count(":") == 1 else (None, None, spec)
    if spec.startswith("int:"):
        _, shape, high = spec.split(":")
        return rng.integers(0, int(high), _shape(shape)).astype(np.int64), False
    if spec.startswith("bool:"):
        return rng.integers(0, 2, _shape(spec[5:])).astype(bool), False
    if kind == "pos":
        return rng.uniform(0.5, 2.0, _shape(rest)), True
    if kind == "unit":
        return rng.uniform(-0.9, 0.9, _shape(rest)), True
    return rng.standard_normal(_shape(spec)), True


def _shape(text: str) -> tuple:
    return tuple(int(n) for n in text.split("x")) if text else ()


def inputs_for(case_id: str, inputs: dict) -> dict:
    """The same numbers for a case every time (seeded by its id)."""
    seed = sum(ord(c) * 31**i for i, c in enumerate(case_id)) % 2**32
    rng = np.random.default_rng(seed)
    return {name: make_input(spec, rng) for name, spec in inputs.items()}


def weights_for(case_id: str, shape: tuple) -> np.ndarray:
    """Fixed weights w: a case's gradient is d(sum(out * w))/d(inputs)."""
    seed = (sum(ord(c) * 37**i for i, c in enumerate(case_id)) + 1) % 2**32
    return np.random.default_rng(seed).standard_normal(shape)
