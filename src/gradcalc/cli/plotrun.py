"""Running ``--plot``: sample the program, draw it in the terminal, write ``--plot-out``."""

from __future__ import annotations

from gradcalc.errors import GradcalcError

FILE_SAMPLES = 400


def run_plot_guarded(options) -> int:
    """``run_plot`` with the catch-all of every run: a bug is an internal error, exit 70."""
    from gradcalc.cli import guard

    try:
        return run_plot(options)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - as guard.execute_guarded
        return guard._report(options, exc)


def run_plot(options) -> int:
    from gradcalc.cli.console import fancy
    from gradcalc.cli.reporting import Reporter
    from gradcalc.cli.startup import fail_early

    reporter = Reporter(options)
    try:
        return _plot(options, reporter, fancy(reporter.out))
    except GradcalcError as error:
        return fail_early(reporter, error, options.plot, "--plot")


def _plot(options, reporter, unicode: bool) -> int:
    from gradcalc.cli import limits
    from gradcalc.cli.memory import apply_max_memory
    from gradcalc.cli.plot import parse_range, sample, terminal_plot
    from gradcalc.cli.plotfile import check_plot_path, write_plot
    from gradcalc.errors import UsageError
    from gradcalc.interpreter import Session

    if options.program is not None or options.file is not None:
        raise UsageError(
            "--plot draws its own program: give no PROGRAM or -f FILE with it",
            hint="e.g. gradcalc --plot 'y = tanh(x)' --range -3:3",
        )
    low, high = parse_range(options.plot_range)
    if options.plot_out is not None:
        check_plot_path(options.plot_out)
    apply_max_memory(options.max_memory)
    settings = limits.session_settings(options)
    settings["record_graph"] = False
    settings["explain"] = False

    def factory():
        return Session(**settings)

    width = reporter.out.width
    columns = max(width - 11, 20) * (2 if unicode else 1)
    count = max(columns, FILE_SAMPLES) if options.plot_out is not None else columns
    samples = sample(options.plot, low, high, count, factory)
    if not options.quiet:
        reporter.out.print(terminal_plot(samples, width, fancy=unicode), soft_wrap=True)
    if options.plot_out is not None:
        write_plot(samples, options.plot_out)
    return 0
