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


class UntypedStorage:
    """``x.untyped_storage()``: the bytes of the memory a tensor and its views share."""

    __slots__ = ("_bytes",)
    language_type_name = "UntypedStorage"
    _METHODS = ("tolist", "size", "nbytes", "data_ptr", "element_size")

    def __init__(self, byte_view) -> None:
        self._bytes = byte_view  # a uint8 numpy view of the shared memory

    def tolist(self) -> list[int]:
        return self._bytes.tolist()

    def size(self) -> int:
        return int(self._bytes.size)

    nbytes = size

    def data_ptr(self) -> int:
        return self._bytes.__array_interface__["data"][0]

    def element_size(self) -> int:
        return 1

    def __len__(self) -> int:
        return int(self._bytes.size)

    def __getitem__(self, index: int) -> int:
        return int(self._bytes[index])

    def __eq__(self, other) -> bool:
        return self is other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        lines = [f" {b}" for b in self._bytes.tolist()]
        lines.append(f"[torch.storage.UntypedStorage(device=cpu) of size {self._bytes.size}]")
        return "\n".join(lines)

    __str__ = __repr__

    def language_attribute(self, name: str):
        if name in self._METHODS:
            return getattr(self, name)
        from gradcalc.errors import AttributeLookupError

        raise AttributeLookupError(f"'UntypedStorage' object has no attribute '{name}'")

    def language_names(self) -> list[str]:
        return list(self._METHODS)
