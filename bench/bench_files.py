"""Data-file loading at the size limit: the worst text files per byte, and a plain .npy.

``workloads()`` lists 8 MiB cases for ``bench/run.py``. Run directly, it writes each case at
``--size`` MiB (default 64, the default ``--max-file-bytes``) and loads it in a fresh process,
printing the time and the process's peak resident memory, the figures the default limit was
chosen by:

    python bench/bench_files.py            # 64 MiB files, one process each
    python bench/bench_files.py --size 16
"""

from __future__ import annotations

import argparse
import atexit
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MIB = 1 << 20

# name -> (suffix, writer(path, size in bytes)); each the most values (or lists) per byte
CASES = {
    "csv, 32 values a row": ".csv",
    "csv, one value a row": ".csv",
    "txt, 32 values a row": ".txt",
    "json, one flat list": ".json",
    "json, rows of one value": ".json",
    "npy, float64": ".npy",
}


def write_case(name: str, path: Path, size: int) -> None:
    if name == "csv, 32 values a row":
        path.write_text(("1," * 31 + "1\n") * (size // 64))
    elif name == "csv, one value a row":
        path.write_text("1\n" * (size // 2))
    elif name == "txt, 32 values a row":
        path.write_text(("1 " * 31 + "1\n") * (size // 64))
    elif name == "json, one flat list":
        path.write_text("[" + ",".join(["1.5"] * (size // 4 - 1)) + "]")
    elif name == "json, rows of one value":
        path.write_text("[" + ",".join(["[1]"] * (size // 4 - 1)) + "]")
    elif name == "npy, float64":
        np.save(path, np.ones(size // 8 - 16))
    else:
        raise KeyError(name)


def _load(path: Path):
    from gradcalc.files import FilePolicy
    from gradcalc.interpreter.loading import load_array

    policy = FilePolicy(roots=(str(path.parent),))
    return load_array(str(path), policy=policy, max_elements=50_000_000)


def workloads() -> list[dict]:
    directory = Path(tempfile.mkdtemp(prefix="gradcalc-bench-files-"))
    atexit.register(shutil.rmtree, directory, True)  # the runner has no teardown step
    found = []
    for name, suffix in CASES.items():
        path = directory / f"case{len(found)}{suffix}"
        write_case(name, path, 8 * MIB)
        found.append({"name": f"load 8 MiB {name}", "fn": lambda p=path: _load(p), "repeat": 3})
    return found


def _child(path: str) -> None:
    start = time.perf_counter()
    array = _load(Path(path))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{seconds:7.2f} s  {peak:7.0f} MiB peak RSS  shape {array.shape}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=64, help="file size in MiB")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    with tempfile.TemporaryDirectory(prefix="gradcalc-bench-files-") as directory:
        for index, (name, suffix) in enumerate(CASES.items()):
            path = Path(directory) / f"case{index}{suffix}"
            write_case(name, path, args.size * MIB)
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path)],
                capture_output=True,
                text=True,
                env=os.environ,
            )
            shown = result.stdout.strip() or result.stderr.strip().splitlines()[-1]
            print(f"{name:26s} {path.stat().st_size / MIB:5.1f} MiB  {shown}")
            path.unlink()


if __name__ == "__main__":
    main()
