"""Function transforms: ``torch.autograd.functional`` and ``torch.func``, on the engine.

Each takes a Python callable (a program's functions are Python callables) and calls it on
fresh leaves that require grad, then asks the engine for the derivatives: a Jacobian is
one ``autograd.grad`` per output element, a Jacobian-vector product is a vector-Jacobian
product differentiated once more (as PyTorch's ``autograd.functional.jvp`` does), ``vmap``
loops over the mapped dimension and stacks.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.declare import F
from gradcalc.autograd.settings import grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError


def _as_tuple(value, what: str) -> tuple[tuple, bool]:
    if type(value) is Tensor:
        return (value,), False
    if isinstance(value, tuple | list) and all(type(v) is Tensor for v in value):
        return tuple(value), True
    raise ArgumentError(
        f"The {what} given to jacobian must be either a Tensor or a tuple of Tensors but the "
        f"value at index 0 has type {type(value).__name__}."
    )


def _prepare(inputs: tuple, create_graph: bool) -> tuple:
    """Inputs the function is called on: fresh leaves, or views that keep the graph."""
    out = []
    for x in inputs:
        if create_graph and x._requires_grad:
            out.append(F.view_as(x, x) if hasattr(F, "view_as") else x)
        else:
            out.append(make_tensor(x.array, True) if x.array.dtype.kind == "f" else x)
    return tuple(out)


def _finish(value, create_graph: bool):
    if type(value) is Tensor:
        return value if create_graph else make_tensor(value.array)
    return tuple(_finish(v, create_graph) for v in value)


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """``torch.autograd.functional.jacobian``: d func(inputs) / d inputs."""
    inputs, tuple_in = _as_tuple(inputs, "inputs")
    with grad_mode(True):
        leaves = _prepare(inputs, create_graph)
        outputs = func(*leaves)
        outs, tuple_out = _as_tuple(outputs, "outputs of the user-provided function")
        rows = []
        for out in outs:
            per_input = [[] for _ in leaves]
            for k in range(out.array.size):
                if out._requires_grad:
                    seed = np.zeros(out.array.size, dtype=out.array.dtype)
                    seed[k] = 1
                    grads = autograd_grad(
                        [out],
                        list(leaves),
                        [make_tensor(seed.reshape(out.array.shape))],
                        retain_graph=True,
                        create_graph=create_graph,
                        allow_unused=True,
                    )
                else:
                    grads = (None,) * len(leaves)
                for i, (g, x) in enumerate(zip(grads, leaves)):
                    if g is None:
                        if strict:
                            raise AutogradError(
                                f"The output of the user-provided function is independent of "
                                f"input {i}. This is not allowed in strict mode."
                            )
                        g = make_tensor(np.zeros(x.array.shape, dtype=x.array.dtype))
                    per_input[i].append(g)
            blocks = []
            for i, x in enumerate(leaves):
                shape = tuple(out.array.shape) + tuple(x.array.shape)
                if not per_input[i]:
                    blocks.append(make_tensor(np.zeros(shape, dtype=x.array.dtype)))
                else:
                    blocks.append(F.reshape(F.stack(tuple(per_input[i]), 0), shape))
            rows.append(tuple(blocks))
    rows = [tuple(_finish(b, create_graph) for b in r) for r in rows]
    if not tuple_out and not tuple_in:
        return rows[0][0]
    if not tuple_out:
        return rows[0]
    if not tuple_in:
        return tuple(r[0] for r in rows)
    return tuple(rows)


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """``torch.autograd.functional.hessian`` of a function with one scalar output."""
    inputs_t, tuple_in = _as_tuple(inputs, "inputs")

    def gradient(*xs):
        out = func(*xs)
        if type(out) is not Tensor or out.array.size != 1:
            raise AutogradError(
                "The function given to hessian should return a single element Tensor or a "
                "Python scalar"
            )
        return jacobian(func, xs if tuple_in else xs[0], create_graph=True)

    return jacobian(gradient, inputs_t if tuple_in else inputs_t[0], create_graph=create_graph)


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vjp``: (func(inputs), v^T J)."""
    inputs_t, tuple_in = _as_tuple(inputs, "inputs")
    with grad_mode(True):
        leaves = _prepare(inputs_t, create_graph)
        outputs = func(*leaves)
        outs, tuple_out = _as_tuple(outputs, "outputs of the user-provided function")
        if v is None:
            if len(outs) != 1 or outs[0].array.size != 1:
                raise AutogradError(
                    "The vector v can only be None if the user-provided function returns a "
                    "single Tensor with a single element."
                )
            vs = [make_tensor(np.ones_like(outs[0].array))]
        else:
            vs = list(_as_tuple(v, "v")[0])
        grads = (
            autograd_grad(
                list(outs),
                list(leaves),
                vs,
                create_graph=create_graph,
                allow_unused=True,
                retain_graph=True,
            )
            if any(o._requires_grad for o in outs)
            else (None,) * len(leaves)
        )
        grads = tuple(
            g if g is not None else make_tensor(np.zeros_like(x.array))
            for g, x in zip(grads, leaves)
        )
    out_value = _finish(outs if tuple_out else outs[0], create_graph)
    result = _finish(grads if tuple_in else grads[0], create_graph)
    return out_value, result


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.jvp``: (func(inputs), J v), by the double-vjp trick."""
    inputs_t, tuple_in = _as_tuple(inputs, "inputs")
    vs = (
        list(_as_tuple(v, "v")[0])
        if v is not None
        else [make_tensor(np.ones_like(x.array)) for x in inputs_t]
    )
    with grad_mode(True):
        leaves = _prepare(inputs_t, True)
        outputs = func(*leaves)
        outs, tuple_out = _as_tuple(outputs, "outputs of the user-provided function")
        dummies = [make_tensor(np.zeros_like(o.array), True) for o in outs]
        grads = autograd_grad(
            list(outs), list(leaves), dummies, create_graph=True, allow_unused=True
        )
        pairs = [(g, v_) for g, v_ in zip(grads, vs) if g is not None]
        if pairs:
            results = autograd_grad(
                [g for g, _ in pairs],
                dummies,
                [v_ for _, v_ in pairs],
                create_graph=create_graph,
                allow_unused=True,
            )
        else:
            results = (None,) * len(outs)
        results = tuple(
            r if r is not None else make_tensor(np.zeros_like(o.array))
            for r, o in zip(results, outs)
        )
    return _finish(outs if tuple_out else outs[0], create_graph), _finish(
        results if tuple_out else results[0], create_graph
    )


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vhp``: (func(inputs), v^T H)."""
    inputs_t, tuple_in = _as_tuple(inputs, "inputs")

    def gradient(*xs):
        return jacobian(func, xs if tuple_in else xs[0], create_graph=True)

    value = func(*inputs_t)
    _, product = vjp(gradient, inputs_t if tuple_in else inputs_t[0], v, create_graph=create_graph)
    return _finish(value, create_graph), product


hvp = vhp  # the Hessian is symmetric: H v == v^T H


# ---- torch.func ------------------------------------------------------------------------------


def _argnums_tuple(argnums) -> tuple[tuple, bool]:
    if isinstance(argnums, int):
        return (argnums,), False
    return tuple(argnums), True


def func_grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: a function returning (gradient, value)."""

    def wrapper(*args, **kwargs):
        nums, many = _argnums_tuple(argnums)
        args = list(args)
        outer = any(type(args[i]) is Tensor and args[i]._requires_grad for i in nums)
        with grad_mode(True):
            for i in nums:
                x = args[i]
                args[i] = (
                    F.view_as(x, x) if outer and x._requires_grad else make_tensor(x.array, True)
                )
            result = func(*args, **kwargs)
            aux = None
            if has_aux:
                result, aux = result
            if type(result) is not Tensor or result.array.size != 1:
                raise AutogradError(
                    "grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, "
                    f"got tensor with {len(result.shape) if type(result) is Tensor else 0} dims"
                )
            grads = autograd_grad(
                [result], [args[i] for i in nums], create_graph=outer, allow_unused=True
            )
        grads = tuple(
            g if g is not None else make_tensor(np.zeros_like(args[i].array))
            for g, i in zip(grads, nums)
        )
        grads = grads if many else grads[0]
        value = result if outer else make_tensor(result.array)
        if not outer:
            grads = _finish(grads, False)
        return (grads, (value, aux)) if has_aux else (grads, value)

    return wrapper


def func_grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: a function returning the gradient of ``func``'s scalar output."""
    inner = func_grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        g, value = inner(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    return wrapper


def func_vjp(func, *primals, has_aux=False):
    """``torch.func.vjp``: (func(*primals), vjp_fn)."""
    with grad_mode(True):
        leaves = tuple(make_tensor(p.array, True) for p in primals)
        out = func(*leaves)
    aux = None
    if has_aux:
        out, aux = out

    def vjp_fn(*cotangents):
        outs = [out] if type(out) is Tensor else list(out)
        grads = autograd_grad(
            outs, list(leaves), list(cotangents), retain_graph=True, allow_unused=True
        )
        return tuple(
            make_tensor(g.array) if g is not None else make_tensor(np.zeros_like(x.array))
            for g, x in zip(grads, leaves)
        )

    value = _finish(out, False)
    return (value, vjp_fn, aux) if has_aux else (value, vjp_fn)


def func_jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``torch.func.jvp``: (func(*primals), J @ tangents)."""
    primals = tuple(primals)
    tangents = tuple(tangents)
    return jvp(func, primals, tangents)


def func_linearize(func, *primals):
    """``torch.func.linearize``: (func(*primals), a function of the tangents)."""
    value = _finish(func(*primals), False)

    def jvp_fn(*tangents):
        return jvp(func, tuple(primals), tuple(tangents))[1]

    return value, jvp_fn


def func_jacrev(func, argnums=0, has_aux=False):
    """``torch.func.jacrev`` (and ``jacfwd``: the same values)."""

    def wrapper(*args):
        nums, many = _argnums_tuple(argnums)

        def of_selected(*selected):
            full = list(args)
            for i, x in zip(nums, selected):
                full[i] = x
            return func(*full)

        selected = tuple(args[i] for i in nums)
        outer = any(x._requires_grad for x in selected)
        result = jacobian(of_selected, selected if many else selected[0], create_graph=outer)
        return result

    return wrapper


def func_hessian(func, argnums=0):
    """``torch.func.hessian``: jacfwd(jacrev(func))."""
    return func_jacrev(func_jacrev(func, argnums), argnums)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """``torch.func.vmap``: ``func`` over one dimension of its inputs, results stacked."""

    def wrapper(*args):
        dims = in_dims if isinstance(in_dims, tuple | list) else (in_dims,) * len(args)
        sizes = {
            a.array.shape[d] for a, d in zip(args, dims) if d is not None and type(a) is Tensor
        }
        if len(sizes) != 1:
            raise ArgumentError(
                "vmap: Expected all tensors to have the same size in the mapped dimension, "
                f"got sizes {sorted(sizes)} for the mapped dimension"
            )
        (n,) = sizes
        results = []
        for k in range(n):
            sliced = [
                F.select(a, d, k) if d is not None and type(a) is Tensor else a
                for a, d in zip(args, dims)
            ]
            results.append(func(*sliced))
        if type(results[0]) is Tensor:
            return F.stack(tuple(results), out_dims)
        return tuple(
            F.stack(tuple(r[i] for r in results), out_dims) for i in range(len(results[0]))
        )

    return wrapper
