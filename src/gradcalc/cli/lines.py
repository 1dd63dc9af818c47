"""One ``--batch`` line run as its own program, in whichever process runs it.

``LineRunner`` holds one session for all the lines it runs: ``Session.reset`` before each
line forgets the previous line's variables and modes, so a line sees exactly what a fresh
session would, without rebuilding the session. The same runner serves the batch in the
command's own process, its ``--jobs`` worker processes, ``gradcalc.run``/``run_batch`` and
the Dask workers, so every route writes the same records.

In ``--batch --json`` each line's record is its ``--json`` document with its ``line``; the
graph is left out (``"graph": null``) unless ``--graph json`` asks for it.
"""

from __future__ import annotations

from gradcalc.cli.evaluation import Outcome, evaluate
from gradcalc.cli.sources import Source, check_program_size
from gradcalc.cli.startup import bind_values, make_session
from gradcalc.errors import GradcalcError


def program_lines(text: str):
    """(line number, program) for each line that holds a program.

    Only ``\\n`` (and ``\\r\\n``) end a line, as for the parser: a form feed, a vertical tab,
    U+0085 or U+2028 inside a program is part of that program, so line numbers agree with
    the file an editor shows."""
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, line


class LineRunner:
    """Runs lines of one batch with the batch's options (``--set`` bound before each)."""

    def __init__(self, options, policy=None):
        self.options = options
        self.session = make_session(options, policy)  # GradcalcError for a bad setting
        self.with_graph = options.graph == "json"

    def outcome(self, number: int, line: str, filename: str) -> Outcome:
        """Run line ``number`` in a clean session; what happened."""
        session = self.session
        options = self.options
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

    def record(self, number: int, line: str, filename: str) -> tuple[int, str]:
        """Line ``number``'s exit code and its ``--json`` record (one line, no line end)."""
        from gradcalc.cli.document import document_text, run_document

        outcome = self.outcome(number, line, filename)
        text = document_text(
            lambda: run_document(
                self.session,
                outcome,
                self.options,
                with_graph=self.with_graph,
                line_offset=number - 1,
            ),
            prefix={"line": number},
        )
        return outcome.exit_code(), text

    def records(self, numbered, filename: str) -> list[tuple[int, str]]:
        """``record`` of each (number, line) pair, in order."""
        return [self.record(number, line, filename) for number, line in numbered]
