"""Entry point of the ``gradcalc`` command (``[project.scripts]``) and ``python -m gradcalc``.

Kept free of heavy imports: the Typer command (``gradcalc.cli.command``) is imported only
when there are options to parse, and the catch-all here turns any unexpected exception into
a one-line "internal error" (a traceback only with ``--debug``).
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
    if len(args) == 1 and not args[0].startswith("-") and not _completing():
        # `gradcalc 'PROGRAM'`, the commonest call, has no option to parse: run it with the
        # defaults Typer would give and save Typer's import (~30 ms of a one-liner's start-up).
        from gradcalc.cli.guard import execute_guarded
        from gradcalc.cli.options import Options

        sys.exit(execute_guarded(Options(program=args[0])))
    from gradcalc.cli.coercion import install
    from gradcalc.cli.command import app

    install()
    app(prog_name="gradcalc")


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
