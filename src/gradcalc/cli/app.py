"""Entry point of the ``gradcalc`` command (``[project.scripts]``) and ``python -m gradcalc``.

Kept free of heavy imports: the command line is read by ``argv.parse_arguments`` when it
parses plainly, and by the Typer command (``gradcalc.cli.command``) only for ``--help``,
``--version``, completion and anything unusual (Typer then words the errors). The
catch-all here turns any unexpected exception into a one-line "internal error" (a
traceback only with ``--debug``).
"""

from __future__ import annotations

import sys


def __getattr__(name: str):
    if name == "app":  # the Typer app, for typer.testing.CliRunner and shell completion
        from gradcalc.cli.command import app

        return app
    raise AttributeError(f"module 'gradcalc.cli.app' has no attribute {name!r}")


def main() -> None:
    """Console-script entry point (``gradcalc``) and ``python -m gradcalc``."""
    _escape_unencodable_output()
    args = sys.argv[1:]
    if not _completing():
        from gradcalc.cli.argv import parse_arguments

        found = parse_arguments(args)
        if found is not None:
            sys.exit(_run_parsed(found))
    from gradcalc.cli.command import app

    app(prog_name="gradcalc")


def _run_parsed(found: dict) -> int:
    """Run with options read without Typer (``argv.py``); a bad size or number of seconds
    is reported as ``command.gradcalc`` reports it."""
    from gradcalc.cli.argv import options_from
    from gradcalc.errors import GradcalcError

    try:
        options = options_from(found)
    except GradcalcError as error:
        from gradcalc.cli.startup import report_option_error

        return report_option_error(
            error, bool(found.get("json_output")), bool(found.get("no_color"))
        )
    from gradcalc.cli.guard import execute_guarded

    return execute_guarded(options)


def _escape_unencodable_output() -> None:
    """A program may print text the terminal's encoding cannot hold (a lone surrogate):
    write it escaped, as Python writes it to stderr, instead of failing."""
    stream = sys.stdout
    if stream is not None and hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (ValueError, OSError):
            pass


def _completing() -> bool:
    """Whether the shell is asking Typer for completions (it sets _GRADCALC_COMPLETE)."""
    import os

    return any(key.endswith("_COMPLETE") for key in os.environ)
