"""Op cases: pooling (see ../op_cases.py for the format; ``F`` is passed as an input, as in
activations.py). Max-pool inputs are random normals, so no window has a tie."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "cases_activations", Path(__file__).with_name("activations.py")
)
_activations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_activations)
F = _activations.F

CASES = [
    ("max_pool2d", "F.max_pool2d(x, 2)", {"x": "2x2x4x5", "F": F}),
    (
        "max_pool2d_full",
        "F.max_pool2d(x, (3, 2), (2, 1), (1, 0), (1, 2), ceil_mode=True)",
        {"x": "1x2x7x6", "F": F},
    ),
    ("max_pool2d_indices", "F.max_pool2d(x, 2, return_indices=True)[1]", {"x": "1x2x4x4", "F": F}),
    (
        "max_pool2d_with_indices",
        "F.max_pool2d_with_indices(x, 3, 2, 1)[0]",
        {"x": "1x1x5x5", "F": F},
    ),
    ("max_pool1d", "F.max_pool1d(x, 3, 2, 1)", {"x": "2x3x8", "F": F}),
    ("max_pool1d_unbatched", "torch.max_pool1d(x, 2)", {"x": "2x6"}),
    ("max_pool1d_with_indices", "F.max_pool1d_with_indices(x, 2)[1]", {"x": "1x2x6", "F": F}),
    ("max_pool3d", "F.max_pool3d(x, 2, ceil_mode=True)", {"x": "1x2x3x4x5", "F": F}),
    ("avg_pool2d", "F.avg_pool2d(x, 3, 2, 1)", {"x": "2x2x5x6", "F": F}),
    (
        "avg_pool2d_ceil_no_pad_count",
        "F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)",
        {"x": "1x2x6x6", "F": F},
    ),
    ("avg_pool2d_divisor", "F.avg_pool2d(x, 2, divisor_override=3)", {"x": "1x1x4x4", "F": F}),
    ("avg_pool1d", "torch.avg_pool1d(x, 4, 3, 2, True, False)", {"x": "2x3x9"}),
    ("avg_pool3d", "F.avg_pool3d(x, 2, 1)", {"x": "1x2x3x3x3", "F": F}),
    ("adaptive_avg_pool2d", "F.adaptive_avg_pool2d(x, (3, 4))", {"x": "2x2x7x6", "F": F}),
    ("adaptive_avg_pool2d_one", "F.adaptive_avg_pool2d(x, 1)", {"x": "2x3x4x4", "F": F}),
    ("adaptive_avg_pool2d_none", "F.adaptive_avg_pool2d(x, (None, 2))", {"x": "2x3x5", "F": F}),
    ("adaptive_avg_pool1d", "torch.adaptive_avg_pool1d(x, 4)", {"x": "2x3x9"}),
    ("adaptive_avg_pool3d", "F.adaptive_avg_pool3d(x, (2, 3, 2))", {"x": "1x2x5x4x5", "F": F}),
    ("adaptive_max_pool2d", "F.adaptive_max_pool2d(x, (3, 4))", {"x": "2x2x7x6", "F": F}),
    (
        "adaptive_max_pool2d_indices",
        "F.adaptive_max_pool2d(x, 2, return_indices=True)[1]",
        {"x": "1x2x5x5", "F": F},
    ),
    ("adaptive_max_pool1d", "F.adaptive_max_pool1d(x, 4)", {"x": "2x3x9", "F": F}),
    ("adaptive_max_pool1d_torch", "torch.adaptive_max_pool1d(x, 3)[0]", {"x": "2x7"}),
    ("adaptive_max_pool3d", "F.adaptive_max_pool3d(x, 2)", {"x": "1x2x4x3x5", "F": F}),
    ("lp_pool2d", "F.lp_pool2d(x, 2, 2)", {"x": "pos:2x2x4x4", "F": F}),
    ("lp_pool1d", "F.lp_pool1d(x, 3, 3, 2)", {"x": "pos:2x3x9", "F": F}),
]
