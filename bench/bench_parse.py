"""Parse speed: a 10,000-line script, and a one-liner's whole process (start-up included).

    python bench/run.py --only parse              # as part of the bench table
    python bench/bench_parse.py                   # this file alone, against ./src
    python bench/bench_parse.py --src /other/src  # the same figures for another checkout

``workloads()`` lists the timed functions for ``bench/run.py``. Run alone, this file prints
the 10,000-line parse (best of 5), a 100,000-statement parse, and the median wall time of a
fresh ``python -c "from gradcalc.grammar import parse; parse(...)"`` (21 runs, after one
warm-up that fills the parser's table cache and the bytecode cache). The children write
bytecode to a temp dir (``PYTHONPYCACHEPREFIX``), as an installed package has its ``.pyc``
files; this machine sets PYTHONDONTWRITEBYTECODE=1, which would make every child recompile.

Figures on this 2-core machine, shared with other jobs (load 2-4), CPU time, best runs:
- 10,000-line script: 1.3-1.5 s with lark's LALR parser and the Python subset, against
  0.63-0.65 s for the hand-driven parser of the small language before it.
- 100,000 short statements: 4.3 s (before: 1.9 s).
- one-liner process: about the same (CPU ms: lark import ~50, gradcalc.grammar import 4
  (before: 18-20), tables from the cache 24 (before: 11), first parse 6-7 (before: 0.5),
  most of it compiling the contextual lexer's regular expressions; the basic lexer
  since compiles one scanner: first parse ~4 ms).
- The flat operator row (2 December 2026; one rule for `or`, `and`, `not`, comparisons and
  binary operators) parses 1,000 lines of this script in 748M instructions instead of 896M
  (callgrind, PYTHONHASHSEED=0: wall-clock runs on this machine varied by 2x in minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LINES = 10_000
SHORT_STATEMENTS = 100_000
ONE_LINER = "y = (x + 1) * 2"
_SRC = Path(__file__).resolve().parent.parent / "src"

_TEMPLATES = [
    "x{i} = [[1, 2, 3], [4, 5, 6]]  # a leaf that requires grad",
    "w{i} = torch.ones(2, 3, requires_grad=True)",
    "y{i} = (x{i} + 1) * 2 - w{i} / 3",
    "m{i} = mean(y{i} ** 2, dim=0, keepdim=True)",
    "z{i} = x{i}[:, 1:] @ w{i}[..., ::-1].T",
    "loss{i} = -(z{i}.sum() + 0.5e-3 * y{i}[0, 1]) ** 2; c{i} = 1",
    "c{i} += 1",
    "m{i}.backward(retain_graph=True)",
    "w{i}.grad = None",
    "print(x{i}.grad, 'done', m{i} >= 2.)",
]


def generate_script(lines: int = LINES) -> str:
    """A realistic script: assignments, calls, slices, comments, operators of every level.

    The same text the parser of before the Python subset was timed on, so the figures compare.
    """
    return "\n".join(_TEMPLATES[i % len(_TEMPLATES)].format(i=i) for i in range(lines)) + "\n"


def _statements(program) -> list:
    # ``body`` since the Python subset; ``statements`` before it.
    body = getattr(program, "body", None)
    return program.statements if body is None else body


def workloads() -> list[dict]:
    from gradcalc.grammar import parse

    script = generate_script()
    short = "\n".join(f"a{i} = {i}" for i in range(SHORT_STATEMENTS)) + "\n"
    parse("x = 1")  # build (or load) the parser outside the timed part

    def parse_10k_lines():
        program = parse(script, "bench.gc")
        assert len(_statements(program)) == LINES + LINES // len(_TEMPLATES)

    def parse_100k_statements():
        assert len(_statements(parse(short))) == SHORT_STATEMENTS

    return [
        {"name": f"parse {LINES:,}-line script", "fn": parse_10k_lines},
        {
            "name": f"parse {SHORT_STATEMENTS:,} short statements",
            "fn": parse_100k_statements,
            "repeat": 3,
        },
    ]


def one_liner_seconds(src: Path, runs: int = 21) -> tuple[float, float]:
    """Median wall time of a fresh process that parses ``ONE_LINER``, and of bare ``python``."""
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env.update(
            PYTHONPATH=str(src),
            PYTHONPYCACHEPREFIX=os.path.join(scratch, "pycache"),
            XDG_CACHE_HOME=os.path.join(scratch, "cache"),
        )
        code = f"from gradcalc.grammar import parse; parse({ONE_LINER!r})"

        def median(args: list[str]) -> float:
            subprocess.run(args, env=env, check=True)  # warm-up: fills the caches
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                subprocess.run(args, env=env, check=True)
                times.append(time.perf_counter() - started)
            return statistics.median(times)

        return median([sys.executable, "-c", code]), median([sys.executable, "-c", "pass"])


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--src", type=Path, default=_SRC, help="the src/ folder to measure")
    args = options.parse_args()
    sys.path.insert(0, str(args.src))
    for workload in workloads():
        best = float("inf")
        for _ in range(workload.get("repeat", 5)):
            started = time.perf_counter()
            workload["fn"]()
            best = min(best, time.perf_counter() - started)
        print(f"{workload['name']}: {best:.3f} s (best of {workload.get('repeat', 5)})")
    process, bare = one_liner_seconds(args.src)
    print(f"one-liner, whole process: {process:.3f} s median (bare python: {bare:.3f} s)")


if __name__ == "__main__":
    main()
