"""Op cases: more nn.functional layers (see ../op_cases.py for the format; ``F`` is passed as
check's torch comparison by nature: PyTorch's double backward of embedding ignores
scale_grad_by_freq, gradcalc's is the mathematical one (checked against finite differences)."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "cases_activations", Path(__file__).with_name("activations.py")
)
_activations = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_activations)
F = _activations.F

IDX = "torch.tensor([[1, 0], [4, 1]])"

CASES = [
    ("glu", "F.glu(x)", {"x": "3x4", "F": F}),
    ("glu_dim0", "F.glu(x, 0)", {"x": "4x3", "F": F}),
    ("softmin", "F.softmin(x, 1)", {"x": "3x4", "F": F}),
    ("softmin_dtype", "F.softmin(x, 0, dtype=torch.float64)", {"x": "3x4", "F": F}),
    ("softshrink", "F.softshrink(x, 0.3)", {"x": "3x4", "F": F}),
    ("hardshrink", "torch.hardshrink(x, 0.3)", {"x": "3x4"}),
    ("hardshrink_method", "x.hardshrink()", {"x": "3x4"}),
    ("prelu_channels", "F.prelu(x, a)", {"x": "2x3x2", "a": "3", "F": F}),
    ("prelu_one", "torch.prelu(x, a)", {"x": "3x4", "a": "1"}),
    ("rrelu_eval", "F.rrelu(x)", {"x": "3x4", "F": F}),
    ("embedding", f"F.embedding({IDX}, w)", {"w": "5x3", "F": F}),
    ("pixel_shuffle", "F.pixel_shuffle(x, 2)", {"x": "1x8x2x3", "F": F}),
    ("pixel_unshuffle", "torch.pixel_unshuffle(x, 2)", {"x": "2x1x4x2"}),
]
