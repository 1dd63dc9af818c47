"""``--batch --json --jobs N``: the lines run in N worker processes, the records written in
the order of the lines, byte for byte what ``--jobs 1`` writes.

Each worker builds its own ``LineRunner`` once (a session, the parser's tables) and runs
chunks of consecutive lines; ``Pool.imap`` hands the chunks' records back in input order, so
the command writes each record as soon as every line before it is done. Workers are forked
where the platform allows it, so they start with the command's modules already imported.
``--jobs 0`` is one worker per core this process may use.
"""

from __future__ import annotations

import os

CHUNK_LINES = 32
"""Lines a worker takes at a time: few enough that the records flow out steadily, enough
that passing them between processes costs little beside running them."""

_runner = None  # the worker process's LineRunner


def worker_count(jobs: int, lines: int) -> int:
    """How many workers ``--jobs jobs`` means for a batch of ``lines`` lines."""
    if jobs == 0:
        try:
            jobs = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, lines))


def records_in_workers(numbered: list, filename: str, options, policy, workers: int):
    """(exit code, record text) of each (number, line), in order, run by ``workers``
    processes."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [numbered[i : i + CHUNK_LINES] for i in range(0, len(numbered), CHUNK_LINES)]
    with context.Pool(workers, initializer=_start_worker, initargs=(options, policy)) as pool:
        for records in pool.imap(_run_chunk, [(chunk, filename) for chunk in chunks]):
            yield from records


def _start_worker(options, policy) -> None:
    global _runner
    import gradcalc.cli.limits as limits
    from gradcalc.cli.lines import LineRunner
    from gradcalc.cli.memory import bound_memory

    limits.apply_process_limits(options)
    # A forked worker has its parent's bound already; the API's run_batch bounds only these.
    bound_memory(options.max_memory)
    _runner = LineRunner(options, policy)


def _run_chunk(work) -> list[tuple[int, str]]:
    numbered, filename = work
    return _runner.records(numbered, filename)
