"""Runs an op case on a torch-like module: values, dtypes, node names and gradients.

Shared by the expectation generator (on real torch) and the tests (on gradcalc), so both
sides compute exactly the same thing.
"""

from __future__ import annotations

import numpy as np
from op_cases import inputs_for, weights_for


def run_case(torch, case_id: str, expression: str, inputs: dict, dtype: str = "float64") -> dict:
    made = {}
    leaves = []
    for name, (value, requires_grad) in inputs_for(case_id, inputs).items():
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f":
                t = torch.tensor(value.tolist(), dtype=getattr(torch, dtype))
                if requires_grad:
                    t.requires_grad_(True)
                    leaves.append((name, t))
            else:
                t = torch.tensor(value.tolist())
            made[name] = t
        else:
            made[name] = value
    namespace = {"torch": torch, **made}
    out = eval(expression, namespace)  # noqa: S307 - test expressions from op_cases.py
    outs = list(out) if isinstance(out, tuple) else [out]
    record = {
        "values": [np.asarray(o.detach().tolist()).tolist() for o in outs],
        "dtypes": [str(o.dtype) for o in outs],
        "shapes": [list(o.shape) for o in outs],
        "node": outs[0].grad_fn.name() if outs[0].grad_fn is not None else None,
        "grads": {},
    }
    first = outs[0]
    if first.requires_grad:
        w = torch.tensor(weights_for(case_id, tuple(first.shape)).tolist(), dtype=first.dtype)
        (first * w).sum().backward()
        for name, leaf in leaves:
            record["grads"][name] = None if leaf.grad is None else leaf.grad.tolist()
    return record
