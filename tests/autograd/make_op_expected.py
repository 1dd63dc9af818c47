"""Write ``data/op_expected_<family>.json``: what torch 2.13 gives for the op cases.

Run with torch installed: ``python tests/autograd/make_op_expected.py [FAMILY ...]`` (all
families by default). The suite compares gradcalc with these stored results when torch is
absent, and with live torch when present.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from op_cases import CASES, FAMILIES  # noqa: E402
from op_runner import run_case  # noqa: E402


def expected(family: str) -> dict:
    import torch

    results = {}
    for case_family, case_id, expression, inputs in CASES:
        if case_family != family:
            continue
        for dtype in ("float64", "float32"):
            results[f"{case_id}/{dtype}"] = run_case(torch, case_id, expression, inputs, dtype)
    return {"torch": torch.__version__, "cases": results}


if __name__ == "__main__":
    for family in sys.argv[1:] or FAMILIES:
        out = HERE / "data" / f"op_expected_{family}.json"
        out.write_text(json.dumps(expected(family), indent=0, sort_keys=True) + "\n")
        print(f"wrote {out}")
