"""``Session``: runs programs statement by statement and answers the front ends' questions.

A session never raises for a user's mistake in a program: every GradcalcError ends up in
the RunResult. Variables persist across ``run()`` calls, as the REPL needs. Which rules a
program follows (``calculator.py``: gradcalc's own language; or Python's, for PyTorch code)
is decided per run: a program that imports torch, or a ``.py`` script, is PyTorch code.

- One ``StatementResult`` per top-level statement: a whole ``for``/``with``/``def`` is one.
- Errors carry Python's exception name as ``kind``, PyTorch's message, the failing part's
  span, a hint, and ``frames``: the call chain, innermost first, ending at ``<module>``.
- A session starts as if ``torch.manual_seed(seed)`` had run (PyTorch's own generator).
- What a statement leaves behind is what it bound: the history keeps offsets into each run's
  source, the graph view's labels live as long as the nodes and leaves they describe.
- Ctrl-C (KeyboardInterrupt) ends the running statement with a ``KeyboardInterrupt`` error;
  the variables and the grad mode stay as they were.
"""

from __future__ import annotations

import sys

import numpy as np

import gradcalc.autograd.settings as settings
import gradcalc.interpreter.observe as observe
from gradcalc.autograd.settings import STATE
from gradcalc.autograd.tensor import Tensor
from gradcalc.errors import (
    GradcalcError,
    GradcalcSyntaxError,
    InternalError,
    LimitError,
    RaisedError,
    UsageError,
)
from gradcalc.interpreter.history import History
from gradcalc.interpreter.results import RunResult, StatementResult
from gradcalc.interpreter.runtime import DEFAULT_MAX_DEPTH, DEFAULT_MAX_STEPS, Env, Runtime
from gradcalc.interpreter.suggest import finish_hint

DEFAULT_MAX_ELEMENTS = settings.DEFAULT_MAX_ELEMENTS
_RECURSION_LIMIT = 30_000  # Python frames a run may use: deep enough for --max-depth calls


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
        notebook: bool = True,
        max_steps: int = DEFAULT_MAX_STEPS,
        max_depth: int = DEFAULT_MAX_DEPTH,
        timeout: float | None = None,
        file_policy=None,
    ):
        import gradcalc.autograd.dtypes as dtypes

        try:
            self.dtype = dtypes.as_dtype(dtype)
        except GradcalcError:
            raise UsageError(
                f"unsupported dtype {dtype!r}", hint="use float64 or float32"
            ) from None
        if self.dtype.category != dtypes.FLOATING:
            raise UsageError(f"unsupported dtype {dtype!r}", hint="use float64 or float32")
        if max_elements < 1:
            raise UsageError("max_elements must be at least 1")
        self.seed = seed
        self.max_elements = max_elements
        self.precision = precision
        self.record_graph = record_graph
        self.explain = explain
        self.python_script = python_script
        self.notebook = notebook and not python_script
        self.limits = (max_steps, max_depth, timeout)
        self.file_policy = file_policy  # gradcalc.files.FilePolicy for load() and --set @FILE
        self.detect_anomaly = False  # --detect-anomaly (observe.Observer.watch_anomalies)
        # --set NAME=VALUE bindings: name -> (value text, the tensor bound). The program's first
        # top-level assignment of such a name is its default: the --set value replaces it.
        self.parameters: dict = {}
        self._unreplaced: set = set()
        self.reset()

    # ---- state -------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget every variable and the history, and put back what a program may have
        changed process-wide (grad mode, anomaly detection, saved-tensor hooks, print options,
        the generator's seed); the settings stay.

        What no program can change is made once per session and kept: the runtime, the
        modules, the builtins and the seeded generator's state (``--batch`` resets the
        session before each line, so a line costs no rebuild)."""
        import gradcalc.autograd.random as random
        from gradcalc.autograd.printing import PRINT_OPTIONS

        rt = getattr(self, "rt", None)
        if rt is None:
            from gradcalc.interpreter.modules import build_modules
            from gradcalc.interpreter.pybuiltins import make_builtins

            max_steps, max_depth, timeout = self.limits
            rt = self.rt = Runtime(max_steps=max_steps, max_depth=max_depth, timeout=timeout)
            rt.modules = build_modules()
            rt.file_policy = self.file_policy
            self._python = make_builtins(rt)
            self._calculator_builtins = None
            self.generator = random.Generator(self.seed)
        else:
            rt.clear()
            self.generator.manual_seed(self.seed)
        STATE.grad_enabled = True
        STATE.inference = False
        STATE.anomaly = False
        STATE.anomaly_check_nan = True
        STATE.saved_hooks = []
        STATE.backward_callbacks = []
        STATE.inplace_guard = None
        PRINT_OPTIONS.reset()
        self.pytorch_code = self.python_script
        self.globals: dict = {}
        self.env = Env(self.globals, None, self.globals, rt)
        rt.globals = self.globals
        self.observer = observe.Observer(self, record_labels=self.record_graph)
        self.observer.watch_anomalies(self.detect_anomaly)
        self.parameters = {}
        self._unreplaced = set()
        rt.labels = self.observer.labels
        rt.on_grads_reset = self.observer.grads_reset
        rt.observer_label = self.observer.label
        self._set_builtins()
        self.output_name: str | None = None
        self._output_value = None
        self.history = History()  # each top-level statement that ran

    def _set_builtins(self) -> None:
        import gradcalc.autograd.dtypes as dtypes

        if self.pytorch_code:
            self.rt.builtins = self._python
            self.rt.calculator = False
            # PyTorch code starts with PyTorch's default dtype; a calculator keeps float64
            self.default_dtype = dtypes.float32
        else:
            self.default_dtype = self.dtype
            if self._calculator_builtins is None:
                from gradcalc.interpreter.calculator import calculator_builtins

                self._calculator_builtins = calculator_builtins(
                    self._python, self.rt.modules, self.rt
                )
            self.rt.builtins = self._calculator_builtins
            self.rt.calculator = True

    @property
    def variables(self) -> dict:
        return self.globals

    @property
    def output(self):
        if self.output_name is not None:
            return self.globals.get(self.output_name)
        return self._output_value

    @property
    def differentiated(self) -> bool:
        return self.rt.differentiated

    @property
    def backward_calls(self) -> int:
        return self.observer.backward_calls

    @property
    def backward_calls_since_reset(self) -> int:
        return self.observer.backward_calls_since_reset

    # ---- running -----------------------------------------------------------------------

    def run(
        self,
        source: str,
        *,
        filename: str = "<string>",
        keep_going: bool = False,
        after_bind: dict | None = None,
    ) -> RunResult:
        """Run ``source``; ``after_bind`` (name -> array) overwrites a leaf's values right
        after the statement that binds it (the gradient check's replays)."""
        from gradcalc.grammar import parse

        result = RunResult(source=source, filename=filename)
        try:
            program = parse(source, filename, recover=keep_going)
        except GradcalcError as error:
            result.syntax_error = error
            return result
        except RecursionError:
            result.syntax_error = GradcalcSyntaxError("program nested too deeply to parse")
            return result
        except Exception as exc:  # noqa: BLE001 - a parser bug: reported, never a traceback
            result.syntax_error = InternalError(f"the parser failed: {type(exc).__name__}: {exc}")
            result.syntax_error.__cause__ = exc
            return result
        if not self.pytorch_code and _imports_torch(program.body):
            self.pytorch_code = True
            self._set_builtins()
        rt = self.rt
        rt.source, rt.filename = source, filename
        rt.start_run()
        self.observer.start_run()
        # Each statement's tree is let go once it has run (what a ``def`` keeps, its closures
        # hold): a long script's tree shrinks as it runs rather than being carried, and
        # rescanned by the cyclic collector, to the end.
        body = program.body
        del program
        with self._run_settings():
            for index in range(len(body)):
                node, body[index] = body[index], None
                record = self._run_statement(node, source, result, after_bind)
                if record.error is not None and not keep_going:
                    break
        self._unreplaced = set()  # defaults are replaced in the first program only (not the REPL's)
        return result

    def _run_statement(self, node, source: str, result: RunResult, after_bind) -> StatementResult:
        from gradcalc.interpreter.compile_stmt import StmtCompiler

        span = getattr(node, "span", None)
        text = source[span.start : span.end] if span is not None else ""
        record = StatementResult(index=len(result.statements), span=span, source=text)
        result.statements.append(record)
        rt = self.rt
        rt.outputs = record.outputs
        self.observer.statement_start = span.start if span is not None else 0
        try:
            compiler = StmtCompiler(
                rt.builtins,
                rt.calculator,
                self.notebook,
                source=source,
                record=self.record_graph,
            )
            code = compiler.program_statement(node)
            code(self.env)
        except GradcalcError as error:
            error.frames.append(("<module>", error.last_span or span, None))
            here = (rt.filename, rt.source)  # frames of functions defined by this input
            error.frames = [(f, s, None if o == here else o) for f, s, o in error.frames]
            error.last_span = None
            finish_hint(error)
            record.error = error.at(span)
        except RecursionError:
            record.error = LimitError(
                "maximum recursion depth exceeded", kind="RecursionError", span=span
            )
        except MemoryError:
            record.error = LimitError(
                "out of memory",
                kind="MemoryError",
                span=span,
                hint="use smaller tensors (--max-elements bounds each one, --max-memory the whole process)",
            )
        except KeyboardInterrupt:
            record.error = RaisedError("KeyboardInterrupt", "", span=span)
        except Exception as exc:  # noqa: BLE001 - a bug in gradcalc: reported, never a traceback
            record.error = InternalError(f"{type(exc).__name__}: {exc}", span=span)
            record.error.__cause__ = exc
        finally:
            rt.call_depth = 0
            self.observer.settle(failed=record.error is not None)
        if record.error is None:
            if span is not None:
                self.history.add(source, span.start, span.end)
            self._note(node, after_bind)
        return record

    def _note(self, node, after_bind) -> None:
        """Track the output (last assigned name, or last expression)."""
        kind = type(node).__name__
        if kind in ("Assign", "AugAssign", "AnnAssign"):
            targets = node.targets if kind == "Assign" else [node.target]
            last = targets[-1]
            if type(last).__name__ in ("Tuple", "List") and last.elts:
                last = last.elts[-1]
            if type(last).__name__ == "Name":
                if kind == "Assign" and last.id in self._unreplaced:  # a --set name's default
                    self._unreplaced.discard(last.id)
                    self.globals[last.id] = self.parameters[last.id][1]
                self.output_name = last.id
                self._output_value = None
                value = self.globals.get(last.id)
                if type(value) is Tensor and after_bind and last.id in after_bind:
                    if value.grad_fn is None:
                        np.copyto(value.array, after_bind[last.id], casting="unsafe")
        elif kind == "Expr":
            self.output_name = None
            self._output_value = self.rt.last_value

    def _run_settings(self):
        return _RunSettings(self)

    # ---- the CLI's questions -------------------------------------------------------------

    def bind(self, name: str, value: str) -> None:
        """``--set NAME=VALUE``: bind a leaf that requires grad before the program runs."""
        from gradcalc.interpreter.binding import bind_value

        bind_value(self, name, value)
        self.parameters[name] = (value, self.globals[name])
        self._unreplaced.add(name)

    def set_detect_anomaly(self, on: bool) -> None:
        """``--detect-anomaly``: a backward pass stops at the first node that turns finite
        gradients into NaN or infinity, naming the forward expression that made it."""
        self.detect_anomaly = on
        self.observer.watch_anomalies(on)

    def bounds(self) -> dict:
        """The limits a session made on this one's behalf (a ``--set`` value, a ``--check``
        replay) must keep, as ``Session`` keyword arguments."""
        max_steps, max_depth, timeout = self.limits
        return {
            "max_elements": self.max_elements,
            "max_steps": max_steps,
            "max_depth": max_depth,
            "timeout": timeout,
            "file_policy": self.file_policy,
        }

    def implicit_backward(self, count: int, retain_graph: bool) -> None:
        """The CLI's ``-b N`` / ``-r``: ``output.backward()`` ``count`` times."""
        output = self.output
        if count <= 0 or type(output) is not Tensor or not output.requires_grad:
            return
        with self._run_settings():
            for _ in range(count):
                try:
                    output.backward(retain_graph=bool(retain_graph))
                except MemoryError:  # a gradient over --max-memory
                    self.observer.settle(failed=True)
                    raise LimitError(
                        "out of memory",
                        kind="MemoryError",
                        hint="the gradients did not fit: use smaller tensors, or raise "
                        "--max-memory",
                    ) from None
                except GradcalcError as error:
                    self.observer.settle(failed=True)
                    if "second time" in error.message:
                        error.hint = (
                            "pass --retain-graph (-r) to keep the graph between backward calls"
                        )
                    raise
                self.observer.settle(failed=False)

    def values(self) -> dict:
        """The program's variables, as the tables show them (tensors as arrays)."""
        from gradcalc.interpreter.shown import plain_value

        return {
            name: plain_value(value)
            for name, value in self.globals.items()
            if plain_value(value) is not None or value is None
        }

    def derivative_origins(self) -> dict:
        """name -> ``results.DerivativeOrigin`` of each variable holding a Jacobian or
        Hessian a transform made (``interpreter/derivatives.py``), for labelled matrices."""
        from gradcalc.interpreter.derivatives import origin_of

        origins = {name: origin_of(value) for name, value in self.globals.items()}
        return {name: origin for name, origin in origins.items() if origin is not None}

    def leaf_grads(self, wrt: list[str] | None = None) -> dict[str, np.ndarray]:
        """Every leaf's gradient, or those of the tensors ``wrt`` names (leaves or
        intermediates: ``interpreter/gradients.py``)."""
        from gradcalc.interpreter.gradients import reported_grads

        return reported_grads(self, wrt)

    def graph(self, root: str | None = None):
        from gradcalc.interpreter.graphview import build_graph

        if root is None:
            tensor = self.output
        else:
            if root not in self.globals:
                from gradcalc.interpreter.suggest import did_you_mean

                raise UsageError(
                    f"no variable named '{root}'", hint=did_you_mean(root, self.globals)
                )
            tensor = self.globals[root]
        if type(tensor) is not Tensor:
            return None
        return build_graph(self, tensor)

    def explain_steps(self):
        return self.observer.explain_steps()

    def explain_passes(self):
        return self.observer.explain_passes()

    def statements_source(self) -> list[str]:
        return self.history.statements()

    def completions(self, prefix: str) -> list[str]:
        from gradcalc.interpreter.completion import complete

        return complete(self, prefix)

    def check_gradients(self, wrt: list[str] | None = None, **how) -> dict:
        """``--check``: name -> ``check.LeafCheck`` (``how``: of, settings, progress)."""
        from gradcalc.interpreter.check import check_gradients

        return check_gradients(self, wrt, **how)


class _RunSettings:
    """The process-wide state a run needs, set on entry and put back on exit."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __enter__(self):
        s = self.session
        import gradcalc.autograd.dtypes as dtypes
        import gradcalc.autograd.random as random
        from gradcalc.interpreter.calculator import Settings

        self.saved = (
            STATE.lenient,
            dtypes.DEFAULTS.float,
            STATE.max_elements,
            STATE.warn_handler,
            STATE.warned_once,
            STATE.record_output_grads,
            Settings.dtype,
            random.default_generator(),
            STATE.observer,
        )
        dtypes.DEFAULTS.float = s.default_dtype
        STATE.lenient = s.rt.calculator
        STATE.max_elements = s.max_elements
        STATE.warn_handler = s.rt.warn
        STATE.warned_once = s.rt.warned_once
        STATE.record_output_grads = s.record_graph
        STATE.observer = s.observer
        Settings.dtype = s.dtype
        random.set_default_generator(s.generator)
        self.recursion_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(_RECURSION_LIMIT, self.recursion_limit))
        self.errstate = np.errstate(all="ignore")
        self.errstate.__enter__()
        return self

    def __exit__(self, *exc):
        import gradcalc.autograd.dtypes as dtypes
        import gradcalc.autograd.random as random
        from gradcalc.interpreter.calculator import Settings

        self.errstate.__exit__(*exc)
        self.session.default_dtype = dtypes.DEFAULTS.float  # torch.set_default_dtype lasts
        (
            STATE.lenient,
            dtypes.DEFAULTS.float,
            STATE.max_elements,
            STATE.warn_handler,
            STATE.warned_once,
            STATE.record_output_grads,
            Settings.dtype,
            generator,
            STATE.observer,
        ) = self.saved
        sys.setrecursionlimit(self.recursion_limit)
        random.set_default_generator(generator)
        return False


def _imports_torch(statements) -> bool:
    for node in statements:
        kind = type(node).__name__
        if kind == "Import" and any(a.name.split(".")[0] == "torch" for a in node.names):
            return True
        if kind == "ImportFrom" and (node.module or "").split(".")[0] == "torch":
            return True
    return False
