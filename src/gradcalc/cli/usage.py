"""Option errors under ``--json``: one JSON document on stdout, exit code 2, as for any other
failure.

Typer reports a bad option (``--bogus``, ``-b abc``, ``--dtype float16``) with a panel on
stderr before gradcalc's own code runs. ``JsonAwareCommand`` is the command class: when the
arguments ask for ``--json`` it parses without Typer's standalone mode and turns the error
into the document a script reading stdout expects (``"ok": false``, the error in
``errors``). Without ``--json`` nothing changes.
"""

from __future__ import annotations

import sys

from typer.core import TyperCommand, TyperOption


class JsonAwareCommand(TyperCommand):
    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        arguments = list(sys.argv[1:] if args is None else args)
        if not wants_json(arguments, self.params):
            return super().main(
                arguments, prog_name, complete_var, standalone_mode=standalone_mode, **extra
            )
        from typer.exceptions import Abort, TyperException

        try:
            code = super().main(arguments, prog_name, complete_var, standalone_mode=False, **extra)
        except Abort:
            code = _write_error("aborted", 1)
        except TyperException as exc:  # Typer's option errors (its bundled Click's)
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            code = _write_error(message, getattr(exc, "exit_code", 2))
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def wants_json(arguments: list[str], params) -> bool:
    """Whether ``--json`` is among the options (not the value of another option, not after
    ``--``)."""
    takes_value = set()
    for param in params:
        if isinstance(param, TyperOption) and not param.is_flag and not param.count:
            takes_value.update(param.opts)
            takes_value.update(param.secondary_opts)
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--":
            return False
        if argument == "--json" or argument.startswith("--json="):
            return True
        index += 2 if argument in takes_value else 1
    return False


def _write_error(message: str, code: int) -> int:
    from gradcalc.cli.document import empty_document, write_document
    from gradcalc.cli.jsonout import error_document
    from gradcalc.errors import UsageError

    error = UsageError(message, hint="see gradcalc --help for the options and their values")
    write_document(sys.stdout, lambda: empty_document([error_document(error)]))
    return code
