"""Every public operation in one namespace, and the Tensor methods/operators made from it.

Function, method and operator spellings are the same objects: ``x.sum(dim=0)``,
``sum(x, dim=0)`` and ``torch.sum(x, 0)`` all call ``sum`` below; ``a + b`` calls ``add``.
"""

from __future__ import annotations

from gradcalc.autograd import registry
from gradcalc.autograd.elision import operator as elidable
from gradcalc.autograd.engine import backward, grad, gradcheck, hessian, jacobian
from gradcalc.autograd.ops.arithmetic import (
    _RSUB,
    _add,
    _div,
    _mul,
    _sub,
    add,
    div,
    eq,
    ge,
    gt,
    le,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    mul,
    ne,
    neg,
    pow,
    rdiv,
    reciprocal,
    rpow,
    rsub,
    square,
    sub,
)
from gradcalc.autograd.ops.constructors import (
    arange,
    eye,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    tensor,
    zeros,
    zeros_like,
)
from gradcalc.autograd.ops.copies import bool_, clone, double, float32, int32, long, to
from gradcalc.autograd.ops.elementwise import (
    abs,
    clamp,
    cos,
    elu,
    erf,
    exp,
    gelu,
    leaky_relu,
    log,
    log1p,
    maximum,
    minimum,
    relu,
    sigmoid,
    silu,
    sin,
    softplus,
    sqrt,
    tan,
    tanh,
    where,
)
from gradcalc.autograd.ops.linalg import addmm, dot, einsum, linear, matmul, mm, outer, trace
from gradcalc.autograd.ops.losses import (
    binary_cross_entropy,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from gradcalc.autograd.ops.reductions import (
    all,
    any,
    argmax,
    argmin,
    cumsum,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    softmax,
    std,
    sum,
    var,
)
from gradcalc.autograd.ops.rounding import (
    ceil,
    floor,
    floor_divide,
    fmod,
    remainder,
    round,
    sign,
    trunc,
)
from gradcalc.autograd.ops.shapes import (
    T,
    broadcast_to,
    cat,
    expand,
    flatten,
    getitem,
    masked_fill,
    permute,
    repeat,
    reshape,
    squeeze,
    stack,
    t,
    transpose,
    unsqueeze,
    view,
)
from gradcalc.autograd.tensor import Tensor


def detach(input):
    """The same values, cut from the graph."""
    return input.detach()


def is_tensor(value) -> bool:
    return isinstance(value, Tensor)


# ---- Tensor methods and operators: attached from this table, never written twice -------------

METHODS = (
    "add sub mul div neg pow reciprocal eq ne lt le gt ge logical_and logical_or logical_xor "
    "logical_not abs clamp cos elu erf exp gelu leaky_relu log log1p maximum minimum relu "
    "sigmoid silu sin softplus sqrt tan tanh dot matmul mm outer trace logsumexp log_softmax "
    "max min mean norm prod softmax std sum var broadcast_to expand flatten permute reshape "
    "squeeze t transpose unsqueeze view clone to double "
    "sign floor ceil round trunc square remainder fmod floor_divide cumsum argmax argmin all any "
    "repeat masked_fill addmm long"
).split()

OPERATORS = {
    # + - * / write into a temporary operand's buffer when it is provably dead (elision.py).
    "__add__": elidable("__add__", add, _add, "add"),
    "__radd__": elidable("__radd__", lambda self, other: add(other, self), _add, "add", True, True),
    "__sub__": elidable("__sub__", sub, _sub, "subtract"),
    "__rsub__": elidable("__rsub__", rsub, _RSUB, "subtract", False, True),
    "__mul__": elidable("__mul__", mul, _mul, "multiply"),
    "__rmul__": elidable(
        "__rmul__", lambda self, other: mul(other, self), _mul, "multiply", True, True
    ),
    "__truediv__": elidable("__truediv__", div, _div, "divide"),
    "__rtruediv__": rdiv,
    "__pow__": pow,
    "__rpow__": rpow,
    "__mod__": remainder,
    "__rmod__": lambda self, other: remainder(other, self),
    "__floordiv__": floor_divide,
    "__rfloordiv__": lambda self, other: floor_divide(other, self),
    "__matmul__": matmul,
    "__rmatmul__": lambda self, other: matmul(other, self),
    "__neg__": neg,
    "__pos__": lambda self: self,
    "__abs__": abs,
    "__eq__": eq,
    "__ne__": ne,
    "__lt__": lt,
    "__le__": le,
    "__gt__": gt,
    "__ge__": ge,
    "__and__": logical_and,
    "__or__": logical_or,
    "__xor__": logical_xor,
    "__invert__": logical_not,
    "__getitem__": getitem,
}


def _install() -> None:
    namespace = globals()
    for name in METHODS:
        setattr(Tensor, name, namespace[name])
    for name, fn in OPERATORS.items():
        setattr(Tensor, name, fn)
    Tensor.float = float32
    Tensor.int = int32
    Tensor.bool = bool_
    Tensor.T = property(T)
    Tensor.mT = property(lambda self: transpose(self, -2, -1))


def _install_tensor_backend() -> None:
    """``ctx.B`` for recorded backward passes: numpy's names, run by the package's own ops."""
    from gradcalc.autograd.ops.shapes import _scatter

    B = registry.TENSOR
    B.abs = abs
    B.astype = to
    B.broadcast_to = broadcast_to
    B.concatenate = lambda tensors, axis=0: cat(list(tensors), dim=axis)
    B.const = lambda array: Tensor._make(array)
    B.cos = cos
    B.erf = erf
    B.exp = exp
    B.expand_dims = unsqueeze
    B.log = log
    B.matmul = matmul
    B.maximum = maximum
    B.reshape = reshape
    B.scatter = lambda g, index, shape, accumulate: _scatter(
        g, index=index, shape=shape, accumulate=accumulate
    )
    B.sign = lambda x: Tensor._make(registry.NUMPY.sign(x.data))
    B.sin = sin
    B.sqrt = sqrt
    B.sum = lambda x, axis=None, keepdims=False: sum(x, dim=axis, keepdim=keepdims)
    B.swapaxes = transpose
    B.tanh = tanh
    B.transpose = permute
    B.where = where
    B.zeros_like = zeros_like


_install()
_install_tensor_backend()

__all__ = [
    "T",
    "Tensor",
    "abs",
    "add",
    "addmm",
    "all",
    "any",
    "arange",
    "argmax",
    "argmin",
    "backward",
    "binary_cross_entropy",
    "bool_",
    "broadcast_to",
    "cat",
    "ceil",
    "clamp",
    "clone",
    "cos",
    "cross_entropy",
    "cumsum",
    "detach",
    "div",
    "dot",
    "double",
    "einsum",
    "elu",
    "eq",
    "erf",
    "exp",
    "expand",
    "eye",
    "flatten",
    "floor",
    "floor_divide",
    "fmod",
    "full",
    "full_like",
    "ge",
    "gelu",
    "getitem",
    "grad",
    "gradcheck",
    "gt",
    "hessian",
    "int32",
    "is_tensor",
    "jacobian",
    "l1_loss",
    "le",
    "leaky_relu",
    "linear",
    "linspace",
    "log",
    "log1p",
    "log_softmax",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "logsumexp",
    "long",
    "lt",
    "masked_fill",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "mm",
    "mse_loss",
    "mul",
    "ne",
    "neg",
    "nll_loss",
    "norm",
    "ones",
    "ones_like",
    "outer",
    "permute",
    "pow",
    "prod",
    "rand",
    "randint",
    "randn",
    "reciprocal",
    "relu",
    "remainder",
    "repeat",
    "reshape",
    "round",
    "sigmoid",
    "sign",
    "silu",
    "sin",
    "softmax",
    "softplus",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "std",
    "sub",
    "sum",
    "t",
    "tan",
    "tanh",
    "tensor",
    "to",
    "trace",
    "transpose",
    "trunc",
    "unsqueeze",
    "var",
    "view",
    "where",
    "zeros",
    "zeros_like",
]
