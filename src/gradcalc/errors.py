"""Every error a user can see: one small hierarchy shared by all layers.

Each error carries a message, an optional hint and an optional source span. The autograd
core raises these without a span; the interpreter attaches the span of the statement or
expression that failed. The CLI maps ``exit_code`` to the process exit status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class Span:
    """A region of source text. Lines and columns are 1-based; ``end_column`` is exclusive.

    ``start`` and ``end`` are 0-based character offsets into the source (``end`` exclusive).
    """

    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int


class GradcalcError(Exception):
    """Base of every error the package raises on purpose."""

    kind: ClassVar[str] = "Error"
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, hint: str | None = None, span: Span | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span

    def at(self, span: Span | None) -> GradcalcError:
        """Attach ``span`` unless a more precise one is already set; returns self."""
        if self.span is None:
            self.span = span
        return self

    def to_dict(self) -> dict:
        span = self.span
        return {
            "type": self.kind,
            "message": self.message,
            "line": span.line if span else None,
            "column": span.column if span else None,
            "end_line": span.end_line if span else None,
            "end_column": span.end_column if span else None,
            "hint": self.hint,
        }


class UsageError(GradcalcError):
    """Bad command-line usage (bad option value, bad --set, unreadable program file)."""

    kind = "UsageError"
    exit_code = 2


class GradcalcSyntaxError(GradcalcError):
    """The program text does not parse."""

    kind = "SyntaxError"
    exit_code = 2


class EvaluationError(GradcalcError):
    """Base of errors raised while a parsed program runs (exit code 1)."""

    kind = "EvaluationError"


class NameLookupError(EvaluationError):
    """Unknown variable, function, attribute or method."""

    kind = "NameError"


class ArgumentError(EvaluationError):
    """Wrong number, name or type of arguments to a builtin."""

    kind = "ArgumentError"


class ShapeError(EvaluationError):
    """Tensor shapes that do not fit an operation."""

    kind = "ShapeError"


class ValueDomainError(EvaluationError):
    """A value that is the right type but not acceptable (ragged list, bad dtype name, ...)."""

    kind = "ValueError"


class AutogradError(EvaluationError):
    """Misuse of backward/grad, with PyTorch's messages."""

    kind = "AutogradError"


class LimitError(EvaluationError):
    """A resource bound was hit (tensor too large, nesting too deep, ...)."""

    kind = "LimitError"


class DataFileError(EvaluationError):
    """A data file that cannot be read (missing, binary, pickled, malformed)."""

    kind = "FileError"
