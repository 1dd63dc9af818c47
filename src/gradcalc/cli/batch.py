"""``--batch``: every non-empty, non-comment line is an independent program.

Each line runs in a fresh session (with the --set bindings applied again) so lines cannot
see each other's variables. With ``--json`` the output is JSON Lines: one document per
program with its ``line`` number. Every line runs whatever the others did; the exit code is
the worst one (2 for a syntax error, 1 for an evaluation error).
"""

from __future__ import annotations

from rich.text import Text

from gradcalc.cli.formatting import format_value
from gradcalc.cli.jsonout import dumps, error_document
from gradcalc.cli.runner import (
    Outcome,
    Source,
    bind_values,
    evaluate,
    make_session,
    run_document,
)
from gradcalc.errors import GradcalcError


def program_lines(text: str):
    """(line number, program) for each line that holds a program."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, line


def run_batch(source: Source, options, reporter) -> int:
    session = make_session(options)
    write = reporter.out.file.write
    worst = 0
    for number, line in program_lines(source.text):
        session.reset()
        outcome = Outcome()
        failures = bind_values(session, options.set_values)
        if failures:
            outcome.errors.extend(failures)
        else:
            outcome = evaluate(session, Source(line, source.filename), options)
        worst = max(worst, outcome.exit_code())
        offset = number - 1
        if options.json_output:
            document = {"line": number, **run_document(session, outcome, options)}
            document["errors"] = [
                error_document(e, line_offset=offset) for e in outcome.all_errors()
            ]
            write(dumps(document) + "\n")
            continue
        if outcome.result is not None:
            reporter.statement_results(outcome.result, line_offset=offset)
        reporter.warnings(outcome.warnings)
        for error, err_source, filename in outcome.errors:
            reporter.error(error, err_source, filename, 0 if err_source else offset)
        if not options.quiet and outcome.result is not None and outcome.result.ok:
            _summary_line(session, number, options, reporter)
    reporter.out.file.flush()
    return worst


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
