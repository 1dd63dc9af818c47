"""The op declarations, one module per family. Importing this package declares them all."""

from gradcalc.autograd.ops import (  # noqa: F401
    arithmetic,
    classification,
    constructors,
    copies,
    extremes,
    indexing,
    losses,
    moments,
    norms,
    pointwise,
    reductions,
    sorting,
    views,
)
