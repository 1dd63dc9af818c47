"""Matrix norms (``torch.linalg.matrix_norm``, ``torch.linalg.norm``, ``torch.norm(p='nuc')``)
against PyTorch 2.13: values, dtypes, node names, gradients, first and second derivatives.

They build on ``linalg.vector_norm``, ``amax`` and ``amin``, which the reductions declare
(branch ops-reductions); until those are merged these tests skip. They are kept out of
``cases/linalg.py`` for that reason: move the lines there once the reductions are in.
Expected results: ``data/op_expected_matrix_norms.json``, written by
``python tests/autograd/test_matrix_norms.py`` (torch installed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from op_cases import inputs_for  # noqa: E402
from op_runner import run_case  # noqa: E402
from test_shape_graphs import _gradcalc  # noqa: E402

DATA = HERE / "data" / "op_expected_matrix_norms.json"

CASES = [
    ("matrix_norm_fro", "torch.linalg.matrix_norm(A)", {"A": "3x3"}),
    ("matrix_norm_nuc", "torch.linalg.matrix_norm(A, 'nuc')", {"A": "3x2"}),
    ("matrix_norm_2", "torch.linalg.matrix_norm(A, 2)", {"A": "3x3"}),
    ("matrix_norm_minus_2", "torch.linalg.matrix_norm(A, -2)", {"A": "2x3"}),
    ("matrix_norm_1", "torch.linalg.matrix_norm(A, 1)", {"A": "3x3"}),
    ("matrix_norm_minus_1", "torch.linalg.matrix_norm(A, -1)", {"A": "3x3"}),
    ("matrix_norm_inf", "torch.linalg.matrix_norm(A, float('inf'))", {"A": "3x3"}),
    ("matrix_norm_minus_inf", "torch.linalg.matrix_norm(A, -float('inf'))", {"A": "3x3"}),
    ("matrix_norm_dims", "torch.linalg.matrix_norm(A, 1, dim=(2, 0))", {"A": "3x2x3"}),
    ("matrix_norm_keepdim", "torch.linalg.matrix_norm(A, 'nuc', (0, 2), True)", {"A": "2x2x3"}),
    (
        "matrix_norm_inf_keepdim",
        "torch.linalg.matrix_norm(A, float('inf'), keepdim=True)",
        {"A": "2x3x3"},
    ),
    ("linalg_norm_default", "torch.linalg.norm(A)", {"A": "2x3x2"}),
    ("linalg_norm_matrix", "torch.linalg.norm(A, 'fro')", {"A": "3x3"}),
    ("linalg_norm_ord", "torch.linalg.norm(A, 2)", {"A": "3x3"}),
    ("linalg_norm_vector", "torch.linalg.norm(A, 1)", {"A": "3"}),
    ("linalg_norm_dim", "torch.linalg.norm(A, dim=1)", {"A": "2x3"}),
    ("linalg_norm_two_dims", "torch.linalg.norm(A, -1, dim=(0, 1))", {"A": "3x3"}),
    ("torch_norm_nuc", "torch.norm(A, 'nuc')", {"A": "3x3"}),
]
IDS = [c[0] for c in CASES]


def _available() -> bool:
    from gradcalc.autograd.declare import OPS

    return all(name in OPS for name in ("vector_norm", "amax", "amin"))


needs_reductions = pytest.mark.skipif(
    not _available(), reason="needs linalg.vector_norm, amax and amin (branch ops-reductions)"
)


def _expected() -> dict:
    return json.loads(DATA.read_text())["cases"] if DATA.exists() else {}


def _compare(ours: dict, theirs: dict, tol: float) -> None:
    assert ours["dtypes"] == theirs["dtypes"]
    assert ours["shapes"] == theirs["shapes"]
    assert ours["node"] == theirs["node"]
    for a, b in zip(ours["values"], theirs["values"]):
        np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=tol, atol=tol)
    assert ours["grads"].keys() == theirs["grads"].keys()
    for name in ours["grads"]:
        np.testing.assert_allclose(
            np.asarray(ours["grads"][name]), np.asarray(theirs["grads"][name]), rtol=tol, atol=tol
        )


@needs_reductions
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_stored_torch_results(case, dtype):
    theirs = _expected()[f"{case[0]}/{dtype}"]
    tol = 1e-5 if dtype == "float32" else 1e-10
    _compare(run_case(_gradcalc(), *case, dtype), theirs, tol)


@needs_reductions
@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_live_torch(case, torch_module):
    _compare(run_case(_gradcalc(), *case), run_case(torch_module, *case), 1e-10)


def _function(case):
    case_id, expression, inputs = case
    torch = _gradcalc()
    leaves = [
        torch.tensor(value.tolist(), dtype=torch.float64).requires_grad_()
        for value, _ in inputs_for(case_id, inputs).values()
    ]
    names = list(inputs)

    def f(*xs):
        return eval(expression, {"torch": torch, **dict(zip(names, xs))})  # noqa: S307

    return f, leaves


@needs_reductions
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_first_and_second_derivatives_match_finite_differences(case):
    from gradcalc.autograd.gradcheck import gradcheck, gradgradcheck

    f, leaves = _function(case)
    assert gradcheck(f, leaves)
    assert gradgradcheck(f, leaves)


if __name__ == "__main__":
    import torch

    cases = {
        f"{c[0]}/{dtype}": run_case(torch, *c, dtype)
        for c in CASES
        for dtype in ("float64", "float32")
    }
    DATA.write_text(json.dumps({"torch": torch.__version__, "cases": cases}, indent=0) + "\n")
    print(f"wrote {DATA}")
