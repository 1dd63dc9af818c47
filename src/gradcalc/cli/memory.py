"""``--max-memory SIZE``: a bound on the whole process's memory, kept by the OS.

On Linux the bound is ``RLIMIT_DATA``, not ``RLIMIT_AS``. Since Linux 4.7 ``RLIMIT_DATA``
counts every private writable mapping (the heap, numpy's mmap-backed arrays, thread stacks,
OpenBLAS's buffers) and nothing else; ``RLIMIT_AS`` also counts code, read-only files and
address space only reserved (glibc keeps 64 MiB of ``PROT_NONE`` per thread arena). Measured
on this project's machine (2 cores, numpy 2.4 with OpenBLAS 0.3.31) from /proc/self/status:
before numpy VmData is 6 MiB; after ``import numpy`` VmSize is 135 MiB and VmData 87;
after this module's warm-up VmData is 119 MiB (79 with ``OPENBLAS_NUM_THREADS=1``); after
a 500x500 matmul VmSize is 185 MiB and VmData 129; after three Python threads ran matmuls,
351 and 178. A ``RLIMIT_AS`` of 300 MiB made OpenBLAS abort the process there ("Memory
allocation still failed after 10 retries, giving up"), where a ``RLIMIT_DATA`` of 300 MiB
left numpy's ``MemoryError`` for the arrays past it. Other platforms get ``RLIMIT_AS``,
POSIX's one memory limit (macOS does not enforce it).

OpenBLAS allocates its buffers at a thread's first BLAS call and exits the process when it
cannot, so the bound is set only after numpy is imported and BLAS and LAPACK have run once;
what is mapped by then (about 40 MiB more per core OpenBLAS uses) is measured, and a bound
too close to it is a usage error. The bound only lowers the soft limit (the hard limit stays,
and a lower limit already set stays); ``fork`` and ``exec`` pass it on to ``--jobs`` workers.
"""

from __future__ import annotations

from gradcalc.errors import UsageError

MIN_MAX_MEMORY = 256 * 1024**2
"""Smallest ``--max-memory``: gradcalc maps about 130 MiB before running a statement (numpy,
OpenBLAS on two cores, the interpreter); the rest is room for a program."""
MAX_MAX_MEMORY = 2**47
"""Largest ``--max-memory``: the 128 TiB of a 64-bit process's address space."""
HEADROOM = 64 * 1024**2
"""Room a bound must leave above what is mapped when it is set: reports, error panels and
the REPL's line editing need some, and so does a statement that does not fail."""

MAX_MEMORY_HELP = (
    "Bound the memory of the process (and of each --jobs worker) to SIZE through the OS "
    "(RLIMIT_DATA on Linux); an allocation past it is an out-of-memory error at its line. "
    f"At least {MIN_MAX_MEMORY // 1024**2}M (default: no bound)."
)


def parse_max_memory(text: str | None) -> int | None:
    """``"512M"`` -> 536870912; None (no bound) stays None. A usage error outside
    ``MIN_MAX_MEMORY`` .. ``MAX_MAX_MEMORY`` or on a platform without ``resource``."""
    if text is None:
        return None
    from gradcalc.files import parse_byte_size

    size = parse_byte_size(str(text), "--max-memory")
    if size < MIN_MAX_MEMORY:
        raise UsageError(
            f"--max-memory {shown_size(size)} is too small: gradcalc itself needs about "
            f"130M, so the bound is at least {shown_size(MIN_MAX_MEMORY)}",
            hint="e.g. --max-memory 512M or --max-memory 2G",
        )
    if size > MAX_MAX_MEMORY:
        raise UsageError(
            f"--max-memory {text!s:.40} is more than a process can address "
            f"(at most {shown_size(MAX_MAX_MEMORY)})"
        )
    _resource_module()
    return size


def apply_max_memory(size: int | None) -> None:
    """Bound this process (and the workers it forks) to ``size`` bytes; None: no bound."""
    if size is None:
        return
    check_max_memory(size)
    bound_memory(size)


def check_max_memory(size: int) -> None:
    """Get numpy and BLAS ready, then refuse a bound too close to what is already mapped."""
    _warm_up()
    used = mapped_bytes()
    if used is not None and size < used + HEADROOM:
        raise UsageError(
            f"--max-memory {shown_size(size)} leaves no room: this process already maps "
            f"{shown_size(used)} (numpy and OpenBLAS's buffers, about 40M per core), so the "
            f"bound is at least {shown_size(used + HEADROOM)} here",
            hint="raise --max-memory, or set OPENBLAS_NUM_THREADS=1 to map less",
        )


def bound_memory(size: int | None) -> None:
    """Lower the soft limit to ``size`` bytes (never raise it; the hard limit stays)."""
    if size is None:
        return
    resource = _resource_module()
    _warm_up()
    which = _which_limit(resource)
    soft, hard = resource.getrlimit(which)
    if soft != resource.RLIM_INFINITY and soft <= size:
        return
    if hard != resource.RLIM_INFINITY:
        size = min(size, hard)
    try:
        resource.setrlimit(which, (size, hard))
    except (ValueError, OSError) as error:
        raise UsageError(f"--max-memory: the OS refused the limit ({error})") from None


def mapped_bytes() -> int | None:
    """What the bound counts now (VmData, or VmSize where the bound is RLIMIT_AS), from
    /proc/self/status; None where there is no /proc."""
    import sys

    key = "VmData:" if sys.platform.startswith("linux") else "VmSize:"
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def shown_size(size: int) -> str:
    """Bytes as the option takes them: ``268435456`` -> ``'256M'``, ``1.5 GiB`` -> ``'1536M'``."""
    for unit, scale in (("T", 1024**4), ("G", 1024**3), ("M", 1024**2), ("k", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale}{unit}"
    if size >= 1024**2:
        return f"{-(-size // 1024**2)}M"
    return f"{size} bytes"


def _warm_up() -> None:
    """A first matmul and solve, so OpenBLAS's buffers are mapped before the bound holds."""
    import numpy

    matrix = numpy.eye(64) * 2.0
    numpy.linalg.solve(matrix @ matrix, matrix[0])


def _which_limit(resource) -> int:
    import sys

    return resource.RLIMIT_DATA if sys.platform.startswith("linux") else resource.RLIMIT_AS


def _resource_module():
    try:
        import resource
    except ImportError:
        raise UsageError(
            "--max-memory needs the OS's resource limits, which this platform lacks (Windows)",
            hint="run without --max-memory, or bound the process from outside (a job object)",
        ) from None
    return resource
