"""``torch.autograd.functional``: jacobian, hessian, vjp, jvp, vhp, hvp on the engine.

Follows torch/autograd/functional.py of PyTorch 2.13 step by step (the reverse-mode,
non-vectorized paths): inputs become fresh leaves (or views that keep their graph under
``create_graph``), a Jacobian is one ``autograd.grad`` per output element stacked and
viewed to ``output.shape + input.shape``, a Jacobian-vector product is a vector-Jacobian
product differentiated once more ("the double backward trick"), and the ``strict`` checks
and argument errors say what PyTorch's say.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.declare import F
from gradcalc.autograd.settings import STATE, check_elements, grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import ArgumentError, AutogradError


def as_tuple(value, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(was it a tuple, the tensors as a tuple); only a tuple counts as several, as torch."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if type(item) is not Tensor:
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise ArgumentError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but the {where} has type <class '{type(item).__name__}'>."
            )
    return is_tuple, items


def _unpack(result, to_unpack):
    """torch's _tuple_postprocess: undo ``as_tuple`` (once, or for outputs and inputs)."""
    if isinstance(to_unpack, tuple):
        outputs_tuple, inputs_tuple = to_unpack
        if not inputs_tuple:
            result = tuple(r[0] for r in result)
        if not outputs_tuple:
            result = result[0]
        return result
    return result if to_unpack else result[0]


def _preprocess(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """New tensor objects to differentiate against (torch's _grad_preprocess)."""
    out = []
    for x in inputs:
        if create_graph and x._requires_grad:
            out.append(F.view_as(x, x))
        else:
            t = make_tensor(x.array)
            if need_graph:
                t.requires_grad_(True)
            out.append(t)
    return tuple(out)


def _postprocess(values, create_graph: bool):
    """Results without history unless ``create_graph`` (torch's _grad_postprocess)."""
    if type(values[0]) is Tensor:
        return values if create_graph else tuple(make_tensor(v.array) for v in values)
    return tuple(_postprocess(v, create_graph) for v in values)


def _grad(outputs: tuple, inputs: tuple, grad_outputs=None, create_graph=False) -> tuple:
    """``autograd.grad`` over the outputs that require grad, None for unused inputs."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o._requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return autograd_grad(
        [o for o, _ in pairs],
        list(inputs),
        [g for _, g in pairs],
        retain_graph=True,
        create_graph=create_graph,
        allow_unused=True,
    )


_STRICT_NOT_REQUIRING = {
    "outputs": "Output {i} of the user-provided function does not require gradients. The "
    "outputs must be computed in a differentiable manner from the input when running in strict "
    "mode.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
    "function with respect to input {i} is independent of the input. This is not allowed in "
    "strict mode. You should ensure that your function is twice differentiable and that the "
    "jacobian depends on the inputs (this would be violated by a linear function for example).",
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
    "independent of the input. This is not allowed in strict mode. You should ensure that your "
    "function is thrice differentiable and that the hessian depends on the inputs.",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
    "user-provided function. This is not allowed in strict mode.",
}


def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, v in enumerate(values):
        if v is None:
            raise AutogradError(
                f"The output of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode."
            )
        if not v._requires_grad:
            raise AutogradError(_STRICT_NOT_REQUIRING[kind].format(i=i))


_STRICT_NONE = {
    "back": "The output of the user-provided function is independent of input {i}. This is "
    "not allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
    "grad_outputs when using the double backward trick to compute forward mode gradients. This "
    "is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry "
    "{i} in the grad_jacobian. This is not allowed in strict mode as it prevents from using the "
    "double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str):
    """Zeros for the None gradients, or torch's strict-mode error."""
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise AutogradError(_STRICT_NONE[stage].format(i=i))
            g = make_tensor(np.zeros_like(refs[i].array))
        elif strict and create_graph and not g._requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise AutogradError(
                f"The {what} of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True."
            )
        out.append(g)
    return tuple(out)


def _validate_v(v: tuple, other: tuple, other_is_tuple: bool) -> None:
    if len(other) != len(v):
        if other_is_tuple:
            raise AutogradError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise AutogradError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.array.shape != b.array.shape:
            prefix = f"Entry {i} in " if other_is_tuple else ""
            raise AutogradError(
                f"{prefix}v has invalid size: should be {b.shape} but got {a.shape}."
            )


def _v_or_single(v, inputs: tuple, is_inputs_tuple: bool, fn_name: str, create_graph: bool):
    if v is not None:
        _, v = as_tuple(v, "v", fn_name)
        v = _preprocess(v, create_graph, need_graph=False)
        _validate_v(v, inputs, is_inputs_tuple)
        return v
    if len(inputs) != 1 or inputs[0].array.size != 1:
        raise AutogradError(
            "The vector v can only be None if the input to the user-provided function is a "
            "single Tensor with a single element."
        )
    return None


# ---- the public functions ------------------------------------------------------------------


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    """``torch.autograd.functional.jacobian``: d func(inputs) / d inputs."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "jacobian")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "jacobian"
        )
        _check_requires_grad(outputs, "outputs", strict)
        for out in outputs:
            for x in inputs:
                check_elements(out.array.shape + x.array.shape, "jacobian")
        result = []
        for i, out in enumerate(outputs):
            rows: tuple = tuple([] for _ in inputs)
            flat = F.reshape(out, (-1,)) if out._requires_grad else None
            for j in range(out.array.size):
                element = (F.select(flat, 0, j),) if flat is not None else (None,)
                vj = _grad(element, inputs, create_graph=create_graph)
                for k, (row, g, x) in enumerate(zip(rows, vj, inputs)):
                    if g is not None:
                        if strict and create_graph and not g._requires_grad:
                            raise AutogradError(
                                "The jacobian of the user-provided function is independent "
                                f"of input {i}. This is not allowed in strict mode when "
                                "create_graph=True."
                            )
                        row.append(g)
                    else:
                        if strict:
                            raise AutogradError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {k}. This is not allowed in strict mode."
                            )
                        row.append(make_tensor(np.zeros_like(x.array)))
            result.append(
                tuple(
                    _stack(row, out.array.shape + x.array.shape, x) for row, x in zip(rows, inputs)
                )
            )
        result = _postprocess(tuple(result), create_graph)
    return _unpack(result, (is_outputs_tuple, is_inputs_tuple))


def _stack(rows: list, shape: tuple, like: Tensor):
    if not rows:  # an output without elements
        return make_tensor(np.zeros(shape, dtype=like.array.dtype))
    return F.view(F.stack(tuple(rows), 0), shape)


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    """``torch.autograd.functional.hessian`` of a function with one element out."""
    is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "hessian")

    def single_output(*xs):
        out = func(*xs)
        is_out_tuple, outs = as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if is_out_tuple:
            raise AutogradError("The function given to hessian should return a single Tensor")
        if out.array.size != 1:
            raise AutogradError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element"
            )
        return F.squeeze(out)

    def jacobian_of(*xs):
        jac = jacobian(single_output, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(jacobian_of, inputs, create_graph=create_graph, strict=strict)
    return _unpack(result, (is_inputs_tuple, is_inputs_tuple))


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vjp``: (func(inputs), v^T J)."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "vjp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "vjp"
        )
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = as_tuple(v, "v", "vjp")
            v = _preprocess(v, create_graph, need_graph=False)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].array.size != 1:
            raise AutogradError(
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element."
            )
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    outputs = _postprocess(outputs, create_graph)
    result = _postprocess(result, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(result, is_inputs_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.jvp``: (func(inputs), J v), by the double backward trick."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "jvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_single(v, inputs, is_inputs_tuple, "jvp", create_graph)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "jvp"
        )
        _check_requires_grad(outputs, "outputs", strict)
        # the backward is linear in these, so their value does not matter (only finite)
        dummies = tuple(make_tensor(np.zeros_like(o.array), True) for o in outputs)
        grad_inputs = _grad(outputs, inputs, dummies, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _grad(grad_inputs, dummies, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    outputs = _postprocess(outputs, create_graph)
    result = _postprocess(result, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(result, is_outputs_tuple)


def _scalar_function(func, inputs: tuple, fn_name: str, strict: bool):
    outputs = func(*inputs)
    is_outputs_tuple, outputs = as_tuple(outputs, "outputs of the user-provided function", fn_name)
    _check_requires_grad(outputs, "outputs", strict)
    if is_outputs_tuple:
        raise AutogradError(f"The function given to {fn_name} should return a single Tensor")
    if outputs[0].array.size != 1:
        raise AutogradError(
            f"The Tensor returned by the function given to {fn_name} should contain a single "
            "element"
        )
    return is_outputs_tuple, outputs


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.vhp``: (func(inputs), v^T H)."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "vhp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_single(v, inputs, is_inputs_tuple, "vhp", create_graph)
        is_outputs_tuple, outputs = _scalar_function(func, inputs, "vhp", strict)
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    outputs = _postprocess(outputs, create_graph)
    result = _postprocess(result, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(result, is_inputs_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``torch.autograd.functional.hvp``: (func(inputs), H v), by the double backward trick."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "hvp")
        inputs = _preprocess(inputs, create_graph, need_graph=True)
        v = _v_or_single(v, inputs, is_inputs_tuple, "hvp", create_graph)
        is_outputs_tuple, outputs = _scalar_function(func, inputs, "hvp", strict)
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        dummies = tuple(make_tensor(np.zeros_like(x.array), True) for x in inputs)
        double_back = _grad(jac, inputs, dummies, create_graph=True)
        _check_requires_grad(jac, "hessian", strict)
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _grad(double_back, dummies, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
    outputs = _postprocess(outputs, create_graph)
    result = _postprocess(result, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(result, is_inputs_tuple)


__all__ = ["as_tuple", "hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]
