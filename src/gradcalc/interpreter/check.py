"""``--check``: each named leaf's gradient against finite differences of the program.

The program is run again, from its source, with the leaf's values nudged one element at a
time (``autograd.gradcheck.numeric_jacobian``, the one finite-difference engine); the
function differentiated is what the backward passes saw: the sum of the outputs each
``backward()`` reached, weighted by its ``gradient=``.
"""

from __future__ import annotations

import math

import numpy as np

from gradcalc.autograd.gradcheck import numeric_jacobian
from gradcalc.autograd.tensor import Tensor, make_tensor

STEP = 1e-6
MAX_ELEMENTS = 100  # elements checked per leaf (evenly spaced beyond that)


def check_gradients(session, wrt=None) -> dict[str, float]:
    grads = session.leaf_grads(wrt)
    session.check_not_smooth = set()
    session.check_reasons = {}
    errors: dict[str, float] = {}
    source = "\n".join(session.history)
    for name, analytic in grads.items():
        leaf = session.globals[name]
        count = analytic.size
        if count <= MAX_ELEMENTS:
            elements = range(count)
        else:
            elements = sorted(set(np.linspace(0, count - 1, MAX_ELEMENTS).astype(int).tolist()))
        probe = make_tensor(np.array(leaf.array, dtype=np.float64))
        failure: list[str] = []

        def objective(x, name=name, failure=failure):
            return make_tensor(np.array([_replay(session, source, {name: x.array}, failure)]))

        numeric = numeric_jacobian(objective, [probe], 0, STEP, elements)[0]
        if failure:
            errors[name] = math.nan
            session.check_reasons[name] = (
                f"replaying the program with {name} nudged failed: {failure[0]}"
            )
            continue
        flat = analytic.reshape(-1).astype(np.float64)
        differences = np.abs(flat[list(elements)] - numeric[list(elements)])
        errors[name] = float(np.max(differences)) if differences.size else 0.0
    return errors


def _replay(session, source: str, overrides: dict, failure: list) -> float:
    replay = type(session)(  # a fresh session of the same kind
        seed=session.seed,
        dtype="float64",
        max_elements=session.max_elements,
        record_graph=False,
        python_script=session.python_script,
    )
    total = [0.0]

    original = replay.observer.on_backward

    class Tap:
        def on_backward(self, outputs, grads, accumulate):
            original(outputs, grads, accumulate)
            for out, g in zip(outputs, grads):
                weight = 1.0 if g is None else np.asarray(g.array, dtype=np.float64)
                total[0] += float(np.sum(np.asarray(out.array, dtype=np.float64) * weight))

    replay.observer.on_backward = Tap().on_backward
    from gradcalc.autograd.settings import grad_mode

    with grad_mode(True):  # the finite-difference loop runs without recording; the program not
        result = replay.run(source, after_bind=overrides)
    if not result.ok:
        error = result.errors[0]
        line = error.span.line if error.span is not None else None
        failure.append((f"line {line}: " if line else "") + error.message)
        return math.nan
    if not replay.differentiated:
        out = replay.output
        if type(out) is Tensor:
            total[0] += float(np.sum(out.array))
    return total[0]
