"""Write ``data/core_expected_<group>.json``: torch 2.13's records of the core scenarios.

Run with torch installed: ``python tests/autograd/make_core_expected.py [GROUP ...]`` (all
groups in ``scenarios/`` by default). The suite compares gradcalc with these stored
records when torch is absent, and with live torch when present (``scenario_runner.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scenario_runner import GROUPS, expected_path, load_group, record  # noqa: E402


def expected(group: str) -> dict:
    import torch

    records = {case.name: record(torch, case) for case in load_group(group)}
    return {"torch": torch.__version__, "scenarios": records}


if __name__ == "__main__":
    for group in sys.argv[1:] or GROUPS:
        out = expected_path(group)
        out.write_text(json.dumps(expected(group), indent=0, sort_keys=True) + "\n")
        print(f"wrote {out}")
