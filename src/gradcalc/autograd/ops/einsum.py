"""``torch.einsum``: PyTorch 2.13's algorithm step by step, as a composite.

Each operand is brought to one common dim order (diagonals for repeated subscripts, size-1
dims for missing ones, one permute), then the operands are contracted left to right in
pairs (``sumproduct_pair``: a permute, a reshape and ``bmm``, or ``mul`` when nothing is
summed), so the graph has PyTorch's nodes (``ViewBackward0`` over ``PermuteBackward0`` over
``BmmBackward0``...) and every derivative is one the core already has. Before anything runs,
the contraction's multiply-adds are counted and checked against ``--max-work``.

Reference: ``einsum`` and ``sumproduct_pair`` in aten/src/ATen/native/Linear.cpp, and
``torch.functional.einsum`` (the Python front end: operand lists, the sublist format), at
github.com/pytorch/pytorch. PyTorch orders contractions with opt_einsum when it is
installed; gradcalc does as PyTorch without it (left to right).
"""

from __future__ import annotations

import math

from gradcalc.autograd.declare import OPS, Composite, F
from gradcalc.autograd.settings import check_work
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, EvaluationError, ShapeError, ValueDomainError

_LETTERS = 26
_TOTAL = 2 * _LETTERS
_ELLIPSIS = _TOTAL


def _subscript(label: str) -> int:
    """``A``-``Z`` -> 0-25, ``a``-``z`` -> 26-51 (PyTorch's order for implicit outputs)."""
    return ord(label) - ord("A") if label.isupper() else ord(label) - ord("a") + _LETTERS


def _label(s: int) -> str:
    return chr(ord("A") + s) if s < _LETTERS else chr(ord("a") + s - _LETTERS)


def _fail(text: str) -> EvaluationError:
    return EvaluationError(f"einsum(): {text}")


def _is_letter(c: str) -> bool:
    return c.isascii() and c.isalpha()


def _parse_inputs(lhs: str, count: int) -> list:
    labels: list = [[] for _ in range(count)]
    current = 0
    ellipsis = False
    i = 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ellipsis:
                raise _fail(
                    f"found '.' for operand {current} for which an ellipsis was already found"
                )
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise _fail(f"found '.' for operand {current} that is not part of any ellipsis")
            i += 2
            labels[current].append(_ELLIPSIS)
            ellipsis = True
        elif c == ",":
            current += 1
            if current >= count:
                raise _fail("fewer operands were provided than specified in the equation")
            ellipsis = False
        elif _is_letter(c):
            labels[current].append(_subscript(c))
        else:
            raise _fail(
                f"invalid subscript given at index {i} in the equation string, subscripts "
                "must be in [a-zA-Z]"
            )
        i += 1
    if current != count - 1:
        raise _fail("more operands were provided than specified in the equation")
    return labels


class _Plan:
    """Where each subscript goes in the common dim order, and how many dims are output."""

    def __init__(self, equation: str, shapes: list) -> None:
        arrow = equation.find("->")
        lhs = equation if arrow < 0 else equation[:arrow]
        self.labels = _parse_inputs(lhs, len(shapes))
        counts = [0] * _TOTAL
        ell_dims = 0
        for i, (labels, shape) in enumerate(zip(self.labels, shapes)):
            named = sum(1 for s in labels if s != _ELLIPSIS)
            has_ellipsis = _ELLIPSIS in labels
            if has_ellipsis:
                ell_dims = max(ell_dims, len(shape) - named)
            for s in labels:
                if s != _ELLIPSIS:
                    counts[s] += 1
            if (named > len(shape)) if has_ellipsis else (named != len(shape)):
                relation = "is more than" if has_ellipsis else "does not match"
                tail = "" if has_ellipsis else " and no ellipsis was given"
                raise _fail(
                    f"the number of subscripts in the equation ({named}) {relation} the number "
                    f"of dimensions ({len(shape)}) for operand {i}{tail}"
                )
        self.ell_dims = ell_dims
        position = [-1] * _TOTAL
        index = 0
        ell_index = 0
        ell_in_output = False
        if arrow < 0:
            index = ell_dims
            ell_in_output = True
            for s in range(_TOTAL):
                if counts[s] == 1:
                    position[s] = index
                    index += 1
        else:
            rhs = equation[arrow + 2 :]
            i = 0
            while i < len(rhs):
                c = rhs[i]
                if c == " ":
                    pass
                elif c == ".":
                    if ell_in_output:
                        raise _fail("found '.' for output but an ellipsis (...) was already found")
                    if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                        raise _fail("found '.' for output that is not part of any ellipsis (...)")
                    i += 2
                    ell_index = index
                    index += ell_dims
                    ell_in_output = True
                elif _is_letter(c):
                    s = _subscript(c)
                    if counts[s] == 0 or position[s] != -1:
                        why = (
                            "appears more than once in the output"
                            if position[s] != -1
                            else "does not appear in the equation for any input operand"
                        )
                        raise _fail(f"output subscript {c} {why}")
                    position[s] = index
                    index += 1
                else:
                    raise _fail(
                        f"invalid subscript given at index {len(lhs) + 2 + i} in the equation "
                        "string, subscripts must be in [a-zA-Z]"
                    )
                i += 1
        self.out_dims = index
        if not ell_in_output:
            ell_index = index
            index += ell_dims
        for s in range(_TOTAL):
            if counts[s] > 0 and position[s] == -1:
                position[s] = index
                index += 1
        self.position = position
        self.ell_index = ell_index
        self.total = index


def _align(plan: _Plan, operands: list) -> tuple:
    """Each operand with diagonals taken, missing dims added and permuted to the common order;
    and how many operands have each common dim with a size other than 1."""
    sizes = [1] * _TOTAL
    ell_sizes = [1] * plan.ell_dims
    counts = [0] * plan.total
    aligned = []
    for i, (op, labels) in enumerate(zip(operands, plan.labels)):
        original_ndim = len(op.shape)
        permutation = [-1] * plan.total
        dim = 0
        for s in labels:
            if s == _ELLIPSIS:
                covered = original_ndim - (len(labels) - 1)
                for j in range(plan.ell_dims - covered, plan.ell_dims):
                    n = op.shape[dim]
                    if n != 1:
                        if ell_sizes[j] not in (1, n):
                            raise ShapeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {i}"
                                f"has size {n} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective dimension"
                            )
                        ell_sizes[j] = n
                        counts[plan.ell_index + j] += 1
                    permutation[plan.ell_index + j] = dim
                    dim += 1
            elif permutation[plan.position[s]] == -1:
                n = op.shape[dim]
                if n != 1:
                    if sizes[s] not in (1, n):
                        raise ShapeError(
                            f"einsum(): subscript {_label(s)} has size {n} for operand {i} which "
                            f"does not broadcast with previously seen size {sizes[s]}"
                        )
                    sizes[s] = n
                    counts[plan.position[s]] += 1
                permutation[plan.position[s]] = dim
                dim += 1
            else:
                previous = permutation[plan.position[s]]
                n, m = op.shape[dim], op.shape[previous]
                if n != m:
                    raise ShapeError(
                        f"einsum(): subscript {_label(s)} is repeated for operand {i} but the "
                        f"sizes don't match, {n} != {m}"
                    )
                op = F.movedim(F.diagonal(op, 0, previous, dim), (-1,), (previous,))
        for k, value in enumerate(permutation):
            if value == -1:
                op = F.unsqueeze(op, dim)
                permutation[k] = dim
                dim += 1
        aligned.append((op, tuple(permutation)))
    return aligned, counts


def _pair_dims(plan: _Plan, a: tuple, b: tuple, counts: list) -> tuple:
    """PyTorch's choice of dims to sum in a, in b, and in their product (updates counts)."""
    summed, a_only, b_only = [], [], []
    for d in range(plan.out_dims, plan.total):
        if a[d] != 1 and b[d] != 1:
            counts[d] -= 1
            if counts[d] == 1:
                summed.append(d)
                counts[d] = 0
        elif counts[d] == 1:
            if a[d] != 1:
                a_only.append(d)
                counts[d] = 0
            elif b[d] != 1:
                b_only.append(d)
                counts[d] = 0
    return summed, a_only, b_only


def _work(plan: _Plan, shapes: list, counts: list) -> int:
    """Multiply-adds of the pairwise contraction (each step: the product of the sizes of
    every dim either operand has), computed on shapes before anything runs."""
    counts = list(counts)
    total = 0
    current = shapes[0]
    for other in shapes[1:]:
        summed, a_only, b_only = _pair_dims(plan, current, other, counts)
        a = [1 if d in a_only else n for d, n in enumerate(current)]
        b = [1 if d in b_only else n for d, n in enumerate(other)]
        total += math.prod(max(x, y) for x, y in zip(a, b))
        current = tuple(1 if d in summed else max(x, y) for d, (x, y) in enumerate(zip(a, b)))
    return total


def _sumproduct_pair(left, right, sum_dims: list):
    """``(left * right).sum(sum_dims, keepdim=True)`` through ``bmm`` (PyTorch's)."""
    if not sum_dims:
        return F.mul(left, right)
    ndim = len(left.shape)
    lro, lo, ro = [], [], []
    lro_size = lo_size = ro_size = sum_size = 1
    for i in range(ndim):
        sl, sr = left.shape[i] != 1, right.shape[i] != 1
        if i in sum_dims:
            if sl and sr:
                sum_size *= left.shape[i]
            elif sl:
                left = F.sum_dim(left, (i,), True)
            elif sr:
                right = F.sum_dim(right, (i,), True)
        elif sl and sr:
            lro.append(i)
            lro_size *= left.shape[i]
        elif sl:
            lo.append(i)
            lo_size *= left.shape[i]
        else:
            ro.append(i)
            ro_size *= right.shape[i]
    out_size = (
        [left.shape[d] for d in lro]
        + [left.shape[d] for d in lo]
        + [1] * len(sum_dims)
        + [right.shape[d] for d in ro]
    )
    lperm = lro + lo + list(sum_dims) + ro
    rperm = lro + list(sum_dims) + ro + lo
    operm = [0] * len(lperm)
    for k, d in enumerate(lro + lo + list(sum_dims) + ro):
        operm[d] = k
    left = F.reshape(F.permute(left, tuple(lperm)), (lro_size, lo_size, sum_size))
    right = F.reshape(F.permute(right, tuple(rperm)), (lro_size, sum_size, ro_size))
    result = F.bmm(left, right)
    return F.permute(F.view(result, tuple(out_size)), tuple(operm))


def _einsum(equation: str, operands: tuple):
    if not operands:
        raise _fail("must provide at least one operand")
    for t in operands:
        if type(t) is not Tensor:
            raise ArgumentError(
                f"einsum(): argument 'tensors' must be tuple of Tensors, not {type(t).__name__}"
            )
    plan = _Plan(equation, [tuple(t.shape) for t in operands])
    aligned, counts = _align(plan, list(operands))
    shapes = [_permuted_shape(op.shape, perm) for op, perm in aligned]
    check_work(_work(plan, shapes, counts), "einsum")
    ops = [F.permute(op, perm) for op, perm in aligned]
    while len(ops) > 1:
        a, b = ops[0], ops[1]
        del ops[:2]
        summed, a_only, b_only = _pair_dims(plan, tuple(a.shape), tuple(b.shape), counts)
        if a_only:
            a = F.sum_dim(a, tuple(a_only), True)
        if b_only:
            b = F.sum_dim(b, tuple(b_only), True)
        ops.insert(0, _sumproduct_pair(a, b, summed))
    result = ops[0]
    if plan.total > plan.out_dims:
        if len(operands) > 1:
            return F.view(result, tuple(result.shape[: plan.out_dims]))
        return F.sum_dim(result, tuple(range(plan.out_dims, plan.total)), False)
    return result


def _permuted_shape(shape, permutation) -> tuple:
    return tuple(shape[p] for p in permutation)


def _from_sublists(args: tuple) -> tuple:
    """``einsum(a, [0, 1], b, [1, 2], [0, 2])`` -> ``("Ab,bc->ac"-style equation, operands)``."""

    def letters(sublist) -> str:
        out = []
        for n in sublist:
            if n is Ellipsis:
                out.append("...")
            elif isinstance(n, int) and 0 <= n < _TOTAL:
                out.append(_label(n))
            else:
                raise ValueDomainError(
                    "einsum(): subscript in subscript list is not within the valid range [0, 52)"
                )
        return "".join(out)

    operands = args[0::2]
    sublists = args[1::2]
    lhs = ",".join(letters(s) for s in sublists[: len(operands)])
    equation = lhs
    if len(args) % 2 == 1:
        operands = args[0:-1:2]
        lhs = ",".join(letters(s) for s in args[1:-1:2])
        equation = lhs + "->" + letters(args[-1])
    return equation, tuple(operands)


class _EinsumComposite(Composite):
    """``torch.einsum(equation, *operands)``: operands as separate arguments or one list,
    or PyTorch's sublist format."""

    def __call__(self, *args, **kwargs):
        if kwargs:
            raise ArgumentError(
                f"einsum() got an unexpected keyword argument '{next(iter(kwargs))}'"
            )
        if len(args) < 2:
            raise ValueDomainError(
                "einsum(): must specify the equation string and at least one operand, or at "
                "least one operand and its subscripts list"
            )
        if type(args[0]) is Tensor:
            equation, operands = _from_sublists(args)
        elif isinstance(args[0], str):
            equation, operands = args[0], args[1:]
            if len(operands) == 1 and isinstance(operands[0], list | tuple):
                operands = tuple(operands[0])
        else:
            raise ArgumentError(
                f"einsum(): argument 'equation' (position 1) must be str, not "
                f"{type(args[0]).__name__}"
            )
        return _einsum(equation, tuple(operands))

    def raw(self, *args, **kwargs):
        return self(*args, **kwargs)


einsum = _EinsumComposite(
    "einsum(str equation, Tensor[] tensors) -> Tensor",
    _einsum,
    method=False,
    doc="Einstein summation: einsum('ij,jk->ik', a, b) is a @ b.",
    example="torch.einsum('ij,jk->ik', B, A)",
)
OPS[einsum.name] = einsum
F._register(einsum)
