"""The values a program handles besides tensors and Python numbers.

The language never hands out Python objects: names resolve to tensors, numbers, strings,
tuples/lists of those, or one of the small value types below, each with the repr a PyTorch
user expects (``torch.Size([2, 3])``, ``torch.float32``, ``<module 'torch'>``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

# Modules whose dotted names prefix the builtins (``torch.mean``, ``F.relu``, ``np.exp``).
KNOWN_MODULES = (
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.autograd",
    "torch.linalg",
    "numpy",
    "numpy.linalg",
)
# Names usable without an import, as tutorial code uses them.
DEFAULT_MODULE_ALIASES = {
    "torch": "torch",
    "F": "torch.nn.functional",
    "np": "numpy",
    "numpy": "numpy",
    "t": "torch",
}


@dataclass(frozen=True)
class Namespace:
    """A module name such as ``torch`` or ``F``: its attributes are builtins."""

    path: str

    def __repr__(self) -> str:
        return f"<module '{self.path}'>"


@dataclass(frozen=True)
class DType:
    """``torch.float32`` / ``torch.float64``: the two floating dtypes the core supports."""

    name: str  # "float32" | "float64"

    def __repr__(self) -> str:
        return f"torch.{self.name}"


DTYPE_NAMES = {
    "float32": "float32",
    "float": "float32",
    "float64": "float64",
    "double": "float64",
}


class Size(tuple):
    """A shape, printed as PyTorch prints ``x.shape``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size({list(self)!r})"

    __str__ = __repr__


class ReturnTuple(tuple):
    """``max(x, dim=1)``'s (values, indices): PyTorch's ``torch.return_types.max``."""

    __slots__ = ()
    op: str = "max"
    fields: tuple[str, ...] = ("values", "indices")

    @classmethod
    def make(cls, op: str, fields: tuple[str, ...], items) -> ReturnTuple:
        kind = type(
            f"ReturnTuple_{op}", (cls,), {"__slots__": (), "op": op, "fields": tuple(fields)}
        )
        return kind(items)


@dataclass(frozen=True)
class BuiltinRef:
    """A builtin function named without calling it (``f = torch.mean``)."""

    name: str
    as_tuple: bool = False  # torch.autograd.grad returns a tuple even for one input

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(frozen=True, eq=False)
class BoundMethod:
    """``x.mean`` without the call: a builtin with its first argument bound."""

    obj: Any
    name: str

    def __repr__(self) -> str:
        return f"<built-in method {self.name} of Tensor object>"


class GradFnView:
    """What ``x.grad_fn`` shows: PyTorch's ``<MeanBackward0 object at 0x...>``."""

    __slots__ = ("node", "op_name")

    def __init__(self, node: Any, op_name: str):
        self.node = node
        self.op_name = op_name

    def __repr__(self) -> str:
        return f"<{self.op_name} object at {id(self.node):#x}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GradFnView) and other.node is self.node

    def __hash__(self) -> int:
        return id(self.node)


def close_matches(name: str, candidates, n: int = 3) -> list[str]:
    """The known names closest to ``name`` (typos: ``meen`` -> ``mean``)."""
    candidates = sorted(set(candidates))
    cutoff = 0.5 if len(name) <= 3 else 0.6  # one typo in a short name is a big ratio change
    # a one-letter name is similar to everything that contains its letter ('w' -> 'pow')
    found = difflib.get_close_matches(name, candidates, n=n, cutoff=cutoff) if len(name) > 1 else []
    if not found:
        lowered = name.lower()
        found = [c for c in candidates if c.lower() == lowered][:n]
    return found


def did_you_mean(name: str, candidates, n: int = 3) -> str | None:
    found = close_matches(name, candidates, n)
    if not found:
        return None
    if len(found) == 1:
        return f"did you mean '{found[0]}'?"
    quoted = [f"'{f}'" for f in found]
    return f"did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"
