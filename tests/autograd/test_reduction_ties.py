"""Where finite differences cannot judge: ties, NaN, zeros, infinities, warnings, return
types. Each case is compared with torch 2.13's values, indices and gradients, stored in
``data/reduction_ties_expected.json`` by running this file with torch installed
(``python tests/autograd/test_reduction_ties.py``), and with live torch when present.

PyTorch's rules being checked: ``max()``/``amax``/``median()`` share the gradient evenly
among tied elements (among NaNs for a NaN result); ``max(dim)``, ``sort``, ``topk``,
``kthvalue``, ``median(dim)``, ``mode`` give it to the returned index; ``cummax`` adds the
gradients of every position that picked the same element.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from op_spellings import LINALG, F  # noqa: E402

DATA = HERE / "data" / "reduction_ties_expected.json"
NAN = float("nan")
INF = float("inf")

TIED = [[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, 1.0, 2.0]]
WITH_NAN = [1.0, NAN, 3.0, NAN]
ZEROS = [2.0, 0.0, 3.0, 0.0, 5.0]

# (id, expression over the leaf x, x's values)
CASES = [
    ("max_all", "x.max()", TIED),
    ("min_all", "x.min()", TIED),
    ("max_dim", "x.max(1)", TIED),
    ("min_dim", "torch.min(x, 1)", TIED),
    ("amax_dim", "x.amax(1)", TIED),
    ("amax_all", "x.amax()", TIED),
    ("amin_dim", "x.amin(0)", TIED),
    ("aminmax_dim", "torch.aminmax(x, dim=1)", TIED),
    ("aminmax_all", "torch.aminmax(x)", TIED),
    ("aminmax_max_only", "torch.aminmax(x, dim=1).max", TIED),
    ("median_all", "x.median()", TIED),
    ("median_dim", "x.median(1)", TIED),
    ("nanmedian_all", "x.nanmedian()", TIED),
    ("mode_dim", "x.mode(1)", TIED),
    ("kthvalue_2", "x.kthvalue(2, 1)", TIED),
    ("kthvalue_3", "x.kthvalue(3, 1)", TIED),
    ("cummax", "x.cummax(1)", TIED),
    ("cummin", "x.cummin(1)", TIED),
    ("sort", "x.sort(1)", TIED),
    ("sort_descending", "x.sort(1, descending=True)", TIED),
    ("topk", "x.topk(2)", TIED),
    ("topk_smallest", "x.topk(3, largest=False)", TIED),
    ("topk_unsorted", "x.topk(3, sorted=False)", TIED),
    ("norm_inf", "x.norm(float('inf'))", TIED),
    ("norm_inf_dim", "LINALG.vector_norm(x, float('inf'), 1)", TIED),
    ("norm_minus_inf", "x.norm(float('-inf'))", TIED),
    ("dist_inf", "torch.dist(x, torch.zeros(2, 4, dtype=x.dtype), float('inf'))", TIED),
    ("argmax_dim", "x.argmax(1)", TIED),
    ("argsort", "x.argsort(1, descending=True)", TIED),
    ("nan_max", "x.max()", WITH_NAN),
    ("nan_max_dim", "x.max(0)", WITH_NAN),
    ("nan_min_dim", "x.min(0)", WITH_NAN),
    ("nan_argmax", "x.argmax()", WITH_NAN),
    ("nan_median", "x.median()", WITH_NAN),
    ("nan_median_dim", "x.median(0)", WITH_NAN),
    ("nan_nanmedian", "x.nanmedian()", WITH_NAN),
    ("nan_nanmedian_dim", "x.nanmedian(0)", WITH_NAN),
    ("nan_sort", "x.sort()", WITH_NAN),
    ("nan_sort_descending", "x.sort(descending=True)", WITH_NAN),
    ("nan_amax", "x.amax()", WITH_NAN),
    ("nan_cummax", "x.cummax(0)", WITH_NAN),
    ("nan_cummin", "x.cummin(0)", WITH_NAN),
    ("nan_topk", "x.topk(2)", WITH_NAN),
    ("nan_kthvalue", "x.kthvalue(2)", WITH_NAN),
    ("nan_nansum", "x.nansum()", WITH_NAN),
    ("nan_nanmean", "x.nanmean()", WITH_NAN),
    ("zeros_prod", "x.prod()", ZEROS),
    ("one_zero_prod", "x.prod()", [2.0, 0.0, 3.0]),
    ("zeros_cumprod", "x.cumprod(0)", ZEROS),
    ("one_zero_cumprod", "x.cumprod(0)", [2.0, 0.5, 0.0, 3.0]),
    ("zero_norm", "x.norm()", [0.0, 0.0, 0.0]),
    ("zero_norm_p3", "x.norm(3)", [0.0, 0.0, 0.0]),
    ("zero_norm_half", "x.norm(0.5)", [0.0, 0.0, 0.0]),
    ("norm_p0_no_grad", "x.norm(0)", [1.0, 0.0, 2.0]),
    ("zero_std", "x.std()", [1.0, 1.0, 1.0]),
    ("single_var", "x.var()", [2.0]),
    ("var_no_dims", "x.var(())", TIED),  # PyTorch's derivative takes N = 1 for dim=()
    ("std_no_dims_correction", "x.std((), correction=0)", TIED),
    ("var_too_much_correction", "x.var(correction=9)", TIED),
    ("var_dim_too_much_correction", "x.var(1, correction=5)", TIED),
    ("logsumexp_minus_inf", "x.logsumexp(0)", [-INF, -INF]),
    ("logsumexp_inf", "x.logsumexp(0)", [INF, 1.0]),
    ("softmax_minus_inf", "x.softmax(0)", [0.0, -INF]),
    (
        "bce_saturated",
        "F.binary_cross_entropy(x, torch.tensor([1.0, 0.0], dtype=x.dtype))",
        [0.0, 1.0],
    ),
    ("ce_all_ignored", "F.cross_entropy(x, torch.tensor([1, 1]), ignore_index=1)", TIED),
    ("nll_all_ignored_1d", "F.nll_loss(x, torch.tensor(0), ignore_index=0)", [0.3, 0.2]),
    (
        "ce_smoothing_all_ignored",
        "F.cross_entropy(x, torch.tensor([1, 1]), ignore_index=1, label_smoothing=0.2)",
        TIED,
    ),
    ("max_other_tensor", "torch.max(x, torch.tensor(2.0, dtype=x.dtype))", TIED),
    ("max_other_method", "x.max(x.detach() * 0 + 2)", TIED),
    ("sort_stable_node", "torch.sort(x, stable=True, dim=1)", TIED),
    ("unique_node", "torch.unique(x, return_inverse=True, return_counts=True)", TIED),
    ("unique_dim_node", "torch.unique(x, dim=1)", TIED),
]
IDS = [c[0] for c in CASES]


def outcome(torch, expression: str, values) -> dict:
    """Values, dtypes, node and the leaf's gradient for one case (in float64)."""
    x = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eval(expression, {"torch": torch, "F": F, "LINALG": LINALG, "x": x})  # noqa: S307
    outs = list(out) if isinstance(out, tuple) else [out]
    first = outs[0]
    record = {
        "type": type(out).__name__ if isinstance(out, tuple) else "Tensor",
        "values": [o.detach().tolist() for o in outs],
        "dtypes": [str(o.dtype) for o in outs],
        "node": first.grad_fn.name() if first.grad_fn is not None else None,
        "grad": None,
    }
    if first.requires_grad and record["node"] not in ("Unique2Backward0", "UniqueDimBackward0"):
        n = math.prod(first.shape)
        weights = (torch.arange(1.0, n + 1.0, dtype=first.dtype) / 2).reshape(first.shape)
        (first * weights).sum().backward()
        record["grad"] = None if x.grad is None else x.grad.tolist()
    return record


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return np.allclose(
        np.asarray(a, float), np.asarray(b, float), rtol=1e-12, atol=1e-12, equal_nan=True
    )


def _compare(ours: dict, theirs: dict) -> None:
    for key in ("type", "dtypes", "node"):
        assert ours[key] == theirs[key], key
    assert len(ours["values"]) == len(theirs["values"])
    for a, b in zip(ours["values"], theirs["values"]):
        assert _same(a, b), (a, b)
    assert _same(ours["grad"], theirs["grad"]), (ours["grad"], theirs["grad"])


def _stored() -> dict:
    return json.loads(DATA.read_text()) if DATA.exists() else {}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_stored_torch_outcome(case):
    from gradcalc.autograd import torch as gtorch

    case_id, expression, values = case
    stored = _stored()
    assert case_id in stored, "run python tests/autograd/test_reduction_ties.py"
    _compare(outcome(gtorch, expression, values), stored[case_id])


@pytest.mark.torch
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_live_torch(case, torch_module):
    from gradcalc.autograd import torch as gtorch

    _, expression, values = case
    _compare(outcome(gtorch, expression, values), outcome(torch_module, expression, values))


# ---- warnings ------------------------------------------------------------------------------

_DOF = (
    "{}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
    "factor (input numel divided by output numel). (Triggered internally at "
    "/__w/pytorch/pytorch/aten/src/ATen/native/ReduceOps.cpp:1861.)"
)
WARNINGS = [
    ("var_dof", "torch.ones(1).var()", _DOF.format("var")),
    ("std_dof", "torch.ones(3, 1).std(1)", _DOF.format("std")),
    ("var_mean_dof", "torch.var_mean(torch.ones(1))", _DOF.format("var_mean")),
    ("std_mean_dof", "torch.std_mean(torch.ones(2), correction=2)", _DOF.format("std_mean")),
    (
        "softmax_implicit",
        "F.softmax(torch.ones(2, 3))",
        "Implicit dimension choice for softmax has been deprecated. Change the call to include "
        "dim=X as an argument.",
    ),
    (
        "log_softmax_implicit",
        "F.log_softmax(torch.ones(3))",
        "Implicit dimension choice for log_softmax has been deprecated. Change the call to "
        "include dim=X as an argument.",
    ),
    (
        "kl_div_mean",
        "F.kl_div(torch.zeros(2), torch.ones(2))",
        "reduction: 'mean' divides the total loss by both the batch size and the support "
        "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
        "definition.'mean' will be changed to behave the same as 'batchmean' in the next major "
        "release.",
    ),
    (
        "target_size",
        "F.mse_loss(torch.ones(2, 3), torch.ones(3))",
        "Using a target size (torch.Size([3])) that is different to the input size "
        "(torch.Size([2, 3])). This will likely lead to incorrect results due to broadcasting. "
        "Please ensure they have the same size.",
    ),
    (
        "legacy_reduce",
        "F.l1_loss(torch.ones(3), torch.zeros(3), size_average=False)",
        "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
    ),
    (
        "elementwise_mean",
        "F.smooth_l1_loss(torch.ones(3), torch.zeros(3), reduction='elementwise_mean')",
        "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
    ),
]


def _warnings_of(torch, expression: str) -> list:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        eval(expression, {"torch": torch, "F": F})  # noqa: S307
    return [str(w.message) for w in caught]


@pytest.mark.parametrize("case", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warns_as_pytorch(case):
    from gradcalc.autograd import torch as gtorch

    _, expression, message = case
    assert _warnings_of(gtorch, expression) == [message]


@pytest.mark.torch
@pytest.mark.parametrize("case", WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning_literal_is_torchs(case, torch_module):
    _, expression, message = case
    assert _warnings_of(torch_module, expression) == [message]


# ---- return types ----------------------------------------------------------------------------


def test_return_types_name_fields_and_unpack():
    from gradcalc.autograd import torch as gtorch

    x = gtorch.tensor(TIED)
    found = x.max(1)
    values, indices = found
    assert type(found).__name__ == "max"
    assert found.values is values and found.indices is indices and found[1] is indices
    assert repr(found).startswith("torch.return_types.max(\nvalues=")
    assert type(gtorch.aminmax(x)).__name__ == "aminmax"
    assert gtorch.aminmax(x).max.tolist() == 3.0
    assert type(gtorch.var_mean(x)) is tuple  # a plain tuple in PyTorch too


if __name__ == "__main__":
    import torch

    DATA.write_text(
        json.dumps({c[0]: outcome(torch, c[1], c[2]) for c in CASES}, indent=0, sort_keys=True)
        + "\n"
    )
    print(f"wrote {DATA}")
