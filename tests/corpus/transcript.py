"""The transcript format of the corpus: how a run's output is written and normalised.

A transcript is what Python's interactive interpreter shows for a snippet, one stream in
order: printed text, echoed values of expression statements, one line per warning
(``<Category>: <first line of message>``) and one line per exception that stopped a
statement (``<Type>: <first line of message>``). ``make_expected.py`` writes PyTorch's
transcripts with these rules; a test of gradcalc builds its own transcript with the same
helpers and compares the two normalised texts.

This module needs neither torch nor gradcalc.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent
CORPORA = ("real", "peer")
EXPECTED_DIR = CORPUS_DIR / "expected"

# Object reprs such as <torch.autograd.graph.Node object at 0x7f3c2a1b0d90> differ per run.
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
# PyTorch appends the C++ file and line of a warning's origin; they depend on the build.
_TRIGGERED_AT = re.compile(r" ?\(Triggered internally at [^)]*\)")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def normalise(text: str) -> str:
    """Text with addresses as ``0x...``, build paths dropped, no trailing spaces, ``\\n`` ends."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ADDRESS.sub("0x...", text)
    text = _TRIGGERED_AT.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    text = text.rstrip("\n")
    return text + "\n" if text else ""


def first_line(message: str) -> str:
    return message.split("\n", 1)[0]


def warning_line(category_name: str, message: str) -> str:
    """The line recorded for a warning, e.g. ``UserWarning: The .grad attribute ...``."""
    return f"{category_name}: {first_line(message)}"


def error_line(type_name: str, message: str) -> str:
    """The line Python's traceback ends with: ``Type: message``, or ``Type`` for no message."""
    message = first_line(message)
    return f"{type_name}: {message}" if message else type_name


def snippet_paths(corpus: str | None = None) -> list[Path]:
    """Every snippet of one corpus (``"real"`` or ``"peer"``), or of both, in name order."""
    corpora = CORPORA if corpus is None else (corpus,)
    paths: list[Path] = []
    for name in corpora:
        paths.extend(sorted((CORPUS_DIR / name).glob("[0-9][0-9][0-9]_*.py")))
    return paths


def expected_path(snippet: Path) -> Path:
    """``tests/corpus/expected/<corpus>/<name>.py.txt`` for ``tests/corpus/<corpus>/<name>.py``."""
    snippet = Path(snippet).resolve()
    relative = snippet.relative_to(CORPUS_DIR)
    return EXPECTED_DIR / relative.parent / (relative.name + ".txt")


def read_expected(snippet: Path) -> str:
    return expected_path(snippet).read_text(encoding="utf-8")


def difference(expected: str, actual: str, name: str = "snippet") -> str | None:
    """A unified diff of the two normalised transcripts, or None when they are equal."""
    expected, actual = normalise(expected), normalise(actual)
    if expected == actual:
        return None
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True),
        actual.splitlines(keepends=True),
        fromfile=f"{name} (PyTorch)",
        tofile=f"{name} (actual)",
    )
    return "".join(lines)
