"""What ``gradcalc --help`` shows, and the command class: the help's layout and option errors
under ``--json``.

``--help`` reads top down as a newcomer needs it: the description, the examples and the exit
codes, then the options a newcomer reaches for, then the panels. Typer's Rich help prints the
options without a ``rich_help_panel`` first (under "Options"), then the other panels in the
order their first option comes in ``get_params``, and shows a type placeholder (``<bool>``)
for every option without a metavar. ``JsonAwareCommand.get_params`` lists ``HELP_FIRST``
first and the panels in ``HELP_PANELS`` order, and gives every flag (Typer's own ``--help``
and completion flags too) an empty metavar.

Option errors under ``--json`` are one JSON document on stdout, exit code 2, as for any
other failure. Typer reports a bad option (``--bogus``, ``-b abc``, ``--dtype float16``) with
a panel on stderr before gradcalc's own code runs; when the arguments ask for ``--json`` the
command parses without Typer's standalone mode and turns the error into the document a
script reading stdout expects (``"ok": false``, the error in ``errors``). Without ``--json``
nothing changes.
"""

from __future__ import annotations

import re
import sys

from typer.core import TyperCommand, TyperOption

DESCRIPTION = (
    "A command-line expression differentiator: tensor expressions in; values, gradients and "
    "the computational graph out.\n\n"
    "Runs PROGRAM (statements separated by ';' or newlines), or a script with -f FILE. With "
    "neither, starts the REPL when stdin is a terminal, else runs stdin as a script."
)

# Shown line for line: each line fits 80 columns (Rich would wrap a longer one without its
# indentation). tests/cli/test_help_layout.py runs every command here.
EXAMPLES = """\
Examples:
  # values, gradients and the graph of a one-liner (m = 9, x.grad = 1/3)
  gradcalc 'x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))'
  # two implicit backward calls that accumulate: x.grad = 2/3
  gradcalc -b 2 -r 'x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))'
  # bind a variable from the command line; gradients of w only
  gradcalc -s 'w=randn(3,3)' --wrt w 'm = sum(tanh(w @ ones(3)))'
  # differentiate loss (not the last output), checked by finite differences
  gradcalc --of loss --check 'x = [1., 2.]; loss = sum(x*x); acc = mean(x)'
  # the chain rule, step by step
  gradcalc --explain 'x = [1., 2.]; m = mean(exp(x))'
  # a script, with the tables and the tree of its output
  gradcalc -f tutorial.py --summary --tree
  # machine-readable output; one JSON object per line of a batch file
  gradcalc --json 'x = 3.0; y = x**2'
  gradcalc --batch --json -f programs.txt
  # the graph for Graphviz
  gradcalc --graph dot 'x = [1., 2.]; m = sum(exp(x))' | dot -Tsvg > graph.svg
  # run, then continue in the REPL with the same variables
  gradcalc -i 'x = ones(2, 3, requires_grad=True); m = sum(x * x)'
  # untrusted programs: at most 5 s, and 10^9 multiply-adds an operation
  gradcalc --batch --json --timeout 5 --max-work 1000000000 -f progs.txt

Exit codes: 0 success, 1 evaluation error, 2 usage or syntax error, 70 internal error.
"""

# The options a newcomer reaches for, by long name, in the order the first panel lists them
# (command.py gives them no rich_help_panel): where the program comes from, the output's
# form, what is differentiated and how it is checked and explained. --tree and --summary
# stay in Output: on by default for a one-liner, and their --no-... column would narrow
# this panel's help text at 80 columns. Typer's --version, completion and --help follow.
HELP_FIRST = (
    "--file",
    "--set",
    "--interactive",
    "--json",
    "--quiet",
    "--backward",
    "--of",
    "--wrt",
    "--check",
    "--explain",
)
# The other panels, by the titles command.py gives them; Limits last: they matter for
# untrusted programs, and theirs is the longest panel.
HELP_PANELS = ("Run", "Output", "Autograd", "Gradient check", "Plots", "Limits")


def verbatim(text: str) -> str:
    """``text`` as Rich markup that shows it as written: Rich would take ``[name]`` (``x[i]``,
    ``gradcalc[dask]``) for a style tag and drop it. ``rich.markup.escape``'s rule, without
    importing Rich for ``--version``."""
    return re.sub(r"(\\*)(\[[a-z#/@][^[]*?])", lambda m: m.group(1) * 2 + "\\" + m.group(2), text)


def _examples_markup(examples: str) -> str:
    # Typer dims the description after its first paragraph; the commands stay bright.
    return "\n".join(
        f"[not dim]{verbatim(line)}[/]" if line.startswith("  gradcalc ") else verbatim(line)
        for line in examples.splitlines()
    )


HELP = DESCRIPTION + "\n\n" + _examples_markup(EXAMPLES)


class JsonAwareCommand(TyperCommand):
    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
                param.metavar = ""  # Typer's help shows a metavar in place of "<bool>"
        # A stable sort: arguments keep their order (the parser assigns them by position).
        # The order of options changes no meaning: Click processes the eager ones first and
        # the others in the order they were given.
        return sorted(params, key=_help_position)

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


def _help_position(param) -> tuple[int, int]:
    if not isinstance(param, TyperOption):
        return (0, 0)
    panel = getattr(param, "rich_help_panel", None)
    if panel is None:
        names = [*param.opts, *param.secondary_opts]
        first = [HELP_FIRST.index(name) for name in names if name in HELP_FIRST]
        return (1, first[0] if first else len(HELP_FIRST))
    if panel in HELP_PANELS:
        return (2 + HELP_PANELS.index(panel), 0)
    return (2 + len(HELP_PANELS), 0)
