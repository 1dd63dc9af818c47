"""The ``gradcalc`` Typer command: every option and its help text (the description, the
examples and the order of the options in --help are in ``usage.py``).

One command, like ``python``, ``sqlite3`` or ``jq``. Only typer is imported at module level;
rich, numpy, lark and the interpreter load when a run needs them (``--version`` and
``--help`` stay fast). The defaults are ``Options``' own, so a call that bypasses Typer
(see ``app.main``) gets the same ones.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

import gradcalc.cli.limits as limits
from gradcalc.cli.checkopts import parse_check_numbers  # issue 15
from gradcalc.cli.memory import MAX_MEMORY_HELP, parse_max_memory
from gradcalc.cli.options import (
    DEFAULT_MAX_PROGRAM_BYTES,
    JSON_DOCUMENT_FACTOR,
    MAX_BACKWARD,
    Options,
)
from gradcalc.cli.usage import HELP, JsonAwareCommand
from gradcalc.errors import GradcalcError
from gradcalc.files import DEFAULT_MAX_FILE_BYTES

# The defaults of the interpreter's and the core's bounds, written out so that --help does not
# import them (tests/cli/test_options.py checks they agree).
DEFAULT_MAX_ELEMENTS = 50_000_000
DEFAULT_MAX_STEPS = 10_000_000
DEFAULT_MAX_DEPTH = 200
DEFAULT_MAX_WORK = 20_000_000_000


class GraphFormat(str, Enum):
    dot = "dot"
    mermaid = "mermaid"
    json = "json"


class DType(str, Enum):
    float64 = "float64"
    float32 = "float32"


DEFAULT_DTYPE = DType(Options.dtype)


def _show_version(value: bool) -> None:
    if value:
        from gradcalc import __version__

        print(f"gradcalc {__version__}")
        raise typer.Exit()


app = typer.Typer(
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

_RUN = "Run"
_OUT = "Output"
_AUTOGRAD = "Autograd"
_LIMITS = "Limits"
_CHECK = "Gradient check"  # issue 15
_PLOT = "Plots"  # issue 15


def _mib(size: int) -> str:
    return f"{size // (1024 * 1024)}M"


@app.command(
    cls=JsonAwareCommand,
    help=HELP,
    no_args_is_help=False,
)
def gradcalc(
    program: Annotated[
        str | None,
        typer.Argument(
            metavar="PROGRAM",
            # Typer shows a type (<str>) for an argument whatever its metavar; the usage line
            # and the description already say what PROGRAM is.
            hidden=True,
            help="Program text: statements separated by ';' or newlines.",
            show_default=False,
        ),
    ] = Options.program,
    file: Annotated[
        str | None,
        typer.Option(
            "-f",
            "--file",
            metavar="FILE",
            help="Run a script file ('-' reads stdin).",
        ),
    ] = Options.file,
    interactive: Annotated[
        bool,
        typer.Option(
            "-i",
            "--interactive",
            help="Run PROGRAM or FILE, then continue in the REPL with the same variables.",
        ),
    ] = Options.interactive,
    set_values: Annotated[
        list[str] | None,
        typer.Option(
            "-s",
            "--set",
            metavar="NAME=VALUE",
            help="Bind a variable before the program runs (repeatable). VALUE is an "
            "expression ('[[1,2],[3,4]]', 'randn(3,3)') or @path to a "
            ".npy/.csv/.txt/.json file. The variable requires grad.",
        ),
    ] = None,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            rich_help_panel=_RUN,
            help="Each non-empty, non-comment input line is an independent program "
            "(fresh variables); with --json, one JSON object per line.",
        ),
    ] = Options.batch,
    keep_going: Annotated[
        bool,
        typer.Option(
            "-k",
            "--keep-going",
            rich_help_panel=_RUN,
            help="Report a failing statement and go on with the next one "
            "(exit 1 at the end if any failed).",
        ),
    ] = Options.keep_going,
    backward: Annotated[
        int,
        typer.Option(
            "-b",
            "--backward",
            min=0,
            max=MAX_BACKWARD,
            metavar="N",
            help="Implicit backward calls on the output when the program itself "
            f"differentiates nothing; 0 = forward only (at most {MAX_BACKWARD:,}).",
        ),
    ] = Options.backward,
    retain_graph: Annotated[
        bool,
        typer.Option(
            "-r",
            "--retain-graph",
            rich_help_panel=_AUTOGRAD,
            help="Keep the graph through every implicit backward, so -b N > 1 "
            "accumulates gradients.",
        ),
    ] = Options.retain_graph,
    wrt: Annotated[
        list[str] | None,
        typer.Option(
            "--wrt",
            metavar="NAME",
            help="Report gradients with respect to these variables only (repeatable).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Compare every reported gradient with central finite differences; "
            "exit 1 if one is off.",
        ),
    ] = Options.check,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="After each backward, show the chain-rule steps node by node.",
        ),
    ] = Options.explain,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            min=0,
            max=limits.MAX_SEED,
            metavar="N",
            rich_help_panel=_AUTOGRAD,
            help="Seed for rand/randn (0 to 2**64-1).",
        ),
    ] = Options.seed,
    dtype: Annotated[
        DType,
        typer.Option(
            "--dtype",
            metavar="float64|float32",
            rich_help_panel=_AUTOGRAD,
            help="Default float dtype.",
        ),
    ] = DEFAULT_DTYPE,
    max_elements: Annotated[
        int | None,
        typer.Option(
            "--max-elements",
            min=1,
            max=limits.MAX_ELEMENTS_LIMIT,
            metavar="N",
            rich_help_panel=_LIMITS,
            help=f"Largest tensor a program may create (default {DEFAULT_MAX_ELEMENTS:,}).",
        ),
    ] = Options.max_elements,
    max_work: Annotated[
        int | None,
        typer.Option(
            "--max-work",
            min=1,
            max=limits.MAX_WORK_LIMIT,
            metavar="N",
            rich_help_panel=_LIMITS,
            help="Most multiply-adds one operation may do (matmul, einsum, outer products); "
            f"a larger one is refused before it runs (default {DEFAULT_MAX_WORK:,}).",
        ),
    ] = Options.max_work,
    max_steps: Annotated[
        int | None,
        typer.Option(
            "--max-steps",
            min=1,
            max=limits.MAX_STEPS_LIMIT,
            metavar="N",
            rich_help_panel=_LIMITS,
            help=f"Most loop iterations and calls a run may take (default {DEFAULT_MAX_STEPS:,}).",
        ),
    ] = Options.max_steps,
    max_depth: Annotated[
        int | None,
        typer.Option(
            "--max-depth",
            min=1,
            max=limits.MAX_DEPTH_LIMIT,
            metavar="N",
            rich_help_panel=_LIMITS,
            help=f"How deep calls may nest (default {DEFAULT_MAX_DEPTH}, "
            f"at most {limits.MAX_DEPTH_LIMIT:,}).",
        ),
    ] = Options.max_depth,
    timeout: Annotated[
        str | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            rich_help_panel=_LIMITS,
            show_default=False,
            help="Stop a run after SECONDS (each line of --batch, each REPL input), "
            "between operations (default: no limit).",
        ),
    ] = None,
    max_program_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-program-bytes",
            metavar="SIZE",
            rich_help_panel=_LIMITS,
            show_default=False,
            help="Longest program (PROGRAM, -f, stdin, :load, each --batch line); a longer "
            f"one is refused before it is parsed (default {_mib(DEFAULT_MAX_PROGRAM_BYTES)}). "
            "SIZE is bytes, or with k, M or G.",
        ),
    ] = None,
    max_file_bytes: Annotated[
        str | None,
        typer.Option(
            "--max-file-bytes",
            metavar="SIZE",
            rich_help_panel=_LIMITS,
            show_default=False,
            help="Largest data file load() and --set @FILE read, and largest --batch input "
            f"(default {_mib(DEFAULT_MAX_FILE_BYTES)}).",
        ),
    ] = None,
    max_memory: Annotated[
        str | None,
        typer.Option("--max-memory", metavar="SIZE", rich_help_panel=_LIMITS, help=MAX_MEMORY_HELP),
    ] = None,
    allow_read: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-read",
            metavar="DIR",
            rich_help_panel=_LIMITS,
            show_default=False,
            help="Let load() and --set @FILE read files under DIR (repeatable). By default "
            "they read only under the working directory and the script's directory, and "
            "error panels quote lines only of programs under the working directory or DIR.",
        ),
    ] = None,
    json_output: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Machine output: one JSON document on stdout and nothing else, also for "
            "errors (option errors included).",
        ),
    ] = Options.json_output,
    json_max_elements: Annotated[
        int,
        typer.Option(
            "--json-max-elements",
            min=0,
            max=10**9,
            metavar="N",
            rich_help_panel=_OUT,
            help="Numbers --json writes per tensor; a larger tensor is written as "
            '{"shape", "dtype", "summary", "truncated": true}. A document holds at most '
            f"{JSON_DOCUMENT_FACTOR}×N numbers in all.",
        ),
    ] = Options.json_max_elements,
    tree: Annotated[
        bool | None,
        typer.Option(
            "--tree/--no-tree",
            rich_help_panel=_OUT,
            show_default=False,
            help="Show the graph as a tree rooted at the output "
            "(default: on for a PROGRAM one-liner, off for scripts).",
        ),
    ] = Options.tree,
    summary: Annotated[
        bool | None,
        typer.Option(
            "--summary/--no-summary",
            rich_help_panel=_OUT,
            show_default=False,
            help="Show the Values and Gradients tables (default: on for a one-liner, "
            "off for scripts).",
        ),
    ] = Options.summary,
    graph: Annotated[
        GraphFormat | None,
        typer.Option(
            "--graph",
            metavar="dot|mermaid|json",
            rich_help_panel=_OUT,
            show_default=False,
            help="Print the computational graph in this format; stdout then holds only the graph.",
        ),
    ] = None,
    graph_out: Annotated[
        Path | None,
        typer.Option(
            "--graph-out",
            metavar="FILE",
            rich_help_panel=_OUT,
            help="Write the graph to FILE; the suffix picks the format: .dot .mmd "
            ".json, or .svg/.png rendered by Graphviz's dot.",
        ),
    ] = Options.graph_out,
    precision: Annotated[
        int,
        typer.Option(
            "--precision",
            min=0,
            max=17,
            metavar="N",
            rich_help_panel=_OUT,
            help="Digits shown after the decimal point.",
        ),
    ] = Options.precision,
    quiet: Annotated[
        bool,
        typer.Option(
            "-q",
            "--quiet",
            help="Only the program's own output and errors: no tables, no tree.",
        ),
    ] = Options.quiet,
    no_color: Annotated[
        bool,
        typer.Option(
            "--no-color",
            rich_help_panel=_OUT,
            help="No colours or styles (also when NO_COLOR is set or output is not a terminal).",
        ),
    ] = Options.no_color,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", rich_help_panel=_OUT, help="Show Python tracebacks for internal errors."
        ),
    ] = Options.debug,
    jobs: Annotated[
        int,
        typer.Option(
            "-j",
            "--jobs",
            min=0,
            max=limits.MAX_JOBS,
            metavar="N",
            rich_help_panel=_RUN,
            help="--batch: run the lines in N worker processes (0 = one per core); the "
            "output is the same, in the same order, as with 1.",
        ),
    ] = Options.jobs,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            rich_help_panel=_RUN,
            show_default=False,
            help="--batch: run the lines on a Dask cluster, its scheduler at ADDRESS "
            "(tcp://HOST:8786), or 'local' for a cluster on this machine; needs "
            "pip install 'gradcalc\\[dask]'.",  # escaped: Rich markup would drop '[dask]'
        ),
    ] = Options.dask,
    # ---- issue 15: named outputs, --check's report, anomaly mode, plots, export ---------
    of: Annotated[
        str | None,
        typer.Option(
            "--of",
            metavar="NAME",
            show_default=False,
            help="The output the implicit backward differentiates (default: the last "
            "assigned name or expression).",
        ),
    ] = None,
    eps: Annotated[
        str | None,
        typer.Option(
            "--eps",
            metavar="H",
            rich_help_panel=_CHECK,
            show_default=False,
            help="--check's finite-difference step (default 1e-6, as torch.autograd.gradcheck).",
        ),
    ] = None,
    atol: Annotated[
        str | None,
        typer.Option(
            "--atol",
            metavar="TOL",
            rich_help_panel=_CHECK,
            show_default=False,
            help="--check's absolute tolerance (default 1e-5).",
        ),
    ] = None,
    rtol: Annotated[
        str | None,
        typer.Option(
            "--rtol",
            metavar="TOL",
            rich_help_panel=_CHECK,
            show_default=False,
            help="--check's relative tolerance: an element passes when |analytic - numeric| "
            "<= atol + rtol * |numeric| (default 1e-3).",
        ),
    ] = None,
    check_samples: Annotated[
        int,
        typer.Option(
            "--check-samples",
            min=0,
            max=10**9,
            metavar="N",
            rich_help_panel=_CHECK,
            help="Elements --check compares per leaf, evenly spaced; 0 compares every one.",
        ),
    ] = Options.check_samples,
    detect_anomaly: Annotated[
        bool,
        typer.Option(
            "--detect-anomaly",
            rich_help_panel=_AUTOGRAD,
            help="Stop a backward pass at the first node whose gradient turns NaN or "
            "infinite, and show the forward expression that made it and its values.",
        ),
    ] = Options.detect_anomaly,
    stats: Annotated[
        bool,
        typer.Option(
            "--stats",
            rich_help_panel=_AUTOGRAD,
            help="Gradient statistics per leaf: norm, min, max, NaN and inf counts.",
        ),
    ] = Options.stats,
    threshold: Annotated[
        int,
        typer.Option(
            "--threshold",
            min=1,
            max=10**9,
            metavar="N",
            rich_help_panel=_OUT,
            help="Summarise tensors of more than N elements with '...' (PyTorch's "
            "threshold, default 1000).",
        ),
    ] = Options.threshold,
    full: Annotated[
        bool,
        typer.Option("--full", rich_help_panel=_OUT, help="Show every element of every tensor."),
    ] = Options.full,
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            metavar="'y = f(x)'",
            rich_help_panel=_PLOT,
            show_default=False,
            help="Draw a function of one variable x and its derivative in the terminal.",
        ),
    ] = None,
    plot_range: Annotated[
        str,
        typer.Option(
            "--range",
            metavar="A:B",
            rich_help_panel=_PLOT,
            help="The interval of x for --plot.",
        ),
    ] = Options.plot_range,
    plot_out: Annotated[
        Path | None,
        typer.Option(
            "--plot-out",
            metavar="FILE",
            rich_help_panel=_PLOT,
            show_default=False,
            help="Write the --plot to FILE.svg or FILE.png.",
        ),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            metavar="FILE",
            rich_help_panel=_OUT,
            show_default=False,
            help="Also save what the terminal shows to FILE.svg or FILE.html.",
        ),
    ] = None,
    # ---- end of issue 15's options ----------------------------------------------------
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    try:
        seconds = limits.parse_seconds(timeout)
        program_bytes = limits.parse_size(max_program_bytes, "--max-program-bytes")
        file_bytes = limits.parse_size(max_file_bytes, "--max-file-bytes")
        memory_bytes = parse_max_memory(max_memory)
        check_numbers = parse_check_numbers(eps, atol, rtol)  # issue 15
    except GradcalcError as error:
        from gradcalc.cli.startup import report_option_error

        raise typer.Exit(report_option_error(error, json_output, no_color)) from None
    options = Options(
        program=program,
        file=file,
        interactive=interactive,
        set_values=list(set_values or []),
        batch=batch,
        keep_going=keep_going,
        backward=backward,
        retain_graph=retain_graph,
        wrt=list(wrt) if wrt else None,
        check=check,
        explain=explain,
        seed=seed,
        dtype=dtype.value,
        max_elements=max_elements,
        max_steps=max_steps,
        max_depth=max_depth,
        timeout=seconds,
        max_work=max_work,
        max_program_bytes=program_bytes or DEFAULT_MAX_PROGRAM_BYTES,
        max_file_bytes=file_bytes,
        max_memory=memory_bytes,
        allow_read=list(allow_read or []),
        json_output=json_output,
        json_max_elements=json_max_elements,
        tree=tree,
        summary=summary,
        graph=graph.value if graph else None,
        graph_out=graph_out,
        precision=precision,
        quiet=quiet,
        no_color=no_color,
        debug=debug,
        jobs=jobs,
        dask=dask,
        # issue 15
        of=of,
        **check_numbers,
        check_samples=check_samples,
        detect_anomaly=detect_anomaly,
        stats=stats,
        threshold=threshold,
        full=full,
        plot=plot,
        plot_range=plot_range,
        plot_out=plot_out,
        export=export,
    )
    from gradcalc.cli.guard import execute_guarded

    if options.plot is not None:  # issue 15: --plot runs its own program
        from gradcalc.cli.plotrun import run_plot_guarded

        code = run_plot_guarded(options)
    else:
        code = execute_guarded(options)
    if code:
        raise typer.Exit(code)
