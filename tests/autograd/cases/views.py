"""Op cases: views (see ../op_cases.py for the format)."""

CASES = [
    ("view", "x.view(3, 2)", {"x": "2x3"}),
    ("reshape", "x.reshape(-1)", {"x": "2x3"}),
    ("reshape_copy", "x.t().reshape(-1)", {"x": "2x3"}),
    ("flatten", "x.flatten()", {"x": "2x3"}),
    ("expand", "x.expand(2, 3)", {"x": "3"}),
    ("permute", "x.permute(1, 0)", {"x": "2x3"}),
    ("transpose", "x.transpose(0, 1)", {"x": "2x3"}),
    ("t", "x.t()", {"x": "2x3"}),
    ("unsqueeze", "x.unsqueeze(0)", {"x": "3"}),
    ("squeeze", "x.squeeze()", {"x": "1x3"}),
    ("select", "x[1]", {"x": "2x3"}),
    ("slice", "x[:, 1:]", {"x": "2x3"}),
    ("index", "x[[1, 0]]", {"x": "2x3"}),
    ("mask", "x[x > 0]", {"x": "2x3"}),
    ("narrow", "x.narrow(1, 1, 2)", {"x": "2x3"}),
    ("clone", "x.clone()", {"x": "3"}),
    ("double", "x.double()", {"x": "3"}),
]
