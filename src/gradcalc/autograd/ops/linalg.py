"""Linear algebra: matmul (1-D, 2-D, batched), dot, outer, trace, addmm, linear, einsum."""

from __future__ import annotations

import string

import numpy as np

from gradcalc.autograd.ops.common import as_tensor, broadcast_pair, is_number, run_rule
from gradcalc.autograd.registry import rule, unbroadcast
from gradcalc.autograd.settings import check_elements
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, ShapeError


@rule(
    "matmul",
    "MmBackward0",
    formula="self: grad @ other^T; other: self^T @ grad",
    save={0: (1,), 1: (0,)},  # each operand only for the other's gradient
)
def _matmul(a, b):
    return np.matmul(a, b)


@_matmul.defvjp
def _(ctx, g):
    a, b = ctx.inputs  # None where not saved: read shapes from ctx.shapes
    sa, sb = ctx.shapes
    B = ctx.B
    if len(sa) == 1 and len(sb) == 1:
        return (g * b if ctx.needs[0] else None), (g * a if ctx.needs[1] else None)
    # Promote 1-D operands to matrices, as matmul itself does, then use the 2-D rule.
    sa2 = (1,) + sa if len(sa) == 1 else sa
    sb2 = sb + (1,) if len(sb) == 1 else sb
    g2 = g
    if len(sa) == 1:
        g2 = B.expand_dims(g2, -2 if len(sb) > 1 else -1)
    if len(sb) == 1:
        g2 = B.expand_dims(g2, -1)
    ga = gb = None
    if ctx.needs[0]:
        b2 = B.reshape(b, sb2) if len(sb) == 1 else b
        ga = B.reshape(unbroadcast(B.matmul(g2, B.swapaxes(b2, -1, -2)), sa2), sa)
    if ctx.needs[1]:
        a2 = B.reshape(a, sa2) if len(sa) == 1 else a
        gb = B.reshape(unbroadcast(B.matmul(B.swapaxes(a2, -1, -2), g2), sb2), sb)
    return ga, gb


_MV = _matmul.renamed("MvBackward0")
_DOT = _matmul.renamed("DotBackward0")
_VM = _matmul.renamed("SqueezeBackward4")
_BATCHED = _matmul.renamed("UnsafeViewBackward0")


@rule("trace", "TraceBackward0", formula="grad * eye(n, m)")
def _trace(x):
    return np.trace(x)


@_trace.defvjp
def _(ctx, g):
    n, m = ctx.shapes[0]
    return (g * ctx.B.const(np.eye(n, m, dtype=ctx.dtypes[0])),)


@rule(
    "addmm",
    "AddmmBackward0",
    formula="self: beta * grad; mat1: alpha * grad @ mat2^T; mat2: alpha * mat1^T @ grad",
    save={1: (2,), 2: (1,)},
)
def _addmm(c, a, b, beta, alpha):
    product = np.matmul(a, b)
    if alpha != 1:
        product = alpha * product
    return product + (c if beta == 1 else beta * c)


@_addmm.defvjp
def _(ctx, g, beta, alpha):
    _, a, b = ctx.inputs or (None, None, None)  # nothing saved when only input needs grad
    B = ctx.B
    ga = gb = None
    gc = (g if beta == 1 else beta * g) if ctx.needs[0] else None
    ga_scale = g if alpha == 1 else alpha * g
    if ctx.needs[1]:
        ga = B.matmul(ga_scale, B.swapaxes(b, -1, -2))
    if ctx.needs[2]:
        gb = B.matmul(B.swapaxes(a, -1, -2), ga_scale)
    return gc, ga, gb


@rule(
    "einsum",
    "ViewBackward0",
    formula="each operand: einsum of grad with the other operands, back to its subscripts",
    save=True,
)
def _einsum(*arrays, equation, sizes):
    terms = equation.split("->")[0].split(",")
    expanded = []
    for term, a in zip(terms, arrays):
        full = tuple(sizes[c] for c in term)
        expanded.append(a if a.shape == full else np.broadcast_to(a, full))
    return np.einsum(equation, *expanded)


@_einsum.defvjp
def _(ctx, g, equation, sizes):
    inputs, output = equation.split("->")
    terms = inputs.split(",")
    B = ctx.B
    grads = []
    for k, term in enumerate(terms):
        if not ctx.needs[k]:
            grads.append(None)
            continue
        others = [t for j, t in enumerate(terms) if j != k]
        operands = [x for j, x in enumerate(ctx.inputs) if j != k]
        seen = set(output).union(*others)
        unique = "".join(dict.fromkeys(term))
        reachable = "".join(c for c in unique if c in seen)
        grad_equation = ",".join([output, *others]) + "->" + reachable
        if not others and reachable == output:
            grad = g
        else:
            grad = run_rule(_einsum, g, *operands, equation=grad_equation, sizes=sizes)
        if reachable != unique:  # subscripts summed inside this operand alone: spread back
            grad = B.broadcast_to(
                B.reshape(grad, tuple(sizes[c] if c in seen else 1 for c in unique)),
                tuple(sizes[c] for c in unique),
            )
        if unique != term:  # a repeated subscript (a diagonal): zero off the diagonal
            first = [term.index(c) == i for i, c in enumerate(term)]
            grad = B.reshape(grad, tuple(sizes[c] if f else 1 for c, f in zip(term, first)))
            grad = grad * B.const(_diagonal_mask(term, sizes, ctx.dtypes[k]))
        grads.append(grad)
    return tuple(grads)


def _diagonal_mask(term: str, sizes: dict, dtype) -> np.ndarray:
    """1 where every repeated subscript of ``term`` takes one value, else 0."""
    grids = np.indices(tuple(sizes[c] for c in term), sparse=True)
    mask = np.ones((1,) * len(term), dtype=bool)
    for i, c in enumerate(term):
        j = term.index(c)
        if j != i:
            mask = mask & (grids[i] == grids[j])
    return np.broadcast_to(mask, tuple(sizes[c] for c in term)).astype(dtype)


_EINSUM_SUM = _einsum.renamed("SumBackward1")
_EINSUM_PERMUTE = _einsum.renamed("PermuteBackward0")
_EINSUM_MUL = _einsum.renamed("MulBackward0")


def _matmul_shape(a: tuple, b: tuple) -> tuple:
    if not a or not b:
        raise ShapeError(
            f"both arguments to matmul need to be at least 1D, but they are {len(a)}D and {len(b)}D"
        )
    k_a = a[-1]
    k_b = b[0] if len(b) == 1 else b[-2]
    if k_a != k_b:
        raise ShapeError(
            f"cannot multiply matrices of shapes {a} and {b}",
            hint="the last dim of the first must equal the second-to-last dim of the second",
        )
    batch_a, batch_b = a[:-2], b[:-2]
    batch = broadcast_pair(batch_a, batch_b)
    if batch is None:
        raise ShapeError(
            f"cannot multiply matrices of shapes {a} and {b}",
            hint="the batch dims (all but the last two) must broadcast",
        )
    rows = (a[-2],) if len(a) > 1 else ()
    cols = (b[-1],) if len(b) > 1 else ()
    return tuple(batch) + rows + cols


def matmul(input, other):
    """Matrix product with numpy/PyTorch semantics for 1-D and batched operands."""
    a, b = as_tensor(input), as_tensor(other)
    shape = _matmul_shape(a.shape, b.shape)
    check_elements(shape, "result")
    if a.ndim == 1 and b.ndim == 1:
        return _DOT(a, b)
    if a.ndim == 2 and b.ndim == 2:
        return _matmul(a, b)
    if a.ndim == 2 and b.ndim == 1:
        return _MV(a, b)
    if a.ndim == 1 and b.ndim == 2:
        return _VM(a, b)
    return _BATCHED(a, b)


def mm(input, mat2):
    """Product of two matrices (2-D only)."""
    a, b = as_tensor(input), as_tensor(mat2)
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"mm(): expected 2-D tensors, got {a.ndim}-D and {b.ndim}-D")
    return matmul(a, b)


def dot(input, other):
    """Inner product of two 1-D tensors."""
    a, b = as_tensor(input), as_tensor(other)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape != b.shape:
        raise ShapeError(
            f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] "
            "to have the same number of elements, but got "
            f"{a.shape[0]} and {b.shape[0]} elements respectively"
        )
    return _DOT(a, b)


def outer(input, vec2):
    """Outer product of two 1-D tensors: ``input[:, None] * vec2``."""
    from gradcalc.autograd.ops.arithmetic import mul
    from gradcalc.autograd.ops.shapes import unsqueeze

    a, b = as_tensor(input), as_tensor(vec2)
    if a.ndim != 1 or b.ndim != 1:
        raise ShapeError(f"outer(): expected 1-D tensors, got {a.ndim}-D and {b.ndim}-D")
    check_elements((a.shape[0], b.shape[0]), "result")
    return mul(unsqueeze(a, 1), b)


def trace(input):
    """Sum of the diagonal of a 2-D tensor."""
    x = as_tensor(input)
    if x.ndim != 2:
        raise ShapeError(f"trace: expected a matrix, but got tensor with dim {x.ndim}")
    return _trace(x)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)`` for matrices ``mat1``, ``mat2``."""
    c, a, b = as_tensor(input), as_tensor(mat1, "mat1"), as_tensor(mat2, "mat2")
    if a.ndim != 2 or b.ndim != 2:
        raise ShapeError(f"addmm(): mat1 and mat2 must be matrices, got {a.ndim}-D and {b.ndim}-D")
    if a.shape[1] != b.shape[0]:
        raise ShapeError(
            f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
            f"{b.shape[0]}x{b.shape[1]})"
        )
    shape = (a.shape[0], b.shape[1])
    if broadcast_pair(c.shape, shape) != shape:
        raise ShapeError(f"addmm(): input of shape {c.shape} does not broadcast to {shape}")
    for value, name in ((beta, "beta"), (alpha, "alpha")):
        if not is_number(value):
            raise ArgumentError(f"addmm(): {name} must be a number, got {value!r}")
    return _addmm(c, a, b, beta=float(beta), alpha=float(alpha))


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, composed as PyTorch composes it (``addmm`` for a batch of
    rows with a bias, ``matmul`` without), so the graph has PyTorch's node names."""
    from gradcalc.autograd.ops.shapes import reshape, t

    x, w = as_tensor(input), as_tensor(weight, "weight")
    if w.ndim != 2:
        raise ShapeError(
            f"linear(): weight must be a matrix (out_features, in_features), got {w.ndim}-D"
        )
    if x.ndim == 0:
        raise ShapeError("linear(): input must have at least 1 dimension, got a 0-D tensor")
    if x.shape[-1] != w.shape[1]:
        rows = x.shape[0] if x.ndim == 2 else int(np.prod(x.shape[:-1]))
        raise ShapeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} and "
            f"{w.shape[1]}x{w.shape[0]})",
            hint="the input's last dim must equal weight.shape[1] (in_features)",
        )
    if bias is None:
        return matmul(x, t(w))
    b = as_tensor(bias, "bias")
    if x.ndim == 2:
        return addmm(b, x, t(w))
    rows = reshape(x, -1, x.shape[-1])
    return reshape(addmm(b, rows, t(w)), *x.shape[:-1], w.shape[0])


_LETTERS = frozenset(string.ascii_letters)


def _einsum_term(text: str, ndim: int, index: int, ellipsis: str) -> str:
    """One operand's subscripts, ``...`` replaced by the letters of its broadcast dims."""
    if "..." in text:
        head, _, tail = text.partition("...")
        named = len(head) + len(tail)
        if named > ndim:
            raise ShapeError(
                f"einsum(): the number of subscripts in the equation ({named}) is more than the "
                f"number of dimensions ({ndim}) for operand {index}"
            )
        return head + ellipsis[len(ellipsis) - (ndim - named) :] + tail
    if len(text) != ndim:
        raise ShapeError(
            f"einsum(): the number of subscripts in the equation ({len(text)}) does not match "
            f"the number of dimensions ({ndim}) for operand {index} and no ellipsis was given",
            hint="one letter per dim of each operand, e.g. einsum('ij,jk->ik', a, b)",
        )
    return text


def _parse_einsum(equation: str, shapes: list) -> tuple[str, dict]:
    """PyTorch's equation -> an explicit numpy one (letters only) and each letter's size."""
    text = equation.replace(" ", "")
    for i, c in enumerate(text):
        if c not in _LETTERS and c not in ",.->":
            raise ArgumentError(
                f"einsum(): invalid subscript given at index {i} in the equation string, "
                "subscripts must be in [a-zA-Z]"
            )
    lhs, arrow, rhs = text.partition("->")
    if "->" in rhs or "-" in lhs or ">" in lhs:
        raise ArgumentError("einsum(): invalid equation: '->' may appear once")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise ArgumentError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise ArgumentError("einsum(): more operands were provided than specified in the equation")
    for term in [*terms, rhs]:
        if term.replace("...", "", 1).count(".") or term.count("...") > 1:
            raise ArgumentError("einsum(): found '.' for operand that is not part of any ellipsis")
    unused = [c for c in string.ascii_letters if c not in text]
    widest = max(
        (len(s) - len(t.replace("...", "")) for t, s in zip(terms, shapes) if "..." in t),
        default=0,
    )
    if widest > len(unused):
        raise ArgumentError("einsum(): too many dimensions for the letters a-z, A-Z")
    ellipsis = "".join(unused[:widest])
    terms = [_einsum_term(t, len(s), i, ellipsis) for i, (t, s) in enumerate(zip(terms, shapes))]
    sizes: dict = {}
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        own: dict = {}
        for c, n in zip(term, shape):
            if own.setdefault(c, n) != n:
                raise ShapeError(
                    f"einsum(): subscript {c} is repeated for operand {i} but the sizes don't "
                    f"match, {n} != {own[c]}"
                )
        for c, n in own.items():
            seen = sizes.get(c, n)
            if seen != n and seen != 1 and n != 1:
                raise ShapeError(
                    f"einsum(): subscript {c} has size {n} for operand {i} which does not "
                    f"broadcast with previously seen size {seen}"
                )
            sizes[c] = n if seen == 1 else seen
    if arrow:
        output = rhs.replace("...", ellipsis)
        for c in output:
            if c not in sizes:
                raise ArgumentError(
                    f"einsum(): output subscript {c} does not appear in the equation for any "
                    "input operand"
                )
            if output.count(c) > 1:
                raise ArgumentError(
                    f"einsum(): output subscript {c} appears more than once in the output"
                )
    else:  # implicit: the broadcast dims, then the letters used once, in alphabetical order
        counts = "".join(terms)
        output = ellipsis + "".join(
            sorted(c for c in set(counts) if counts.count(c) == 1 and c not in ellipsis)
        )
    return ",".join(terms) + "->" + output, sizes


def einsum(equation, *tensors):
    """Einstein summation: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``.

    Subscripts are letters, one per dim; a letter repeated in one operand takes its diagonal,
    letters missing from the output are summed; ``...`` stands for broadcast dims. Without
    ``->`` the output is the letters used once, in alphabetical order. The node is the one
    PyTorch's decomposition ends with: ``SumBackward1`` or ``PermuteBackward0`` for one
    operand, ``ViewBackward0`` (a contraction) or ``MulBackward0`` for several.
    """
    if not isinstance(equation, str):
        raise ArgumentError("einsum(): the equation must be a string, e.g. 'ij,jk->ik'")
    if len(tensors) == 1 and isinstance(tensors[0], list | tuple) and tensors[0]:
        if all(type(x) is Tensor for x in tensors[0]):
            tensors = tuple(tensors[0])  # PyTorch's older einsum(equation, [a, b])
    if not tensors:
        raise ArgumentError("einsum(): must provide at least one operand")
    operands = [as_tensor(x, "operand") for x in tensors]
    explicit, sizes = _parse_einsum(equation, [x.shape for x in operands])
    inputs, output = explicit.split("->")
    summed = set(inputs) - set(",") - set(output)
    check_elements(tuple(sizes[c] for c in output), "result")
    if len(operands) == 1:
        node = _EINSUM_SUM if summed else _EINSUM_PERMUTE
    else:
        node = _einsum if summed else _EINSUM_MUL
    return node(*operands, equation=explicit, sizes=sizes)
