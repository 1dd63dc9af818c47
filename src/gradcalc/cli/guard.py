"""A run with the catch-all around it: anything unexpected becomes a one-line internal error
(exit 70), never a traceback; under --json, a document of it. Used by both entry points
(``app.main`` without options, ``command`` after Typer parsed them)."""

from __future__ import annotations

import sys


def execute_guarded(options) -> int:
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
