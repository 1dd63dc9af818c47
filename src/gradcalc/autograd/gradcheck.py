"""Finite differences: the one numerical-gradient engine (``gradcheck``, ``--check``, tests).

``numeric_jacobian(f, x)`` perturbs one element of ``x`` at a time (central differences)
and returns d(outputs)/d(x) as a 2-D array; ``analytic_jacobian`` gets the same from
backward passes; ``gradcheck`` and ``gradgradcheck`` compare them as PyTorch's do, with its
tolerances (``eps=1e-6, atol=1e-5, rtol=1e-3``) and its failure message.
"""

from __future__ import annotations

import numpy as np

from gradcalc.autograd.api import grad as autograd_grad
from gradcalc.autograd.settings import grad_mode
from gradcalc.autograd.tensor import Tensor, make_tensor
from gradcalc.errors import AutogradError


def _outputs(value) -> list:
    if type(value) is Tensor:
        return [value]
    return [v for v in value if type(v) is Tensor]


def _flat_output(f, inputs) -> np.ndarray:
    with grad_mode(False):
        outs = _outputs(f(*inputs))
    if not outs:
        return np.zeros(0)
    return np.concatenate([np.asarray(o.array, dtype=np.float64).reshape(-1) for o in outs])


def numeric_jacobian(f, inputs: list, index: int, eps: float = 1e-6, elements=None) -> np.ndarray:
    """d(flattened outputs)/d(inputs[index]) by central differences, shape (outputs, x.size).

    ``elements``: the flat positions of ``inputs[index]`` to perturb (all by default); the
    other columns stay 0. ``inputs[index]``'s array is changed in place and restored.
    """
    x = inputs[index]
    if not (x.array.flags.c_contiguous and x.array.flags.writeable):
        x.array = x.array.copy()  # so that writes through the flat view below reach it
    view = x.array.reshape(-1)
    columns = range(view.size) if elements is None else elements
    base = _flat_output(f, inputs)
    jac = np.zeros((base.size, view.size))
    for j in columns:
        saved = view[j].item()
        view[j] = saved + eps
        plus = _flat_output(f, inputs)
        view[j] = saved - eps
        minus = _flat_output(f, inputs)
        view[j] = saved
        jac[:, j] = (plus - minus) / (2 * eps)
    return jac


def analytic_jacobian(f, inputs: list, index: int, create_graph: bool = False) -> np.ndarray:
    """d(flattened outputs)/d(inputs[index]) from one backward pass per output element."""
    outs = _outputs(f(*inputs))
    x = inputs[index]
    rows = []
    for out in outs:
        if not out._requires_grad:
            rows.extend(np.zeros(x.array.size) for _ in range(out.array.size))
            continue
        for k in range(out.array.size):
            seed = np.zeros(out.array.size, dtype=out.array.dtype)
            seed[k] = 1
            (g,) = autograd_grad(
                [out],
                [x],
                [make_tensor(seed.reshape(out.array.shape))],
                retain_graph=True,
                allow_unused=True,
            )
            rows.append(np.zeros(x.array.size) if g is None else g.array.reshape(-1))
    return np.array(rows, dtype=np.float64).reshape(len(rows), x.array.size)


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
    """``torch.autograd.gradcheck``: analytic against numerical Jacobians, per input."""
    inputs = [inputs] if type(inputs) is Tensor else list(inputs)
    for i, x in enumerate(inputs):
        if type(x) is not Tensor or not x._requires_grad:
            continue
        if x.array.dtype != np.float64:
            from gradcalc.autograd.settings import warn

            warn(
                f"Input #{i} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. "
            )
        analytic = analytic_jacobian(func, inputs, i)
        numeric = numeric_jacobian(func, inputs, i, eps)
        if not np.allclose(analytic, numeric, rtol=rtol, atol=atol, equal_nan=True):
            if raise_exception:
                raise AutogradError(
                    f"Jacobian mismatch for output 0 with respect to input {i},\n"
                    f"numerical:{make_tensor(numeric)!r}\nanalytical:{make_tensor(analytic)!r}\n"
                )
            return False
    return True


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
    """``torch.autograd.gradgradcheck``: gradcheck of the first derivatives."""
    inputs = [inputs] if type(inputs) is Tensor else list(inputs)
    wanted = [x for x in inputs if type(x) is Tensor and x._requires_grad]
    outs = _outputs(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            make_tensor(rng.standard_normal(o.array.shape).astype(o.array.dtype)) for o in outs
        ]

    def first_derivatives(*xs):
        with grad_mode(True):
            return _first_derivatives(xs)

    def _first_derivatives(xs):
        outs = _outputs(func(*xs))
        found = autograd_grad(
            outs,
            [x for x in xs if type(x) is Tensor and x._requires_grad],
            grad_outputs,
            create_graph=True,
            allow_unused=True,
        )
        return tuple(g for g in found if g is not None)

    del wanted
    return gradcheck(
        first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception
    )
