"""The tutorial's loop on several source trees of gradcalc and on torch, timed alternately.

    python bench/compare_trees.py torch /path/to/main/src src        # core only, per step
    python bench/compare_trees.py --program torch /path/to/main/src src

Each tree runs in its own long-lived process (two trees cannot share one interpreter); the
processes are asked in turn, in alternating order, to run a short chunk (100 steps of the
core-only loop, or ``--program``: one whole run of bench_tutorial's program through the
interpreter), so every variant sees the same load on this shared machine. Prints each
variant's median and its ratio to the first variant. A tree is a ``src`` directory (for
instance ``git archive main src | tar -x -C /tmp/main``); ``torch`` is PyTorch itself.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def _where(tree: str) -> str:
    return tree if tree == "torch" else str(Path(tree).resolve())


def _serve(tree: str, program: bool) -> None:
    """The worker: one chunk per line read, its seconds written back."""
    sys.path.insert(0, str(BENCH_DIR))
    if program:
        if tree != "torch":
            sys.path.insert(0, tree)
        import bench_tutorial

        chunk = bench_tutorial.run_torch if tree == "torch" else bench_tutorial.run_gradcalc
    else:
        if tree != "torch":
            sys.path.insert(0, tree)
        import bench_core

        chunk = bench_core.TutorialChunks("torch" if tree == "torch" else "gradcalc")
    chunk()  # warm-up: imports, first-use preparation
    for _ in sys.stdin:
        start = time.perf_counter()
        chunk()
        print(time.perf_counter() - start, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("trees", nargs="+", help="'torch' or a gradcalc src directory")
    parser.add_argument("--program", action="store_true", help="the whole tutorial program")
    parser.add_argument("--rounds", type=int, default=0, help="chunks per variant")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.program)
        return
    rounds = args.rounds or (7 if args.program else 30)
    flags = ["--program"] if args.program else []
    workers = {
        tree: subprocess.Popen(
            [sys.executable, __file__, "--serve", _where(tree), *flags, "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tree in args.trees
    }
    times: dict = {tree: [] for tree in args.trees}
    for r in range(rounds):
        for tree in args.trees if r % 2 == 0 else reversed(args.trees):
            worker = workers[tree]
            worker.stdin.write("go\n")
            worker.stdin.flush()
            times[tree].append(float(worker.stdout.readline()))
    for worker in workers.values():
        worker.stdin.close()
        worker.wait()
    first = statistics.median(times[args.trees[0]])
    unit = "s per run" if args.program else "s per 100 steps"
    for tree in args.trees:
        median = statistics.median(times[tree])
        print(f"{tree:30s} {median:.3f} {unit}, {median / first:.2f}x the first")


if __name__ == "__main__":
    main()
