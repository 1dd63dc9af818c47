"""Run every benchmark in bench/ and print one table.

    python bench/run.py                 # everything
    python bench/run.py --only chain    # workloads whose name contains "chain"
    python bench/run.py --json out.json # also write the raw figures
    python bench/run.py --targets       # issue 13's ratios (targets.py): start-up per mode,
                                        # batch vs PyTorch, 10^7 vs numpy, library peers

Each ``bench/bench_*.py`` module exposes ``workloads() -> list[dict]`` with keys
``name`` and ``gradcalc`` (or ``fn``), optionally ``numpy`` and ``torch`` (callables doing the
same work by hand-written numpy and with PyTorch; None where there is no counterpart),
``repeat`` (timed repetitions, default 5) and ``note``. All variants of a workload are timed
in the same run, several repetitions each, and the median is reported with the ratios.
Peak memory is measured in a separate untimed call under tracemalloc (numpy reports its
allocations to it; PyTorch's are invisible to it, so it has no memory column).
Results are figures to read, not assertions: nothing here fails on a slow run.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
VARIANTS = ("gradcalc", "numpy", "torch")


def load_workloads(only: str | None) -> list[dict]:
    found = []
    for path in sorted(BENCH_DIR.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        if not hasattr(module, "workloads"):  # a measurement of its own (bench_numerics.py)
            continue
        for workload in module.workloads():
            workload = dict(workload)
            workload.setdefault("gradcalc", workload.pop("fn", None))
            workload["module"] = path.stem
            if only is None or only in workload["name"]:
                found.append(workload)
    return found


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: imports, caches, first-touch page faults
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(fn) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(workload: dict, repeat: int | None, memory: bool) -> dict:
    reps = repeat or workload.get("repeat", 5)
    row = {"name": workload["name"], "module": workload["module"], "note": workload.get("note", "")}
    for variant in VARIANTS:
        fn = workload.get(variant)
        row[f"{variant}_s"] = median_seconds(fn, reps) if fn else None
        if memory and variant != "torch" and fn:
            row[f"{variant}_peak_mib"] = peak_mib(fn)
    base = row["gradcalc_s"]
    for variant in ("numpy", "torch"):
        other = row[f"{variant}_s"]
        row[f"vs_{variant}"] = base / other if base and other else None
    return row


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def print_table(rows: list[dict]) -> None:
    headers = [
        "workload",
        "gradcalc",
        "numpy",
        "torch",
        "gc/numpy",
        "gc/torch",
        "peak gc",
        "peak np",
    ]
    table = [
        [
            r["name"],
            fmt_time(r["gradcalc_s"]),
            fmt_time(r["numpy_s"]),
            fmt_time(r["torch_s"]),
            fmt(r["vs_numpy"], "{:.2f}x"),
            fmt(r["vs_torch"], "{:.2f}x"),
            fmt(r.get("gradcalc_peak_mib"), "{:.1f} MiB"),
            fmt(r.get("numpy_peak_mib"), "{:.1f} MiB"),
        ]
        for r in rows
    ]
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *table)]
    for line in [headers, ["-" * w for w in widths], *table]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths)).rstrip())
    notes = [f"- {r['name']}: {r['note']}" for r in rows if r["note"]]
    if notes:
        print("\n" + "\n".join(notes))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only workloads whose name contains this text")
    parser.add_argument("--repeat", type=int, help="timed repetitions per variant (median kept)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--targets",
        nargs="?",
        const="all",
        choices=("all", "startup", "batch", "big", "peers"),
        help="print issue 13's figures as ratios measured in this run (targets.py)",
    )
    parser.add_argument(
        "--batch-lines", type=int, default=5000, help="lines of the --targets batch"
    )
    args = parser.parse_args(argv)
    if args.targets:
        sys.path.insert(0, str(BENCH_DIR))
        from targets import main as targets_main

        only = None if args.targets == "all" else args.targets
        return targets_main(args.repeat or 7, args.batch_lines, only)
    if importlib.util.find_spec("torch") is None:
        print("(torch not installed: the torch column is empty)")
    rows = []
    for workload in load_workloads(args.only):
        print(f"... {workload['name']}", file=sys.stderr, flush=True)
        rows.append(measure(workload, args.repeat, not args.no_memory))
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
