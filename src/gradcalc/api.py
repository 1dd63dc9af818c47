"""The Python API: ``run`` one program, ``run_batch`` many, results as ``--json`` has them.

    import gradcalc

    document = gradcalc.run("x = [1., 2.]; y = sum(x * x)")
    document["grads"]["x"]                    # [2.0, 4.0]
    for record in gradcalc.run_batch(["x = 2.0; y = x**3", "z = [1, 2"], jobs=2):
        print(record["line"], record["ok"])  # 1 True, then 2 False

``run`` returns exactly the document ``gradcalc --json PROGRAM`` prints (parsed), with the
same keyword options as the command's (``backward=2``, ``wrt=["w"]``, ``set_values=[...]``,
``seed``, ``dtype``, the bounds...: the fields of ``gradcalc.cli.options.Options``);
``max_memory`` (bytes) only in ``run_batch`` with ``jobs`` of 2 or more, where it bounds
each worker process.
``run_batch`` yields the records ``gradcalc --batch --json`` prints, in order; ``jobs`` runs
them in worker processes as ``--jobs`` does. Nothing is printed, and a program's errors are
in the document (``"ok": false``), never raised; a bad option raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["run", "run_batch"]


def run(program: str, **options: Any) -> dict:
    """Run ``program`` (statements separated by ``;`` or newlines) as ``gradcalc --json``
    runs it; returns its JSON document as a dict (``ok``, ``output``, ``values``,
    ``grads``, ``backward_calls``, ``printed``, ``warnings``, ``graph``, ``errors``)."""
    import io
    import json

    from gradcalc.cli.guard import execute_guarded

    _refuse(options, _SOURCE_OPTIONS | {"jobs", "dask", "max_memory"}, "run")
    settings = _options(program=program, json_output=True, **options)
    stream = io.StringIO()
    _with_stdout(stream, execute_guarded, settings)
    return json.loads(stream.getvalue())


def run_batch(
    lines: str | Iterable[str], *, jobs: int = 1, filename: str = "<batch>", **options: Any
) -> Iterator[dict]:
    """Run each line as its own program, as ``gradcalc --batch --json``; yields one record
    per program line (``line`` is its number, 1-based; blank and ``#`` lines are skipped).

    ``lines`` is the text of a batch file, or its lines one by one. ``jobs`` runs them in
    that many worker processes (0: one per core), the records still in input order."""
    import json

    import gradcalc.cli.limits as limits
    from gradcalc.cli.lines import LineRunner, program_lines

    if isinstance(lines, str):
        numbered = list(program_lines(lines))
    else:
        numbered = [
            (number, line)
            for number, line in enumerate(lines, 1)
            if line.strip() and not line.strip().startswith("#")
        ]
    _refuse(options, _SOURCE_OPTIONS | {"dask"}, "run_batch")
    settings = _options(batch=True, json_output=True, jobs=jobs, **options)
    from gradcalc.cli.jobs import records_in_workers, worker_count
    from gradcalc.cli.sources import run_policy
    from gradcalc.errors import GradcalcError

    workers = worker_count(jobs, len(numbered))
    try:
        policy = run_policy(settings)
        limits.apply_process_limits(settings)
        settings.max_memory = _max_memory(settings.max_memory, workers)
        runner = LineRunner(settings, policy)
    except GradcalcError as error:
        raise ValueError(error.message) from None
    if workers > 1:
        records = records_in_workers(numbered, filename, settings, policy, workers)
    else:
        records = (runner.record(number, line, filename) for number, line in numbered)
    for _code, text in records:
        yield json.loads(text)


_SOURCE_OPTIONS = {"program", "file", "interactive", "batch", "json_output"}
"""Options that say where the program comes from and how it is printed: the API's own
arguments decide these."""


def _max_memory(size, workers: int) -> int | None:
    """``max_memory`` (bytes, or text as ``--max-memory`` takes it) bounds worker processes
    only: an OS limit on the caller's own process would outlast the call."""
    if size is None:
        return None
    if workers < 2:
        raise ValueError(
            "max_memory bounds worker processes: run_batch() needs jobs=2 or more "
            "and two or more lines"
        )
    from gradcalc.cli.memory import check_max_memory, parse_max_memory

    size = parse_max_memory(str(size))
    check_max_memory(size)
    return size


def _refuse(options: dict, refused: set, function: str) -> None:
    wrong = sorted(refused & options.keys())
    if wrong:
        raise ValueError(f"{', '.join(wrong)}: not an option of gradcalc.{function}()")


def _options(**values: Any):
    """``Options`` of the keyword arguments, checked as the command line checks them."""
    from gradcalc.cli.argv import CHOICE, NUMBER, OPTIONS
    from gradcalc.cli.options import Options

    try:
        options = Options(**values)
    except TypeError as error:
        raise ValueError(f"unknown option: {error}") from None
    for name, (field, kind, detail) in OPTIONS.items():
        value = getattr(options, field)
        if field not in values or not name.startswith("--"):
            continue
        if kind == CHOICE and value is not None and value not in detail:
            raise ValueError(f"{field}={value!r} is not one of {', '.join(detail)}")
        if kind == NUMBER and not (
            isinstance(value, int)
            and not isinstance(value, bool)
            and detail[0] <= value <= detail[1]
        ):
            raise ValueError(f"{field}={value!r}: an integer from {detail[0]} to {detail[1]}")
    return options


def _with_stdout(stream, function, *arguments):
    import sys

    saved = sys.stdout
    sys.stdout = stream
    try:
        return function(*arguments)
    finally:
        sys.stdout = saved
