"""What running code reads and writes besides variables: outputs, bounds, modes.

One ``Runtime`` per session. Builtins and compiled code receive it as a typed object: they
emit output through it, count steps against ``--max-steps``, check the ``--timeout``
deadline, and note that the program differentiated something itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gradcalc.errors import LimitError, Span

DEFAULT_MAX_STEPS = 10_000_000
DEFAULT_MAX_DEPTH = 200
_CLOCK_EVERY = 64  # steps between deadline checks (a step may be a slow tensor loop body)
# Catching an exception costs as much as this many loop steps: `while True: try: 1/0
# except: pass` then stops at --max-steps as soon as `while True: pass` does.
EXCEPTION_STEPS = 64


@dataclass
class Output:
    """One thing a statement shows, in order: a ``print`` line, an echoed value, a warning."""

    kind: str  # "print" | "value" | "warning"
    text: str  # without the final newline
    span: Span | None = None
    newline: bool = True  # False for print(..., end="") and other ends without "\n"


class Env:
    """The variables of one function call (or of the program), and the enclosing call's."""

    __slots__ = ("globals", "parent", "result", "rt", "vars")

    def __init__(self, vars: dict, parent: Env | None, globals: dict, rt: Runtime) -> None:
        self.vars = vars
        self.parent = parent
        self.globals = globals
        self.rt = rt
        self.result = None  # a function's return value, set by its return statement


class Runtime:
    __slots__ = (
        "backward_calls",
        "builtins",
        "calculator",
        "call_depth",
        "deadline",
        "differentiated",
        "file_policy",
        "filename",
        "globals",
        "labels",
        "observer_label",
        "last_value",
        "max_depth",
        "max_steps",
        "modules",
        "on_backward",
        "on_grads_reset",
        "outputs",
        "source",
        "steps_left",
        "timeout",
        "warned_once",
        "_clock",
    )

    def __init__(
        self,
        *,
        max_steps: int = DEFAULT_MAX_STEPS,
        max_depth: int = DEFAULT_MAX_DEPTH,
        timeout: float | None = None,
    ) -> None:
        self.max_steps = max_steps
        self.max_depth = max_depth
        self.timeout = timeout
        self.modules: dict = {}
        self.builtins: dict = {}  # the names every scope sees (set by the session)
        self.file_policy = None  # gradcalc.files.FilePolicy (None: the working directory)
        self.clear()

    def clear(self) -> None:
        """Forget what a program left (outputs, variables, hooks, counts); the bounds, the
        modules, the builtins and the file policy stay."""
        self.outputs: list[Output] = []
        self.calculator = True
        self.differentiated = False
        self.backward_calls = 0
        self.on_backward = None  # session hook: (tensor, gradient, retain, create, inputs)
        self.on_grads_reset = None  # session hook: the leaves' gradients were zeroed
        self.globals: dict = {}  # the program's variables
        self.labels = None  # node -> Label, for the graph view (observe.py)
        self.observer_label = None  # observe.Observer.label
        self.last_value = None  # the value of the last top-level expression statement
        self.source = ""
        self.filename = "<string>"
        self.call_depth = 0
        self.warned_once: set[str] = set()  # PyTorch's warn-once messages shown in this session
        self.start_run()

    def start_run(self) -> None:
        """Reset the per-run bounds (each run() of a session gets the full budget)."""
        self.steps_left = self.max_steps
        self.deadline = None if self.timeout is None else time.monotonic() + self.timeout
        self._clock = _CLOCK_EVERY

    def builtins_names(self):
        return self.builtins.keys()

    # ---- output ----------------------------------------------------------------------------

    def emit(self, kind: str, text: str, span: Span | None = None) -> None:
        if text.endswith("\n"):
            self.outputs.append(Output(kind, text[:-1], span))
        else:
            self.outputs.append(Output(kind, text, span, newline=kind != "print"))

    def warn(self, category: str, message: str) -> None:
        self.outputs.append(Output("warning", f"{category}: {message}"))

    # ---- bounds ----------------------------------------------------------------------------

    def step(self, cost: int = 1) -> None:
        """One loop iteration or call (``cost`` steps for heavier work, such as catching an
        exception): count it, and look at the clock now and then."""
        self.steps_left -= cost
        if self.steps_left < 0:
            raise LimitError(
                f"the program ran more than {self.max_steps:,} steps (loop iterations and calls)",
                hint="a loop that never ends? Raise the bound with --max-steps",
            )
        self._clock -= 1
        if self._clock <= 0:
            self._clock = _CLOCK_EVERY
            self.check_deadline()

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise LimitError(
                f"the program ran longer than {self.timeout:g} s (--timeout)",
                hint="raise the bound with --timeout SECONDS",
            )

    def too_deep(self) -> LimitError:
        return LimitError(
            "maximum recursion depth exceeded",
            hint=f"calls nest at most {self.max_depth} deep (--max-depth)",
            kind="RecursionError",
        )
