"""``torch.func``: grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd, hessian, vmap.

PyTorch implements these with functorch's levels (``torch/_functorch/eager_transforms.py``
and ``vmap.py``, torch 2.13); here each transform runs the program's function once on inputs
it can differentiate and asks ``autograd.grad``, which gives the same values:

- an input a transform differentiates is a fresh leaf, or a view of the input when an outer
  transform or PyTorch's own autograd tracks it (so ``jacrev(jacrev(f))`` and ``grad`` of a
  tensor that requires grad compose); results are detached unless something outside tracks
  the inputs;
- arguments may be pytrees (tuples, lists, dicts of tensors) and each position is its own
  input, even when the same tensor is passed twice;
- ``argnums``, ``has_aux``, output and pytree checks raise PyTorch's errors;
- ``vmap`` runs the function once per index of the mapped dimension and stacks the results.
  Unlike PyTorch's batching, a function that frees its graph (``autograd.grad`` without
  ``retain_graph``) can run only once.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.declare import F
from gradcalc.autograd.settings import STATE, grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError, ValueDomainError
from gradcalc.interpreter.functional import python_type

# ---- pytrees: tuples, lists and dicts of leaves --------------------------------------------


def flatten(tree) -> tuple[list, object]:
    """(the leaves, depth first; the structure), as ``torch.utils._pytree.tree_flatten``."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves: list):
    if isinstance(tree, tuple | list):
        return (type(tree), None, [_flatten(t, leaves) for t in tree])
    if isinstance(tree, dict):
        return (dict, list(tree), [_flatten(v, leaves) for v in tree.values()])
    leaves.append(tree)
    return None


def unflatten(leaves, spec):
    iterator = iter(leaves)
    return _unflatten(iterator, spec)


def _unflatten(leaves, spec):
    if spec is None:
        return next(leaves)
    kind, keys, children = spec
    values = [_unflatten(leaves, child) for child in children]
    if kind is dict:
        return dict(zip(keys, values))
    return kind(values)


def tree_map(fn, tree):
    leaves, spec = flatten(tree)
    return unflatten([fn(leaf) for leaf in leaves], spec)


def _broadcast(prefix, spec) -> list | None:
    """``prefix`` (an int, None, or a tree shaped like a prefix of ``spec``) per leaf."""
    if spec is None:
        return [prefix] if not isinstance(prefix, tuple | list | dict) else None
    if not isinstance(prefix, tuple | list | dict):
        return [prefix] * _count(spec)
    kind, keys, children = spec
    if kind is dict:
        if not isinstance(prefix, dict) or list(prefix) != keys:
            return None
        parts = list(prefix.values())
    else:
        if isinstance(prefix, dict) or len(prefix) != len(children):
            return None
        parts = list(prefix)
    out: list = []
    for part, child in zip(parts, children):
        found = _broadcast(part, child)
        if found is None:
            return None
        out.extend(found)
    return out


def _count(spec) -> int:
    return 1 if spec is None else sum(_count(child) for child in spec[2])


def _spec_text(spec) -> str:
    if spec is None:
        return "*"
    kind, keys, children = spec
    inner = ", ".join(_spec_text(child) for child in children)
    if kind is dict:
        inner = ", ".join(f"{k!r}: {_spec_text(c)}" for k, c in zip(keys, children))
        return "{" + inner + "}"
    return f"({inner}{',' if len(children) == 1 else ''})" if kind is tuple else f"[{inner}]"


# ---- differentiating inside a transform ----------------------------------------------------


def _tracked(*trees) -> bool:
    """Whether something outside the transform differentiates through these arguments."""
    if not STATE.grad_enabled:
        return False
    return any(type(leaf) is Tensor and leaf.requires_grad for t in trees for leaf in flatten(t)[0])


def _differentiable(x):
    if type(x) is not Tensor:
        raise ValueDomainError(
            f"Thing passed to transform API must be Tensor, got {python_type(x)}"
        )
    if x.requires_grad:
        return F.view_as(x, x)  # the outer level keeps its path to x
    return F.detach(x).requires_grad_(True)


def _undo(tree, tracked: bool):
    """The transform's results as its caller sees them: plain values unless tracked outside."""
    if tracked:
        return tree
    return tree_map(lambda leaf: F.detach(leaf) if type(leaf) is Tensor else leaf, tree)


def _grads(outputs: list, inputs: list, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` with zeros for inputs the outputs do not depend on."""
    wanted = [i for i, o in enumerate(outputs) if o.requires_grad]
    if wanted:
        found = autograd_grad(
            [outputs[i] for i in wanted],
            list(inputs),
            None if grad_outputs is None else [grad_outputs[i] for i in wanted],
            retain_graph=retain_graph,
            create_graph=create_graph,
            allow_unused=True,
        )
    else:
        found = (None,) * len(inputs)
    return [F.zeros_like(x) if g is None else g for g, x in zip(found, inputs)]


# ---- argnums ----------------------------------------------------------------------------------


def _wrap_argnum(argnum, count: int) -> int:
    if not isinstance(argnum, int) or isinstance(argnum, bool):
        raise AutogradError(f"argnum must be int, got: {python_type(argnum)}")
    if 0 <= argnum < count:
        return argnum
    if -count <= argnum < 0:
        return argnum + count
    raise AutogradError(f"Got argnum={argnum}, but only {count} positional inputs")


def _checked_argnums(argnums, count: int):
    if not isinstance(argnums, int | tuple):
        raise AutogradError(f"argnums must be int or Tuple[int, ...], got: {python_type(argnums)}")
    if isinstance(argnums, int):
        return _wrap_argnum(argnums, count)
    wrapped = tuple(_wrap_argnum(a, count) for a in argnums)
    if not wrapped:
        raise AutogradError("argnums must be non-empty")
    if len(set(wrapped)) != len(wrapped):
        raise AutogradError(f"argnums elements must be unique, got {wrapped}")
    return wrapped


def _with_differentiable(args: tuple, argnums):
    """(args with the argnums made differentiable, those differentiable inputs as a tree)."""
    argnums = _checked_argnums(argnums, len(args))
    args = list(args)
    if isinstance(argnums, int):
        diff = args[argnums] = tree_map(_differentiable, args[argnums])
    else:
        for i in argnums:
            args[i] = tree_map(_differentiable, args[i])
        diff = tuple(args[i] for i in argnums)
    return tuple(args), diff


# ---- grad, grad_and_value ---------------------------------------------------------------------


def grad_and_value(func, argnums=0, has_aux=False):
    def wrapper(*args, **kwargs):
        api = "grad_and_value(f)(*args)"
        tracked = _tracked(args, kwargs)
        with grad_mode(True):
            args, diff = _with_differentiable(args, argnums)
            with _CaptureGuard(func, args):
                output = func(*args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise AutogradError(
                        f"{api}: output of function f should be a tuple: (output, aux) if "
                        "has_aux is True"
                    )
                output, aux = output
            if type(output) is not Tensor:
                raise AutogradError(
                    f"{api}: Expected f(*args) to return a Tensor, got {python_type(output)}"
                )
            if output.array.ndim != 0:
                raise AutogradError(
                    f"{api}: Expected f(*args) to return a scalar Tensor, got tensor with "
                    f"{output.array.ndim} dims. Maybe you wanted to use the vjp or jacrev APIs "
                    "instead?"
                )
            flat, spec = flatten(diff)
            grads = unflatten(_grads([output], flat, create_graph=tracked), spec)
        grads, output = _undo(grads, tracked), _undo(output, tracked)
        if has_aux:
            return grads, (output, _undo(aux, tracked))
        return grads, output

    return wrapper


def grad(func, argnums=0, has_aux=False):
    inner = grad_and_value(func, argnums, has_aux)

    def wrapper(*args, **kwargs):
        grads, value = inner(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


# ---- vjp ----------------------------------------------------------------------------------------


def _outputs_of(output, api: str) -> tuple[list, object]:
    flat, spec = flatten(output)
    if not flat or (len(flat) == 1 and flat[0] is None):
        raise AutogradError(
            f"{api}: Expected f to be a function that has non-empty output (got output = {flat})"
        )
    for leaf in flat:
        if type(leaf) is not Tensor:
            raise AutogradError(
                f"{api}: expected f(*primals) to return only tensors, got unsupported type "
                f"{python_type(leaf)}"
            )
    return flat, spec


def vjp(func, *primals, has_aux=False):
    api = "vjp(f, *primals)"
    tracked = _tracked(primals)
    with grad_mode(True):
        diff = tree_map(_differentiable, primals)
        with _CaptureGuard(func, diff):
            output = func(*diff)
        aux = None
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise AutogradError(
                    "vjp(f, *primals): output of function f should be a tuple: (output, aux) "
                    "if has_aux is True"
                )
            output, aux = output
        flat_out, out_spec = _outputs_of(output, api)
        for leaf in flat_out:
            if leaf.array.dtype.kind != "f":
                raise AutogradError(
                    "vjp(f, ...): All outputs of f must be floating-point or complex Tensors, "
                    f"got Tensor with dtype {leaf.dtype}"
                )
    flat_diff, diff_spec = flatten(diff)

    def vjp_fn(cotangents, retain_graph=True, create_graph=None):
        flat_cot, cot_spec = flatten(cotangents)
        if cot_spec != out_spec:
            raise AutogradError(
                "Expected pytree structure of cotangents to be the same as pytree structure of "
                f"outputs to the function. cotangents: {_spec_text(cot_spec)}, primal output: "
                f"{_spec_text(out_spec)}"
            )
        keep = tracked if create_graph is None else bool(create_graph)
        grads = _grads(flat_out, flat_diff, flat_cot, create_graph=keep, retain_graph=retain_graph)
        return _undo(unflatten(grads, diff_spec), keep)

    result = _undo(output, tracked)
    if has_aux:
        return result, vjp_fn, _undo(aux, tracked)
    return result, vjp_fn


# ---- jacrev, jacfwd, hessian -------------------------------------------------------------------


def _jacobian_maker(api: str):
    def make(
        func,
        argnums=0,
        *,
        has_aux=False,
        chunk_size=None,
        randomness="error",
        _preallocate_and_copy=False,
    ):
        def wrapper(*args):
            tracked = _tracked(args)
            with grad_mode(True):
                args, diff = _with_differentiable(args, argnums)
                with _CaptureGuard(func, args):
                    output = func(*args)
                aux = None
                if has_aux:
                    if not (isinstance(output, tuple) and len(output) == 2):
                        raise AutogradError(
                            f"{api}: output of function f should be a tuple: (output, aux) if "
                            "has_aux is True"
                        )
                    output, aux = output
                flat_out, out_spec = _outputs_of(output, f"{api}(f, *primals)")
                flat_diff, diff_spec = flatten(diff)
                per_output = []
                for out in flat_out:
                    rows: list[list] = [[] for _ in flat_diff]
                    flat = F.reshape(out, (-1,))
                    for j in range(out.array.size):
                        element = [F.select(flat, 0, j)]
                        grads = _grads(element, flat_diff, create_graph=tracked, retain_graph=True)
                        for row, g in zip(rows, grads):
                            row.append(g)
                    jacobians = [
                        F.view(F.stack(tuple(row), 0), (*out.shape, *x.shape))
                        if row
                        else make_tensor(np.zeros((*out.shape, *x.shape), x.array.dtype))
                        for row, x in zip(rows, flat_diff)
                    ]
                    per_output.append(unflatten(jacobians, diff_spec))
                result = unflatten(per_output, out_spec)
            result = _undo(result, tracked)
            return (result, _undo(aux, tracked)) if has_aux else result

        return wrapper

    return make


jacrev = _jacobian_maker("jacrev")
jacfwd = _jacobian_maker("jacfwd")


def hessian(func, argnums=0):
    return jacfwd(jacrev(func, argnums), argnums)


# ---- jvp, linearize --------------------------------------------------------------------------


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    api = "jvp(f, primals, tangents)"
    if not isinstance(primals, tuple):
        raise AutogradError(
            f"{api}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    flat_primals, primals_spec = flatten(primals)
    flat_tangents, tangents_spec = flatten(tangents)
    if primals_spec != tangents_spec:
        raise AutogradError(
            f"{api}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {_spec_text(primals_spec)} and tangents with structure "
            f"{_spec_text(tangents_spec)}"
        )
    for name, flat in (("primals", flat_primals), ("tangents", flat_tangents)):
        if not flat:
            raise AutogradError(f"{api}: Expected {name} to contain at least one Tensor.")
        for leaf in flat:
            if type(leaf) is not Tensor:
                raise AutogradError(
                    f"{api}: Expected {name} to only contain Tensors, got {python_type(leaf)}"
                )
    tracked = _tracked(primals, tangents)
    with grad_mode(True):
        diff = tree_map(_differentiable, primals)
        with _CaptureGuard(func, diff):
            output = func(*diff)
        aux = None
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise AutogradError(
                    f"{api}: output of function f should be a tuple: (output, aux) if has_aux "
                    "is True"
                )
            output, aux = output
        flat_out, out_spec = _outputs_of(output, api)
        flat_diff = flatten(diff)[0]
        # the double-backward trick: J t is the gradient of (u^T J) t with respect to u
        dummies = [F.zeros_like(o).requires_grad_(True) for o in flat_out]
        backs = _grads(flat_out, flat_diff, dummies, create_graph=True)
        pairs = [(b, t) for b, t in zip(backs, flat_tangents) if b.requires_grad]
        if pairs:
            found = autograd_grad(
                [b for b, _ in pairs],
                dummies,
                [t for _, t in pairs],
                create_graph=tracked,
                allow_unused=True,
            )
        else:
            found = (None,) * len(dummies)
        tangents_out = []
        for g, o in zip(found, flat_out):
            if g is None:
                if strict:
                    raise AutogradError(
                        "jvp(f, primals, tangents, strict=True): The output of f is independent "
                        "of the inputs. This is not allowed with strict=True."
                    )
                g = F.zeros_like(o)
            tangents_out.append(g)
    result = (_undo(output, tracked), _undo(unflatten(tangents_out, out_spec), tracked))
    return (*result, _undo(aux, tracked)) if has_aux else result


def linearize(func, *primals):
    output = jvp(func, primals, tuple(tree_map(F.zeros_like, primals)))[0]

    def jvp_fn(*tangents):
        return jvp(func, primals, tangents)[1]

    return output, jvp_fn


# ---- vmap ------------------------------------------------------------------------------------


def _name(func) -> str:
    return getattr(func, "name", None) or getattr(func, "__name__", None) or repr(func)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    def wrapper(*args, **kwargs):
        where = f"vmap({_name(func)}, in_dims={in_dims}, ...)(<inputs>)"
        if not isinstance(in_dims, int | tuple):
            raise ValueDomainError(
                f"{where}: expected `in_dims` to be int or a (potentially nested) tuple "
                f"matching the structure of inputs, got: {python_type(in_dims)}."
            )
        if not args:
            raise ValueDomainError(
                f"vmap({_name(func)})(<inputs>): got no inputs. Maybe you forgot to add inputs, "
                "or you are trying to vmap over a function with no inputs. The latter is "
                "unsupported."
            )
        flat_args, args_spec = flatten(args)
        flat_dims = _broadcast(in_dims, args_spec)
        if flat_dims is None:
            raise ValueDomainError(
                f"{where}: in_dims is not compatible with the structure of `inputs`. in_dims "
                f"has structure {_spec_text(flatten(in_dims)[1])} but inputs has structure "
                f"{_spec_text(args_spec)}."
            )
        for i, (arg, dim) in enumerate(zip(flat_args, flat_dims)):
            if dim is None:
                continue
            if not isinstance(dim, int):
                raise ValueDomainError(
                    f"{where}: Got in_dim={dim} for an input but in_dim must be either an "
                    "integer dimension or None."
                )
            if type(arg) is not Tensor:
                raise ValueDomainError(
                    f"{where}: Got in_dim={dim} for an input but the input is of type "
                    f"{python_type(arg)}. We cannot vmap over non-Tensor arguments, please use "
                    "None as the respective in_dim"
                )
            ndim = arg.array.ndim
            if not -ndim <= dim < ndim:
                raise ValueDomainError(
                    f"{where}: Got in_dim={dim} for some input, but that input is a Tensor of "
                    f"dimensionality {ndim} so expected in_dim to satisfy -{ndim} <= in_dim < "
                    f"{ndim}."
                )
            flat_dims[i] = dim % ndim
        sizes = [a.array.shape[d] for a, d in zip(flat_args, flat_dims) if d is not None]
        if not sizes:
            raise ValueDomainError("vmap: Expected at least one Tensor to vmap over")
        if any(size != sizes[0] for size in sizes):
            raise ValueDomainError(
                "vmap: Expected all tensors to have the same size in the mapped dimension, got "
                f"sizes {sizes} for the mapped dimension"
            )
        results = []
        for k in range(sizes[0]):
            sliced = [a if d is None else F.select(a, d, k) for a, d in zip(flat_args, flat_dims)]
            results.append(func(*unflatten(sliced, args_spec), **kwargs))
        return _stack_outputs(results, out_dims, func)

    return wrapper


def _stack_outputs(results: list, out_dims, func):
    flat_first, spec = flatten(results[0])
    dims = _broadcast(out_dims, spec)
    if dims is None:
        raise ValueDomainError(
            f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible "
            "with the structure of `outputs`."
        )
    columns = [flatten(r)[0] for r in results]
    stacked = []
    for i, (leaf, dim) in enumerate(zip(flat_first, dims)):
        if type(leaf) is not Tensor:
            raise ValueDomainError(
                f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type "
                f"{python_type(leaf)}. Did you mean to set out_dims= to None for output?"
            )
        stacked.append(F.stack(tuple(column[i] for column in columns), dim))
    return unflatten(stacked, spec)


TABLE = {
    "grad": grad,
    "grad_and_value": grad_and_value,
    "vjp": vjp,
    "jvp": jvp,
    "linearize": linearize,
    "jacrev": jacrev,
    "jacfwd": jacfwd,
    "hessian": hessian,
    "vmap": vmap,
}


# ---- in-place changes of captured tensors ----------------------------------------------------

CAPTURED_MUTATION = (
    "During a grad (vjp, jvp, grad, etc) transform, the function provided attempted to call "
    "in-place operation (aten::{name}) that would mutate a captured Tensor. This is not "
    "supported; please rewrite the function being transformed to explicitly accept the "
    "mutated Tensor(s) as inputs."
)
_SCAN_LIMIT = 100_000  # values looked at when collecting what a function can see


def _visible_tensors(func) -> set[int]:
    """The ids of the tensors ``func`` can reach through its variables (closure, globals)."""
    scopes = []
    env = getattr(func, "closure", None)
    while env is not None:
        scopes.append(env.vars)
        env = env.parent
    module_vars = getattr(func, "globals", None)
    if module_vars is not None:
        scopes.append(module_vars)
    found: set[int] = set()
    stack = [value for scope in scopes for value in scope.values()]
    seen = 0
    while stack and seen < _SCAN_LIMIT:
        value = stack.pop()
        seen += 1
        if type(value) is Tensor:
            found.add(id(value))
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return found


class _CaptureGuard:
    """Refuses, as functorch does, an in-place change of a tensor the function captured."""

    def __init__(self, func, args) -> None:
        inputs = {id(leaf) for leaf in flatten(args)[0] if type(leaf) is Tensor}
        self.captured = _visible_tensors(func) - inputs

    def __call__(self, t, name: str) -> None:
        base = t._base if t._base is not None else t
        if id(t) in self.captured or id(base) in self.captured:
            raise AutogradError(CAPTURED_MUTATION.format(name=name))

    def __enter__(self):
        self.outer = STATE.inplace_guard
        STATE.inplace_guard = self
        return self

    def __exit__(self, *exc) -> bool:
        STATE.inplace_guard = self.outer
        return False
