"""The op declarations, one module per family. Importing this package declares them all."""

from gradcalc.autograd.ops import (  # noqa: F401
    arithmetic,
    constructors,
    copies,
    diagonals,
    einsum,
    gather,
    indexing,
    linalg,
    pointwise,
    products,
    reductions,
    shapes,
    splitting,
    views,
)
