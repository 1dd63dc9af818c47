"""Every error a user can see: one small hierarchy shared by all layers.

Each error carries a message, an optional hint and an optional source span. The autograd
core raises these without a span; the interpreter attaches the span of the statement or
expression that failed. The CLI maps ``exit_code`` to the process exit status.

``kind`` is the name Python and PyTorch give the same failure (``RuntimeError`` for a shape
mismatch, ``TypeError`` for a bad argument), so a program's ``except RuntimeError`` catches
what PyTorch would raise and messages read as PyTorch's. ``category`` groups errors for
machines (``--json``) and decides nothing else.
"""

from __future__ import annotations

from typing import ClassVar


class Span:
    """A region of source text. Lines and columns are 1-based; ``end_column`` is exclusive.

    ``start`` and ``end`` are 0-based character offsets into the source (``end`` exclusive).
    """

    __slots__ = ("column", "end", "end_column", "end_line", "line", "start")

    def __init__(
        self, line: int, column: int, end_line: int, end_column: int, start: int, end: int
    ):
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.start = start
        self.end = end

    def _key(self) -> tuple:
        return (self.line, self.column, self.end_line, self.end_column, self.start, self.end)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Span(line={}, column={}, end_line={}, end_column={}, start={}, end={})".format(
            *self._key()
        )

    def shifted(self, lines: int, offset: int) -> Span:
        """The same region in a text that has ``lines`` more lines and ``offset`` more
        characters before it (a part of a file parsed on its own)."""
        return Span(
            self.line + lines,
            self.column,
            self.end_line + lines,
            self.end_column,
            self.start + offset,
            self.end + offset,
        )


def span_between(first: Span, last: Span) -> Span:
    """From the start of ``first`` to the end of ``last``."""
    return Span(first.line, first.column, last.end_line, last.end_column, first.start, last.end)


class GradcalcError(Exception):
    """Base of every error the package raises on purpose."""

    kind: ClassVar[str] = "Error"
    category: ClassVar[str] = "error"
    exit_code: ClassVar[int] = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        span: Span | None = None,
        kind: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.span = span
        self.filename: str | None = None
        # The language's call chain, innermost first: (function name, span of the statement
        # running in it, origin), filled by the interpreter as the error unwinds. ``origin`` is
        # the (filename, source) the function was defined in, None for the input running now
        # (an earlier REPL input or a ``:load``-ed file is another origin). ``last_span`` is
        # the innermost statement of the frame being unwound.
        self.frames: list = []
        self.last_span: Span | None = None
        if kind is not None:
            self.kind = kind

    def at(self, span: Span | None) -> GradcalcError:
        """Attach ``span`` unless a more precise one is already set; returns self."""
        if self.span is None:
            self.span = span
        return self

    def to_dict(self) -> dict:
        span = self.span
        return {
            "type": self.kind,
            "category": self.category,
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
    category = "usage"
    exit_code = 2


class GradcalcSyntaxError(GradcalcError):
    """The program text does not parse (``kind`` may be ``IndentationError``)."""

    kind = "SyntaxError"
    category = "syntax"
    exit_code = 2


class EvaluationError(GradcalcError):
    """Base of errors raised while a parsed program runs (exit code 1)."""

    kind = "RuntimeError"
    category = "evaluation"


class NameLookupError(EvaluationError):
    """Unknown variable or module; ``kind`` is ``NameError`` or ``ModuleNotFoundError``."""

    kind = "NameError"
    category = "name"


class AttributeLookupError(EvaluationError):
    """Unknown attribute or method of a value."""

    kind = "AttributeError"
    category = "name"


class ArgumentError(EvaluationError):
    """Wrong number, name or type of arguments (Python's and PyTorch's TypeError)."""

    kind = "TypeError"
    category = "argument"


class ShapeError(EvaluationError):
    """Tensor shapes that do not fit an operation (PyTorch raises RuntimeError)."""

    kind = "RuntimeError"
    category = "shape"


class ValueDomainError(EvaluationError):
    """A value of the right type that is not acceptable."""

    kind = "ValueError"
    category = "value"


class IndexOutOfRange(EvaluationError):
    """An index past the end (``kind`` ``IndexError``) or a missing key (``KeyError``)."""

    kind = "IndexError"
    category = "index"


class AutogradError(EvaluationError):
    """Misuse of backward/grad and in-place rules, with PyTorch's messages."""

    kind = "RuntimeError"
    category = "autograd"


class LimitError(EvaluationError):
    """A resource bound was hit (tensor too large, too many steps, too deep, too long)."""

    kind = "LimitError"
    category = "limit"


class DataFileError(EvaluationError):
    """A data file that cannot be read (missing, refused by the file policy, malformed)."""

    kind = "FileError"
    category = "file"


class RaisedError(EvaluationError):
    """An exception a program raised itself (``raise ValueError("...")``, ``assert``), or
    any other Python exception type by name (``ZeroDivisionError``, ``StopIteration``).
    ``value`` is the language's exception object, when there is one."""

    category = "raised"

    def __init__(self, kind: str, message: str = "", *, value=None, hint=None, span=None):
        super().__init__(message, hint=hint, span=span, kind=kind)
        self.value = value


class InternalError(GradcalcError):
    """A bug in gradcalc itself (an unexpected Python exception), never a user's mistake."""

    kind = "InternalError"
    category = "internal"
    exit_code = 70  # sysexits' EX_SOFTWARE
