"""Write ``data/saved_names_expected.json``: the ``_saved_*`` attributes of each op case's
node in torch 2.13 (``{case id: [node name, [names]]}``).

Run with torch installed: ``python tests/autograd/make_saved_expected.py``.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from op_cases import CASES  # noqa: E402
from saved_names import first_node, torch_saved_names  # noqa: E402

OUT = HERE / "data" / "saved_names_expected.json"


def expected() -> dict:
    import torch

    cases = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _, case_id, expression, inputs in CASES:
            node = first_node(torch, case_id, expression, inputs)
            if node is not None:
                cases[case_id] = [node.name(), torch_saved_names(node)]
    return {"torch": torch.__version__, "cases": cases}


if __name__ == "__main__":
    OUT.write_text(json.dumps(expected(), indent=0, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
