"""Which tensors hold a Jacobian or a Hessian, and of what, so the front ends can label them.

``torch.autograd.functional.jacobian``/``hessian``, ``torch.func.jacrev``/``jacfwd``/
``hessian`` and the calculator's ``jacobian(y, x)``/``hessian(f, x)`` return plain tensors.
The interpreter offers them wrapped: after the call, each result block (one per output and
input when they are tuples) is remembered with a ``DerivativeOrigin`` for as long as the
tensor lives (a weak reference; keyed by ``id``, as a tensor's ``==`` compares elements), and
the autograd core knows nothing of it.

Names: an input is called by the program variable it is (``x``), else ``x``; the output by
the function's name for a ``def`` or an op (``f``, ``sin``), by the variable of an output
tensor (``jacobian(y, x)``), else ``y`` (a Hessian's function: ``f``).
"""

from __future__ import annotations

import functools
import weakref

from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor
from gradcalc.interpreter.results import DerivativeOrigin

_ORIGINS: dict[int, tuple[weakref.ref, DerivativeOrigin]] = {}
_OUTPUT_NAMES = ("y", "f", "g", "out")  # the first not already an input's name
_FUNCTION_NAMES = ("f", "g", "h", "fn")


def origin_of(value) -> DerivativeOrigin | None:
    """The record of a tensor made by a Jacobian or Hessian call, else None."""
    entry = _ORIGINS.get(id(value)) if type(value) is Tensor else None
    return entry[1] if entry is not None and entry[0]() is value else None


def _remember(tensor: Tensor, origin: DerivativeOrigin) -> None:
    key = id(tensor)

    def forget(ref, key=key):
        entry = _ORIGINS.get(key)
        if entry is not None and entry[0] is ref:
            del _ORIGINS[key]

    _ORIGINS[key] = (weakref.ref(tensor, forget), origin)


# ---- names ---------------------------------------------------------------------------------


def _variable_name(tensor) -> str | None:
    """The program's global variable bound to this very tensor, if any."""
    observer = STATE.observer
    if observer is None or type(tensor) is not Tensor:
        return None
    for name, value in observer.session.globals.items():
        if value is tensor:
            return name
    return None


def _function_name(func) -> str | None:
    from gradcalc.interpreter.functions import Function

    if isinstance(func, Function):
        name = None if func.is_lambda else func.name
    else:
        name = getattr(func, "name", None)  # an op: torch.sin is "sin"
    return name if isinstance(name, str) and name.isidentifier() else None


def _unused(candidates: tuple, taken: list) -> str:
    return next((c for c in candidates if c not in taken), candidates[0])


def _input_names(inputs: tuple) -> list[str]:
    default = ["x"] if len(inputs) == 1 else [f"x{i}" for i in range(len(inputs))]
    return [_variable_name(x) or d for x, d in zip(inputs, default)]


# ---- recording -----------------------------------------------------------------------------


def _as_inputs(inputs) -> tuple[bool, tuple] | None:
    """(whether the inputs were a tuple, the input tensors), or None for other structures."""
    items = inputs if isinstance(inputs, tuple) else (inputs,)
    if not items or any(type(x) is not Tensor for x in items):
        return None
    return isinstance(inputs, tuple), items


def _per_output(result, inputs_tuple: bool) -> list[tuple] | None:
    """The result's blocks, one tuple (over the inputs) per output."""
    if inputs_tuple:
        if isinstance(result, tuple) and all(type(b) is Tensor for b in result):
            return [result]
        if isinstance(result, tuple) and all(isinstance(r, tuple) for r in result):
            return list(result)
        return None
    if type(result) is Tensor:
        return [(result,)]
    if isinstance(result, tuple) and all(type(b) is Tensor for b in result):
        return [(b,) for b in result]
    return None


def record_jacobian(result, of: str | None, inputs) -> None:
    """Remember each block of ``result`` (as ``jacobian(func, inputs)`` returns it) as
    ``∂of/∂input``; anything shaped otherwise is left unrecorded."""
    found = _as_inputs(inputs)
    if found is None:
        return
    inputs_tuple, xs = found
    outputs = _per_output(result, inputs_tuple)
    if outputs is None:
        return
    names = _input_names(xs)
    base = of or _unused(_OUTPUT_NAMES, names)
    for k, blocks in enumerate(outputs):
        out_name = base if len(outputs) == 1 else f"{base}{k}"
        if len(blocks) != len(xs):
            return
        for block, x, name in zip(blocks, xs, names):
            in_shape = tuple(x.shape)
            shape = tuple(block.shape) if type(block) is Tensor else None
            if shape is None or len(shape) < len(in_shape):
                continue
            row_shape = shape[: len(shape) - len(in_shape)]
            col_shape = shape[len(row_shape) :]
            if col_shape == in_shape:
                origin = DerivativeOrigin("jacobian", out_name, out_name, row_shape, name, in_shape)
                _remember(block, origin)


def record_hessian(result, of: str | None, inputs) -> None:
    """Remember each block of ``result`` (as ``hessian(func, inputs)`` returns it) as
    ``∂²of/∂xᵢ∂xⱼ``; a block of any other shape (a non-scalar function's) is left out."""
    found = _as_inputs(inputs)
    if found is None:
        return
    inputs_tuple, xs = found
    names = _input_names(xs)
    of = of or _unused(_FUNCTION_NAMES, names)
    if inputs_tuple:
        if not (isinstance(result, tuple) and len(result) == len(xs)):
            return
        rows = result
    else:
        rows = ((result,),)
    for row, xi, name_i in zip(rows, xs, names):
        if not (isinstance(row, tuple) and len(row) == len(xs)):
            continue
        for block, xj, name_j in zip(row, xs, names):
            if type(block) is Tensor and tuple(block.shape) == tuple(xi.shape) + tuple(xj.shape):
                origin = DerivativeOrigin(
                    "hessian", of, name_i, tuple(xi.shape), name_j, tuple(xj.shape)
                )
                _remember(block, origin)


_RECORDERS = {"jacobian": record_jacobian, "hessian": record_hessian}


# ---- the wrapped calls ---------------------------------------------------------------------


def recording_functional(kind: str, transform):
    """``torch.autograd.functional.jacobian``/``hessian`` that record their results."""
    record = _RECORDERS[kind]

    @functools.wraps(transform)
    def recorded(func, inputs, *args, **kwargs):
        result = transform(func, inputs, *args, **kwargs)
        record(result, _function_name(func), inputs)
        return result

    return recorded


def recording_func_transform(kind: str, make):
    """``torch.func.jacrev``/``jacfwd``/``hessian``: the function they return records."""
    record = _RECORDERS[kind]

    @functools.wraps(make)
    def made(func, argnums=0, *args, **kwargs):
        transformed = make(func, argnums, *args, **kwargs)
        has_aux = kwargs.get("has_aux", False)

        @functools.wraps(transformed)
        def run(*call_args, **call_kwargs):
            result = transformed(*call_args, **call_kwargs)
            # it ran, so argnums is valid for these arguments
            if isinstance(argnums, int):
                inputs = call_args[argnums]
            else:
                inputs = tuple(call_args[i] for i in argnums)
            record(result[0] if has_aux else result, _function_name(func), inputs)
            return result

        return run

    return made


def recording_calculator(kind: str, transform):
    """The calculator's ``jacobian``/``hessian``: of an output tensor (``jacobian(y, x)``) it
    records here; of a function, the wrapped ``torch.autograd.functional`` one does."""
    record = _RECORDERS[kind]

    @functools.wraps(transform)
    def recorded(output, inputs, *args, **kwargs):
        result = transform(output, inputs, *args, **kwargs)
        if type(output) is Tensor:
            record(result, _variable_name(output), inputs)
        return result

    return recorded
