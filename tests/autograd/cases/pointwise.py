"""Op cases: pointwise (see ../op_cases.py for the format)."""

CASES = [
    ("exp", "torch.exp(x)", {"x": "2x3"}),
    ("log", "torch.log(x)", {"x": "pos:3"}),
    ("sqrt", "x.sqrt()", {"x": "pos:3"}),
    ("abs", "x.abs()", {"x": "4"}),
    ("sign", "torch.sign(x)", {"x": "4"}),
    ("sin", "torch.sin(x)", {"x": "3"}),
    ("cos", "torch.cos(x)", {"x": "3"}),
    ("tanh", "torch.tanh(x)", {"x": "3"}),
    ("sigmoid", "torch.sigmoid(x)", {"x": "3"}),
    ("relu", "torch.relu(x)", {"x": "5"}),
    ("reciprocal", "x.reciprocal()", {"x": "pos:3"}),
    ("where", "torch.where(x > 0, x, y)", {"x": "4", "y": "4"}),
    ("maximum", "torch.maximum(x, y)", {"x": "4", "y": "4"}),
    ("minimum", "torch.minimum(x, y)", {"x": "4", "y": "4"}),
    ("clamp", "x.clamp(-0.5, 0.5)", {"x": "5"}),
    ("clamp_min", "torch.clamp(x, min=0)", {"x": "5"}),
    ("int_exp", "torch.exp(x)", {"x": "int:3:4"}),
]
