"""The ``out=`` forms of the arithmetic functions: ``torch.add(a, b, out=c)`` writes the
result into ``c`` and returns ``c``.

As in PyTorch (the ``*_out`` kernels and ``at::native::resize_output`` in
aten/src/ATen/native/Resize.cpp, at https://github.com/pytorch/pytorch): they refuse to run
when grad mode is on and any argument requires grad (no graph is recorded through ``out``),
an ``out`` of another shape is resized (with PyTorch's deprecation warning unless it was
empty), and the result must be castable to ``out``'s dtype. Each form is a second overload
of the function's spelling, chosen when ``out=`` is given.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.declare import F, composite
from gradcalc.autograd.inplace import write_result
from gradcalc.autograd.settings import STATE, warn
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError


def _dims(shape) -> str:
    return f"[{', '.join(str(n) for n in shape)}]"


def write_out(name: str, out: Tensor, inputs: tuple, compute):
    """Run ``compute()`` and write its result into ``out`` as PyTorch's out= kernels do."""
    tensors = [t for t in (*inputs, out) if type(t) is Tensor]
    if STATE.grad_enabled and any(t.requires_grad for t in tensors):
        raise AutogradError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.",
            hint="compute without out= (y = torch.add(a, b)), or inside torch.no_grad()",
        )
    result = compute()
    if tuple(out.shape) != tuple(result.shape):
        if out.numel() != 0:
            warn(
                "An output with one or more elements was resized since it had shape "
                f"{_dims(out.shape)}, which does not match the required output shape "
                f"{_dims(result.shape)}. This behavior is deprecated, and in a future PyTorch "
                "release outputs will not be resized unless they have zero elements. You can "
                "explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0). (Triggered internally at "
                "/__w/pytorch/pytorch/aten/src/ATen/native/Resize.cpp:30.)"
            )
        out.data = make_tensor(np.zeros(tuple(result.shape), out.array.dtype))
    return write_result(out, result)


@composite(
    "add.out(Tensor self, Tensor|Scalar other, *, Scalar alpha=1, Tensor out) -> Tensor",
    method=False,
    example="torch.add(x.detach(), 1, out=torch.empty(4))",
)
def add_out(self, other, alpha=1, out=None):
    """``torch.add`` written into ``out``."""
    return write_out("add", out, (self, other), lambda: F.add(self, other, alpha=alpha))


@composite(
    "sub.out(Tensor self, Tensor|Scalar other, *, Scalar alpha=1, Tensor out) -> Tensor",
    method=False,
    example="torch.sub(x.detach(), 1, out=torch.empty(4))",
)
def sub_out(self, other, alpha=1, out=None):
    """``torch.sub`` written into ``out``."""
    return write_out("sub", out, (self, other), lambda: F.sub(self, other, alpha=alpha))


@composite(
    "mul.out(Tensor self, Tensor|Scalar other, *, Tensor out) -> Tensor",
    method=False,
    example="torch.mul(x.detach(), 2, out=torch.empty(4))",
)
def mul_out(self, other, out=None):
    """``torch.mul`` written into ``out``."""
    return write_out("mul", out, (self, other), lambda: F.mul(self, other))


@composite(
    "div.out(Tensor self, Tensor|Scalar other, *, str? rounding_mode=None, Tensor out) -> Tensor",
    method=False,
    example="torch.div(x.detach(), 2, out=torch.empty(4))",
)
def div_out(self, other, rounding_mode=None, out=None):
    """``torch.div`` written into ``out``."""
    return write_out(
        "div", out, (self, other), lambda: F.div(self, other, rounding_mode=rounding_mode)
    )
