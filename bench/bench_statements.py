"""Many short statements (issue 14's input bound): 100,000 lines ``x7 = 123 * 2 + 1``.

    python bench/run.py --only statements          # in the bench table
    python bench/bench_statements.py               # this file alone, against ./src
    python bench/bench_statements.py --src /other/src   # the same for another checkout

Run alone it prints, as medians of 3 with the two commands run in turn: the whole process
of ``gradcalc -q -f FILE`` and of ``python FILE`` (the same lines run by Python, which is
what they are), their ratio, and the in-process split: parse, and parse plus evaluation
(``Session.run`` of the ``.py`` script). In ``bench/run.py``'s table the "torch" column of
this workload is Python's own ``compile`` and ``exec`` of the lines (no tensor is made:
PyTorch code of these lines is plain Python).

Figures on this 2-core machine, shared with other jobs, medians of 3 (``--src`` main's
tree, then this one's, in the same minutes), 1 December 2026:
- whole process: 11.4 s before (``python FILE`` 0.7 s), 10.8 s after (0.6 s): ~17x Python.
- in process (one run each): parse 10.2 s / 8.2 s (the same lark parse both times: the gap is the
  machine's noise), parse and run 12.5 s / 9.4 s, so evaluation 2.3 s before, 1.2 s after.
Parsing is ~85% of the whole: lark's LALR loop (reductions and the lexer, in
pure Python) costs about 80 us a statement of this shape, 25 reductions and 8 tokens each.
Since the flat operator row (2 December 2026) a statement takes 17 reductions: parsing 2,000
of them takes 980M instructions instead of 1,118M (callgrind), and the whole process, base
and new in turn, 10.8 s instead of 11.2 s (``python FILE``: 0.7 s).
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

STATEMENTS = 100_000
_SRC = Path(__file__).resolve().parent.parent / "src"


def generate_script(statements: int = STATEMENTS) -> str:
    return "\n".join(f"x{i % 50} = {i} * 2 + 1" for i in range(statements)) + "\n"


def workloads() -> list[dict]:
    from gradcalc.grammar import parse
    from gradcalc.interpreter import Session

    source = generate_script()
    parse("x = 1")  # build (or load) the parser outside the timed part

    def run_gradcalc():
        result = Session(python_script=True).run(source, filename="statements.py")
        assert len(result.statements) == STATEMENTS and result.ok

    def run_python():
        scope: dict = {}
        exec(compile(source, "statements.py", "exec"), scope)
        assert scope["x49"] == (STATEMENTS - 1) * 2 + 1

    return [
        {
            "name": f"run {STATEMENTS:,} short statements (.py)",
            "gradcalc": run_gradcalc,
            "torch": run_python,
            "repeat": 3,
            "note": "the torch column is Python's compile and exec of the same lines",
        }
    ]


def _whole_process(args: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--src", type=Path, default=_SRC, help="the src/ folder to measure")
    options.add_argument("--runs", type=int, default=3, help="paired runs (median kept)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        script = os.path.join(scratch, "statements.py")
        with open(script, "w", encoding="utf-8") as file:
            file.write(generate_script())
        env = dict(os.environ, PYTHONPATH=str(args.src.resolve()))
        ours = [sys.executable, "-m", "gradcalc", "-q", "-f", script]
        python = [sys.executable, script]
        _whole_process(ours, env)  # warm-up: the parser's table cache
        times: dict[str, list[float]] = {"gradcalc": [], "python": []}
        for _ in range(args.runs):
            times["gradcalc"].append(_whole_process(ours, env))
            times["python"].append(_whole_process(python, env))
    gradcalc, plain = (statistics.median(times[k]) for k in ("gradcalc", "python"))
    print(f"whole process, {STATEMENTS:,} statements: gradcalc -q -f {gradcalc:.2f} s, ", end="")
    print(f"python {plain:.2f} s ({gradcalc / plain:.1f}x), medians of {args.runs}")
    sys.path.insert(0, str(args.src))
    from gradcalc.grammar import parse

    source = generate_script()
    parse("x = 1")
    started = time.perf_counter()
    parse(source)
    parsed = time.perf_counter() - started
    (workload,) = workloads()
    started = time.perf_counter()
    workload["gradcalc"]()
    ran = time.perf_counter() - started
    print(f"in process: parse {parsed:.2f} s, parse and run {ran:.2f} s")


if __name__ == "__main__":
    main()
