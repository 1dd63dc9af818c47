"""``x.sum`` before the call: what the sandbox gives for a Tensor method."""

from __future__ import annotations


class BoundMethod:
    """``x.sum`` before the call: the tensor and the spelling it will be called with."""

    language_type_name = "builtin_function_or_method"

    __slots__ = ("spelling", "tensor")

    def __init__(self, tensor, spelling) -> None:
        self.tensor = tensor
        self.spelling = spelling

    def __call__(self, *args, **kwargs):
        return self.spelling.call_method(self.tensor, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<built-in method {self.spelling.name} of Tensor object at {id(self.tensor):#x}>"
