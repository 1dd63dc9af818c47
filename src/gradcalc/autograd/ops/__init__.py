"""The op declarations, one module per family. Importing this package declares them all."""

from gradcalc.autograd.ops import (  # noqa: F401
    activations,
    arithmetic,
    constructors,
    copies,
    indexing,
    pointwise,
    reductions,
    rounding,
    special,
    views,
)
