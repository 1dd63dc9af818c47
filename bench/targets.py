"""Issue 13's figures, each a ratio measured in the same run: ``python bench/run.py --targets``.

- start-up: the whole process of a one-liner in each mode (plain, ``-q``, ``--json``,
  ``-f FILE``, ``--batch`` of one line, a syntax error) against ``python -c "import numpy"``,
  run in pairs (numpy, then gradcalc) so both see the same load; the median of the pairs'
  ratios is printed (target 1.3x).
- batch: ``--batch --json`` on varied one-line PyTorch programs (``batch_lines.py``) with
  ``--jobs 1`` and ``--jobs 0``, against the same lines exec'd with PyTorch, torch's import
  included (target 0.5x); skipped without torch.
- 10^7: ``gradcalc -q 'x = rand(10000000); m = mean(2*(x+1))'`` against the same work in a
  hand-written numpy script, whole processes (target 1.1x).
- peers: the library-level seed, chain and MLP step of ``peers.py`` (mygrad, HIPS autograd,
  jax where installed) against gradcalc's core in this process.

The children run with bytecode caching on, as an installed package has its ``.pyc`` files
(this machine sets PYTHONDONTWRITEBYTECODE=1), and with a parser cache warmed by one run
first, as after the first run following an install. The machine has 2 shared cores and is
noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ONE_LINER = "x = [1, 2]; y = sum(x * x)"
NUMPY_IMPORT = [sys.executable, "-c", "import numpy"]
BIG_PROGRAM = "x = rand(10000000); m = mean(2*(x+1))"
BIG_NUMPY = (
    "import numpy as np\n"
    "x = np.random.default_rng(0).random(10_000_000)\n"
    "m = np.mean(2 * (x + 1))\n"
    "grad = np.full_like(x, 2 / x.size)\n"
    "print(m)\n"
)


def child_env(work: Path) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env["NO_COLOR"] = "1"
    source = str(BENCH_DIR.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    return env


def timed(command: list[str], env: dict, cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def paired(base: list[str], other: list[str], env: dict, cwd: Path, repeat: int) -> dict:
    """Run ``base`` then ``other`` ``repeat`` times (after one untimed run of each)."""
    timed(base, env, cwd)
    timed(other, env, cwd)
    bases, others = [], []
    for _ in range(repeat):
        bases.append(timed(base, env, cwd))
        others.append(timed(other, env, cwd))
    return {
        "base_s": statistics.median(bases),
        "other_s": statistics.median(others),
        "ratio": statistics.median(o / b for o, b in zip(others, bases)),
    }


def gradcalc(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "gradcalc", *arguments]


def startup_rows(work: Path, env: dict, repeat: int) -> list[tuple]:
    (work / "program.gc").write_text(ONE_LINER.replace("; ", "\n") + "\n")
    (work / "one.txt").write_text(ONE_LINER + "\n")
    modes = [
        ("one-liner", gradcalc(ONE_LINER)),
        ("-q", gradcalc("-q", ONE_LINER)),
        ("--json", gradcalc("--json", ONE_LINER)),
        ("-f FILE", gradcalc("-q", "-f", "program.gc")),
        ("--batch of one line", gradcalc("--batch", "--json", "-f", "one.txt")),
        ("a syntax error", gradcalc("m = mean(x")),
    ]
    rows = []
    for name, command in modes:
        figures = paired(NUMPY_IMPORT, command, env, work, repeat)
        rows.append((f"start-up {name}", "import numpy", figures, 1.3))
    return rows


def batch_rows(work: Path, env: dict, repeat: int, count: int) -> list[tuple]:
    if importlib.util.find_spec("torch") is None:
        print("(torch not installed: no batch figures)", file=sys.stderr)
        return []
    sys.path.insert(0, str(BENCH_DIR))
    from batch_lines import TORCH_RUNNER, make_lines

    lines = work / "lines.txt"
    lines.write_text("\n".join(make_lines(count)) + "\n")
    runner = work / "torch_runner.py"
    runner.write_text(TORCH_RUNNER)
    torch = [sys.executable, str(runner), str(lines)]
    rows = []
    for jobs in ("1", "0"):
        command = gradcalc("--batch", "--json", "--jobs", jobs, "-f", str(lines))
        figures = paired(torch, command, env, work, repeat)
        rows.append((f"batch {count:,} lines --jobs {jobs}", "PyTorch exec", figures, 0.5))
    return rows


def big_rows(work: Path, env: dict, repeat: int) -> list[tuple]:
    script = work / "big_numpy.py"
    script.write_text(BIG_NUMPY)
    figures = paired([sys.executable, str(script)], gradcalc("-q", BIG_PROGRAM), env, work, repeat)
    return [("10^7 mean(2*(x+1))", "numpy script", figures, 1.1)]


def print_rows(rows: list[tuple]) -> None:
    header = ("figure", "against", "gradcalc", "base", "ratio", "target")
    table = [
        (
            name,
            base,
            f"{f['other_s']:.3f} s",
            f"{f['base_s']:.3f} s",
            f"{f['ratio']:.2f}x",
            f"{target}x",
        )
        for name, base, f, target in rows
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *table)]
    for line in [header, ["-" * w for w in widths], *table]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip())


def main(repeat: int = 7, batch_lines: int = 5000, only: str | None = None) -> int:
    with tempfile.TemporaryDirectory(prefix="gradcalc-targets-") as directory:
        work = Path(directory)
        env = child_env(work)
        timed(gradcalc("-q", "x = 1"), env, work)  # the parser cache, as after a first run
        rows: list[tuple] = []
        if only in (None, "startup"):
            rows += startup_rows(work, env, repeat)
        if only in (None, "big"):
            rows += big_rows(work, env, max(3, repeat // 2))
        if only in (None, "batch"):
            rows += batch_rows(work, env, max(1, repeat // 3), batch_lines)
        print_rows(rows)
    if only in (None, "peers"):
        sys.path.insert(0, str(BENCH_DIR))
        from peers import print_peers

        print()
        print_peers(max(3, repeat // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
