"""Write the torch 2.13 results test_numerics.py checks without torch.

    cd /work/wt/numerics && PYTHONPATH=src:tests/autograd python tests/autograd/make_numerics_expected.py

Runs every case of numerics_cases.build_cases() through torch and stores torch's outputs in
tests/autograd/data/numerics_expected.npz and an index in numerics_cases.json (names, ops,
parameters, expectations, and the torch build they came from). The inputs are not stored: the
cases rebuild them bit for bit from integer arithmetic. The results depend on
torch's version, CPU capability and thread count: see the header this writes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch
from numerics_cases import build_cases, theirs

DATA = Path(__file__).resolve().parent / "data"


def _jsonable(value):
    if isinstance(value, tuple):
        return {"tuple": list(value)}
    if isinstance(value, float) and math.isinf(value):
        return {"float": "inf" if value > 0 else "-inf"}
    return value


def main() -> None:
    torch.set_num_threads(2)
    arrays = {}
    index = []
    cases = build_cases()
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    for number, case in enumerate(cases):
        expected = theirs(case)
        if expected is None:
            continue
        key = f"c{number}"
        arrays[key] = np.asarray(expected)
        index.append(
            {
                "key": key,
                "name": case.name,
                "op": case.op,
                "params": {k: _jsonable(v) for k, v in case.params.items()},
                "expect": case.expect,
            }
        )
    DATA.mkdir(exist_ok=True)
    np.savez_compressed(DATA / "numerics_expected.npz", **arrays)
    header = {
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(),
        "cases": index,
    }
    (DATA / "numerics_cases.json").write_text(json.dumps(header, indent=1) + "\n")
    print(f"{len(index)} cases written to {DATA}")


if __name__ == "__main__":
    main()
