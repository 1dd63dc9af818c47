"""Composites called with their tensors as separate arguments or as one list.

``torch.meshgrid(a, b)`` and ``torch.meshgrid([a, b])`` are the same call in PyTorch (as are
``block_diag``, ``cartesian_prod``, ``broadcast_tensors`` and ``chain_matmul`` take only
separate tensors); the schema binder takes a list, so ``TensorListComposite`` packs separate
tensors into one before binding, and the binder's message names a list given instead. Its declaration is otherwise a plain ``@composite``.
"""

from __future__ import annotations

from gradcalc.autograd.declare import OPS, Composite, F


class TensorListComposite(Composite):
    """A composite whose first parameter is ``Tensor[]``, also given as ``*tensors``."""

    accepts_list = False  # meshgrid also takes one list; block_diag([a, b]) is an error

    def _pack(self, args: tuple) -> tuple:
        """Every positional argument is a tensor of the list (or the one list given)."""
        if self.accepts_list and len(args) == 1 and isinstance(args[0], list | tuple):
            return args
        return (tuple(args),)

    def __call__(self, *args, **kwargs):
        if self.schema.params[0].name in kwargs:
            return self.fn(*self.schema.bind(args, kwargs))
        return self.fn(*self.schema.bind(self._pack(args), kwargs))

    def raw(self, *args, **kwargs):
        return self(*args, **kwargs)


def register(declared: Composite) -> Composite:
    """Declare a ``Composite`` made outside ``@composite`` (one with its own ``__call__``)."""
    if declared.name in OPS:
        raise RuntimeError(f"op {declared.name!r} declared twice")
    OPS[declared.name] = declared
    F._register(declared)
    return declared


def list_composite(schema: str, accepts_list: bool = False, **options):
    """Decorator: ``@composite`` for a function of ``Tensor[] tensors`` given as varargs
    (``accepts_list``: or as one list)."""

    def declare(fn) -> TensorListComposite:
        declared = TensorListComposite(schema, fn, **options)
        declared.accepts_list = accepts_list
        return register(declared)

    return declare
