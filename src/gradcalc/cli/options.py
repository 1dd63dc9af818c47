"""Parsed command-line options, as one plain object the runner and the REPL read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    json_output: bool = False
    tree: bool | None = None
    summary: bool = False
    graph: str | None = None
    graph_out: Path | None = None
    precision: int = 4
    quiet: bool = False
    no_color: bool = False
    debug: bool = False
