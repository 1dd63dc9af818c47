"""What a run of one program does besides the program: the implicit backward calls
(``-b N``), ``--explain``, ``--check`` and ``--wrt``, gathered in an ``Outcome`` that the Rich
report, the JSON document and ``--batch`` all read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gradcalc.errors import GradcalcError

CHECK_TOLERANCE = 1e-5  # relative to max(1, largest |gradient|) of the leaf
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
    check: dict | None = None
    check_failed: dict = field(default_factory=dict)  # leaf name -> why, in words
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
    result = session.run(source.text, filename=source.filename, keep_going=options.keep_going)
    outcome = Outcome(result=result)
    stopped = result.syntax_error is not None or (not result.ok and not options.keep_going)
    if stopped:
        outcome.stopped = True
        return outcome
    if options.wrt:
        try:
            session.leaf_grads(options.wrt)  # an unknown name is a usage error, found now
        except GradcalcError as error:
            outcome.errors.append((error, None, "--wrt"))
            return outcome
    if options.explain and session.differentiated:
        passes = session.explain_passes()
        for number, steps in enumerate(passes, 1):
            outcome.explain.append((f"backward {number} of {len(passes)} in the program", steps))
    if not _implicit_backward(session, result, options, outcome):
        return outcome
    if options.check:
        _check(session, options, outcome)
    return outcome


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
    try:
        outcome.check = session.check_gradients(options.wrt)
    except GradcalcError as error:
        outcome.errors.append((error, None, "--check"))
        return
    grads = session.leaf_grads(options.wrt)
    for name, error in outcome.check.items():
        grad = grads.get(name)
        size = getattr(grad, "size", 0)
        scale = max(1.0, float(abs(grad).max())) if size else 1.0
        tolerance = CHECK_TOLERANCE * scale
        if not math.isnan(error) and error <= tolerance:
            continue
        if math.isnan(error):
            outcome.check_failed[name] = f"--check could not compare {name}'s gradient"
        else:
            outcome.check_failed[name] = (
                f"--check: {name}'s gradient differs from central finite differences by "
                f"{error:.3e} (tolerance {tolerance:.1e})"
            )
        if name in session.check_reasons:
            outcome.warnings.append(
                f"--check could not check {name}: {session.check_reasons[name]}. It "
                "replays the program with each leaf nudged, so the output must be a "
                "function of the leaves' values: check before an update that reads "
                ".grad (an SGD step)"
            )
        if name in session.check_not_smooth:
            outcome.warnings.append(
                f"--check: the program is not differentiable at {name}'s values (a "
                "jump or kink within the finite-difference step, e.g. floor, round, //, "
                "abs or relu at 0): the finite differences there depend on the step, "
                "so they cannot judge the gradient, which follows PyTorch's convention"
            )


def _output_is_scalar(session) -> bool:
    """True unless the output is a tensor with other than one element."""
    shape = getattr(session.output, "shape", None)
    return shape is None or math.prod(shape) == 1
