"""What a run of one program does besides the program: the implicit backward calls
(``-b N``, ``--of``), ``--explain``, ``--check``, ``--wrt`` and ``--detect-anomaly``,
gathered in an ``Outcome`` that the Rich report, the JSON document and ``--batch`` all read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gradcalc.errors import GradcalcError, LimitError

RETAIN_GRAPH_HINT = (
    "pass --retain-graph (-r) so that every implicit backward keeps the graph "
    "(then -b N accumulates N gradients)"
)


@dataclass
class Outcome:
    """Everything a run produced, gathered for the Rich report or the JSON document."""

    result: object | None = None  # RunResult
    # (error, source text, filename) for errors outside result: --set, -b, --check, --wrt
    errors: list = field(default_factory=list)
    explain: list = field(default_factory=list)  # (title, steps)
    check: dict | None = None  # leaf name -> interpreter.check.LeafCheck
    check_failed: dict = field(default_factory=dict)  # leaf name -> why, in words
    check_settings: object | None = None  # interpreter.check.CheckSettings
    # what the backward passes differentiated ("loss", "sum(x*x)"), in the order they ran
    differentiated: list = field(default_factory=list)
    stopped: bool = False  # the program did not run to its end (an error without -k)
    warnings: list = field(default_factory=list)  # what the command itself chose not to do

    def all_errors(self) -> list[GradcalcError]:
        found = list(self.result.errors) if self.result is not None else []
        return found + [error for error, _, _ in self.errors]

    def exit_code(self) -> int:
        codes = [getattr(e, "exit_code", 1) for e in self.all_errors()]
        if self.check_failed:
            codes.append(1)
        return max(codes, default=0)


def evaluate(session, source, options) -> Outcome:
    """Run the statements, the implicit backward calls and --check; gather what happened."""
    if getattr(options, "detect_anomaly", False):
        session.set_detect_anomaly(True)
    result = session.run(source.text, filename=source.filename, keep_going=options.keep_going)
    outcome = Outcome(result=result)
    stopped = result.syntax_error is not None or (not result.ok and not options.keep_going)
    if stopped:
        outcome.stopped = True
        return outcome
    try:
        _choose_what_to_differentiate(session, options)
    except GradcalcError as error:
        # an unknown --of or --wrt name is a usage error: reported before any table or tree
        outcome.errors.append((error, None, "--of" if "--of" in error.message else "--wrt"))
        outcome.stopped = True
        return outcome
    if options.explain and session.differentiated:
        passes = session.explain_passes()
        for number, steps in enumerate(passes, 1):
            outcome.explain.append((f"backward {number} of {len(passes)} in the program", steps))
    backward_ok = _implicit_backward(session, result, options, outcome)
    from gradcalc.interpreter.gradients import differentiated_names

    outcome.differentiated = differentiated_names(session)
    if not backward_ok:
        return outcome
    _warn_if_nothing_was_differentiated(session, options, outcome)
    if options.check:
        _check(session, options, outcome)
    return outcome


def _choose_what_to_differentiate(session, options) -> None:
    from gradcalc.interpreter.gradients import check_wrt, choose_output, retain_intermediates

    if getattr(options, "of", None):
        choose_output(session, options.of)
    if options.wrt:
        check_wrt(session, options.wrt)
        if not session.differentiated:
            retain_intermediates(session, options.wrt)


def _warn_if_nothing_was_differentiated(session, options, outcome: Outcome) -> None:
    """A program with leaves that require grad, whose output is not something to
    differentiate (``print(m)`` last): say so, rather than show no Gradients table silently."""
    if session.differentiated or options.backward == 0 or outcome.warnings:
        return
    if session.python_script:  # a .py file runs as Python runs it: its prints are its output
        return
    output = session.output
    if getattr(output, "requires_grad", False):
        return
    from gradcalc.autograd.tensor import Tensor

    leaves = [n for n, v in session.globals.items() if type(v) is Tensor and v.requires_grad]
    if not leaves:
        return
    candidates = [
        n
        for n, v in session.globals.items()
        if type(v) is Tensor and v.requires_grad and v.grad_fn is not None and v.numel() == 1
    ]
    last = "the last statement is not a tensor that requires grad"
    if session.output_name is None and output is None:
        last = "the last statement is not an expression or an assignment of a tensor"
    hint = f"; name one with --of {candidates[-1]}" if candidates else ""
    outcome.warnings.append(f"nothing was differentiated: {last}{hint}")


def _implicit_backward(session, result, options, outcome: Outcome) -> bool:
    """``-b N``; False when a backward failed (the values are still reported)."""
    wanted = options.backward > 0 and not session.differentiated
    if not wanted or not getattr(session.output, "requires_grad", False):
        return True
    if not _output_is_scalar(session):
        # The implicit backward is the command's idea, not the program's: a non-scalar output
        # is shown, not differentiated (an explicit backward() still fails as in PyTorch).
        name = session.output_name or "the output"
        shape = tuple(session.output.shape)
        outcome.warnings.append(
            f"no implicit backward: {name} has shape {shape}, not a scalar; "
            f"reduce it first (e.g. m = sum({session.output_name or '...'})), "
            "call backward(gradient=...) yourself, or pass -b 0 for values only"
        )
        return True
    for call in range(1, options.backward + 1):
        try:
            session.implicit_backward(1, options.retain_graph)
        except GradcalcError as error:
            # The error belongs to the statement that made the output; the program itself ran,
            # so its values (and the gradients of earlier passes) are still shown beside it.
            if error.span is None:
                error.span = output_span(session, result)
            if "retain_graph=True" in (error.hint or "") and not options.retain_graph:
                error.hint = RETAIN_GRAPH_HINT
            if error.span is not None:
                outcome.errors.append((error, result.source, result.filename))
            else:
                outcome.errors.append((error, None, _backward_option(options)))
            return False
        if options.explain:
            outcome.explain.append((f"implicit backward {call}", session.explain_steps()))
    return True


def _backward_option(options) -> str:
    return f"--backward {options.backward}" + (" --retain-graph" if options.retain_graph else "")


def output_span(session, result):
    """The span of the statement that made the session's output: the last statement that ran
    and is an assignment to a name or an expression, as ``Session`` picks its output."""
    import gradcalc.grammar.ast as ast
    from gradcalc.grammar import parse

    for statement in reversed(result.statements):
        if statement.error is not None or not statement.source:
            continue
        try:
            body = parse(statement.source).body
        except GradcalcError:
            continue  # a block's header line alone: not an assignment
        if len(body) != 1:
            continue
        node = body[0]
        if isinstance(node, ast.Expr):
            return statement.span
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            target = node.targets[-1] if isinstance(node, ast.Assign) else node.target
            if isinstance(target, (ast.Tuple, ast.List)) and target.elts:
                target = target.elts[-1]
            if isinstance(target, ast.Name):
                return statement.span
    return None


def _check(session, options, outcome: Outcome) -> None:
    from gradcalc.interpreter import check

    settings = check.CheckSettings(
        eps=getattr(options, "eps", 1e-6),
        atol=getattr(options, "atol", 1e-5),
        rtol=getattr(options, "rtol", 1e-3),
        samples=getattr(options, "check_samples", 100),
    )
    outcome.check_settings = settings
    wrt = [n for n in options.wrt if session.globals[n].grad_fn is None] if options.wrt else None
    try:
        with _progress(options) as progress:
            outcome.check = session.check_gradients(
                wrt, of=getattr(options, "of", None), settings=settings, progress=progress
            )
    except GradcalcError as error:
        outcome.errors.append((error, None, "--check"))
        return
    except MemoryError:
        hint = "--check runs the program again on copies of its leaves: use smaller tensors"
        error = LimitError("out of memory", kind="MemoryError", hint=hint)
        outcome.errors.append((error, None, "--check"))
        return
    for name, leaf in outcome.check.items():
        if leaf.status == check.FAIL:
            worst = leaf.worst[0]
            outcome.check_failed[name] = (
                f"--check: {name}'s gradient differs from central finite differences by "
                f"{worst.abs_error:.3e} at index {list(worst.index)} (analytic "
                f"{worst.analytic:.6g}, numeric {worst.numeric:.6g}; tolerance atol + rtol * "
                f"|numeric| = {settings.atol + settings.rtol * abs(worst.numeric):.1e})"
            )
        elif leaf.status == check.NOT_FINITE:
            outcome.check_failed[name] = (
                f"--check could not compare {name}'s gradient: it is not finite where the "
                "finite differences are (or the other way round)"
            )
        elif leaf.status == check.NOT_CHECKED:
            outcome.check_failed[name] = f"--check could not check {name}"
            outcome.warnings.append(
                f"--check could not check {name}: {leaf.reason}. It replays the program "
                "with each leaf nudged, so the output must be a function of the leaves' "
                "starting values: check before an update that reads .grad (an SGD step)"
            )
        elif leaf.status == check.NOT_DIFFERENTIABLE:
            outcome.warnings.append(
                f"--check: the program is not differentiable at {name}'s values ({leaf.kinks} "
                f"element{'s' if leaf.kinks != 1 else ''} at a jump or kink within the step "
                "eps, e.g. floor, round, //, abs, relu or clamp there): the finite "
                "differences depend on the step, so they cannot judge the gradient, which "
                "follows PyTorch's convention; verdict: not differentiable, not FAIL"
            )


class _progress:
    """A progress bar on stderr while --check replays the program, when stderr is a
    terminal and there is more than a moment's work; otherwise no callback at all."""

    def __init__(self, options):
        self.options = options
        self.bar = None
        self.task = None

    def __enter__(self):
        import sys

        if self.options.json_output or not getattr(sys.stderr, "isatty", lambda: False)():
            return None
        return self.update

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < 20:
                return
            from rich.progress import Progress

            from gradcalc.cli.console import make_console

            self.bar = Progress(
                console=make_console(stderr=True, no_color=self.options.no_color),
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("--check: replaying the program", total=total)
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _output_is_scalar(session) -> bool:
    """True unless the output is a tensor with other than one element."""
    shape = getattr(session.output, "shape", None)
    return shape is None or math.prod(shape) == 1
