"""``--check``: each leaf's gradient against finite differences of the whole program.

The program is replayed from its source with one element of the leaf nudged by ``±eps``
(in float64, whatever dtype the program chose), and the function differentiated is what
the backward passes saw: the sum of the outputs each ``backward()`` reached, weighted by its
``gradient=`` (or the output the implicit backward differentiated, times its passes). An
element passes as in ``torch.autograd.gradcheck``: ``|analytic - numeric| <= atol + rtol *
|numeric|``, with PyTorch's defaults ``eps=1e-6, atol=1e-5, rtol=1e-3``.

An element that fails where the one-sided differences disagree (``f(x+h) - f(x)`` against
``f(x) - f(x-h)``) sits on a kink or a jump (``relu`` at 0, ``floor`` at an integer): the
program is not differentiable there, the finite differences cannot judge PyTorch's
convention, and the verdict says so instead of FAIL. Large leaves are sampled
(``samples`` evenly spaced elements); ``progress(done, total)`` is told after each replay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gradcalc.autograd.tensor import Tensor, make_tensor

OK = "ok"
FAIL = "FAIL"
NOT_DIFFERENTIABLE = "not differentiable"
NOT_FINITE = "not finite"
NOT_CHECKED = "not checked"
FAILING = (FAIL, NOT_FINITE, NOT_CHECKED)  # verdicts that make --check exit 1
WORST_SHOWN = 3
KINK_SHARE = 0.1  # one-sided slopes further apart than this share of the slope: a kink


@dataclass(frozen=True)
class CheckSettings:
    eps: float = 1e-6
    atol: float = 1e-5
    rtol: float = 1e-3
    samples: int = 100  # elements checked per leaf; 0 checks every one


@dataclass
class ElementCheck:
    index: tuple
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    smooth: bool  # the one-sided differences agree: no kink or jump within eps
    passed: bool


@dataclass
class LeafCheck:
    name: str
    status: str
    checked: int  # elements compared
    total: int  # elements the leaf has
    worst: list = field(default_factory=list)  # ElementCheck, worst first
    reason: str | None = None  # why a leaf could not be checked
    failed: int = 0  # elements past the tolerance
    kinks: int = 0  # of those, how many sit at a kink or jump

    @property
    def max_abs_error(self) -> float:
        return max((e.abs_error for e in self.worst), default=0.0)

    @property
    def max_rel_error(self) -> float:
        return max((e.rel_error for e in self.worst), default=0.0)


def check_gradients(
    session, wrt=None, *, of: str | None = None, settings=None, progress=None
) -> dict[str, LeafCheck]:
    settings = settings or CheckSettings()
    grads = session.leaf_grads(wrt)
    replay = Replay(session, of)
    base = replay.objective({})
    plans = {name: _elements(grads[name].size, settings.samples) for name in grads}
    total = sum(2 * len(elements) for elements in plans.values())
    done = 0
    results: dict[str, LeafCheck] = {}
    for name, analytic in grads.items():
        elements = plans[name]
        leaf = _leaf(session, name)
        reason = replay.failure or replay.changed.get(name)
        if reason is None and not math.isfinite(base):
            reason = f"the program's output is {base} at {name}'s values"
        if reason is not None:
            results[name] = LeafCheck(name, NOT_CHECKED, 0, analytic.size, reason=reason)
            done += 2 * len(elements)
            continue
        start = np.array(leaf.array, dtype=np.float64)
        flat_analytic = np.asarray(analytic, dtype=np.float64).reshape(-1)
        checks = []
        for position in elements:
            values = []
            for sign in (1, -1):
                nudged = start.copy().reshape(-1)
                nudged[position] += sign * settings.eps
                values.append(replay.objective({name: nudged.reshape(start.shape)}))
                done += 1
                if progress is not None:
                    progress(done, total)
            if replay.failure:
                break
            checks.append(_compare(position, start.shape, flat_analytic, base, *values, settings))
        results[name] = _verdict(name, analytic.size, checks, replay.failure)
    return results


def _leaf(session, name: str) -> Tensor:
    return session.globals[name]


def _elements(count: int, samples: int) -> list[int]:
    if samples <= 0 or count <= samples:
        return list(range(count))
    return sorted(set(np.linspace(0, count - 1, samples).round().astype(int).tolist()))


def _compare(position, shape, analytic, base, plus, minus, settings) -> ElementCheck:
    eps = settings.eps
    numeric = (plus - minus) / (2 * eps)
    value = float(analytic[position])
    abs_error = abs(value - numeric)
    rel_error = abs_error / abs(numeric) if numeric else (0.0 if abs_error == 0 else math.inf)
    forward, backward = (plus - base) / eps, (base - minus) / eps
    gap = abs(forward - backward)
    # At a kink the one-sided slopes differ by a share of the slope whatever the step; on
    # a smooth curve by eps * |f''| only, a small share for any step that checks anything.
    smooth = math.isfinite(gap) and gap <= settings.atol + KINK_SHARE * max(
        abs(forward), abs(backward)
    )
    passed = math.isfinite(abs_error) and abs_error <= settings.atol + settings.rtol * abs(numeric)
    index = tuple(int(i) for i in np.unravel_index(position, shape)) if shape else ()
    return ElementCheck(index, value, numeric, abs_error, rel_error, smooth, passed)


def _verdict(name: str, total: int, checks: list, failure: str | None) -> LeafCheck:
    if failure:
        return LeafCheck(name, NOT_CHECKED, len(checks), total, reason=failure)
    failing = [c for c in checks if not c.passed]
    not_finite = [c for c in failing if not math.isfinite(c.abs_error)]
    kinks = [c for c in failing if c.smooth is False and c not in not_finite]
    real = [c for c in failing if c not in not_finite and c not in kinks]
    if real:
        status = FAIL
    elif not_finite:
        status = NOT_FINITE
    elif kinks:
        status = NOT_DIFFERENTIABLE
    else:
        status = OK
    worst = sorted(
        checks,
        key=lambda c: (c.passed, -(c.abs_error if math.isfinite(c.abs_error) else math.inf)),
    )[:WORST_SHOWN]
    return LeafCheck(name, status, len(checks), total, worst, failed=len(failing), kinks=len(kinks))


class Replay:
    """Runs the session's program again in a fresh session, with leaves' values replaced,
    and returns the function its backward passes differentiated."""

    def __init__(self, session, of: str | None = None):
        self.session = session
        self.of = of
        self.source = _replay_source(session)
        self.failure: str | None = None
        # leaves the program changes in place (an SGD step): name -> why they cannot be checked
        self.changed: dict[str, str] = {}
        self._first = True

    def objective(self, overrides: dict) -> float:
        from gradcalc.autograd.settings import grad_mode

        replay = _new_replay_session(self.session)
        for name, (_, tensor) in self.session.parameters.items():
            array = overrides.get(name, tensor.array)
            replay.globals[name] = make_tensor(np.array(array, dtype=np.float64), True)
            replay.parameters[name] = (None, replay.globals[name])
            replay._unreplaced.add(name)
        total = [0.0]
        original = replay.observer.on_backward

        def on_backward(outputs, grads, accumulate):
            original(outputs, grads, accumulate)
            for out, g in zip(outputs, grads):
                weight = 1.0 if g is None else np.asarray(g.array, dtype=np.float64)
                total[0] += float(np.sum(np.asarray(out.array, dtype=np.float64) * weight))

        replay.observer.on_backward = on_backward
        with grad_mode(True):  # the finite-difference loop may run without grad; not the program
            result = replay.run(self.source, after_bind=overrides or None)
        if not result.ok:
            error = result.errors[0]
            line = error.span.line if error.span is not None else None
            self.failure = (
                "replaying the program with its leaves nudged failed: "
                + (f"line {line}: " if line else "")
                + error.message
            )
            return math.nan
        if not replay.differentiated:
            out = replay.globals.get(self.of) if self.of else replay.output
            if type(out) is Tensor:
                total[0] += float(np.sum(out.array)) * max(self.session.backward_calls, 1)
        if self._first:
            self._first = False
            self._note_changed_leaves(replay)
        return total[0]

    def _note_changed_leaves(self, replay) -> None:
        for name, value in replay.globals.items():
            if type(value) is Tensor and value.grad_fn is None and value._vc and value._vc[0]:
                self.changed[name] = (
                    f"replaying the program with {name} nudged cannot isolate its gradient: "
                    f"the program changes {name} in place after it is made (an update such "
                    f"as {name} -= lr * {name}.grad)"
                )


def _replay_source(session) -> str:
    """The statements that ran, without the ``--set`` bindings (the replay binds those
    itself, nudged or not)."""
    statements = session.history.statements()
    for name, (text, _) in session.parameters.items():
        line = f"{name} = {text}"
        if line in statements:
            statements.remove(line)
    return "\n".join(statements)


def _new_replay_session(session):
    import gradcalc.autograd.dtypes as dtypes

    class ReplaySession(type(session)):  # a fresh session of the same kind
        """A session whose default float dtype stays float64, so that a nudge of 1e-6 is
        not lost in float32 rounding (PyTorch's gradcheck asks for double inputs too)."""

        def _set_builtins(self) -> None:
            super()._set_builtins()
            self.default_dtype = dtypes.float64

        def _note(self, node, after_bind) -> None:
            super()._note(node, after_bind)
            _widen_nudged_leaf(self, node, after_bind)

    return ReplaySession(
        seed=session.seed,
        dtype="float64",
        record_graph=False,
        python_script=session.python_script,
        **session.bounds(),
    )


def _widen_nudged_leaf(replay, node, after_bind) -> None:
    """A leaf the program made in float32 is replaced by a float64 one holding the nudged
    values, so the nudge survives (the program's float32 operands then promote)."""
    if not after_bind or type(node).__name__ != "Assign":
        return
    target = node.targets[-1]
    if type(target).__name__ != "Name" or target.id not in after_bind:
        return
    value = replay.globals.get(target.id)
    if type(value) is Tensor and value.grad_fn is None and value.array.dtype != np.float64:
        widened = make_tensor(np.array(after_bind[target.id], dtype=np.float64), True)
        replay.globals[target.id] = widened
