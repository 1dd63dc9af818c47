"""Small values PyTorch hands back besides tensors: ``torch.Size``, devices, return types."""

from __future__ import annotations


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "torch.Size([" + ", ".join(str(int(n)) for n in self) + "])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for d in self:
            n *= d
        return n

    def __getitem__(self, index):
        found = tuple.__getitem__(self, index)
        return Size(found) if isinstance(index, slice) else found

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


class Device:
    """``torch.device("cpu")``: the only device gradcalc computes on."""

    __slots__ = ("type",)

    def __init__(self, type: str = "cpu") -> None:
        self.type = type

    def __repr__(self) -> str:
        return f"device(type='{self.type}')"

    def __str__(self) -> str:
        return self.type

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            return other == self.type
        return isinstance(other, Device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)


CPU = Device("cpu")


class ReturnTuple(tuple):
    """A ``torch.return_types`` named tuple (``torch.return_types.max(values=..., indices=...)``)."""

    __slots__ = ()
    type_name = "return_types"
    fields: tuple = ()

    def __new__(cls, values):
        return tuple.__new__(cls, values)

    def __getattr__(self, name: str):
        try:
            return self[type(self).fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        inner = ",\n".join(f"{n}={v!r}" for n, v in zip(type(self).fields, self))
        return f"torch.return_types.{type(self).type_name}(\n{inner})"

    __str__ = __repr__


_RETURN_TYPES: dict = {}


def return_type(name: str, fields: tuple = ("values", "indices")) -> type:
    """The named-tuple class PyTorch returns from ``name`` (``max``, ``sort``, ``topk``)."""
    found = _RETURN_TYPES.get(name)
    if found is None:
        found = _RETURN_TYPES[name] = type(
            name, (ReturnTuple,), {"__slots__": (), "type_name": name, "fields": fields}
        )
    return found
