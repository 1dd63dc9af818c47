"""Op cases: more losses (see ../op_cases.py for the format; ``F`` is passed as an input, as
in activations.py). multi_margin_loss and multilabel_margin_loss have no second derivative in
PyTorch (its NotImplemented node), so they are checked in ../test_margin_losses_errors.py."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "cases_activations", Path(__file__).with_name("activations.py")
)
_activations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_activations)
F = _activations.F

SIGNS = "torch.tensor([[1.0, -1.0, 1.0, -1.0]] * 3, dtype=x.dtype)"
COUNTS = "torch.tensor([[1.0, 0.0, 2.0, 5.0]] * 3, dtype=x.dtype)"
LABELS = "torch.tensor([[1.0, 0.0, 1.0, 0.0]] * 3, dtype=x.dtype)"

CASES = [
    ("soft_margin_loss", f"F.soft_margin_loss(x, {SIGNS})", {"x": "3x4", "F": F}),
    (
        "soft_margin_loss_none",
        f"F.soft_margin_loss(x, {SIGNS}, reduction='none')",
        {"x": "3x4", "F": F},
    ),
    ("hinge_embedding_loss", f"F.hinge_embedding_loss(x, {SIGNS})", {"x": "3x4", "F": F}),
    (
        "hinge_embedding_loss_sum",
        f"F.hinge_embedding_loss(x, {SIGNS}, 0.3, reduction='sum')",
        {"x": "3x4", "F": F},
    ),
    (
        "cosine_embedding_loss",
        "F.cosine_embedding_loss(x, y, torch.tensor([1.0, -1.0, 1.0], dtype=x.dtype), margin=0.1)",
        {"x": "3x4", "y": "3x4", "F": F},
    ),
    (
        "cosine_embedding_loss_1d",
        "F.cosine_embedding_loss(x, y, torch.tensor(-1.0, dtype=x.dtype), reduction='none')",
        {"x": "4", "y": "4", "F": F},
    ),
    (
        "multilabel_soft_margin_loss",
        f"F.multilabel_soft_margin_loss(x, {LABELS})",
        {"x": "3x4", "F": F},
    ),
    (
        "multilabel_soft_margin_loss_weight",
        f"F.multilabel_soft_margin_loss(x, {LABELS}, w, reduction='none')",
        {"x": "3x4", "w": "pos:4", "F": F},
    ),
    (
        "triplet_margin_loss",
        "F.triplet_margin_loss(x, y, z)",
        {"x": "3x4", "y": "3x4", "z": "3x4", "F": F},
    ),
    (
        "triplet_margin_loss_swap",
        "F.triplet_margin_loss(x, y, z, margin=2.0, p=1, swap=True)",
        {"x": "3x4", "y": "3x4", "z": "3x4", "F": F},
    ),
    (
        "triplet_margin_with_distance_loss",
        "F.triplet_margin_with_distance_loss(x, y, z, swap=True)",
        {"x": "3x4", "y": "3x4", "z": "3x4", "F": F},
    ),
    (
        "poisson_nll_loss",
        f"F.poisson_nll_loss(x, {COUNTS})",
        {"x": "3x4", "F": F},
    ),
    (
        "poisson_nll_loss_full",
        f"F.poisson_nll_loss(x, {COUNTS}, log_input=False, full=True)",
        {"x": "pos:3x4", "F": F},
    ),
    (
        "gaussian_nll_loss",
        "F.gaussian_nll_loss(x, y, v)",
        {"x": "3x4", "y": "3x4", "v": "pos:3x4", "F": F},
    ),
    (
        "gaussian_nll_loss_homoscedastic",
        "F.gaussian_nll_loss(x, y, v, full=True, reduction='sum')",
        {"x": "3x4", "y": "3x4", "v": "pos:3", "F": F},
    ),
]
