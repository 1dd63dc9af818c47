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


def _execute_guarded(options) -> int:
    """Run; anything unexpected becomes a one-line internal error (exit 70), never a
    traceback; under --json, a document of it."""
    from gradcalc.cli.runner import execute

    try:
        return execute(options)
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except MemoryError:
        from gradcalc.errors import LimitError

        return _report(options, LimitError("out of memory", kind="MemoryError"))
    except Exception as exc:  # noqa: BLE001 - the catch-all the brief asks for
        return _report(options, exc)


def _report(options, exc: BaseException) -> int:
    from gradcalc.errors import GradcalcError, InternalError

    if options.json_output:
        from gradcalc.cli.document import empty_document, write_document
        from gradcalc.cli.jsonout import error_document

        error = (
            exc if isinstance(exc, GradcalcError) else InternalError(f"{type(exc).__name__}: {exc}")
        )
        write_document(sys.stdout, lambda: empty_document([error_document(error)]))
    else:
        from gradcalc.cli.console import make_console
        from gradcalc.cli.errorpanel import render_error

        render_error(make_console(stderr=True, no_color=options.no_color), exc, debug=options.debug)
    return exc.exit_code if isinstance(exc, GradcalcError) else InternalError.exit_code


def _silence_stdout() -> None:
    """After a closed pipe (``gradcalc ... | head``), stop Python's flush at exit from failing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main() -> None:
    """Console-script entry point (``gradcalc``) and ``python -m gradcalc``."""
    _escape_unencodable_output()
    args = sys.argv[1:]
    if len(args) == 1 and not args[0].startswith("-") and not _completing():
        # `gradcalc 'PROGRAM'`, the commonest call, has no option to parse: run it with the
        # defaults Typer would give and save Typer's import (~30 ms of a one-liner's start-up).
        from gradcalc.cli.options import Options

        sys.exit(_execute_guarded(Options(program=args[0])))
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
