"""Parsed command-line options, as one plain object the runner and the REPL read.

The limits' defaults live here (and in the modules they bound) so that ``--help``, the fast
path that skips Typer (``app.main``) and the runner all agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing's own constant: pathlib is not imported to run a program
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_MAX_PROGRAM_BYTES = 10 * 1024 * 1024
"""10 MiB of program text: about 300,000 lines of tutorial code; parsing stays linear, so a
program this long parses in seconds. A longer one is refused before it is parsed."""

DEFAULT_JSON_MAX_ELEMENTS = 10_000
"""Numbers ``--json`` writes out per tensor; a larger tensor is written as a summary."""

JSON_DOCUMENT_FACTOR = 100
"""A ``--json`` document holds at most this many times ``--json-max-elements`` numbers in
all (values, gradients, graph nodes together), so many large tensors cannot add up to an
unbounded document either."""

MAX_BACKWARD = 1000
"""Upper bound of ``-b N``: each implicit backward walks the whole graph again."""


@dataclass
class Options:
    program: str | None = None
    file: str | None = None
    interactive: bool = False
    set_values: list[str] = field(default_factory=list)
    batch: bool = False
    keep_going: bool = False
    backward: int = 1
    retain_graph: bool = False
    wrt: list[str] | None = None
    check: bool = False
    explain: bool = False
    seed: int = 0
    dtype: str = "float64"
    max_elements: int | None = None
    max_steps: int | None = None
    max_depth: int | None = None
    timeout: float | None = None
    max_work: int | None = None
    max_program_bytes: int = DEFAULT_MAX_PROGRAM_BYTES
    max_file_bytes: int | None = None
    max_memory: int | None = None  # bytes; None: no bound (cli/memory.py)
    allow_read: list[str] = field(default_factory=list)
    json_output: bool = False
    json_max_elements: int = DEFAULT_JSON_MAX_ELEMENTS
    tree: bool | None = None
    summary: bool | None = None  # None: on for a one-liner, off for a script
    graph: str | None = None
    graph_out: Path | None = None
    precision: int = 4
    quiet: bool = False
    no_color: bool = False
    debug: bool = False
    jobs: int = 1
    dask: str | None = None

    # ---- what a learner and a gradient debugger see (issue 15) ---------------------------
    of: str | None = None  # --of NAME: what the implicit backward differentiates
    eps: float = 1e-6  # --check's step and tolerances (torch.autograd.gradcheck's defaults)
    atol: float = 1e-5
    rtol: float = 1e-3
    check_samples: int = 100  # elements --check compares per leaf; 0 = all
    detect_anomaly: bool = False
    stats: bool = False
    threshold: int = 1000  # elements past which a tensor is summarised (PyTorch's default)
    full: bool = False
    plot: str | None = None
    plot_range: str = "-3:3"
    plot_out: Path | None = None
    export: Path | None = None
