"""The one place errors are drawn: a panel on stderr with where, what and how to fix it.

    ╭─ AutogradError ──────────────────────────────────────────╮
    │ element 0 of tensors does not require grad ...            │
    │                                                          │
    │   --> script.gc:3:1                                      │
    │    |                                                     │
    │  3 | y.backward()                                        │
    │    | ^^^^^^^^^^^^                                        │
    │                                                          │
    │ hint: ...                                                │
    ╰──────────────────────────────────────────────────────────╯

Anything that is not a ``GradcalcError`` is a bug: it becomes a one-line "internal error"
(with the traceback only under ``--debug``).
"""

from __future__ import annotations

import traceback

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from gradcalc.errors import GradcalcError, Span

_MIN_SOURCE_WIDTH = 30


def render_error(
    console: Console,
    error: BaseException,
    *,
    source: str | None = None,
    filename: str | None = None,
    line_offset: int = 0,
    debug: bool = False,
) -> None:
    """Draw ``error`` on ``console`` (stderr). ``line_offset`` shifts line numbers, for
    ``--batch`` where each program is one line of a larger file."""
    if not isinstance(error, GradcalcError):
        console.print(
            Text(f"gradcalc: internal error: {type(error).__name__}: {error}", style="bold red"),
            soft_wrap=True,
        )
        if debug:
            console.print(
                Text("".join(traceback.format_exception(error))), soft_wrap=True, highlight=False
            )
        else:
            console.print(
                Text("(run again with --debug for the traceback)", style="dim"), soft_wrap=True
            )
        return
    console.print(
        error_panel(
            error, source=source, filename=filename, line_offset=line_offset, width=console.width
        )
    )
    if debug:
        console.print(Text("".join(traceback.format_exception(error))), soft_wrap=True)


def error_panel(
    error: GradcalcError,
    *,
    source: str | None = None,
    filename: str | None = None,
    line_offset: int = 0,
    width: int = 80,
) -> Panel:
    parts: list = [Text(error.message, style="bold")]
    span = error.span
    if span is not None:
        line = span.line + line_offset
        where = f"{filename or '<string>'}:{line}:{span.column}"
        parts.append(Text(""))
        parts.append(Text.assemble(("  --> ", "blue"), where))
        snippet = source_excerpt(source, span, line_offset=line_offset, width=width - 4)
        if snippet is not None:
            parts.append(snippet)
    elif filename and filename.startswith("--"):  # raised by an option, not by a statement
        parts.append(Text(""))
        parts.append(Text.assemble(("  --> ", "blue"), filename))
    if error.hint:
        parts.append(Text(""))
        parts.append(Text.assemble(("hint: ", "bold cyan"), error.hint))
    return Panel(
        Group(*parts),
        title=Text(error.kind, style="bold red"),
        title_align="left",
        border_style="red",
        expand=False,
    )


def source_excerpt(
    source: str | None, span: Span, *, line_offset: int = 0, width: int = 80
) -> Text | None:
    """The source line of ``span`` with a caret run under the span (first line only).

    Long lines are cut to a window around the span so the caret stays under it when the
    panel is narrower than the line.
    """
    if not source:
        return None
    lines = source.splitlines() or [""]
    if not 1 <= span.line <= len(lines):
        return None
    text = lines[span.line - 1].replace("\t", " ")
    start = max(span.column - 1, 0)
    if span.end_line == span.line:
        end = max(span.end_column - 1, start + 1)
    else:
        end = max(len(text.rstrip()), start + 1)
    number = str(span.line + line_offset)
    gutter = " " * len(number)
    room = max(width - len(number) - 6, _MIN_SOURCE_WIDTH)
    if cell_len(text) > room:
        text, start, end = _window(text, start, end, room)
    end = min(end, len(text))
    caret_pad = " " * cell_len(text[:start])
    carets = "^" * max(cell_len(text[start:end]), 1)
    excerpt = Text(no_wrap=True, overflow="crop")
    excerpt.append(f" {gutter} |\n", style="blue")
    excerpt.append(f" {number} | ", style="blue")
    excerpt.append(text)
    excerpt.append("\n")
    excerpt.append(f" {gutter} | ", style="blue")
    excerpt.append(caret_pad + carets, style="bold red")
    return excerpt


def _window(text: str, start: int, end: int, room: int) -> tuple[str, int, int]:
    """Cut ``text`` to about ``room`` characters around [start, end), marking cuts with '…'."""
    end = min(end, start + room - 10)
    left = max(0, min(start - 10, len(text) - room + 2))
    right = min(len(text), left + room - 2)
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    cut = prefix + text[left:right] + suffix
    shift = len(prefix) - left
    return cut, start + shift, min(end + shift, len(cut))
