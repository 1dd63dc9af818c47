"""Op cases: convolutions and padding (see ../op_cases.py for the format; ``F`` is passed as
an input, as in activations.py)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "cases_activations", Path(__file__).with_name("activations.py")
)
_activations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_activations)
F = _activations.F

CASES = [
    ("conv1d", "F.conv1d(x, w, b)", {"x": "2x3x7", "w": "4x3x3", "b": "4", "F": F}),
    (
        "conv1d_stride_padding_dilation",
        "F.conv1d(x, w, None, 2, 2, 2)",
        {"x": "1x2x9", "w": "3x2x3", "F": F},
    ),
    ("conv1d_unbatched_same", "F.conv1d(x, w, padding='same')", {"x": "2x6", "w": "3x2x4", "F": F}),
    ("conv1d_valid", "torch.conv1d(x, w, padding='valid')", {"x": "1x2x5", "w": "1x2x2"}),
    ("conv2d", "F.conv2d(x, w, b, padding=1)", {"x": "2x2x4x5", "w": "3x2x3x3", "b": "3", "F": F}),
    (
        "conv2d_groups_stride",
        "F.conv2d(x, w, None, (2, 1), (1, 0), (1, 2), 2)",
        {"x": "1x4x6x7", "w": "6x2x3x2", "F": F},
    ),
    (
        "conv2d_same",
        "F.conv2d(x, w, b, padding='same')",
        {"x": "1x1x5x4", "w": "2x1x3x3", "b": "2", "F": F},
    ),
    ("conv2d_unbatched", "torch.conv2d(x, w)", {"x": "2x4x4", "w": "2x2x2x2"}),
    (
        "conv3d",
        "F.conv3d(x, w, b, stride=2, padding=1)",
        {"x": "1x2x4x4x3", "w": "2x2x2x2x2", "b": "2", "F": F},
    ),
    (
        "conv_transpose1d",
        "F.conv_transpose1d(x, w, b, 2, 1, 1)",
        {"x": "2x3x4", "w": "3x2x3", "b": "2", "F": F},
    ),
    (
        "conv_transpose2d_groups",
        "F.conv_transpose2d(x, w, None, (2, 1), 0, (1, 0), 2, (1, 2))",
        {"x": "1x4x3x4", "w": "4x1x2x3", "F": F},
    ),
    (
        "conv_transpose3d",
        "F.conv_transpose3d(x, w, stride=2)",
        {"x": "1x2x2x2x2", "w": "2x1x2x2x2", "F": F},
    ),
    (
        "convolution",
        "torch.convolution(x, w, b, [1], [1], [1], False, [0], 1)",
        {"x": "1x2x5", "w": "2x2x3", "b": "2"},
    ),
    ("constant_pad_nd", "torch.constant_pad_nd(x, (1, 2, 0, 1), 0.5)", {"x": "2x3x4"}),
    ("pad_constant_crop", "F.pad(x, (-1, 2, 1, -1))", {"x": "2x3x4", "F": F}),
    ("pad_reflect_1d", "F.pad(x, (2, 3), mode='reflect')", {"x": "2x5", "F": F}),
    ("pad_reflect_2d", "F.pad(x, (1, 2, 2, 1), 'reflect')", {"x": "1x2x3x4", "F": F}),
    ("pad_reflect_3d", "F.pad(x, (1, 1, 1, 0, 0, 1), 'reflect')", {"x": "1x1x2x3x3", "F": F}),
    ("pad_replicate_1d", "F.pad(x, (3, 1), mode='replicate')", {"x": "1x2x3", "F": F}),
    ("pad_replicate_2d", "F.pad(x, (2, 0, 1, 3), mode='replicate')", {"x": "2x3x3", "F": F}),
    (
        "pad_replicate_3d",
        "F.pad(x, (1, 1, 1, 1, 1, 1), mode='replicate')",
        {"x": "1x2x2x2x2", "F": F},
    ),
    ("pad_circular_1d", "F.pad(x, (2, 1), mode='circular')", {"x": "1x2x4", "F": F}),
    ("pad_circular_2d", "F.pad(x, (1, 2, -1, 1), mode='circular')", {"x": "1x1x3x4", "F": F}),
]
