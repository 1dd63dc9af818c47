"""Which ``grad_fn._saved_<name>`` attributes an op case's node has, on a torch-like module.

Shared by ``make_saved_expected.py`` (on real torch, which lists them with ``dir``) and
``test_saved_names.py`` (on gradcalc, whose nodes are asked for each name PyTorch's node
has and for each name gradcalc's declaration could show), so both sides build the same
inputs as ``op_runner.run_case``.
"""

from __future__ import annotations

import numpy as np
from op_cases import inputs_for

# What a node could show for an argument ``a`` of its op: ``_saved_a`` and these forms.
_FORMS = ("", "_sym_sizes", "_sym_numel", "_sym_strides")


def first_node(torch, case_id: str, expression: str, inputs: dict):
    """The grad_fn of the case's (first) output, float64 inputs; None without one."""
    made = {}
    for name, (value, requires_grad) in inputs_for(case_id, inputs).items():
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f":
                t = torch.tensor(value.tolist(), dtype=torch.float64)
                if requires_grad:
                    t.requires_grad_(True)
            else:
                t = torch.tensor(value.tolist())
            made[name] = t
        else:
            made[name] = value
    out = eval(expression, {"torch": torch, **made})  # noqa: S307 - expressions from op_cases
    first = out[0] if isinstance(out, tuple) else out
    return first.grad_fn


def torch_saved_names(node) -> list:
    return sorted(name for name in dir(node) if name.startswith("_saved_"))


def gradcalc_saved_names(node, also=()) -> list:
    """The names among ``also`` and the op's arguments' forms that ``node`` answers."""
    candidates = set(also) | {"_saved_result", "_saved_result0", "_saved_result1"}
    op = getattr(node, "op", None)
    if op is not None:
        for argument in op.schema.index:
            candidates |= {f"_saved_{argument}{form}" for form in _FORMS}
    names = []
    for name in sorted(candidates):
        try:
            node.saved_value(name[len("_saved_") :])
        except AttributeError:
            continue
        names.append(name)
    return names
