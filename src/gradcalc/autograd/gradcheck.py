"""Finite differences: the one numerical-gradient engine (``gradcheck``, ``--check``, tests).

``numeric_jacobian(f, x)`` perturbs one element of ``x`` at a time (central differences)
and returns d(outputs)/d(x) as a 2-D array; ``analytic_jacobian`` gets the same from
backward passes. ``gradcheck`` and ``gradgradcheck`` compare them as PyTorch's slow mode
does (torch/autograd/gradcheck.py): per differentiable output and differentiable input,
with ``|analytical - numerical| <= atol + rtol * |numerical|``, Jacobians laid out as
PyTorch prints them (one row per input element) in the input's dtype, its failure and
argument messages, and ``gradgradcheck``'s random ``grad_outputs`` drawn as
``torch.testing.make_tensor`` draws them from the default generator.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.random import default_generator
from gradcalc.autograd.settings import grad_mode, warn
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError, ValueDomainError


def _outputs(value) -> list:
    if type(value) is Tensor:
        return [value]
    return [v for v in value if type(v) is Tensor]


def _flat_outputs(f, inputs) -> list:
    # copies: an output may share the input's memory, which the next step changes
    with grad_mode(False):
        return [np.array(o.array, dtype=np.float64).reshape(-1) for o in _outputs(f(*inputs))]


def _flat_output(f, inputs) -> np.ndarray:
    outs = _flat_outputs(f, inputs)
    return np.concatenate(outs) if outs else np.zeros(0)


def numeric_jacobian(f, inputs: list, index: int, eps: float = 1e-6, elements=None) -> np.ndarray:
    """d(flattened outputs)/d(inputs[index]) by central differences, shape (outputs, x.size).

    ``elements``: the flat positions of ``inputs[index]`` to perturb (all by default); the
    other columns stay 0. ``inputs[index]``'s array is changed in place and restored.
    """
    per_output = _numeric_per_output(f, inputs, index, eps, elements)
    return np.concatenate(per_output) if per_output else np.zeros((0, inputs[index].array.size))


def _numeric_per_output(f, inputs: list, index: int, eps: float, elements=None) -> list:
    """One (output.size, x.size) central-difference Jacobian per output of ``f``."""
    x = inputs[index]
    if not (x.array.flags.c_contiguous and x.array.flags.writeable):
        x.array = x.array.copy()  # so that writes through the flat view below reach it
    view = x.array.reshape(-1)
    columns = range(view.size) if elements is None else elements
    jacobians = [np.zeros((o.size, view.size)) for o in _flat_outputs(f, inputs)]
    for j in columns:
        saved = view[j].item()
        view[j] = saved - eps
        minus = _flat_outputs(f, inputs)
        view[j] = saved + eps
        plus = _flat_outputs(f, inputs)
        view[j] = saved
        for jac, a, b in zip(jacobians, minus, plus):
            jac[:, j] = (b - a) / (2 * eps)
    return jacobians


def analytic_jacobian(f, inputs: list, index: int, create_graph: bool = False) -> np.ndarray:
    """d(flattened outputs)/d(inputs[index]) from one backward pass per output element."""
    x = inputs[index]
    rows = [r for out in _outputs(f(*inputs)) for r in _analytic_rows(out, x)]
    return np.array(rows, dtype=np.float64).reshape(len(rows), x.array.size)


def _analytic_rows(out: Tensor, x: Tensor) -> list:
    if not out._requires_grad:
        return [np.zeros(x.array.size) for _ in range(out.array.size)]
    rows = []
    for k in range(out.array.size):
        seed = np.zeros(out.array.size, dtype=out.array.dtype)
        seed[k] = 1
        (g,) = autograd_grad(
            [out], [x], [make_tensor(seed.reshape(out.array.shape))], retain_graph=True,
            allow_unused=True,
        )  # fmt: skip
        rows.append(np.zeros(x.array.size) if g is None else g.array.reshape(-1))
    return rows


def _as_tuple(inputs) -> list:
    return [inputs] if type(inputs) is Tensor else list(inputs)


def _check_inputs(inputs: list) -> list:
    """The indices of the inputs that require grad, with PyTorch's warning and error."""
    wanted = []
    for i, x in enumerate(inputs):
        if type(x) is Tensor and x._requires_grad:
            if x.array.dtype != np.float64:
                warn(
                    f"Input #{i} requires gradient and is not a double precision floating point "
                    "or complex. This check will likely fail if all the inputs are not of double "
                    "precision floating point or complex. "
                )
            if 0 in x.array.strides and x.array.size > 1:
                raise AutogradError(
                    f"The {i}th input has a dimension with stride 0. gradcheck only supports "
                    "inputs that are non-overlapping to be able to compute the numerical "
                    "gradients correctly. You should call .contiguous on the input before "
                    "passing it to gradcheck."
                )
            wanted.append(i)
    if not wanted:
        raise ValueDomainError(
            "gradcheck expects at least one input tensor to require gradient, but none of them "
            "have requires_grad=True."
        )
    return wanted


def gradcheck(
    func,
    inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_ignored,
) -> bool:
    """``torch.autograd.gradcheck``: analytic against numerical Jacobians."""
    inputs = _as_tuple(inputs)
    wanted = _check_inputs(inputs)
    outputs = _outputs(func(*inputs))
    numeric = [_numeric_per_output(func, inputs, i, eps) for i in wanted]  # [input][output]
    try:
        if not any(o._requires_grad for o in outputs):
            if any(np.any(jac != 0) for per_input in numeric for jac in per_input):
                raise AutogradError("Numerical gradient for function expected to be zero")
            return True
        differentiable = [k for k, o in enumerate(outputs) if o._requires_grad]
        for i, k in enumerate(differentiable):
            out = outputs[k]
            for j, index in enumerate(wanted):
                x = inputs[index]
                analytic = np.array(_analytic_rows(out, x), dtype=np.float64).T
                found = numeric[j][k].T
                if not np.all(np.abs(analytic - found) <= atol + rtol * np.abs(found)):
                    raise AutogradError(_mismatch(i, j, found, analytic, x.array.dtype))
    except AutogradError:
        if raise_exception:
            raise
        return False
    return True


def _mismatch(output: int, input_: int, numeric, analytic, dtype) -> str:
    """PyTorch's message; its Jacobians have a row per input element, in the input's dtype."""
    shown_numeric = make_tensor(numeric.astype(dtype).reshape(numeric.shape))
    shown_analytic = make_tensor(analytic.astype(dtype).reshape(analytic.shape))
    return (
        f"Jacobian mismatch for output {output} with respect to input {input_},\n"
        f"numerical:{shown_numeric!r}\nanalytical:{shown_analytic!r}\n"
    )


def gradgradcheck(
    func,
    inputs,
    grad_outputs=None,
    *,
    eps=1e-6,
    atol=1e-5,
    rtol=1e-3,
    raise_exception=True,
    **_ignored,
) -> bool:
    """``torch.autograd.gradgradcheck``: gradcheck of the first derivatives, with the
    ``grad_outputs`` among the checked inputs, as PyTorch does."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        generator = default_generator()
        grad_outputs = []
        for o in _outputs(func(*inputs)):
            if not o._requires_grad:
                continue
            dtype = o.array.dtype if o.array.dtype.kind == "f" else np.dtype(np.float64)
            values = generator.uniform(o.array.shape, -1.0, 1.0, dtype)
            grad_outputs.append(make_tensor(np.asarray(values, dtype=dtype), True))
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n = len(grad_outputs)
    wanted = {i for i, x in enumerate(inputs) if type(x) is Tensor and x._requires_grad}

    def first_derivatives(*args):
        xs, gs = args[: len(args) - n], args[len(args) - n :]
        with grad_mode(True):
            outs = [o for o in _outputs(func(*xs)) if o._requires_grad]
            found = autograd_grad(
                outs,
                [x for i, x in enumerate(xs) if i in wanted],
                list(gs),
                create_graph=True,
                allow_unused=True,
            )
        return tuple(g for g in found if g is not None)

    return gradcheck(
        first_derivatives,
        [*inputs, *grad_outputs],
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
