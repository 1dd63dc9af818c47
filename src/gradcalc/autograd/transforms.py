"""Function transforms: ``torch.func`` on the engine, and ``torch.autograd.functional``
(``jacobians.py``) under the names the interpreter's modules use.

gradcalc has no functorch levels: ``grad`` calls the function on fresh leaves (or on views
that keep the graph when an input already requires grad, so that ``grad`` of ``grad``
and a backward through the result work), ``jacrev``/``jacfwd`` are the reverse-mode
Jacobian, ``vmap`` loops over the mapped dimension and stacks. Values, dtypes, node names
of the results and the argument errors are PyTorch's.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.declare import F
from gradcalc.autograd.jacobians import hessian, hvp, jacobian, jvp, vhp, vjp
from gradcalc.autograd.pytree import flatten, tree_map, unflatten
from gradcalc.autograd.settings import grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError, ValueDomainError


def _argnums(argnums, n: int):
    """``argnums`` checked and wrapped against ``n`` positional arguments, as torch.func."""
    if isinstance(argnums, bool) or not isinstance(argnums, int | tuple):
        raise AutogradError(
            f"argnums must be int or Tuple[int, ...], got: <class '{type(argnums).__name__}'>"
        )
    wrapped = tuple(_argnum(a, n) for a in argnums) if isinstance(argnums, tuple) else None
    if wrapped is None:
        return _argnum(argnums, n)
    if not wrapped:
        raise AutogradError("argnums must be non-empty")
    if len(set(wrapped)) != len(wrapped):
        raise AutogradError(f"argnums elements must be unique, got {wrapped}")
    return wrapped


def _argnum(argnum, n: int) -> int:
    if isinstance(argnum, bool) or not isinstance(argnum, int):
        raise AutogradError(f"argnum must be int, got: <class '{type(argnum).__name__}'>")
    if -n <= argnum < n:
        return argnum % n
    raise AutogradError(f"Got argnum={argnum}, but only {n} positional inputs")


def _detached(value):
    return tree_map(lambda v: make_tensor(v.array) if type(v) is Tensor else v, value)


def _differentiable(value, outer: bool):
    """A leaf to differentiate against (a view keeping the graph when ``outer``)."""
    if type(value) is not Tensor:
        raise AutogradError(
            f"Thing passed to transform API must be Tensor, got <class '{type(value).__name__}'>"
        )
    if outer and value._requires_grad:
        return F.view_as(value, value)
    return make_tensor(value.array, True)


def func_grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: a function returning (gradient, value); the
    differentiated arguments may be tuples, lists and dicts of tensors."""

    def wrapper(*args, **kwargs):
        nums = _argnums(argnums, len(args))
        chosen = nums if isinstance(nums, tuple) else (nums,)
        args = list(args)
        outer = any(
            type(t) is Tensor and t._requires_grad for i in chosen for t in flatten(args[i])[0]
        )
        with grad_mode(True):
            specs = []
            leaves: list = []
            for i in chosen:
                flat, spec = flatten(args[i])
                flat = [_differentiable(t, outer) for t in flat]
                args[i] = unflatten(spec, flat)
                specs.append((spec, len(flat)))
                leaves.extend(flat)
            output = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise AutogradError(
                        "grad_and_value(f)(*args): output of function f should be a tuple: "
                        "(output, aux) if has_aux is True"
                    )
                output, aux = output
            if type(output) is not Tensor:
                raise AutogradError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                    f"<class '{type(output).__name__}'>"
                )
            if output.array.ndim != 0:
                raise AutogradError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {output.array.ndim} dims. Maybe you wanted to use the vjp "
                    "or jacrev APIs instead?"
                )
            found = autograd_grad([output], leaves, create_graph=outer, allow_unused=True)
        grads = [
            g if g is not None else make_tensor(np.zeros_like(x.array))
            for g, x in zip(found, leaves)
        ]
        if not outer:
            grads, output, aux = _detached(grads), _detached(output), _detached(aux)
        structured = []
        for spec, n in specs:
            structured.append(unflatten(spec, grads[:n]))
            grads = grads[n:]
        result = tuple(structured) if isinstance(nums, tuple) else structured[0]
        return (result, (output, aux)) if has_aux else (result, output)

    return wrapper


def func_grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: a function returning the gradient of ``func``'s scalar output."""
    inner = func_grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def func_vjp(func, *primals, has_aux=False):
    """``torch.func.vjp``: (func(*primals), vjp_fn); ``vjp_fn(cotangents)`` takes one value
    shaped as the output (a tensor, or a tuple/dict of them) and returns one gradient per
    primal, shaped as that primal."""
    with grad_mode(True):
        structured = []
        leaves: list = []
        for p in primals:
            flat, spec = flatten(p)
            flat = [_differentiable(t, False) for t in flat]
            structured.append((spec, len(flat)))
            leaves.extend(flat)
        rebuilt = []
        rest = leaves
        for spec, n in structured:
            rebuilt.append(unflatten(spec, rest[:n]))
            rest = rest[n:]
        out = func(*rebuilt)
    aux = None
    if has_aux:
        out, aux = out
    outs = flatten(out)[0]

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        given = flatten(cotangents)[0]
        if len(given) != len(outs):
            raise AutogradError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                "outputs to the function."
            )
        pairs = [(o, g) for o, g in zip(outs, given) if o._requires_grad]
        found = (
            autograd_grad(
                [o for o, _ in pairs],
                leaves,
                [g for _, g in pairs],
                retain_graph=retain_graph,
                create_graph=bool(create_graph),
                allow_unused=True,
            )
            if pairs
            else (None,) * len(leaves)
        )
        grads = [
            (g if create_graph else make_tensor(g.array))
            if g is not None
            else make_tensor(np.zeros_like(x.array))
            for g, x in zip(found, leaves)
        ]
        result = []
        for spec, n in structured:
            result.append(unflatten(spec, grads[:n]))
            grads = grads[n:]
        return tuple(result)

    value = _detached(out)
    return (value, vjp_fn, _detached(aux)) if has_aux else (value, vjp_fn)


def func_jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``torch.func.jvp``: (func(*primals), J @ tangents)."""
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise AutogradError(
                f"jvp(f, primals, tangents): Expected {name} to be a tuple. E.g. it should be "
                "valid to call f(*primals)."
            )
    if len(primals) != len(tangents):
        raise AutogradError(
            "jvp(f, primals, tangents): Expected primals and tangents to have the same python "
            f"structure. For example, if primals is a tuple of 3 tensors, tangents also must "
            f"be. Got primals with structure {_structure(primals)} and tangents with structure "
            f"{_structure(tangents)}"
        )
    return jvp(func, primals, tangents)


def _structure(values: tuple) -> str:
    return "TreeSpec(tuple, None, [" + ",\n  ".join("*" for _ in values) + "])"


def func_linearize(func, *primals):
    """``torch.func.linearize``: (func(*primals), a function of the tangents)."""
    value = _detached(func(*primals))

    def jvp_fn(*tangents):
        return jvp(func, tuple(primals), tuple(tangents))[1]

    return value, jvp_fn


def func_jacrev(func, argnums=0, has_aux=False):
    """``torch.func.jacrev`` (and ``jacfwd``: the same values)."""

    def wrapper(*args):
        wrapped = _argnums(argnums, len(args))
        many = isinstance(wrapped, tuple)
        nums = wrapped if many else (wrapped,)
        aux = []

        def of_selected(*selected):
            full = list(args)
            for i, x in zip(nums, selected):
                full[i] = x
            out = func(*full)
            if has_aux:
                out, extra = out
                aux.append(extra)
            return out

        selected = tuple(args[i] for i in nums)
        outer = any(x._requires_grad for x in selected)
        result = jacobian(of_selected, selected if many else selected[0], create_graph=outer)
        return (result, _detached(aux[0])) if has_aux else result

    return wrapper


def func_hessian(func, argnums=0):
    """``torch.func.hessian``: jacfwd(jacrev(func))."""
    return func_jacrev(func_jacrev(func, argnums), argnums)


def _name(func) -> str:
    """A function's name as torch prints it in vmap's errors (``<lambda>``)."""
    name = getattr(func, "__name__", None) or getattr(func, "name", None)
    return name if isinstance(name, str) else "<function>"


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``torch.func.vmap``: ``func`` over one dimension of its inputs, results stacked.

    ``in_dims`` is one dim (or None) for every argument, or one per argument, each of which
    may be nested like its argument (a dict of dims for a dict of tensors); keyword
    arguments are passed unmapped. gradcalc loops over the mapped dimension and stacks
    the results along ``out_dims``.
    """

    def wrapper(*args, **kwargs):
        if isinstance(in_dims, tuple | list):
            if len(in_dims) != len(args):
                raise ValueDomainError(
                    f"vmap({_name(func)}, in_dims={tuple(in_dims)}, ...)(<inputs>): in_dims is "
                    "not compatible with the structure of `inputs`. in_dims has structure "
                    f"{len(in_dims)} but inputs has structure {len(args)}."
                )
            per_arg = list(in_dims)
        else:
            per_arg = [in_dims] * len(args)
        leaves, dims, specs = [], [], []
        for arg, dim in zip(args, per_arg):
            flat, spec = flatten(arg)
            flat_dims = (
                flatten(dim)[0] if isinstance(dim, tuple | list | dict) else [dim] * len(flat)
            )
            for leaf, d in zip(flat, flat_dims):
                if d is not None and type(leaf) is not Tensor:
                    raise ValueDomainError(
                        f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>): Got "
                        f"in_dim={d} for an input but the input is of type "
                        f"<class '{type(leaf).__name__}'>. We cannot vmap over non-Tensor "
                        "arguments, please use None as the respective in_dim"
                    )
            leaves.extend(flat)
            dims.extend(flat_dims)
            specs.append((spec, len(flat)))
        sizes = [x.array.shape[d] for x, d in zip(leaves, dims) if d is not None]
        if not sizes:
            raise ValueDomainError("vmap: Expected at least one Tensor to vmap over")
        if any(n != sizes[0] for n in sizes):
            raise ValueDomainError(
                "vmap: Expected all tensors to have the same size in the mapped dimension, "
                f"got sizes {sizes} for the mapped dimension"
            )
        results = []
        for k in range(sizes[0]):
            sliced = [x if d is None else F.select(x, d, k) for x, d in zip(leaves, dims)]
            rebuilt = []
            for spec, n in specs:
                rebuilt.append(unflatten(spec, sliced[:n]))
                sliced = sliced[n:]
            results.append(flatten(func(*rebuilt, **kwargs)))
        spec = results[0][1]
        count = len(results[0][0])
        out = out_dims if isinstance(out_dims, tuple | list) else (out_dims,) * count
        stacked = [F.stack(tuple(r[0][i] for r in results), out[i]) for i in range(count)]
        return unflatten(spec, stacked)

    return wrapper


__all__ = [
    "func_grad",
    "func_grad_and_value",
    "func_hessian",
    "func_jacrev",
    "func_jvp",
    "func_linearize",
    "func_vjp",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "vhp",
    "vjp",
    "vmap",
]
