"""What a node keeps of the tensors it saves for backward, when a program says so.

``torch.autograd.graph.saved_tensors_hooks(pack, unpack)``: inside the block, each tensor an
op saves goes through ``pack`` and the node keeps what it returns; backward gives that to
``unpack`` and computes with the tensor it returns (PyTorch's ``SavedVariable`` with hooks,
which then skips the version check). The innermost block's hooks apply.

``torch.autograd.graph.allow_mutation_on_saved_tensors()``: inside the block, a saved tensor
may be changed in place afterwards and backward still sees the value it had. PyTorch clones
a saved tensor when it is first mutated; here the node keeps a copy from the start, which
gives the same values and gradients at the cost of the copy.
"""

from __future__ import annotations

from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError


def python_type_name(value) -> str:
    return "NoneType" if value is None else type(value).__name__


class Packed:
    """A saved tensor as the pack hook returned it, with the hook that turns it back."""

    __slots__ = ("unpack", "value")

    def __init__(self, value, unpack) -> None:
        self.value = value
        self.unpack = unpack

    def tensor(self) -> Tensor:
        t = self.unpack(self.value)
        if type(t) is not Tensor:
            raise ArgumentError(
                "Output of saved tensor unpack_hook expected to be a Tensor but got result of "
                f"type {python_type_name(t)}"
            )
        return t


def pack(value):
    """``value`` (a saved argument, or a tuple of tensors with None for outputs nothing
    reads) as the innermost hooks keep it."""
    pack_hook, unpack_hook = STATE.saved_hooks[-1]
    if type(value) is Tensor:
        return Packed(pack_hook(value), unpack_hook)
    if type(value) is tuple and value and all(type(t) is Tensor or t is None for t in value):
        return tuple(None if t is None else Packed(pack_hook(t), unpack_hook) for t in value)
    return value


def unpack(value):
    if type(value) is Packed:
        return value.tensor()
    if type(value) is tuple and any(type(p) is Packed for p in value):
        return tuple(None if p is None else p.tensor() for p in value)
    return value


class SavedTensorsHooks:
    """``torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook)``."""

    context_manager = True
    language_type_name = "saved_tensors_hooks"
    __slots__ = ("hooks",)

    def __init__(self, pack_hook, unpack_hook) -> None:
        if not callable(pack_hook) or not callable(unpack_hook):
            raise AutogradError("saved_tensors_hooks expects two functions: pack_hook, unpack_hook")
        self.hooks = (pack_hook, unpack_hook)

    def __enter__(self):
        STATE.saved_hooks.append(self.hooks)
        return None

    def __exit__(self, *exc) -> bool:
        STATE.saved_hooks.pop()
        return False

    def __repr__(self) -> str:
        return f"<torch.autograd.graph.saved_tensors_hooks object at {id(self):#x}>"


def _keep_a_copy(t: Tensor) -> Tensor:
    return make_tensor(t.array.copy(), t._requires_grad, t.grad_fn)


def _as_kept(t: Tensor) -> Tensor:
    return t


class AllowMutationOnSavedTensors(SavedTensorsHooks):
    """``torch.autograd.graph.allow_mutation_on_saved_tensors()``."""

    language_type_name = "allow_mutation_on_saved_tensors"
    __slots__ = ()

    def __init__(self) -> None:
        self.hooks = (_keep_a_copy, _as_kept)

    def __repr__(self) -> str:
        return f"<torch.autograd.graph.allow_mutation_on_saved_tensors object at {id(self):#x}>"
