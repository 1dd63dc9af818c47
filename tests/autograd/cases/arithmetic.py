"""Op cases: arithmetic (see ../op_cases.py for the format)."""

CASES = [
    ("add", "torch.add(x, y)", {"x": "2x3", "y": "3"}),
    ("add_alpha", "torch.add(x, y, alpha=2)", {"x": "3", "y": "3"}),
    ("add_scalar", "x + 2", {"x": "3"}),
    ("radd", "2 + x", {"x": "3"}),
    ("sub", "x - y", {"x": "2x3", "y": "2x1"}),
    ("rsub", "2 - x", {"x": "3"}),
    ("mul", "x * y", {"x": "2x3", "y": "3"}),
    ("mul_scalar", "x * 3", {"x": "3"}),
    ("div", "x / y", {"x": "3", "y": "pos:3"}),
    ("rdiv", "2 / x", {"x": "pos:3"}),
    ("div_floor", "torch.div(x, y, rounding_mode='floor')", {"x": "3", "y": "pos:3"}),
    ("neg", "-x", {"x": "3"}),
    ("pow_scalar", "x ** 2", {"x": "3"}),
    ("pow_fraction", "x ** 2.5", {"x": "pos:3"}),
    ("pow_tensor", "x ** y", {"x": "pos:3", "y": "3"}),
    ("rpow", "2 ** x", {"x": "3"}),
    ("remainder", "x % 0.7", {"x": "pos:3"}),
    ("eq", "x == y", {"x": "int:4:3", "y": "int:4:3"}),
    ("lt", "x < 0", {"x": "4"}),
    ("logical_and", "torch.logical_and(x > 0, y > 0)", {"x": "4", "y": "4"}),
]
