"""``torch.autograd.functional``: vjp, jvp, jacobian, hessian, vhp and hvp of a program's
functions, as PyTorch computes them.

PyTorch writes these in Python over ``torch.autograd.grad``; this module follows the same
algorithm step for step (``torch/autograd/functional.py``, torch 2.13): inputs are made into
fresh leaves (or views that keep the graph when ``create_graph``), gradients come from
``autograd.grad``, a Jacobian-vector product is the double-backward trick, missing gradients
are zeros, and results are detached unless ``create_graph``. So the values, the ``grad_fn`` of
results made with ``create_graph=True``, the ``strict`` checks and every error message are
PyTorch's. ``vectorize=True`` and ``strategy="forward-mode"`` are accepted and give the same
values (computed one row at a time).
"""

from __future__ import annotations

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.declare import F
from gradcalc.autograd.registry import METHODS
from gradcalc.autograd.settings import STATE, check_elements, grad_mode
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import ArgumentError, AutogradError


def python_type(value) -> str:
    """``type(value)`` as Python prints it in these messages: ``<class 'int'>``."""
    from gradcalc.interpreter.text import type_name

    name = "torch.Tensor" if type(value) is Tensor else type_name(value)
    return f"<class '{name}'>"


def as_tuple(value, arg_name: str, fn_name: str) -> tuple[bool, tuple]:
    """(whether ``value`` was a tuple, its tensors), refusing anything that is not a tensor."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if type(item) is not Tensor:
            where = (
                f"the value at index {i} has type {python_type(item)}"
                if is_tuple
                else f"the given {arg_name} has type {python_type(item)}"
            )
            raise ArgumentError(
                f"The {arg_name} given to {fn_name} must be either a Tensor or a tuple of "
                f"Tensors but {where}."
            )
    return is_tuple, tuple(items)


def _tuple_postprocess(result, unpack):
    if isinstance(unpack, tuple):
        if not unpack[1]:
            result = tuple(element[0] for element in result)
        if not unpack[0]:
            result = result[0]
    elif not unpack:
        result = result[0]
    return result


def _grad_preprocess(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    out = []
    for x in inputs:
        if create_graph and x.requires_grad:
            out.append(F.view_as(x, x))  # keeps the graph to x, a new tensor to differentiate
        else:
            out.append(F.detach(x).requires_grad_(need_graph))
    return tuple(out)


def _grad_postprocess(inputs: tuple, create_graph: bool) -> tuple:
    if type(inputs[0]) is Tensor:
        return inputs if create_graph else tuple(F.detach(x) for x in inputs)
    return tuple(_grad_postprocess(x, create_graph) for x in inputs)


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise AutogradError(
                f"v is a tuple of invalid length: should be {len(other)} but got {len(v)}."
            )
        raise AutogradError("The given v should contain a single Tensor.")
    for index, (v_i, other_i) in enumerate(zip(v, other)):
        if tuple(v_i.shape) != tuple(other_i.shape):
            prepend = f"Entry {index} in " if is_other_tuple else ""
            raise AutogradError(
                f"{prepend}v has invalid size: should be {other_i.shape} but got {v_i.shape}."
            )


_NOT_REQUIRING = {
    "hessian": "The hessian of the user-provided function with respect to input {i} is "
    "independent of the input. This is not allowed in strict mode. You should ensure that your "
    "function is thrice differentiable and that the hessian depends on the inputs.",
    "jacobian": "While computing the hessian, found that the jacobian of the user-provided "
    "function with respect to input {i} is independent of the input. This is not allowed in "
    "strict mode. You should ensure that your function is twice differentiable and that the "
    "jacobian depends on the inputs (this would be violated by a linear function for example).",
    "grad_inputs": "The gradient with respect to input {i} is independent of the inputs of the "
    "user-provided function. This is not allowed in strict mode.",
    "outputs": "Output {i} of the user-provided function does not require gradients. The outputs "
    "must be computed in a differentiable manner from the input when running in strict mode.",
}


def _check_requires_grad(inputs: tuple, input_type: str, strict: bool) -> None:
    if not strict:
        return
    for i, x in enumerate(inputs):
        if x is None:
            raise AutogradError(
                f"The output of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode."
            )
        if not x.requires_grad:
            raise AutogradError(_NOT_REQUIRING[input_type].format(i=i))


def _autograd_grad(
    outputs: tuple, inputs: tuple, grad_outputs=None, create_graph=False, retain_graph=None
) -> tuple:
    """``autograd.grad`` of the outputs that require grad (None for every input if none does)."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    kept = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not kept:
        return (None,) * len(inputs)
    return tuple(
        autograd_grad(
            [o for o, _ in kept],
            list(inputs),
            [g for _, g in kept],
            allow_unused=True,
            create_graph=create_graph,
            retain_graph=retain_graph,
        )
    )


_INDEPENDENT = {
    "back": "The output of the user-provided function is independent of input {i}. This is not "
    "allowed in strict mode.",
    "back_trick": "The gradient with respect to the input is independent of entry {i} in the "
    "grad_outputs when using the double backward trick to compute forward mode gradients. This "
    "is not allowed in strict mode.",
    "double_back": "The jacobian of the user-provided function is independent of input {i}. "
    "This is not allowed in strict mode.",
    "double_back_trick": "The hessian of the user-provided function is independent of entry {i} "
    "in the grad_jacobian. This is not allowed in strict mode as it prevents from using the "
    "double backward trick to replace forward mode AD.",
}


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool, stage: str):
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise AutogradError(_INDEPENDENT[stage].format(i=i))
            g = F.zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "hessian" if "double" in stage else "jacobian"
            raise AutogradError(
                f"The {what} of the user-provided function is independent of input {i}. This "
                "is not allowed in strict mode when create_graph=True."
            )
        out.append(g)
    return tuple(out)


def _single_element_v_needed(inputs: tuple, what: str) -> None:
    if len(inputs) != 1 or inputs[0].array.size != 1:
        raise AutogradError(
            f"The vector v can only be None if the {what} is a single Tensor with a single element."
        )


def _prepared_v(v, fn_name: str, create_graph: bool, other: tuple, is_other_tuple: bool):
    _, v = as_tuple(v, "v", fn_name)
    v = _grad_preprocess(v, create_graph=create_graph, need_graph=False)
    _validate_v(v, other, is_other_tuple)
    return v


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "vjp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "vjp"
        )
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            v = _prepared_v(v, "vjp", create_graph, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].array.size != 1:
            raise AutogradError(
                "The vector v can only be None if the user-provided function returns a single "
                "Tensor with a single element."
            )
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, "back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (
        _tuple_postprocess(outputs, is_outputs_tuple),
        _tuple_postprocess(result, is_inputs_tuple),
    )


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "jvp")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        if v is not None:
            v = _prepared_v(v, "jvp", create_graph, inputs, is_inputs_tuple)
        else:
            _single_element_v_needed(inputs, "input to the user-provided function")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "jvp"
        )
        _check_requires_grad(outputs, "outputs", strict)
        # the double-backward trick: J v is the gradient of (u^T J) v with respect to u
        grad_outputs = tuple(F.zeros_like(o).requires_grad_(True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
    with grad_mode(True if create_graph else STATE.grad_enabled):
        grads = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, "back_trick")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (
        _tuple_postprocess(outputs, is_outputs_tuple),
        _tuple_postprocess(result, is_outputs_tuple),
    )


def jacobian(
    func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"
):
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AutogradError(
            'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your '
            'function has more outputs than inputs, "forward-mode" tends to be more performant. '
            'Otherwise, prefer to use "reverse-mode".',
            kind="AssertionError",
        )
    if strategy == "forward-mode":
        if create_graph:
            raise AutogradError(
                "torch.autograd.functional.jacobian: `create_graph=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`create_graph=False` or `strategy="reverse-mode"`.',
                kind="NotImplementedError",
            )
        if strict:
            raise AutogradError(
                "torch.autograd.functional.jacobian: `strict=True` and "
                '`strategy="forward-mode"` are not supported together (yet). Please either set '
                '`strict=False` or `strategy="reverse-mode"`.'
            )
        if not vectorize:
            raise AutogradError(
                "Computing Jacobian using forward-AD or forward-over-reverse Hessian isonly "
                "implemented for `vectorize=True`.",
                kind="NotImplementedError",
            )
    if vectorize and strict:
        raise AutogradError(
            "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
            "supported together. Please either set `strict=False` or `vectorize=False`."
        )
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "jacobian")
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(
            outputs, "outputs of the user-provided function", "jacobian"
        )
        _check_requires_grad(outputs, "outputs", strict)
        for out in outputs:  # refused before one backward pass per output element runs
            for x in inputs:
                check_elements(out.array.shape + x.array.shape, "jacobian")
        rows = []
        for i, out in enumerate(outputs):
            per_input: tuple[list, ...] = tuple([] for _ in inputs)
            flat = F.reshape(out, (-1,))
            for j in range(out.array.size):
                grads = _autograd_grad(
                    (F.select(flat, 0, j),), inputs, retain_graph=True, create_graph=create_graph
                )
                for k, (column, g, x) in enumerate(zip(per_input, grads, inputs)):
                    if g is not None:
                        if strict and create_graph and not g.requires_grad:
                            raise AutogradError(
                                f"The jacobian of the user-provided function is independent "
                                f"of input {i}. This is not allowed in strict mode when "
                                "create_graph=True."
                            )
                        column.append(g)
                    else:
                        if strict:
                            raise AutogradError(
                                f"Output {i} of the user-provided function is independent of "
                                f"input {k}. This is not allowed in strict mode."
                            )
                        column.append(F.zeros_like(x))
            rows.append(
                tuple(
                    F.view(F.stack(tuple(column), 0), (*out.shape, *x.shape))
                    for column, x in zip(per_input, inputs)
                )
            )
        result = _grad_postprocess(tuple(rows), create_graph)
        return _tuple_postprocess(result, (is_outputs_tuple, is_inputs_tuple))


def hessian(
    func,
    inputs,
    create_graph=False,
    strict=False,
    vectorize=False,
    outer_jacobian_strategy="reverse-mode",
):
    is_inputs_tuple, inputs = as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AutogradError(
            'Expected strategy to be either "forward-mode" or "reverse-mode".',
            kind="AssertionError",
        )

    def single_output(*xs):
        out = func(*xs)
        is_out_tuple, outs = as_tuple(out, "outputs of the user-provided function", "hessian")
        _check_requires_grad(outs, "outputs", strict)
        if is_out_tuple or type(out) is not Tensor:
            raise AutogradError("The function given to hessian should return a single Tensor")
        if out.array.size != 1:
            raise AutogradError(
                "The Tensor returned by the function given to hessian should contain a single "
                "element"
            )
        return METHODS["squeeze"].call_method(out)

    def jac_func(*xs):
        if outer_jacobian_strategy == "forward-mode":
            xs = tuple(x.requires_grad_(True) for x in xs)
        jac = jacobian(single_output, xs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    result = jacobian(
        jac_func,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _tuple_postprocess(result, (is_inputs_tuple, is_inputs_tuple))


def _hessian_product(name: str, func, inputs, v, create_graph: bool, strict: bool, trick: bool):
    """vhp (``trick`` False) and hvp (the double-backward trick): (func(inputs), product)."""
    with grad_mode(True):
        is_inputs_tuple, inputs = as_tuple(inputs, "inputs", name)
        inputs = _grad_preprocess(inputs, create_graph=create_graph, need_graph=True)
        if v is not None:
            v = _prepared_v(v, name, create_graph, inputs, is_inputs_tuple)
        else:
            _single_element_v_needed(inputs, "input to the user-provided function")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = as_tuple(outputs, "outputs of the user-provided function", name)
        _check_requires_grad(outputs, "outputs", strict)
        if is_outputs_tuple or type(outputs[0]) is not Tensor:
            raise AutogradError(f"The function given to {name} should return a single Tensor")
        if outputs[0].array.size != 1:
            raise AutogradError(
                f"The Tensor returned by the function given to {name} should contain a single "
                "element"
            )
        jac = _autograd_grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if trick:
            grad_jac = tuple(F.zeros_like(x).requires_grad_(True) for x in inputs)
            double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
            _check_requires_grad(jac, "hessian", strict)
    with grad_mode(True if create_graph else STATE.grad_enabled):
        if trick:
            grads = _autograd_grad(double_back, grad_jac, v, create_graph=create_graph)
            result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back_trick")
        else:
            grads = _autograd_grad(jac, inputs, v, create_graph=create_graph)
            result = _fill_in_zeros(grads, inputs, strict, create_graph, "double_back")
    outputs = _grad_postprocess(outputs, create_graph)
    result = _grad_postprocess(result, create_graph)
    return (
        _tuple_postprocess(outputs, is_outputs_tuple),
        _tuple_postprocess(result, is_inputs_tuple),
    )


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    return _hessian_product("vhp", func, inputs, v, create_graph, strict, trick=False)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    return _hessian_product("hvp", func, inputs, v, create_graph, strict, trick=True)


TABLE = {
    "vjp": vjp,
    "jvp": jvp,
    "jacobian": jacobian,
    "hessian": hessian,
    "vhp": vhp,
    "hvp": hvp,
}
