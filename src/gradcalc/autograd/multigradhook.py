"""``torch.autograd.graph.register_multi_grad_hook(tensors, fn, mode="all")``.

One tensor hook on each tensor collects its gradient of the current backward pass; ``fn``
gets them all (None for a tensor the pass did not reach) once per pass. PyTorch calls ``fn``
as soon as the last gradient the pass will compute is ready; here it is called when the pass
ends, which gives the same gradients and differs only in the order of what other hooks print
in between. ``mode="any"`` calls ``fn(grad)`` with the first gradient of each pass.
"""

from __future__ import annotations

from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ValueDomainError


class MultiHandle:
    """What ``register_multi_grad_hook`` returns: ``remove()`` unregisters every hook."""

    __slots__ = ("handles",)
    language_type_name = "_MultiHandle"

    def __init__(self, handles: list) -> None:
        self.handles = handles

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()

    def language_attribute(self, name: str):
        if name == "remove":
            return self.remove
        from gradcalc.errors import AttributeLookupError

        raise AttributeLookupError(f"'_MultiHandle' object has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"<torch.autograd.graph._MultiHandle object at {id(self):#x}>"


class _Collector:
    __slots__ = ("fn", "grads", "mode", "pass_callbacks")

    def __init__(self, fn, count: int, mode: str) -> None:
        self.fn = fn
        self.mode = mode
        self.grads: list = [None] * count
        self.pass_callbacks = None  # the callbacks list of the pass being collected

    def hook(self, index: int):
        def on_grad(grad):
            callbacks = STATE.backward_callbacks[-1] if STATE.backward_callbacks else None
            first = callbacks is None or self.pass_callbacks is not callbacks
            if self.mode == "any":
                if first:
                    self.pass_callbacks = callbacks
                    self.fn(grad)
                return None
            if first:
                self.pass_callbacks = callbacks
                self.grads = [None] * len(self.grads)
                if callbacks is not None:
                    callbacks.append(self.flush)
            self.grads[index] = grad
            return None

        return on_grad

    def flush(self) -> None:
        grads, self.grads = self.grads, [None] * len(self.grads)
        self.pass_callbacks = None
        self.fn(tuple(grads))


def register_multi_grad_hook(tensors, fn, *, mode: str = "all") -> MultiHandle:
    if mode not in ("all", "any"):
        raise ValueDomainError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    tensors = tuple(tensors)
    if not all(type(t) is Tensor for t in tensors):
        raise ArgumentError("register_multi_grad_hook expects a sequence of tensors")
    collector = _Collector(fn, len(tensors), mode)
    handles = [t.register_hook(collector.hook(i)) for i, t in enumerate(tensors) if t.requires_grad]
    return MultiHandle(handles)
