"""``--batch``: every non-empty, non-comment line is an independent program.

Each line runs in a clean session (with the --set bindings applied again) so lines cannot
see each other's variables or modes (``lines.LineRunner``); ``--timeout`` and the other
bounds apply to each line. With ``--json`` the output is JSON Lines: one document per
program with its ``line`` number, the graph left out unless ``--graph json``; ``--jobs N``
runs the lines in worker processes (``jobs.py``) and ``--dask ADDRESS`` on a Dask cluster
(``scaleout.py``), the records written in input order either way. Every line runs whatever
the others did; the exit code is the worst one (2 for a syntax error, 1 for an evaluation
error). A long ``--json`` batch shows a progress bar on stderr when stderr is a terminal
and stdout is not (never with ``-q``).

Only ``\\n`` (and ``\\r\\n``) end a line, as for the parser: a form feed, a vertical tab,
U+0085 or U+2028 inside a program is part of that program, so line numbers agree with the
file an editor shows.
"""

from __future__ import annotations

from gradcalc.cli.lines import LineRunner, program_lines
from gradcalc.cli.sources import Source
from gradcalc.cli.startup import fail_early
from gradcalc.errors import GradcalcError

__all__ = ["program_lines", "run_batch"]

PROGRESS_LINES = 200
"""Batches at least this long show a progress bar (under the conditions above)."""


def run_batch(source: Source, options, reporter, policy) -> int:
    try:
        runner = LineRunner(options, policy)
    except GradcalcError as error:
        return fail_early(reporter, error)
    numbered = list(program_lines(source.text))
    if not options.json_output:
        return _report_lines(runner, numbered, source.filename, reporter)
    write = reporter.stdout.write
    worst = 0
    with _progress(options, len(numbered)) as advance:
        for code, text in _records(runner, numbered, source.filename, options, policy):
            worst = max(worst, code)
            write(text + "\n")
            advance()
    reporter.stdout.flush()
    return worst


def _records(runner: LineRunner, numbered: list, filename: str, options, policy):
    """(exit code, record) of each line, in order, from wherever the options run them."""
    if options.dask:
        from gradcalc.cli.scaleout import records_on_dask

        return records_on_dask(numbered, filename, options, policy, options.dask)
    from gradcalc.cli.jobs import records_in_workers, worker_count

    workers = worker_count(options.jobs, len(numbered))
    if workers > 1:
        return records_in_workers(numbered, filename, options, policy, workers)
    return (runner.record(number, line, filename) for number, line in numbered)


class _NoProgress:
    def __enter__(self):
        return lambda: None

    def __exit__(self, *exc):
        return False


class _Progress:
    """A transient Rich progress bar on stderr."""

    def __init__(self, total: int, no_color: bool):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        from gradcalc.cli.console import make_console

        self.bar = Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=make_console(stderr=True, no_color=no_color),
            transient=True,
        )
        self.task = self.bar.add_task("lines", total=total)

    def __enter__(self):
        self.bar.start()
        return lambda: self.bar.advance(self.task)

    def __exit__(self, *exc):
        self.bar.stop()
        return False


def _progress(options, total: int):
    import sys

    def is_terminal(stream) -> bool:
        try:
            return stream is not None and stream.isatty()
        except (AttributeError, ValueError):
            return False

    wanted = (
        total >= PROGRESS_LINES
        and not options.quiet
        and is_terminal(sys.stderr)
        and not is_terminal(sys.stdout)
    )
    return _Progress(total, options.no_color) if wanted else _NoProgress()


def _report_lines(runner: LineRunner, numbered: list, filename: str, reporter) -> int:
    """The Rich report of each line: its output and errors, then a summary line."""
    options = runner.options
    worst = 0
    for number, line in numbered:
        outcome = runner.outcome(number, line, filename)
        worst = max(worst, outcome.exit_code())
        offset = number - 1
        if outcome.result is not None:
            reporter.statement_results(outcome.result, line_offset=offset)
        reporter.warnings(outcome.warnings)
        reporter.outcome_errors(outcome, line_offset=offset)
        if not options.quiet and outcome.result is not None and not outcome.all_errors():
            _summary_line(runner.session, number, options, reporter)
    reporter.stdout.flush()
    return worst


def _summary_line(session, number: int, options, reporter) -> None:
    """``line 3: m = 9.   x.grad = [0.3333, 0.3333]`` — the output and the gradients."""
    from rich.text import Text

    from gradcalc.cli.formatting import format_value

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
