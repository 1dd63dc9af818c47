"""``--export FILE.svg|html``: save what the terminal showed, with Rich's recording console.

Both consoles (stdout's results and stderr's warnings and errors) record what they print;
the file holds stdout's part, then stderr's, each as the terminal drew it (colours, boxes).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gradcalc.errors import UsageError

SUFFIXES = (".svg", ".html", ".htm")


def check_export_path(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(
            f"--export {path}: unknown file type {path.suffix or '(no suffix)'!r}",
            hint="use FILE.svg or FILE.html",
        )


def save_export(out, err, path: Path) -> None:
    """Write the recordings of ``out`` and ``err`` to ``path`` (called once the run ends)."""
    from rich.console import Console
    from rich.segment import Segment

    combined = Console(record=True, width=out.width, file=_Discard(), color_system="truecolor")
    segments = list(out._record_buffer) + list(err._record_buffer)  # the two recordings
    combined._record_buffer.extend(Segment(s.text, s.style, s.control) for s in segments)
    try:
        if path.suffix.lower() == ".svg":
            combined.save_svg(str(path), title="gradcalc")
        else:
            combined.save_html(str(path))
    except OSError as exc:
        sys.stderr.write(f"gradcalc: cannot write {path}: {exc.strerror or exc}\n")


class _Discard:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass
