"""Getting a run ready: the Session with the options' bounds and ``--set`` bindings, and
the report of an error that stops a run before any program ran."""

from __future__ import annotations

import gradcalc.cli.limits as limits
from gradcalc.errors import GradcalcError, UsageError


def fail_early(reporter, error: GradcalcError, source=None, filename=None) -> int:
    """An error before any program ran: a panel, or under --json a document of it alone."""
    if reporter.options.json_output:
        from gradcalc.cli.document import empty_document, write_document
        from gradcalc.cli.jsonout import error_document

        write_document(reporter.stdout, lambda: empty_document([error_document(error)]))
    else:
        reporter.error(error, source, filename)
    return error.exit_code


def new_session(options, reporter, policy, *, repl: bool):
    """A Session with the options' settings and every --set bound; None after a reported error."""
    try:
        session = make_session(options, policy, repl=repl)
    except GradcalcError as error:
        fail_early(reporter, error)
        return None
    for error, source, filename in bind_values(session, options.set_values):
        fail_early(reporter, error, source, filename)
        return None
    return session


def make_session(options, policy=None, *, repl: bool = False):
    from gradcalc.interpreter import Session

    return Session(**limits.session_settings(options, repl=repl, policy=policy))


def bind_values(session, set_values: list[str]) -> list[tuple]:
    """Apply ``--set NAME=VALUE``s; returns the first failure as [(error, source, filename)]."""
    for item in set_values:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            return [
                (
                    UsageError(
                        f"--set {item!r}: expected NAME=VALUE",
                        hint="e.g. --set x='[[1,2],[3,4]]' or --set w=@weights.npy",
                    ),
                    None,
                    None,
                )
            ]
        try:
            session.bind(name, value)
        except GradcalcError as error:
            return [(error, value, f"--set {name}")]
    return []


def report_option_error(error: GradcalcError, json_output: bool, no_color: bool) -> int:
    """An option value found bad after Typer parsed it (a size, a number of seconds)."""
    from gradcalc.cli.options import Options
    from gradcalc.cli.reporting import Reporter

    return fail_early(Reporter(Options(json_output=json_output, no_color=no_color)), error)
