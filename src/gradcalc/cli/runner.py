"""What one invocation does: check the options, pick the mode, run the program, report.

Modes: a PROGRAM one-liner, a script (``-f FILE``, ``-f -`` or piped stdin), ``--batch``
(every line its own program) and the REPL (``gradcalc`` on a terminal, or ``-i`` after a
run). Every report goes through ``reporting.Reporter``, so each mode shows the same things
the same way; ``--json`` swaps the Rich report for one JSON document.
"""

from __future__ import annotations

import gradcalc.cli.limits as limits
from gradcalc.cli.evaluation import Outcome, evaluate
from gradcalc.cli.memory import apply_max_memory
from gradcalc.cli.options import Options
from gradcalc.cli.reporting import Reporter, report, write_graph_file
from gradcalc.cli.sources import Source, SourceLines, read_source, run_policy
from gradcalc.cli.startup import fail_early, new_session
from gradcalc.errors import GradcalcError, UsageError


def execute(options: Options) -> int:
    """Run one invocation; returns the exit code."""
    reporter = Reporter(options)
    try:
        check_options(options)
        limits.apply_process_limits(options)
        apply_max_memory(options.max_memory)
        policy = run_policy(options)
        reporter.lines = SourceLines(policy)
        source = read_source(options, policy, reporter.lines)
    except GradcalcError as error:
        return fail_early(reporter, error)
    if options.batch:
        from gradcalc.cli.batch import run_batch

        return run_batch(source, options, reporter, policy)
    session = new_session(options, reporter, policy, repl=source is None or options.interactive)
    if session is None:
        return 2
    if source is None:  # a terminal and nothing to run: the REPL
        return _repl(session, options, reporter, policy)
    outcome = run_program(session, source, options, reporter)
    if options.interactive:
        return _repl(session, options, reporter, policy)
    return outcome.exit_code()


def check_options(options: Options) -> None:
    if options.program is not None and options.file is not None:
        raise UsageError(
            "give either PROGRAM or -f FILE, not both",
            hint="put the statements in the file, or pass the text as PROGRAM",
        )
    if options.json_output and options.graph and not (options.batch and options.graph == "json"):
        raise UsageError(
            "--graph prints to stdout, which --json reserves for its document",
            hint="the JSON document already holds the graph; or use --graph-out FILE",
        )
    if options.batch and options.interactive:
        raise UsageError(
            "--batch and -i cannot be combined", hint="--batch runs every line as its own program"
        )
    if (options.jobs != 1 or options.dask) and not (options.batch and options.json_output):
        option = "--dask" if options.dask else "--jobs"
        raise UsageError(
            f"{option} runs the lines of --batch --json elsewhere; add --batch --json",
            hint="e.g. gradcalc --batch --json --jobs 0 -f programs.txt",
        )
    if options.batch and options.program is None and options.file is None:
        from gradcalc.cli.sources import stdin_is_terminal

        if stdin_is_terminal():
            raise UsageError(
                "--batch needs its programs: -f FILE, or lines on stdin",
                hint="e.g. gradcalc --batch -f programs.txt",
            )
    if options.graph_out is not None:
        from gradcalc.cli.graphs import check_output_path

        check_output_path(options.graph_out)


def run_program(session, source: Source, options: Options, reporter: Reporter) -> Outcome:
    """Run a one-liner or a script and report it (Rich or JSON)."""
    outcome = evaluate(session, source, options)
    if options.json_output:
        from gradcalc.cli.document import run_document, write_document

        if options.graph_out is not None:
            write_graph_file(session, options, outcome)
        write_document(reporter.stdout, lambda: run_document(session, outcome, options))
        return outcome
    reporter.statement_results(outcome.result)
    reporter.warnings(outcome.warnings)
    reporter.outcome_errors(outcome)
    if outcome.stopped:  # half a program's tables would mislead; the error says what happened
        return outcome
    report(session, source, options, reporter, outcome)
    return outcome


def _repl(session, options: Options, reporter: Reporter, policy) -> int:
    from gradcalc.cli.repl import Repl

    # The REPL echoes values as a notebook cell does, even after a .py script that did not.
    session.notebook = True
    return Repl(session, options, reporter, policy).loop()
