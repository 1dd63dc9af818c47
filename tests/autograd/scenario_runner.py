"""Scenarios: small programs about the autograd core, run on real torch and on gradcalc.

A scenario is a Python function of one argument, the torch module (real torch, or
``torchlike.torch`` for gradcalc), returning what should match: tensors, nodes, numbers,
strings, in lists, tuples and dicts. ``record()`` turns its result, or the error it
raised, into plain JSON data: a tensor becomes its repr, dtype, shape, values and autograd
flags; a node its name; an error its Python type and message. ``make_core_expected.py``
stores torch 2.13's records in ``data/core_expected_<group>.json``; the tests compare
gradcalc's records with those (always) and with live torch (when installed).

Scenarios live in ``scenarios/<group>.py``, one ``Scenarios()`` table per group.
"""

from __future__ import annotations

import importlib.util
import json
import math
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
GROUPS = tuple(sorted(p.stem for p in (HERE / "scenarios").glob("*.py")))


class Scenario:
    __slots__ = ("fn", "group", "name", "needs", "warnings", "xfail")

    def __init__(self, name, fn, xfail=None, needs=(), warnings=False) -> None:
        self.group = None  # the scenarios file it comes from (set by load_group)
        self.name = name
        self.fn = fn
        self.xfail = xfail  # why gradcalc differs, and where the fix belongs
        self.needs = tuple(needs)  # ops declared in other branches (skipped until merged)
        self.warnings = warnings  # compare the UserWarnings it raises too


class Scenarios(list):
    """A group's scenarios, in order: ``@S.case`` or ``@S.case(xfail=..., needs=...)``."""

    def case(self, fn=None, **options):
        def register(f):
            self.add(f.__name__, f, **options)
            return f

        return register(fn) if fn is not None else register

    def add(self, name: str, fn, **options) -> None:
        if any(s.name == name for s in self):
            raise ValueError(f"scenario {name!r} defined twice")
        self.append(Scenario(name, fn, **options))


def load_group(group: str) -> Scenarios:
    path = HERE / "scenarios" / f"{group}.py"
    spec = importlib.util.spec_from_file_location(f"core_scenarios_{group}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for case in module.S:
        case.group = group
    return module.S


def expected_path(group: str) -> Path:
    return HERE / "data" / f"core_expected_{group}.json"


def load_expected(group: str) -> dict:
    path = expected_path(group)
    return json.loads(path.read_text())["scenarios"] if path.exists() else {}


# ---- records ---------------------------------------------------------------------------


def _error(e: BaseException, ours: bool) -> dict:
    """An error as ``{"error": type, "message": text}``: gradcalc's ``kind``, or for torch
    the builtin exception class it derives from (``GradcheckError`` is a RuntimeError).
    A bare Python exception out of gradcalc is marked ``python:``, as it is never right."""
    from gradcalc.errors import GradcalcError

    if isinstance(e, GradcalcError):
        return {"error": e.kind, "message": e.message}
    if ours:
        return {"error": "python:" + type(e).__name__, "message": str(e)}
    builtin = next(c for c in type(e).__mro__ if c.__module__ == "builtins")
    return {"error": builtin.__name__, "message": str(e)}


class Raised:
    """What ``attempt`` gives back when its call raised: recorded as the error."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


def attempt(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, or its error as a value, for scenarios that go on after one."""
    try:
        return fn(*args, **kwargs)
    except Exception as e:
        return Raised(e)


def normalise(value, ours: bool = False):
    """Plain JSON data for a scenario's result."""
    kind = type(value).__name__
    module = type(value).__module__
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Raised):
        return _error(value.error, ours)
    if kind == "Tensor":
        return _tensor(value)
    if kind == "dtype" or kind == "DType":
        return {"dtype": str(value)}
    if kind == "Size":
        return {"size": [int(n) for n in value]}
    if hasattr(value, "next_functions") and hasattr(value, "name"):
        return {"node": value.name()}
    if isinstance(value, dict):
        return {str(k): normalise(v, ours) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalise(v, ours) for v in value]
    if "RemovableHandle" in repr(value):
        return "<handle>"
    raise TypeError(f"cannot record a {module}.{kind} from a scenario")


def _tensor(t) -> dict:
    values = t.detach().tolist() if t.requires_grad else t.tolist()
    return {
        "repr": repr(t),
        "dtype": str(t.dtype),
        "shape": list(t.shape),
        "values": _finite(values),
        "requires_grad": t.requires_grad,
        "is_leaf": t.is_leaf,
        "grad_fn": t.grad_fn.name() if t.grad_fn is not None else None,
    }


def _finite(values):
    if isinstance(values, list):
        return [_finite(v) for v in values]
    if isinstance(values, float) and not math.isfinite(values):
        return repr(values)
    return values


def record(torch_module, case: Scenario) -> dict:
    """What ``case`` gives on ``torch_module``: its result or error, and its UserWarnings."""
    ours = getattr(torch_module, "__gradcalc__", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = {"result": normalise(case.fn(torch_module), ours)}
        except Exception as e:  # the error is the result
            out = {"raised": _error(e, ours)}
    if case.warnings:
        out["warnings"] = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    return out


# ---- comparing -------------------------------------------------------------------------


def assert_same(ours, theirs, where: str = "") -> None:
    """Records equal, tensor values up to the rounding of their dtype."""
    if isinstance(theirs, dict) and "values" in theirs and isinstance(ours, dict):
        assert ours.keys() == theirs.keys(), where
        for key in theirs:
            if key == "values":
                _assert_values(ours[key], theirs[key], theirs["dtype"], f"{where}.values")
            else:
                assert ours[key] == theirs[key], f"{where}.{key}: {ours[key]!r} != {theirs[key]!r}"
        return
    if isinstance(theirs, dict) and isinstance(ours, dict):
        assert ours.keys() == theirs.keys(), f"{where}: {ours!r} != {theirs!r}"
        for key in theirs:
            assert_same(ours[key], theirs[key], f"{where}.{key}")
        return
    if isinstance(theirs, list) and isinstance(ours, list):
        assert len(ours) == len(theirs), f"{where}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
        return
    if isinstance(theirs, float) and isinstance(ours, float):
        assert math.isclose(ours, theirs, rel_tol=1e-12, abs_tol=1e-15), f"{where}"
        return
    assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"


_TOLERANCE = {"torch.float16": 1e-3, "torch.float32": 1e-6, "torch.float64": 1e-12}


def _assert_values(ours, theirs, dtype: str, where: str) -> None:
    tol = _TOLERANCE.get(dtype)
    if tol is None or not isinstance(theirs, list | float):
        assert ours == theirs, f"{where}: {ours!r} != {theirs!r}"
        return
    flat_ours, flat_theirs = _flat(ours), _flat(theirs)
    assert len(flat_ours) == len(flat_theirs), where
    for a, b in zip(flat_ours, flat_theirs):
        if isinstance(b, str) or isinstance(a, str):
            assert a == b, f"{where}: {a!r} != {b!r}"
        else:
            assert math.isclose(a, b, rel_tol=tol, abs_tol=tol), f"{where}: {a!r} != {b!r}"


def _flat(values) -> list:
    if isinstance(values, list):
        return [x for v in values for x in _flat(v)]
    return [values]


# ---- pytest glue -----------------------------------------------------------------------


def params(group: str) -> list:
    """``pytest.param`` per scenario of ``group``, with its xfail or skip mark."""
    import pytest

    from gradcalc.autograd.declare import F

    out = []
    for case in load_group(group):
        marks = []
        missing = [name for name in case.needs if not hasattr(F, name)]
        if missing:
            marks.append(
                pytest.mark.skip(reason=f"needs ops declared in another branch: {missing}")
            )
        elif case.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
        out.append(pytest.param(case, id=case.name, marks=marks))
    return out


_STORED: dict = {}


def check_stored(group: str, case: Scenario) -> None:
    """gradcalc's record of ``case`` equals the one stored from torch 2.13."""
    from torchlike import torch

    if group not in _STORED:
        _STORED[group] = load_expected(group)
    expected = _STORED[group]
    assert case.name in expected, f"run: python tests/autograd/make_core_expected.py {group}"
    assert_same(record(torch, case), expected[case.name], case.name)


def check_live(case: Scenario, torch_module) -> None:
    """gradcalc's record of ``case`` equals live torch's."""
    from torchlike import torch

    assert_same(record(torch, case), record(torch_module, case), case.name)
