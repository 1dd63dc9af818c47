"""Op cases: reductions (see ../op_cases.py for the format)."""

CASES = [
    ("sum", "x.sum()", {"x": "2x3"}),
    ("sum_dim", "x.sum(dim=1)", {"x": "2x3"}),
    ("sum_keepdim", "torch.sum(x, (0,), keepdim=True)", {"x": "2x3"}),
    ("sum_int", "x.sum()", {"x": "int:4:5"}),
    ("mean", "x.mean()", {"x": "2x3"}),
    ("mean_dim", "x.mean(-1)", {"x": "2x3"}),
]
