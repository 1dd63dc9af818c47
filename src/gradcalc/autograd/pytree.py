"""Nested tuples, lists and dicts of tensors ("pytrees"), as ``torch.func`` takes and
returns them: flatten to the list of leaves, rebuild the same structure from new leaves."""

from __future__ import annotations


def flatten(value) -> tuple[list, object]:
    """(leaves in order, the structure to rebuild them with ``unflatten``)."""
    leaves: list = []
    return leaves, _spec(value, leaves)


def _spec(value, leaves: list):
    if isinstance(value, dict):
        return ("dict", tuple(value), tuple(_spec(v, leaves) for v in value.values()))
    if isinstance(value, list | tuple):
        return (type(value), None, tuple(_spec(v, leaves) for v in value))
    leaves.append(value)
    return None


def unflatten(spec, leaves) -> object:
    return _build(spec, iter(leaves))


def _build(spec, leaves):
    if spec is None:
        return next(leaves)
    kind, keys, children = spec
    values = [_build(child, leaves) for child in children]
    if kind == "dict":
        return dict(zip(keys, values))
    return kind(values) if kind is list else tuple(values)


def tree_map(fn, value):
    leaves, spec = flatten(value)
    return unflatten(spec, [fn(leaf) for leaf in leaves])
