"""The command line read without Typer, for the calls that parse plainly.

Importing Typer (and Click under it) costs about as much as a third of numpy's import; a
run needs none of it once its options are known. ``parse_arguments`` reads the options
``command.py`` declares, as Click reads them (``--name value``, ``--name=value``, ``-x
value``, ``-xvalue``, ``--`` ending the options, the last of a repeated option winning,
repeatable options collected), and returns None for anything else: ``--help``, ``--version``,
shell completion, an option it does not know, a value out of range or not plainly written,
a cluster of short flags, a second PROGRAM. Typer then parses the same arguments, so its
messages, and the behaviour of every call, stay Typer's; this module can only make a run
start sooner. ``tests/cli/test_startup_argv.py`` checks that the table below matches the
Typer command's options, and that both give the same ``Options`` for many command lines.
"""

from __future__ import annotations

import gradcalc.cli.limits as limits
from gradcalc.cli.memory import parse_max_memory
from gradcalc.cli.options import DEFAULT_MAX_PROGRAM_BYTES, MAX_BACKWARD, Options

FLAG, TEXT, NUMBER, CHOICE, LIST = "flag", "text", "number", "choice", "list"

# option strings -> (Options field, kind, detail): for FLAG the value it sets, for NUMBER the
# (min, max) range, for CHOICE the allowed values. Keep in step with command.py.
OPTIONS: dict[str, tuple[str, str, object]] = {}


def _declare(names: tuple[str, ...], field: str, kind: str, detail: object = None) -> None:
    for name in names:
        OPTIONS[name] = (field, kind, detail)


_declare(("-f", "--file"), "file", TEXT)
_declare(("-i", "--interactive"), "interactive", FLAG, True)
_declare(("-s", "--set"), "set_values", LIST)
_declare(("--batch",), "batch", FLAG, True)
_declare(("-k", "--keep-going"), "keep_going", FLAG, True)
_declare(("-b", "--backward"), "backward", NUMBER, (0, MAX_BACKWARD))
_declare(("-r", "--retain-graph"), "retain_graph", FLAG, True)
_declare(("--wrt",), "wrt", LIST)
_declare(("--check",), "check", FLAG, True)
_declare(("--explain",), "explain", FLAG, True)
_declare(("--seed",), "seed", NUMBER, (0, limits.MAX_SEED))
_declare(("--dtype",), "dtype", CHOICE, ("float64", "float32"))
_declare(("--max-elements",), "max_elements", NUMBER, (1, limits.MAX_ELEMENTS_LIMIT))
_declare(("--max-work",), "max_work", NUMBER, (1, limits.MAX_WORK_LIMIT))
_declare(("--max-steps",), "max_steps", NUMBER, (1, limits.MAX_STEPS_LIMIT))
_declare(("--max-depth",), "max_depth", NUMBER, (1, limits.MAX_DEPTH_LIMIT))
_declare(("--timeout",), "timeout", TEXT)
_declare(("--max-program-bytes",), "max_program_bytes", TEXT)
_declare(("--max-file-bytes",), "max_file_bytes", TEXT)
_declare(("--max-memory",), "max_memory", TEXT)
_declare(("--allow-read",), "allow_read", LIST)
_declare(("--json",), "json_output", FLAG, True)
_declare(("--json-max-elements",), "json_max_elements", NUMBER, (0, 10**9))
_declare(("--tree",), "tree", FLAG, True)
_declare(("--no-tree",), "tree", FLAG, False)
_declare(("--summary",), "summary", FLAG, True)
_declare(("--no-summary",), "summary", FLAG, False)
_declare(("--graph",), "graph", CHOICE, ("dot", "mermaid", "json"))
_declare(("--graph-out",), "graph_out", TEXT)
_declare(("--precision",), "precision", NUMBER, (0, 17))
_declare(("-q", "--quiet"), "quiet", FLAG, True)
_declare(("--no-color",), "no_color", FLAG, True)
_declare(("--debug",), "debug", FLAG, True)
_declare(("-j", "--jobs"), "jobs", NUMBER, (0, limits.MAX_JOBS))
_declare(("--dask",), "dask", TEXT)
_declare(("--of",), "of", TEXT)
_declare(("--check-samples",), "check_samples", NUMBER, (0, 10**9))
_declare(("--detect-anomaly",), "detect_anomaly", FLAG, True)
_declare(("--stats",), "stats", FLAG, True)
_declare(("--threshold",), "threshold", NUMBER, (1, 10**9))
_declare(("--full",), "full", FLAG, True)

LEFT_TO_TYPER = ("--eps", "--atol", "--rtol", "--plot", "--range", "--plot-out", "--export")
"""Options ``parse_arguments`` does not read (it returns None): Typer converts and checks
their values (``command.py``)."""


def parse_arguments(arguments: list[str]) -> dict | None:
    """The options' values by ``Options`` field (only those given), or None when Typer
    should read these arguments (see the module's docstring)."""
    found: dict = {}
    program = None
    index = 0
    only_positional = False
    while index < len(arguments):
        argument = arguments[index]
        index += 1
        if only_positional or argument == "-" or not argument.startswith("-"):
            if program is not None:
                return None  # a second PROGRAM: Typer's error
            program = argument
            continue
        if argument == "--":
            only_positional = True
            continue
        name, attached = _split(argument)
        spec = OPTIONS.get(name)
        if spec is None:
            return None
        field, kind, detail = spec
        if kind == FLAG:
            if attached is not None:
                return None
            found[field] = detail
            continue
        if attached is None:
            if index >= len(arguments):
                return None  # the option's value is missing: Typer's error
            attached = arguments[index]
            index += 1
        value = _value(kind, detail, attached)
        if value is None:
            return None
        if kind == LIST:
            found.setdefault(field, []).append(value)
        else:
            found[field] = value
    if program is not None:
        found["program"] = program
    return found


def _split(argument: str) -> tuple[str, str | None]:
    """``--name=value`` -> (``--name``, ``value``); ``-xvalue`` -> (``-x``, ``value``)."""
    if argument.startswith("--"):
        name, equals, value = argument.partition("=")
        return name, value if equals else None
    if len(argument) > 2:
        name = argument[:2]
        spec = OPTIONS.get(name)
        if spec is None or spec[1] == FLAG:
            return argument, None  # a cluster of flags (-qk): Typer reads it
        return name, argument[2:]
    return argument, None


def _value(kind: str, detail, text: str):
    if kind in (TEXT, LIST):
        return text
    if kind == CHOICE:
        return text if text in detail else None
    if not text.isascii() or not text.isdigit():
        return None  # signs, blanks, underscores: whatever Typer makes of them
    number = int(text)
    low, high = detail
    return number if low <= number <= high else None


def options_from(found: dict) -> Options:
    """``Options`` from parsed values, converted as ``command.gradcalc`` converts Typer's
    (sizes and seconds raise ``UsageError``)."""
    values = dict(found)
    values["timeout"] = limits.parse_seconds(values.get("timeout"))
    program_bytes = limits.parse_size(values.get("max_program_bytes"), "--max-program-bytes")
    values["max_program_bytes"] = program_bytes or DEFAULT_MAX_PROGRAM_BYTES
    values["max_file_bytes"] = limits.parse_size(values.get("max_file_bytes"), "--max-file-bytes")
    values["max_memory"] = parse_max_memory(values.get("max_memory"))
    if values.get("graph_out") is not None:
        from pathlib import Path

        values["graph_out"] = Path(values["graph_out"])
    return Options(**values)
