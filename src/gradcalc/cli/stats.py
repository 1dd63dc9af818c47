"""``--stats``: per leaf, the numbers that tell a healthy gradient from a vanishing or
exploding one: its norm, smallest and largest element, and how many are NaN or infinite."""

from __future__ import annotations

import numpy as np


def gradient_stats(grad) -> dict:
    array = np.asarray(grad, dtype=np.float64)
    finite = array[np.isfinite(array)]
    return {
        "norm": float(np.linalg.norm(finite)) if finite.size else float("nan"),
        "min": float(finite.min()) if finite.size else float("nan"),
        "max": float(finite.max()) if finite.size else float("nan"),
        "mean_abs": float(np.abs(finite).mean()) if finite.size else float("nan"),
        "nan": int(np.isnan(array).sum()),
        "inf": int(np.isinf(array).sum()),
        "elements": int(array.size),
    }


def stats_table(grads: dict, precision: int):
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Gradient statistics", title_justify="left", title_style="bold")
    for column in ("name", "elements", "norm", "min", "max", "mean |g|", "NaN", "inf"):
        table.add_column(column, justify="left" if column == "name" else "right")
    for name, grad in grads.items():
        s = gradient_stats(grad)
        bad = s["nan"] or s["inf"]
        table.add_row(
            Text(f"{name}.grad", style="bold"),
            f"{s['elements']:,}",
            _g(s["norm"], precision),
            _g(s["min"], precision),
            _g(s["max"], precision),
            _g(s["mean_abs"], precision),
            Text(str(s["nan"]), style="bold red" if s["nan"] else ""),
            Text(str(s["inf"]), style="bold red" if s["inf"] else ""),
            style="" if not bad else "red",
        )
    return table


def _g(value: float, precision: int) -> str:
    return f"{value:.{max(precision, 1)}g}"
