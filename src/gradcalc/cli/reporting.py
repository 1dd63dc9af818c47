"""The Rich report of a run: the program's output and errors as they happened, then the
chain-rule steps, the Values and Gradients tables, the gradient statistics, the tree, the
gradient check's verdict last, and the graph exports. Every mode (one-liner, script, batch,
REPL) reports through ``Reporter``; with ``--export FILE`` what it showed is saved too.
"""

from __future__ import annotations

import sys

from gradcalc.cli.formatting import threshold_of
from gradcalc.errors import GradcalcError, UsageError

TYPE_CHECKING = False  # typing's own constant, without importing typing (start-up time)
if TYPE_CHECKING:
    from rich.console import Console

    from gradcalc.cli.sources import SourceLines


class Reporter:
    """Where output goes: stdout for results, stderr for errors and warnings.

    The Rich consoles are made when something is first drawn: a run that prints nothing
    through them (``--json``, ``-q`` with no output) never imports Rich."""

    def __init__(self, options, lines: SourceLines | None = None):
        self.options = options
        self.lines = lines
        self._out: Console | None = None
        self._err: Console | None = None
        if getattr(options, "export", None) is not None:
            import weakref

            from gradcalc.cli.console import make_console
            from gradcalc.cli.export import save_export

            self._out = make_console(no_color=options.no_color, record=True)
            self._err = make_console(stderr=True, no_color=options.no_color, record=True)
            # Written when the run is over, whichever way it ends (a REPL included).
            weakref.finalize(self, save_export, self._out, self._err, options.export)

    @property
    def out(self) -> Console:
        if self._out is None:
            from gradcalc.cli.console import make_console

            self._out = make_console(no_color=self.options.no_color)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            from gradcalc.cli.console import make_console

            self._err = make_console(stderr=True, no_color=self.options.no_color)
        return self._err

    @property
    def program_out(self) -> Console:
        # With --graph FORMAT, stdout holds only the graph: the program's output moves to stderr.
        return self.err if self.options.graph else self.out

    @property
    def stdout(self):
        """The stream under ``out`` (for JSON documents), without making the console."""
        return self._out.file if self._out is not None else sys.stdout

    def error(
        self, error, source: str | None = None, filename: str | None = None, line_offset: int = 0
    ) -> None:
        from gradcalc.cli.errorpanel import render_error

        render_error(
            self.err,
            error,
            source=source,
            filename=filename,
            line_offset=line_offset,
            debug=self.options.debug,
            file_shown=self.lines.shown if self.lines is not None else None,
        )

    def warnings(self, texts: list[str]) -> None:
        if not texts:
            return
        from rich.text import Text

        for text in texts:
            self.err.print(Text.assemble(("warning: ", "bold yellow"), text), soft_wrap=True)

    def statement_results(self, result, line_offset: int = 0) -> None:
        """Each statement's output in order, then its error, as it would have happened live."""
        for statement in result.statements:
            if not statement.outputs and statement.error is None:
                continue
            from rich.text import Text

            for output in shown_outputs(statement, result.filename):
                if output.kind == "warning":
                    self.warnings([output.text])
                else:
                    end = "\n" if output.newline else ""
                    self.program_out.print(Text(output.text), soft_wrap=True, end=end)
            if statement.error is not None:
                self.error(statement.error, result.source, result.filename, line_offset)
        if result.syntax_error is not None:
            self.error(result.syntax_error, result.source, result.filename, line_offset)

    def outcome_errors(self, outcome, line_offset: int = 0) -> None:
        """Errors of the command's own steps (--set, -b, --wrt, --check), after the program's."""
        for error, source, filename in outcome.errors:
            self.error(error, source, filename, line_offset if source else 0)


def shown_outputs(statement, filename: str | None) -> list:
    """A statement's outputs as the user sees them. A ``.py`` script runs as ``python
    script.py`` would: ``print`` shows, a bare expression statement does not (a ``.gc``
    file, stdin, a one-liner and the REPL show it, as a notebook cell does)."""
    if filename is not None and filename.endswith(".py"):
        return [o for o in statement.outputs if o.kind != "value"]
    return statement.outputs


def report(session, source, options, reporter: Reporter, outcome) -> None:
    """What follows the program's own output: explain, tables, stats, tree, check, graphs."""
    precision = options.precision
    if outcome.explain:
        from gradcalc.cli.tables import explain_view

        for title, steps in outcome.explain:
            reporter.program_out.print(
                explain_view(steps, precision, f"Chain rule: {title}", width=reporter.out.width)
            )
    graph_wanted = options.graph or options.graph_out
    quiet_default = options.quiet or options.graph is not None
    default = source.one_liner and not quiet_default
    show_summary = options.summary if options.summary is not None else default
    show_tree = options.tree if options.tree is not None else default
    if show_summary:
        show_tables(session, options, reporter.out, outcome)
    if getattr(options, "stats", False):
        show_stats(session, options, reporter.program_out)
    if show_tree or graph_wanted:
        graph = output_graph(session)
        if show_tree and graph is not None:
            from gradcalc.cli.tree import graph_tree

            out = reporter.out
            out.print(
                graph_tree(graph, precision, width=out.width, threshold=threshold_of(options))
            )
        elif options.tree:
            from rich.text import Text

            reporter.out.print(Text("(no tree: the program defines no tensor)", style="dim"))
        if graph_wanted:
            export_graph(graph, options, reporter, outcome)
    if outcome.check is not None:  # last: the verdict is what --check was run for
        from gradcalc.cli.checkreport import check_report

        reporter.program_out.print(check_report(outcome.check, outcome.check_settings))


def show_stats(session, options, out: Console) -> None:
    from gradcalc.cli.stats import stats_table

    try:
        grads = session.leaf_grads(options.wrt)
    except GradcalcError:
        return
    if grads:
        out.print(stats_table(grads, options.precision))
    else:
        from rich.text import Text

        out.print(Text("(--stats: no gradients to describe)", style="dim"))


def output_graph(session):
    """The graph of the program's output; when that is not a tensor (a script ending with
    ``print(...)``) or a lone leaf (a REPL line such as ``x.grad`` or ``x``), the graph of the
    last variable bound that has one."""
    graph = session.graph()
    if graph is not None and len(graph.nodes) > 1:
        return graph
    fallback = graph
    for name in reversed(list(session.variables)):
        candidate = session.graph(name)
        if candidate is not None and len(candidate.nodes) > 1:
            return candidate
        fallback = fallback or candidate
    return fallback


def show_tables(session, options, out: Console, outcome=None) -> None:
    from gradcalc.cli.tables import grads_table, values_table

    values = session.values()
    threshold = threshold_of(options)
    try:
        grads = session.leaf_grads(options.wrt)
    except GradcalcError:
        grads = {}  # an unknown --wrt name: reported with the run's errors
    if values:
        out.print(values_table(values, options.precision, width=out.width, threshold=threshold))
        show_matrices(session, values, options.precision, out)
    if grads:
        out.print(
            grads_table(
                grads,
                session.backward_calls,
                options.precision,
                session.backward_calls_since_reset,
                of=outcome.differentiated if outcome is not None else None,
                width=out.width,
                threshold=threshold,
                intermediates=frozenset(
                    n for n in grads if getattr(session.globals.get(n), "grad_fn", None)
                ),
            )
        )


def show_matrices(session, values: dict, precision: int, out: Console) -> None:
    """Under the Values table, each Jacobian or Hessian a variable holds as a labelled
    matrix (``matrixview.py``); its plain tensor stays in the table, as PyTorch prints it."""
    origins = session.derivative_origins()
    if not origins:
        return
    from gradcalc.cli.console import can_encode
    from gradcalc.cli.matrixview import UNICODE_PROBE, labelled, matrix_view

    ascii_only = not can_encode(out.encoding, UNICODE_PROBE)
    for name, origin in origins.items():
        if labelled(origin, values.get(name)):
            view = matrix_view(
                name, values[name], origin, precision, width=out.width, ascii_only=ascii_only
            )
            out.print(view)


def export_graph(graph, options, reporter: Reporter, outcome) -> None:
    from gradcalc.cli.graphs import export, write_graph

    if graph is None:
        error = UsageError(
            "there is no graph to draw: the program's output is not a tensor",
            hint="end the program with the tensor to draw, e.g. m = mean(z)",
        )
        reporter.error(error, None, "--graph")
        outcome.errors.append((error, None, "--graph"))
        return
    try:
        if options.graph_out is not None:
            write_graph(graph, options.graph_out, options.precision)
        if options.graph:
            reporter.out.file.write(export(graph, options.graph, options.precision))
            reporter.out.file.flush()
    except GradcalcError as error:
        reporter.error(error, None, "--graph-out")
        outcome.errors.append((error, None, "--graph-out"))


def write_graph_file(session, options, outcome) -> None:
    """``--graph-out FILE`` beside ``--json``: a failure joins the document's errors."""
    from gradcalc.cli.graphs import write_graph

    graph = output_graph(session)
    try:
        if graph is None:
            raise UsageError("there is no graph to draw: the program's output is not a tensor")
        write_graph(graph, options.graph_out, options.precision)
    except GradcalcError as error:
        outcome.errors.append((error, None, "--graph-out"))
