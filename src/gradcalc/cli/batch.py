"""``--batch``: every non-empty, non-comment line is an independent program.

Each line runs in a fresh session (with the --set bindings applied again) so lines cannot
see each other's variables; ``--timeout`` and the other bounds apply to each line. With
``--json`` the output is JSON Lines: one document per program with its ``line`` number.
Every line runs whatever the others did; the exit code is the worst one (2 for a syntax
error, 1 for an evaluation error).

Only ``\\n`` (and ``\\r\\n``) end a line, as for the parser: a form feed, a vertical tab,
U+0085 or U+2028 inside a program is part of that program, so line numbers agree with the
file an editor shows.
"""

from __future__ import annotations

from rich.text import Text

from gradcalc.cli.document import run_document, write_document
from gradcalc.cli.evaluation import Outcome, evaluate
from gradcalc.cli.formatting import format_value
from gradcalc.cli.sources import Source, check_program_size
from gradcalc.cli.startup import bind_values, fail_early, make_session
from gradcalc.errors import GradcalcError


def program_lines(text: str):
    """(line number, program) for each line that holds a program."""
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, line


def run_batch(source: Source, options, reporter, policy) -> int:
    try:
        session = make_session(options, policy)
    except GradcalcError as error:
        return fail_early(reporter, error)
    write = reporter.stdout
    worst = 0
    for number, line in program_lines(source.text):
        outcome = _run_line(session, number, line, source.filename, options)
        worst = max(worst, outcome.exit_code())
        offset = number - 1
        if options.json_output:
            write_document(
                write,
                lambda: run_document(session, outcome, options, line_offset=offset),  # noqa: B023 - called at once
                prefix={"line": number},
            )
            continue
        if outcome.result is not None:
            reporter.statement_results(outcome.result, line_offset=offset)
        reporter.warnings(outcome.warnings)
        reporter.outcome_errors(outcome, line_offset=offset)
        if not options.quiet and outcome.result is not None and not outcome.all_errors():
            _summary_line(session, number, options, reporter)
    reporter.stdout.flush()
    return worst


def _run_line(session, number: int, line: str, filename: str, options) -> Outcome:
    session.reset()
    outcome = Outcome()
    try:
        check_program_size(line, options, f"line {number}")
    except GradcalcError as error:
        outcome.errors.append((error, None, filename))
        return outcome
    failures = bind_values(session, options.set_values)
    if failures:
        outcome.errors.extend(failures)
        return outcome
    return evaluate(session, Source(line, filename), options)


def _summary_line(session, number: int, options, reporter) -> None:
    """``line 3: m = 9.   x.grad = [0.3333, 0.3333]`` — the output and the gradients."""
    line = Text(f"line {number}: ", style="dim")
    name = session.output_name
    if name is not None:
        value = session.values().get(name)
        line.append(f"{name} = ", style="bold")
        line.append(format_value(value, options.precision, one_line=True))
    try:
        grads = session.leaf_grads(options.wrt)
    except GradcalcError:
        grads = {}
    for leaf, grad in grads.items():
        line.append("   ")
        line.append(f"{leaf}.grad = ", style="bold")
        line.append(format_value(grad, options.precision, one_line=True), style="magenta")
    reporter.out.print(line, soft_wrap=True)
