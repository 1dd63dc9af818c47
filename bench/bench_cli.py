"""Start-up and batch throughput of the installed ``gradcalc`` command (real subprocesses).

    python bench/run.py --only cli

- ``cli start-up: --version`` and ``cli start-up: one-liner`` time whole processes; the numpy
  column is ``python -c "import numpy"``, the floor any numpy program pays. The target is a
  one-liner well under 0.3 s.
- ``cli --batch --json: 10,000 lines`` runs a generated file of 10,000 independent programs.

The children run with bytecode caching on (``PYTHONPYCACHEPREFIX`` in a temp dir), as an
installed package has its ``.pyc`` files; this machine sets PYTHONDONTWRITEBYTECODE=1, which
would otherwise make every run recompile gradcalc's modules (~40 ms). The console script
next to ``sys.executable`` is used, not a pyenv shim (a shim adds ~45 ms of bash).

Figures on this 2-core machine, shared with other jobs (load 1.1-1.8): one-liner median
0.25-0.31 s against 0.11-0.16 s for ``import numpy`` in the same runs (about 2x; ~0.2 s when
the machine was idle and numpy took 0.09 s); ``--version`` 0.08 s; the 10,000-line batch
5.0-5.8 s. About 35 ms of every process is this machine's ``site`` (a .pth importing
certifi), absent from a normal install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ONE_LINER = "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))"
BATCH_LINES = 10_000
_PYCACHE = Path(tempfile.gettempdir()) / "gradcalc-bench-pycache"


def gradcalc_command() -> list[str]:
    script = Path(sys.executable).with_name("gradcalc")
    if script.exists():
        return [str(script)]
    found = shutil.which("gradcalc")
    return [found] if found else [sys.executable, "-m", "gradcalc"]


def child_env() -> dict:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    env["NO_COLOR"] = "1"
    return env


def run(args: list[str], **kwargs) -> None:
    subprocess.run(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=child_env(),
        check=False,
        **kwargs,
    )


def batch_file() -> Path:
    path = Path(tempfile.gettempdir()) / "gradcalc-bench-batch.txt"
    if not path.exists() or path.stat().st_size == 0:
        programs = [
            "x = [[1,2,3],[4,5,6]]; m = mean(2*(x+1))",
            "a = 2.0; b = -3.0; c = a*b + b**3; d = tanh(c)",
            "w = [[0.5, -1.0], [2.0, 0.25]]; v = [1.0, 2.0]; s = sum(relu(w @ v))",
            "# a comment line",
            "x = [0.1, 0.2, 0.3]; y = sum(exp(x) * log(x + 1))",
        ]
        lines = [programs[i % len(programs)] for i in range(BATCH_LINES)]
        path.write_text("\n".join(lines) + "\n")
    return path


def workloads() -> list[dict]:
    command = gradcalc_command()
    batch = batch_file()
    return [
        {
            "name": "cli start-up: --version",
            "fn": lambda: run([*command, "--version"]),
            "numpy": lambda: run([sys.executable, "-c", "import numpy"]),
            "repeat": 10,
            "note": "whole process; numpy column = python -c 'import numpy'",
        },
        {
            "name": "cli start-up: one-liner",
            "fn": lambda: run([*command, ONE_LINER]),
            "numpy": lambda: run([sys.executable, "-c", "import numpy"]),
            "repeat": 10,
            "note": "values, gradients and tree of the issue's one-liner; target well under 0.3 s",
        },
        {
            "name": "cli --batch --json: 10,000 lines",
            "fn": lambda: run([*command, "--batch", "--json", "-f", str(batch)]),
            "repeat": 3,
            "note": f"{BATCH_LINES:,} independent programs, one JSON object per line",
        },
    ]
