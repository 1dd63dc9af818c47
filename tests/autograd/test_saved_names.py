"""Each op case's node has the ``grad_fn._saved_<name>`` attributes PyTorch 2.13's node has,
no more and no fewer (stored by ``make_saved_expected.py``, checked live when torch is
installed).

A node shows what its derivative formulas read, as PyTorch's shows what the formula in
derivatives.yaml reads; where gradcalc's formula reads something else (the shape where
PyTorch's reads the tensor, the result where PyTorch's reads the indices), the sets differ.
Those node kinds are listed below; the test checks that they still differ, so a fix shows.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from op_cases import CASES
from saved_names import first_node, gradcalc_saved_names, torch_saved_names

from gradcalc.autograd import torch as gtorch

EXPECTED = json.loads((Path(__file__).parent / "data" / "saved_names_expected.json").read_text())[
    "cases"
]

# Node kinds whose saved names differ from PyTorch's in at least one case (measured: each
# is listed because it differs; see the module docstring).
KNOWN_DIFFERENT = frozenset(
    """
    AdaptiveAvgPool2DBackward0 AdaptiveAvgPool3DBackward0 AdaptiveMaxPool2DBackward0
    AdaptiveMaxPool3DBackward0 AddbmmBackward0 AddmmBackward0 AsStridedBackward0
    BlockDiagBackward0 CatBackward0 CloneBackward0 ConstantPadNdBackward0
    ConvolutionBackward0 CopysignBackward0 CopysignBackward1 DiagonalBackward0_copy
    DiagonalScatterBackward0 DivBackward0 EmbeddingBackward0 ExpandBackward0 FmodBackward0
    IndexAddBackward0 IndexCopyBackward0 KthvalueBackward0 LerpBackward0
    LinalgCholeskyExBackward0 LinalgDetBackward0 LinalgEighBackward0 LinalgInvExBackward0
    LinalgLstsqBackward0 LinalgPinvBackward0 LinalgQrBackward0 LinalgSlogdetBackward0
    LinalgSolveExBackward0 LinalgSolveTriangularBackward0 LinalgSvdBackward0
    LogSigmoidBackward0 LogSoftmaxBackward0 MaxPool2DWithIndicesBackward0
    MaxPool3DWithIndicesBackward0 MmBackward0 NanToNumBackward0 NativeBatchNormBackward0
    NativeGroupNormBackward0 NativeLayerNormBackward0 NextafterBackward0 NllLoss2DBackward0
    NllLossBackward0 PowBackward0 RemainderBackward0 RoundBackward0 RoundBackward1
    RreluWithNoiseBackward0 ScatterBackward0 ScatterBackward1 SelectScatterBackward0
    SliceScatterBackward0 SoftmaxBackward0 SortBackward0 SortBackward1 SqueezeBackward0
    SqueezeBackward4 StackBackward0 ThresholdBackward0 ThresholdBackward1 TopkBackward0
    UnbindBackward0 UnsafeViewBackward0 ViewBackward0 torch::autograd::CopyBackwards
    """.split()
)


def _ours(case_id, expression, inputs, theirs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        node = first_node(gtorch, case_id, expression, inputs)
    return node.name(), gradcalc_saved_names(node, theirs)


def _differing(expected: dict) -> dict:
    """node kind -> [(case, ours, theirs)] for every case whose saved names differ."""
    differing: dict = {}
    for _, case_id, expression, inputs in CASES:
        if case_id not in expected:
            continue
        node, theirs = expected[case_id]
        name, ours = _ours(case_id, expression, inputs, theirs)
        assert name == node, case_id
        if ours != theirs:
            differing.setdefault(node, []).append((case_id, ours, theirs))
    return differing


def _check(differing: dict) -> None:
    unexpected = {node: cases for node, cases in differing.items() if node not in KNOWN_DIFFERENT}
    assert not unexpected, f"saved names that differ from PyTorch's: {unexpected}"
    fixed = sorted(KNOWN_DIFFERENT - set(differing))
    assert not fixed, f"these now match PyTorch: remove them from KNOWN_DIFFERENT: {fixed}"


def test_saved_names_match_stored_torch():
    assert len(EXPECTED) > 700
    _check(_differing(EXPECTED))


@pytest.mark.torch
def test_stored_saved_names_are_torch_s(torch_module):
    """The stored names are what this torch shows (the file is current)."""
    for _, case_id, expression, inputs in CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            node = first_node(torch_module, case_id, expression, inputs)
        if node is None:
            assert case_id not in EXPECTED
        else:
            assert EXPECTED[case_id] == [node.name(), torch_saved_names(node)], case_id


def test_sum_and_mean_nodes_show_what_their_overload_saves():
    """``x.sum()`` is PyTorch's SumBackward0 (the shape only); ``x.sum(dim=None)`` binds the
    dim overload, SumBackward1 (dim and keepdim too); a mean also saves the element count."""
    x = gtorch.ones(3, 2, requires_grad=True)
    cases = {
        "x.sum()": ("SumBackward0", ["_saved_self_sym_sizes"]),
        "x.sum(dim=None)": (
            "SumBackward1",
            ["_saved_dim", "_saved_keepdim", "_saved_self_sym_sizes"],
        ),
        "x.mean()": ("MeanBackward0", ["_saved_self_sym_numel", "_saved_self_sym_sizes"]),
        "x.mean(None, True)": (
            "MeanBackward1",
            ["_saved_dim", "_saved_keepdim", "_saved_self_sym_numel", "_saved_self_sym_sizes"],
        ),
    }
    for expression, (name, names) in cases.items():
        node = eval(expression, {"x": x}).grad_fn  # noqa: S307
        assert (node.name(), gradcalc_saved_names(node)) == (name, names), expression
    node = x.mean(None, True).grad_fn
    assert (node.saved_value("dim"), node.saved_value("keepdim")) == (None, True)
    assert node.saved_value("self_sym_numel") == 6
