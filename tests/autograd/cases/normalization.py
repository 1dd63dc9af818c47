"""Op cases: normalization layers (see ../op_cases.py for the format; ``F`` is passed as an
input, as in activations.py)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "cases_activations", Path(__file__).with_name("activations.py")
)
_activations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_activations)
F = _activations.F

STATS = "torch.zeros(3, dtype=x.dtype), torch.ones(3, dtype=x.dtype)"
RUNNING = (
    "torch.tensor([0.1, -0.2, 0.3], dtype=x.dtype), torch.tensor([0.5, 1.5, 2.0], dtype=x.dtype)"
)

CASES = [
    ("layer_norm", "F.layer_norm(x, (4,), w, b)", {"x": "2x3x4", "w": "4", "b": "4", "F": F}),
    ("layer_norm_2d_shape", "torch.layer_norm(x, [3, 4], eps=1e-3)", {"x": "2x3x4"}),
    (
        "native_layer_norm_stats",
        "torch.native_layer_norm(x, [4], w, None, 1e-5)[2]",
        {"x": "2x4", "w": "4"},
    ),
    (
        "batch_norm_training",
        f"F.batch_norm(x, {STATS}, w, b, training=True)",
        {"x": "4x3x2", "w": "3", "b": "3", "F": F},
    ),
    ("batch_norm_no_stats", "F.batch_norm(x, None, None, training=True)", {"x": "5x3", "F": F}),
    (
        "batch_norm_eval",
        f"F.batch_norm(x, {RUNNING}, w, b)",
        {"x": "2x3x2x2", "w": "3", "b": "3", "F": F},
    ),
    (
        "native_batch_norm_mean",
        f"torch.native_batch_norm(x, None, None, {STATS}, True, 0.1, 1e-5)[1]",
        {"x": "4x3"},
    ),
    ("group_norm", "F.group_norm(x, 2, w, b)", {"x": "2x4x3", "w": "4", "b": "4", "F": F}),
    ("group_norm_spatial", "torch.group_norm(x, 3, eps=1e-3)", {"x": "2x6x2x2"}),
    (
        "instance_norm",
        "F.instance_norm(x, weight=w, bias=b)",
        {"x": "2x3x4", "w": "3", "b": "3", "F": F},
    ),
    ("instance_norm_stats", f"F.instance_norm(x, {STATS})", {"x": "2x3x2x2", "F": F}),
    ("rms_norm", "F.rms_norm(x, (4,), w)", {"x": "2x3x4", "w": "4", "F": F}),
    ("rms_norm_eps", "torch.rms_norm(x, [3, 4], eps=1e-3)", {"x": "2x3x4"}),
    ("local_response_norm", "F.local_response_norm(x, 3)", {"x": "2x5x3", "F": F}),
    (
        "local_response_norm_4d",
        "F.local_response_norm(x, 2, 0.1, 0.5, 2.0)",
        {"x": "2x4x2x3", "F": F},
    ),
]
