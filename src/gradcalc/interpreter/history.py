"""The statements a session ran, for ``--check`` replays and the REPL's ``:save``.

A long session must not grow by more than what it typed: the history keeps each run's
source once and, for the statements that ran, only where they are in it (two integers), not
a copy of their text. A 100,000-line script costs its source and 1.6 MB of offsets.
"""

from __future__ import annotations

from array import array


class History:
    __slots__ = ("_runs",)

    def __init__(self) -> None:
        self._runs: list[tuple[str, array]] = []  # (source, start, end, start, end, ...)

    def add(self, source: str, start: int, end: int) -> None:
        """Statement ``source[start:end]`` ran (consecutive calls for one source share it)."""
        if not self._runs or self._runs[-1][0] is not source:
            self._runs.append((source, array("q")))
        self._runs[-1][1].extend((start, end))

    def add_text(self, text: str) -> None:
        """A statement that is not part of a program's source (``--set x=...``)."""
        self.add(text, 0, len(text))

    def statements(self) -> list[str]:
        return [
            source[offsets[i] : offsets[i + 1]]
            for source, offsets in self._runs
            for i in range(0, len(offsets), 2)
        ]

    def __len__(self) -> int:
        return sum(len(offsets) // 2 for _, offsets in self._runs)

    def __iter__(self):
        return iter(self.statements())
