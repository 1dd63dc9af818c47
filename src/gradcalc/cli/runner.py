"""What one invocation does: pick the mode, run the program, report.

Modes: a PROGRAM one-liner, a script (``-f FILE``, ``-f -`` or piped stdin), ``--batch``
(every line its own program) and the REPL (``gradcalc`` on a terminal, or ``-i`` after a
run). Every report goes through the helpers here, so each mode shows the same things the
same way; ``--json`` swaps the Rich report for one JSON document.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.text import Text

from gradcalc.cli.console import make_console
from gradcalc.cli.errorpanel import render_error
from gradcalc.cli.options import Options
from gradcalc.errors import GradcalcError, UsageError

CHECK_TOLERANCE = 1e-5  # relative to max(1, largest |gradient|) of the leaf


@dataclass
class Source:
    text: str
    filename: str
    one_liner: bool = False


@dataclass
class Outcome:
    """Everything a run produced, gathered for the Rich report or the JSON document."""

    result: object | None = None  # RunResult
    errors: list = field(
        default_factory=list
    )  # (error, source, filename) for errors outside result
    explain: list = field(default_factory=list)  # (title, steps)
    check: dict | None = None
    check_failed: set = field(default_factory=set)
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


class Reporter:
    """Where output goes: stdout for results, stderr for errors and warnings."""

    def __init__(self, options: Options):
        self.options = options
        self.out = make_console(no_color=options.no_color)
        self.err = make_console(stderr=True, no_color=options.no_color)
        # With --graph FORMAT, stdout holds only the graph: the program's output moves to stderr.
        self.program_out: Console = self.err if options.graph else self.out

    def error(
        self, error, source: str | None = None, filename: str | None = None, line_offset: int = 0
    ) -> None:
        render_error(
            self.err,
            error,
            source=source,
            filename=filename,
            line_offset=line_offset,
            debug=self.options.debug,
        )

    def warnings(self, texts: list[str]) -> None:
        for text in texts:
            self.err.print(Text.assemble(("warning: ", "bold yellow"), text), soft_wrap=True)

    def statement_results(self, result, line_offset: int = 0) -> None:
        """Each statement's output in order, then its error, as it would have happened live."""
        for statement in result.statements:
            for output in shown_outputs(statement, result.filename):
                if output.kind == "warning":
                    self.warnings([output.text])
                else:
                    self.program_out.print(Text(output.text), soft_wrap=True)
            if statement.error is not None:
                self.error(statement.error, result.source, result.filename, line_offset)
        if result.syntax_error is not None:
            self.error(result.syntax_error, result.source, result.filename, line_offset)


def shown_outputs(statement, filename: str | None) -> list:
    """A statement's outputs as the user sees them. A ``.py`` script runs as ``python
    script.py`` would: ``print`` shows, a bare expression statement does not (a ``.gc``
    file, stdin, a one-liner and the REPL show it, as a notebook cell does)."""
    if filename is not None and filename.endswith(".py"):
        return [o for o in statement.outputs if o.kind != "value"]
    return statement.outputs


def execute(options: Options) -> int:
    """Run one invocation; returns the exit code."""
    reporter = Reporter(options)
    try:
        _check_options(options)
        source = _read_source(options)
    except GradcalcError as error:
        return _fail_early(reporter, error)
    if source is None:  # a terminal and nothing to run: the REPL
        session = _new_session(options, reporter, repl=True)
        if session is None:
            return 2
        return _repl(session, options, reporter)
    if options.batch:
        from gradcalc.cli.batch import run_batch

        return run_batch(source, options, reporter)
    session = _new_session(options, reporter, repl=options.interactive)
    if session is None:
        return 2
    outcome = run_program(session, source, options, reporter)
    code = outcome.exit_code()
    if options.interactive:
        return _repl(session, options, reporter)
    return code


def _fail_early(reporter: Reporter, error: GradcalcError, source=None, filename=None) -> int:
    if reporter.options.json_output:
        from gradcalc.cli.jsonout import dumps, error_document

        reporter.out.file.write(dumps(empty_document([error_document(error)])) + "\n")
    else:
        reporter.error(error, source, filename)
    return error.exit_code


def empty_document(errors: list) -> dict:
    return {
        "ok": False,
        "output": None,
        "values": {},
        "grads": {},
        "backward_calls": 0,
        "printed": [],
        "graph": None,
        "errors": errors,
    }


def _check_options(options: Options) -> None:
    if options.program is not None and options.file is not None:
        raise UsageError(
            "give either PROGRAM or -f FILE, not both",
            hint="put the statements in the file, or pass the text as PROGRAM",
        )
    if options.json_output and options.graph:
        raise UsageError(
            "--graph prints to stdout, which --json reserves for its document",
            hint="the JSON document already holds the graph; or use --graph-out FILE",
        )
    if options.batch and options.interactive:
        raise UsageError(
            "--batch and -i cannot be combined", hint="--batch runs every line as its own program"
        )
    if options.graph_out is not None:
        from gradcalc.cli.graphs import check_output_path

        check_output_path(options.graph_out)


def _read_source(options: Options) -> Source | None:
    if options.program == "-":  # as for cat and python: "-" is stdin, never a program
        return Source(read_stdin(), "<stdin>")
    if options.program is not None:
        return Source(options.program, "<string>", one_liner=True)
    if options.file == "-":
        return Source(read_stdin(), "<stdin>")
    if options.file is not None:
        return Source(read_script(options.file), options.file)
    if options.interactive or _stdin_is_terminal():
        return None
    return Source(read_stdin(), "<stdin>")


def read_stdin() -> str:
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    if isinstance(data, str):  # a test harness's text stream
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(
            "cannot read stdin: not UTF-8 text", hint="gradcalc scripts are plain text"
        ) from None


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def read_script(path: str, *, from_command_line: bool = True) -> str:
    try:
        # utf-8-sig: a byte-order mark from a Windows editor is not part of the program
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        hint = "check the path (use -f - to read stdin)" if from_command_line else None
        raise UsageError(
            f"cannot read {path}: no such file", hint=hint or "check the path"
        ) from None
    except IsADirectoryError:
        raise UsageError(f"cannot read {path}: it is a directory") from None
    except UnicodeDecodeError:
        raise UsageError(
            f"cannot read {path}: not a UTF-8 text file", hint="gradcalc scripts are plain text"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _new_session(options: Options, reporter: Reporter, *, repl: bool):
    """A Session with the options' settings and every --set bound; None after a reported error."""
    session = make_session(options, repl=repl)
    for error, source, filename in bind_values(session, options.set_values):
        _fail_early(reporter, error, source, filename)
        return None
    return session


def make_session(options: Options, *, repl: bool = False):
    from gradcalc.interpreter import Session

    settings = {
        "seed": options.seed,
        "dtype": options.dtype,
        "precision": options.precision,
        "explain": options.explain or repl,
        "record_graph": True,
        "python_script": (options.file or "").endswith(".py"),
    }
    if options.max_elements is not None:
        settings["max_elements"] = options.max_elements
    return Session(**settings)


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


def run_program(session, source: Source, options: Options, reporter: Reporter) -> Outcome:
    """Run a one-liner or a script and report it (Rich or JSON)."""
    outcome = evaluate(session, source, options)
    if options.json_output:
        from gradcalc.cli.jsonout import dumps

        if options.graph_out is not None:
            _write_graph_file(session, options, outcome)

        reporter.out.file.write(dumps(run_document(session, outcome, options)) + "\n")
        reporter.out.file.flush()
        return outcome
    reporter.statement_results(outcome.result)
    reporter.warnings(outcome.warnings)
    for error, err_source, filename in outcome.errors:
        reporter.error(error, err_source, filename)
    if outcome.stopped:  # half a program's tables would mislead; the error says what happened
        return outcome
    _report(session, source, options, reporter, outcome)
    return outcome


def evaluate(session, source: Source, options: Options) -> Outcome:
    """Run the statements, the implicit backward calls and --check; gather what happened."""
    result = session.run(source.text, filename=source.filename, keep_going=options.keep_going)
    outcome = Outcome(result=result)
    stopped = result.syntax_error is not None or (not result.ok and not options.keep_going)
    if stopped:
        outcome.stopped = True
        return outcome
    if options.explain and session.differentiated:
        passes = session.explain_passes()
        for number, steps in enumerate(passes, 1):
            outcome.explain.append((f"backward {number} of {len(passes)} in the program", steps))
    backward_wanted = options.backward > 0 and not session.differentiated
    differentiable = getattr(session.output, "requires_grad", False)
    if backward_wanted and differentiable and not _output_is_scalar(session):
        # The implicit backward is the command's idea, not the program's: a non-scalar output
        # is shown, not differentiated (an explicit backward() still fails as in PyTorch).
        name = session.output_name or "the output"
        shape = tuple(session.output.shape)
        outcome.warnings.append(
            f"no implicit backward: {name} has shape {shape}, not a scalar; "
            f"reduce it first (e.g. m = sum({session.output_name or '...'})), "
            "call backward(gradient=...) yourself, or pass -b 0 for values only"
        )
        backward_wanted = False
    if backward_wanted:
        for call in range(1, options.backward + 1):
            try:
                session.implicit_backward(1, options.retain_graph)
            except GradcalcError as error:
                outcome.errors.append(
                    (
                        error,
                        None,
                        f"--backward {options.backward}"
                        + (" --retain-graph" if options.retain_graph else ""),
                    )
                )
                # The program itself ran: its values (and any gradients from earlier passes)
                # are still shown beside the error.
                return outcome
            if options.explain:
                outcome.explain.append((f"implicit backward {call}", session.explain_steps()))
    if options.check:
        try:
            outcome.check = session.check_gradients(options.wrt)
        except GradcalcError as error:
            outcome.errors.append((error, None, "--check"))
            return outcome
        grads = session.leaf_grads(options.wrt)
        for name, error in outcome.check.items():
            scale = (
                max(1.0, float(abs(grads[name]).max()))
                if name in grads and grads[name].size
                else 1.0
            )
            if math.isnan(error) or error > CHECK_TOLERANCE * scale:
                outcome.check_failed.add(name)
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
    return outcome


def _output_is_scalar(session) -> bool:
    """True unless the output is a tensor with other than one element."""
    shape = getattr(session.output, "shape", None)
    return shape is None or math.prod(shape) == 1


def _report(
    session, source: Source, options: Options, reporter: Reporter, outcome: Outcome
) -> None:
    out = reporter.out
    precision = options.precision
    if outcome.explain:
        from gradcalc.cli.tables import explain_view

        for title, steps in outcome.explain:
            reporter.program_out.print(explain_view(steps, precision, f"Chain rule: {title}"))
    if outcome.check is not None:
        from gradcalc.cli.tables import check_table

        reporter.program_out.print(check_table(outcome.check, outcome.check_failed))
    graph_wanted = options.graph or options.graph_out
    quiet_default = options.quiet or options.graph is not None
    show_summary = options.summary or (source.one_liner and not quiet_default)
    show_tree = (
        options.tree if options.tree is not None else (source.one_liner and not quiet_default)
    )
    if show_summary:
        try:
            show_tables(session, options, out)
        except GradcalcError as error:  # an unknown --wrt name
            reporter.error(error, None, "--wrt")
            outcome.errors.append((error, None, "--wrt"))
    if show_tree or graph_wanted:
        graph = output_graph(session)
        if show_tree and graph is not None:
            from gradcalc.cli.tree import graph_tree

            out.print(graph_tree(graph, precision))
        elif options.tree:
            out.print(Text("(no tree: the program defines no tensor)", style="dim"))
        if graph_wanted:
            _export_graph(graph, options, reporter, outcome)


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


def show_tables(session, options: Options, out: Console) -> None:
    from gradcalc.cli.tables import grads_table, values_table

    values = session.values()
    grads = session.leaf_grads(options.wrt)
    if values:
        out.print(values_table(values, options.precision))
    if grads:
        out.print(
            grads_table(
                grads, session.backward_calls, options.precision, session.backward_calls_since_reset
            )
        )


def _export_graph(graph, options: Options, reporter: Reporter, outcome: Outcome) -> None:
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


def _write_graph_file(session, options: Options, outcome: Outcome) -> None:
    from gradcalc.cli.graphs import write_graph

    graph = output_graph(session)
    try:
        if graph is None:
            raise UsageError("there is no graph to draw: the program's output is not a tensor")
        write_graph(graph, options.graph_out, options.precision)
    except GradcalcError as error:
        outcome.errors.append((error, None, "--graph-out"))


def run_document(session, outcome: Outcome, options: Options, *, with_graph: bool = True) -> dict:
    """The ``--json`` document of one program (schema in the issue)."""
    from gradcalc.cli.jsonout import error_document, graph_document

    result = outcome.result
    errors = [error_document(e) for e in outcome.all_errors()]
    document = {
        "ok": not errors and not outcome.check_failed,
        "output": session.output_name,
        "values": {},
        "grads": {},
        "backward_calls": session.backward_calls,
        "printed": [],
        "warnings": [],
        "graph": None,
        "errors": errors,
    }
    if result is not None:
        for statement in result.statements:
            for output in shown_outputs(statement, result.filename):
                key = "warnings" if output.kind == "warning" else "printed"
                document[key].append(output.text)
    document["warnings"].extend(outcome.warnings)
    document["values"] = session.values()
    try:
        document["grads"] = session.leaf_grads(options.wrt)
    except GradcalcError as error:
        errors.append(error_document(error))
        document["ok"] = False
    if with_graph:
        document["graph"] = graph_document(output_graph(session))
    if outcome.explain:
        document["explain"] = [
            {
                "pass": title,
                "steps": [
                    {
                        "node": s.node,
                        "upstream": s.upstream,
                        "rule": s.rule,
                        "flows": [{"input": label, "grad": grad} for label, grad in s.flows],
                    }
                    for s in steps
                ],
            }
            for title, steps in outcome.explain
        ]
    if outcome.check is not None:
        document["check"] = {
            name: {
                "max_error": error,
                "ok": name not in outcome.check_failed,
                "differentiable": name not in session.check_not_smooth,
            }
            for name, error in outcome.check.items()
        }
    return document


def _repl(session, options: Options, reporter: Reporter) -> int:
    from gradcalc.cli.repl import Repl

    return Repl(session, options, reporter).loop()
