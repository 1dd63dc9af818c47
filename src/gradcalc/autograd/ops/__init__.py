"""The op declarations, one module per family. Importing this package declares them all."""

from gradcalc.autograd.ops import (  # noqa: F401
    activations,
    arithmetic,
    constructors,
    copies,
    diagonals,
    einsum,
    gather,
    indexing,
    info,
    linalg,
    pointwise,
    products,
    reductions,
    rounding,
    sampling,
    shapes,
    special,
    splitting,
    views,
)
