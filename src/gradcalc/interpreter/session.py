"""``Session``: runs programs statement by statement and answers the front ends' questions.

The contract is /work/notes/session-api.md (copied in docs/language.md's "Embedding"
section). A session never raises for a user's mistake in a program: every GradcalcError ends
up in the RunResult. Variables persist across ``run()`` calls, as the REPL needs.
"""

from __future__ import annotations

import contextlib
import gc
import keyword
import math
import weakref
from typing import Any

import numpy as np

from gradcalc.errors import (
    AutogradError,
    GradcalcError,
    GradcalcSyntaxError,
    LimitError,
    UsageError,
    ValueDomainError,
)
from gradcalc.grammar import ast
from gradcalc.interpreter import core
from gradcalc.interpreter.evaluator import DEFAULT_MAX_ELEMENTS, Evaluator
from gradcalc.interpreter.results import ExplainStep, Graph, RunResult, Shown, StatementResult
from gradcalc.interpreter.values import (
    BoundMethod,
    BuiltinRef,
    DType,
    GradFnView,
    Namespace,
    ReturnTuple,
    Size,
)

_FD_STEP = 1e-6
_FD_MAX_ELEMENTS = 100  # finite differences checked per leaf (evenly spaced beyond that)


class _HistoryEntry:
    __slots__ = ("kind", "statement", "source", "name", "array", "blocks", "grad_enabled")

    def __init__(
        self, kind, statement=None, source="", name=None, array=None, blocks=(), grad_enabled=True
    ):
        self.kind = kind  # "stmt" | "bind" | "implicit"
        self.statement = statement
        self.source = source  # the whole program text the statement's spans refer to
        self.name = name
        self.array = array
        self.blocks = blocks  # the ast.With statements around it, outermost first
        self.grad_enabled = grad_enabled  # whether gradients were recorded as it ran


class Session:
    def __init__(
        self,
        *,
        seed: int = 0,
        dtype: str = "float64",
        max_elements: int = DEFAULT_MAX_ELEMENTS,
        precision: int = 4,
        record_graph: bool = True,
        explain: bool = False,
        python_script: bool = False,
    ):
        if dtype not in ("float64", "float32"):
            raise UsageError(f"unsupported dtype {dtype!r}", hint="use float64 or float32")
        if max_elements < 1:
            raise UsageError("max_elements must be at least 1")
        self.seed = seed
        self.dtype = dtype
        self.max_elements = max_elements
        self.precision = precision
        self.record_graph = record_graph
        self.explain = explain
        # A .py script runs as Python would: a number or list bound to a name stays a plain
        # value instead of becoming a leaf that requires grad.
        self.python_script = python_script
        self.reset()

    # ---- state ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every variable and the history (settings stay)."""
        self._ev = Evaluator(
            dtype=self.dtype,
            seed=self.seed,
            max_elements=self.max_elements,
            precision=self.precision,
        )
        self._ev.record_graph = self.record_graph
        self._ev.literal_leaves = not self.python_script
        self._rng = core.make_generator(self.seed)
        self._history: list[_HistoryEntry] = []
        self._replay_failure: str | None = None
        self._leaf_origin: dict[int, tuple[int, str, Any]] = {}
        self.output_name: str | None = None
        self._output_value: Any = None
        self._last_backward_root: Any = None
        self._explain_steps: list[ExplainStep] = []
        self._explain_passes: list[list[ExplainStep]] = []  # since the last run()
        self._ev.backward_hook = None
        self._install_backward_recorder()

    @property
    def variables(self) -> dict[str, object]:
        return self._ev.variables

    @property
    def output(self) -> object | None:
        if self.output_name is not None:
            return self._ev.variables.get(self.output_name)
        return self._output_value

    @property
    def differentiated(self) -> bool:
        return self._ev.differentiated

    @property
    def backward_calls(self) -> int:
        return self._ev.backward_calls

    @property
    def backward_calls_since_reset(self) -> int:
        """Backward calls since a ``.grad`` was last zeroed or set to None."""
        return self._ev.backward_calls_since_reset

    # ---- running ---------------------------------------------------------------------------

    def run(
        self, source: str, *, filename: str = "<string>", keep_going: bool = False
    ) -> RunResult:
        result = RunResult(source=source, filename=filename)
        self._explain_passes = []
        try:
            program = _parse(source, filename)
        except GradcalcError as exc:
            result.syntax_error = exc
            return result
        with self._core_settings() as state, _collector_ignoring_old_objects():
            try:
                self._run_statements(program, source, result, keep_going)
            finally:
                self._rng = state.rng
        return result

    def _run_statements(self, program, source, result, keep_going) -> None:
        self._run_block(program.statements, source, result, keep_going, ())

    def _run_block(self, statements, source, result, keep_going, blocks: tuple) -> bool:
        """Run statements in order, each reported as its own StatementResult: a ``with``
        line, then the statements of its block. A failing statement stops its block and the
        blocks around it; with ``keep_going`` the program goes on after them. Returns False
        when a statement failed."""
        ev = self._ev
        ok = True
        for stmt in statements:
            ev.source = source
            ev.outputs = []
            span = stmt.header_span if isinstance(stmt, ast.With) else stmt.span
            text = source[span.start : span.end]
            record = StatementResult(
                index=len(result.statements), span=span, source=text, depth=len(blocks)
            )
            result.statements.append(record)
            try:
                if isinstance(stmt, ast.With):
                    enabled = ev.grad_mode_of(stmt)
                else:
                    ev.execute(stmt)
            except GradcalcError as exc:
                record.error = exc.at(span)
            except RecursionError:
                record.error = LimitError("expression nested too deeply", span=span)
            record.outputs = ev.outputs
            ev.outputs = []
            if record.error is None and isinstance(stmt, ast.With):
                with core.grad_mode(enabled):
                    inner_ok = self._run_block(
                        stmt.body, source, result, keep_going, (*blocks, stmt)
                    )
                if inner_ok:
                    continue
            elif record.error is None:
                self._history.append(
                    _HistoryEntry(
                        "stmt",
                        stmt,
                        source,
                        blocks=blocks,
                        grad_enabled=core.is_grad_enabled(),
                    )
                )
                self._note_output(stmt)
                self._note_leaves(stmt, text)
                continue
            ok = False
            if blocks or not keep_going:
                break
        return ok

    def _note_output(self, stmt: ast.Statement) -> None:
        if isinstance(stmt, ast.Assign | ast.AugAssign) and isinstance(stmt.target, ast.Name):
            self.output_name = stmt.target.id
            self._output_value = None
        elif isinstance(stmt, ast.Unpack):  # as ``a = ...; b = ...`` would leave it
            self.output_name = stmt.targets[-1].id
            self._output_value = None
        elif isinstance(stmt, ast.ExprStatement):
            self.output_name = None
            self._output_value = getattr(self._ev, "last_expression_value", None)

    def _note_leaves(self, stmt: ast.Statement | None, text: str) -> None:
        """Remember after which history entry each named leaf came to require grad (for --check)."""
        index = len(self._history) - 1
        if isinstance(stmt, ast.Assign | ast.AugAssign) and isinstance(stmt.target, ast.Name):
            names = [stmt.target.id]
        elif isinstance(stmt, ast.Unpack):
            names = [target.id for target in stmt.targets]
        elif stmt is None:
            names = [self._history[-1].name]
        elif "requires_grad" in text:
            names = list(self._ev.variables)
        else:
            return
        for name in names:
            value = self._ev.variables.get(name)
            if core.is_tensor(value) and core.is_leaf(value) and core.requires_grad(value):
                key = id(value)
                known = self._leaf_origin.get(key)
                if known is None or known[2]() is not value:
                    self._leaf_origin[key] = (index, name, weakref.ref(value))

    def bind(self, name: str, value: str) -> None:
        """The CLI's ``--set NAME=VALUE``: bind a leaf that requires grad before the program runs."""
        if not name.isidentifier() or keyword.iskeyword(name) or name in ("True", "False", "None"):
            raise UsageError(
                f"invalid variable name {name!r} in --set",
                hint="names start with a letter or _ and hold letters, digits and _ (e.g. --set x=[1,2])",
            )
        if not isinstance(value, str) or not value.strip():
            raise UsageError(
                f"--set {name}= needs a value", hint="e.g. --set x='[[1,2],[3,4]]' or x=@data.npy"
            )
        with self._core_settings() as state:
            try:
                self._bind(name, value)
            finally:
                self._rng = state.rng

    def _bind(self, name: str, value: str) -> None:
        ev = self._ev
        if value.startswith("@"):
            from gradcalc.interpreter.loading import load_array

            array = load_array(value[1:])
        else:
            array = self._evaluate_value_text(name, value)
        tensor = ev.new_tensor(array, requires_grad=True)
        ev.assign(name, tensor)
        ev.outputs = []
        ev._remember(tensor, name)
        self._history.append(_HistoryEntry("bind", name=name, array=np.array(core.data(tensor))))
        self._note_leaves(None, "")

    def _evaluate_value_text(self, name: str, text: str) -> np.ndarray:
        filename = f"--set {name}"
        program = _parse(text, filename)
        if len(program.statements) != 1 or not isinstance(program.statements[0], ast.ExprStatement):
            raise UsageError(
                f"--set {name}=VALUE needs a single expression, got {text!r}",
                hint="e.g. --set x='[[1,2],[3,4]]' or --set w='randn(3,3)'",
            )
        ev = self._ev
        saved = ev.source
        ev.source = text
        try:
            value = ev.evaluate(program.statements[0].expr)
        except RecursionError:
            raise ValueDomainError(f"--set {name}: expression nested too deeply") from None
        finally:
            ev.source = saved
        if isinstance(value, bool) or value is None or isinstance(value, str):
            raise ValueDomainError(
                f"--set {name}: {value!r} is not numeric",
                hint="give a number, a list or a tensor expression",
            )
        tensor = ev.to_tensor(value, f"--set {name}")
        return np.array(core.data(tensor), dtype=np.float64)

    # ---- backward --------------------------------------------------------------------------

    def _install_backward_recorder(self) -> None:
        session = self

        def record(tensor, gradient, retain_graph, create_graph, inputs):
            session._backward(tensor, gradient, retain_graph, create_graph, inputs)

        self._ev.backward_hook = record

    def _backward(self, tensor, gradient, retain_graph, create_graph, inputs) -> None:
        recorder = None
        if self.explain:
            from gradcalc.interpreter.explain import ExplainRecorder

            recorder = ExplainRecorder(self._ev)
        core.backward(tensor, gradient, retain_graph, create_graph, inputs, on_node=recorder)
        self._ev.backward_calls += 1
        self._ev.backward_calls_since_reset += 1
        self._last_backward_root = tensor
        if recorder is not None:
            self._explain_steps = recorder.steps
            self._explain_passes.append(recorder.steps)

    def _core_settings(self, rng=None, dtype=None):
        return core.settings(
            dtype=dtype or self.dtype,
            max_elements=self.max_elements,
            rng=self._rng if rng is None else rng,
            record_output_grads=self.record_graph,
        )

    def implicit_backward(self, count: int, retain_graph: bool) -> None:
        """The CLI's ``-b N`` / ``-r``: ``output.backward()`` ``count`` times."""
        output = self.output
        if count <= 0 or not core.is_tensor(output) or not core.requires_grad(output):
            return
        with self._core_settings():
            self._implicit_backward(output, count, retain_graph)

    def _implicit_backward(self, output, count: int, retain_graph: bool) -> None:
        for _ in range(count):
            try:
                self._backward(output, None, bool(retain_graph), False, None)
            except AutogradError as exc:
                message = exc.message.lower()
                if "second time" in message:
                    exc.hint = "pass --retain-graph (-r) to keep the graph between backward calls"
                elif "scalar outputs" in message:
                    exc.hint = "reduce the output to a scalar first, e.g. sum(...)"
                raise
            self._history.append(_HistoryEntry("implicit"))

    # ---- reports ---------------------------------------------------------------------------

    def values(self) -> dict[str, np.ndarray | float | int | bool | str | None]:
        found: dict[str, Any] = {}
        for name, value in self._ev.variables.items():
            found[name] = _plain_value(self._ev, value)
        return found

    def leaf_grads(self, wrt: list[str] | None = None) -> dict[str, np.ndarray]:
        variables = self._ev.variables
        if wrt is not None:
            for name in wrt:
                if name not in variables:
                    from gradcalc.interpreter.values import did_you_mean

                    raise UsageError(
                        f"--wrt {name}: no variable named '{name}'",
                        hint=did_you_mean(name, list(variables)),
                    )
                value = variables[name]
                if not (
                    core.is_tensor(value) and core.is_leaf(value) and core.requires_grad(value)
                ):
                    raise UsageError(
                        f"--wrt {name}: {name} is not a leaf tensor that requires grad, so "
                        "backward() gives it no gradient",
                        hint=f"name a leaf such as {self._a_leaf_name() or 'x'}; for an "
                        f"intermediate, call {name}.retain_grad() and print({name}.grad)",
                    )
        names = wrt if wrt is not None else list(variables)
        grads: dict[str, np.ndarray] = {}
        for name in names:
            value = variables[name]
            if core.is_tensor(value) and core.is_leaf(value) and core.requires_grad(value):
                grad = core.grad_of(value)
                if grad is not None:
                    grads[name] = np.array(core.data(grad) if core.is_tensor(grad) else grad)
        return grads

    def _a_leaf_name(self) -> str | None:
        for name, value in self._ev.variables.items():
            if core.is_tensor(value) and core.is_leaf(value) and core.requires_grad(value):
                return name
        return None

    def graph(self, root: str | None = None) -> Graph | None:
        if root is None:
            tensor = self.output
        else:
            if root not in self._ev.variables:
                from gradcalc.interpreter.values import did_you_mean

                raise UsageError(
                    f"no variable named '{root}'", hint=did_you_mean(root, list(self._ev.variables))
                )
            tensor = self._ev.variables[root]
        if not core.is_tensor(tensor):
            return None
        from gradcalc.interpreter.graphview import build_graph

        return build_graph(self._ev, tensor)

    def explain_steps(self) -> list[ExplainStep]:
        """The chain-rule steps of the most recent backward pass."""
        return list(self._explain_steps)

    def explain_passes(self) -> list[list[ExplainStep]]:
        """The steps of every backward pass since the last ``run()`` began, in order."""
        return [list(steps) for steps in self._explain_passes]

    def statements_source(self) -> list[str]:
        """The lines of a script that repeats the statements run so far: a statement that ran
        inside ``with`` blocks comes back inside them, indented 4 spaces a level."""
        lines: list[str] = []
        open_blocks: tuple = ()
        for entry in self._history:
            if entry.kind != "stmt":
                continue
            blocks = entry.blocks
            shared = 0
            while (
                shared < min(len(blocks), len(open_blocks))
                and blocks[shared] is open_blocks[shared]
            ):
                shared += 1
            for depth in range(shared, len(blocks)):
                header = blocks[depth].header_span
                lines.append("    " * depth + entry.source[header.start : header.end])
            span = entry.statement.span
            lines.append("    " * len(blocks) + entry.source[span.start : span.end])
            open_blocks = blocks
        return lines

    def completions(self, prefix: str) -> list[str]:
        from gradcalc.interpreter.completion import complete

        return complete(self._ev, prefix)

    # ---- gradient check --------------------------------------------------------------------

    def check_gradients(self, wrt: list[str] | None = None) -> dict[str, float]:
        """Largest |analytic - central finite difference| per reported leaf (float64 replays).

        The differentiated function is what the backward passes saw: the sum of every root a
        backward() call (explicit or implicit) reached since the last zeroing of gradients,
        each weighted by its ``gradient=``. Leaves of more than 100 elements are checked at
        100 evenly spaced elements.
        """
        grads = self.leaf_grads(wrt)
        errors: dict[str, float] = {}
        # Leaves whose worst point is not smooth: the finite differences there change with
        # the step, so a mismatch says nothing about the analytic gradient.
        self.check_not_smooth: set[str] = set()
        # Why a leaf could not be checked (its error is NaN), for the user.
        self.check_reasons: dict[str, str] = {}
        for name, analytic in grads.items():
            leaf = self._ev.variables[name]
            origin = self._leaf_origin.get(id(leaf))
            if origin is None or origin[2]() is not leaf:
                errors[name] = math.nan
                self.check_reasons[name] = (
                    f"{name} was not made by a statement of this program, so it cannot be "
                    "nudged and replayed"
                )
                continue
            count = analytic.size
            if count <= _FD_MAX_ELEMENTS:
                indices = range(count)
            else:
                indices = sorted(
                    set(np.linspace(0, count - 1, _FD_MAX_ELEMENTS).astype(int).tolist())
                )
            worst = 0.0
            worst_index = None
            for flat_index in indices:
                numeric = self._central_difference(origin, flat_index, _FD_STEP)
                difference = abs(float(analytic.reshape(-1)[flat_index]) - numeric)
                if math.isnan(difference):
                    worst = math.nan
                    if self._replay_failure is not None:
                        self.check_reasons[name] = (
                            f"replaying the program with {name} nudged failed: "
                            f"{self._replay_failure}"
                        )
                    break
                if difference >= worst:
                    worst, worst_index = difference, flat_index
            errors[name] = worst
            if worst_index is not None and worst > 0 and not self._smooth_at(origin, worst_index):
                self.check_not_smooth.add(name)
        return errors

    def _central_difference(self, origin, flat_index: int, step: float) -> float:
        plus = self._objective_at(origin, flat_index, step)
        minus = self._objective_at(origin, flat_index, -step)
        return (plus - minus) / (2 * step)

    def _objective_at(self, origin, flat_index: int, delta: float) -> float:
        with self._core_settings(rng=core.make_generator(self.seed), dtype="float64"):
            return self._replay_objective(origin, flat_index, delta)

    def _smooth_at(self, origin, flat_index: int) -> bool:
        """Whether the replayed objective is differentiable at the leaf's value.

        At a jump the central difference grows like 1/step; at a kink (relu at 0) the two
        one-sided slopes differ by the same amount however small the step. For a smooth
        function both discrepancies shrink with the step.
        """
        at = self._objective_at(origin, flat_index, 0.0)
        slopes = []
        for step in (_FD_STEP, _FD_STEP / 100):
            plus = self._objective_at(origin, flat_index, step)
            minus = self._objective_at(origin, flat_index, -step)
            slopes.append(((plus - minus) / (2 * step), (plus - at) / step, (at - minus) / step))
        (central, right, left), (fine_central, fine_right, fine_left) = slopes
        scale = 1e-3 * max(1.0, abs(central), abs(fine_central))
        jump = abs(central - fine_central) > scale
        kink = abs(fine_right - fine_left) > scale and abs(fine_right - fine_left) > 0.5 * abs(
            right - left
        )
        return not (jump or kink)

    def _replay_objective(
        self, origin: tuple[int, str, Any], flat_index: int, delta: float
    ) -> float:
        origin_index, origin_name, _ = origin
        ev = Evaluator(
            dtype="float64",
            seed=self.seed,
            max_elements=self.max_elements,
            precision=self.precision,
        )
        total = [0.0]

        def on_backward(tensor, gradient, retain_graph, create_graph, inputs):
            weight = 1.0 if gradient is None else core.data(gradient)
            total[0] += float(np.sum(core.data(tensor) * weight))

        def on_zero():
            total[0] = 0.0

        self._replay_failure = None
        ev.backward_hook = on_backward
        ev.zero_hook = on_zero
        ev.literal_leaves = not self.python_script
        output_name = None
        output_value = None
        for index, entry in enumerate(self._history):
            ev.outputs = []
            try:
                if entry.kind == "bind":
                    tensor = ev.new_tensor(entry.array.copy(), requires_grad=True)
                    ev.variables[entry.name] = tensor
                elif entry.kind == "implicit":
                    out = ev.variables.get(output_name) if output_name else output_value
                    if core.is_tensor(out):
                        total[0] += float(np.sum(core.data(out)))
                else:
                    ev.source = entry.source
                    with core.grad_mode(entry.grad_enabled):
                        ev.execute(entry.statement)
                    stmt = entry.statement
                    if isinstance(stmt, ast.Assign | ast.AugAssign) and isinstance(
                        stmt.target, ast.Name
                    ):
                        output_name, output_value = stmt.target.id, None
                    elif isinstance(stmt, ast.Unpack):
                        output_name, output_value = stmt.targets[-1].id, None
                    elif isinstance(stmt, ast.ExprStatement):
                        output_name, output_value = None, getattr(ev, "last_expression_value", None)
            except GradcalcError as exc:
                line = entry.statement.span.line if entry.statement is not None else None
                where = f"line {line}: " if line else ""
                self._replay_failure = f"{where}{exc.message}"
                return math.nan
            if index == origin_index:
                leaf = ev.variables.get(origin_name)
                if not core.is_tensor(leaf):
                    return math.nan
                array = np.array(core.data(leaf), dtype=np.float64)
                array.reshape(-1)[flat_index] += delta
                core.set_data(leaf, array)
        return total[0]


@contextlib.contextmanager
def _collector_ignoring_old_objects():
    """Keep the cyclic garbage collector off what existed before the run (the syntax tree,
    earlier variables) while it runs.

    Each statement leaves objects behind, so the collector's full passes come again and again
    and rescan the whole syntax tree: nearly half the time of a 100,000-statement program.
    Frozen objects are only exempt from scanning, and are put back when the run ends; nothing
    is frozen when the embedding program froze objects itself.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _parse(source: str, filename: str) -> ast.Program:
    from gradcalc.grammar.parser import parse

    try:
        return parse(source, filename)
    except GradcalcSyntaxError:
        raise
    except GradcalcError:
        raise
    except RecursionError:
        raise GradcalcSyntaxError("program nested too deeply to parse") from None


def _plain_value(ev: Evaluator, value: Any) -> Any:
    if core.is_tensor(value):
        return np.array(core.data(value))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Size):
        return np.array(list(value), dtype=np.int64)
    if isinstance(value, list):
        try:
            return np.array(core.data(ev.to_tensor(value, "value")))
        except GradcalcError:
            return Shown(ev.repr_value(value))
    if isinstance(value, tuple) and not isinstance(value, ReturnTuple):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
            return np.array(value)
        return Shown(ev.repr_value(value))
    if isinstance(value, DType | Namespace | BuiltinRef | BoundMethod | GradFnView):
        return Shown(repr(value))
    return Shown(ev.repr_value(value))
