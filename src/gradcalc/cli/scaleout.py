"""``--batch --json --dask ADDRESS``: the lines run on a Dask cluster.

The batch is cut into partitions of consecutive lines; each partition is one task that runs
its lines with a ``LineRunner``, as ``gradcalc.run``/``run_batch`` do, on whichever worker
Dask picks, and returns their records. The command writes the records of each partition in
input order as soon as it and the ones before it are done, so the output is byte for byte
``--jobs 1``'s. ``ADDRESS`` is a scheduler's (``tcp://HOST:8786``), or ``local`` for a
``distributed.LocalCluster`` on this machine (one worker process per core).

``dask[distributed]`` is an optional extra (``pip install 'gradcalc[dask]'``), imported
only here, only when ``--dask`` is given. The workers need gradcalc installed (the same
version); the file policy (what ``load()`` may read) is the command's, applied on each
worker's machine.

Dask's own documentation of the calls used: https://distributed.dask.org/en/stable/client.html
(``Client``, ``Client.map``, ``Future.result``) and
https://distributed.dask.org/en/stable/api.html#distributed.LocalCluster.
"""

from __future__ import annotations

from gradcalc.errors import UsageError

PARTITION_LINES = 256
"""Lines per task: enough that a task's overhead (a few milliseconds of scheduling and
transfer) is small beside running them, few enough to spread a batch over many workers."""


def connect(address: str):
    """A ``distributed.Client`` for ``address`` (or a LocalCluster for ``local``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise UsageError(
            "--dask needs Dask's distributed scheduler, which is not installed",
            hint="pip install 'gradcalc[dask]'",
        ) from None
    if address == "local":
        cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        return Client(cluster), cluster
    try:
        return Client(address, timeout="30s"), None
    except (OSError, TimeoutError, ValueError) as error:
        raise UsageError(
            f"--dask {address}: cannot reach the Dask scheduler ({error})",
            hint="give the scheduler's address, e.g. --dask tcp://HOST:8786, or --dask local",
        ) from None


def records_on_dask(numbered: list, filename: str, options, policy, address: str, client=None):
    """(exit code, record text) of each (number, line), in order, run on the cluster."""
    owned = None
    if client is None:
        client, cluster = connect(address)
        owned = (client, cluster)
    try:
        partitions = [
            numbered[i : i + PARTITION_LINES] for i in range(0, len(numbered), PARTITION_LINES)
        ]
        futures = client.map(
            run_partition,
            partitions,
            filename=filename,
            options=options,
            policy=policy,
            pure=False,
        )
        for future in futures:
            yield from future.result()
    finally:
        if owned is not None:
            owned[0].close()
            if owned[1] is not None:
                owned[1].close()


def run_partition(numbered: list, filename: str, options, policy) -> list[tuple[int, str]]:
    """A Dask task: the records of a partition's lines, run by one ``LineRunner``."""
    import gradcalc.cli.limits as limits
    from gradcalc.cli.lines import LineRunner

    limits.apply_process_limits(options)
    return LineRunner(options, policy).records(numbered, filename)
