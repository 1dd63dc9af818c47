"""The one place errors are drawn: a panel on stderr with where, what and how to fix it.

    ╭─ RuntimeError ───────────────────────────────────────────────────────╮
    │ The size of tensor a (2) must match the size of tensor b (3) at ...  │
    │                                                                      │
    │ call chain, innermost last:                                          │
    │   step.py:9:1 in <module>                                            │
    │       loss = f(w)                                                    │
    │                                                                      │
    │   --> step.py:3:12 in f                                              │
    │    |                                                                 │
    │  3 |     return w + torch.ones(3)                                    │
    │    |            ^^^^^^^^^^^^^^^^^                                    │
    │                                                                      │
    │ hint: shapes must match or broadcast: trailing dimensions equal or 1 │
    ╰──────────────────────────────────────────────────────────────────────╯

The title is the error's ``kind`` (Python's exception name). An error inside a function lists
each calling frame's ``file:line:column`` and line, outermost first, as Python's traceback
does, then the caret excerpt of the innermost location. Anything that is not a
``GradcalcError`` is a bug: it becomes a one-line "internal error" (with the traceback only
under ``--debug``).
"""

from __future__ import annotations

import traceback

from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from gradcalc.errors import GradcalcError, Span

_MIN_SOURCE_WIDTH = 30
_REPEATS_SHOWN = 3  # as Python's traceback: "[Previous line repeated N more times]"
_FRAMES_SHOWN = 20


def render_error(
    console: Console,
    error: BaseException,
    *,
    source: str | None = None,
    filename: str | None = None,
    line_offset: int = 0,
    debug: bool = False,
    file_shown=None,
) -> None:
    """Draw ``error`` on ``console`` (stderr). ``line_offset`` shifts line numbers, for
    ``--batch`` where each program is one line of a larger file. ``file_shown(filename)``,
    when given, says whether a file's lines may be shown (not for a file outside the readable
    directories): for the input that ran, and for another file a function of the call chain
    was defined in; locations are drawn either way."""
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
    show_lines = file_shown is None or file_shown(filename)
    console.print(
        error_panel(
            error,
            source=source if show_lines else None,
            filename=filename,
            line_offset=line_offset,
            width=console.width,
            hidden=not show_lines and source is not None,
            file_shown=file_shown,
        )
    )
    if debug:
        cause = error.__cause__ or error
        console.print(Text("".join(traceback.format_exception(cause))), soft_wrap=True)


def error_panel(
    error: GradcalcError,
    *,
    source: str | None = None,
    filename: str | None = None,
    line_offset: int = 0,
    width: int = 80,
    hidden: bool = False,
    file_shown=None,
) -> Panel:
    parts: list = [Text(error.message, style="bold")]
    span = error.span
    here = (filename or "<string>", source, line_offset)
    frames = list(reversed(error.frames or []))  # outermost first, as Python prints them
    innermost = None
    if len(frames) > 1:
        innermost = frames[-1][0]
        parts.append(Text(""))
        parts.append(Text("call chain, innermost last:", style="dim"))
        for entry in _collapsed(frames[:-1]):
            if isinstance(entry, str):
                parts.append(Text(entry, style="dim"))
            else:
                function, frame_span, origin = entry
                name, frame_source, offset = _where(origin, here, file_shown)
                parts.extend(_frame_lines(function, frame_span, frame_source, name, offset))
    if frames:  # the error itself is in the innermost function, wherever it was defined
        here = _where(frames[-1][2], here, file_shown)
    name, source, line_offset = here
    if span is not None:
        line = span.line + line_offset
        where = f"{name}:{line}:{span.column}" + (f" in {innermost}" if innermost else "")
        parts.append(Text(""))
        parts.append(Text.assemble(("  --> ", "blue"), where))
        snippet = source_excerpt(source, span, line_offset=line_offset, width=width - 4)
        if snippet is not None:
            parts.append(snippet)
    elif filename and filename.startswith("--"):  # raised by an option, not by a statement
        parts.append(Text(""))
        parts.append(Text.assemble(("  --> ", "blue"), filename))
    if hidden:
        parts.append(Text(""))
        parts.append(
            Text(
                f"(the lines of {name} are not shown: it is outside the directories gradcalc "
                "may read; --allow-read DIR shows them)",
                style="dim",
            )
        )
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


def _collapsed(frames: list) -> list:
    """The frames to draw: a frame repeated more than ``_REPEATS_SHOWN`` times in a row (deep
    recursion) drawn that many times and then counted, as Python's traceback does; past
    ``_FRAMES_SHOWN`` entries, the middle of the chain is left out."""
    entries: list = []
    index = 0
    while index < len(frames):
        run = 1
        while index + run < len(frames) and _same(frames[index + run], frames[index]):
            run += 1
        entries.extend(frames[index] for _ in range(min(run, _REPEATS_SHOWN)))
        if run > _REPEATS_SHOWN:
            entries.append(f"  [the frame above repeated {run - _REPEATS_SHOWN} more times]")
        index += run
    if len(entries) > _FRAMES_SHOWN:
        half = _FRAMES_SHOWN // 2
        left_out = len(entries) - 2 * half
        entries = [*entries[:half], f"  … {left_out} frames not shown …", *entries[-half:]]
    return entries


def _same(one: tuple, other: tuple) -> bool:
    return one[0] == other[0] and one[1] == other[1] and one[2] is other[2]


def _where(origin, here: tuple, file_shown) -> tuple:
    """(name, source, line offset) to draw a frame with: ``here`` (the input that ran) unless
    the frame's function was defined in another input (``origin``, its filename and source),
    whose lines are shown only if that file may be shown."""
    if origin is None:
        return here
    filename, source = origin
    if file_shown is not None and not file_shown(filename):
        source = None
    return filename, source, 0


def _frame_lines(function: str, span: Span | None, source, name: str, line_offset: int) -> list:
    """One frame of the call chain: where the call is, and its line (as Python's traceback)."""
    if span is None:
        return [Text.assemble(("  ", ""), (f"{name} in {function}", ""))]
    lines = [Text(f"  {name}:{span.line + line_offset}:{span.column} in {function}")]
    text = source_line(source, span.line)
    if text is not None:
        lines.append(Text("      " + text.strip(), no_wrap=True, overflow="ellipsis"))
    return lines


def source_line(source: str | None, number: int) -> str | None:
    """Line ``number`` (1-based) of ``source`` as it can be shown: only ``\n`` ends a line
    (as for the parser: a form feed or U+2028 inside a line does not), tabs are one space and
    other unprintable characters U+FFFD, so the caret under it stays aligned."""
    if not source or number < 1:
        return None
    start = 0
    for _ in range(number - 1):
        start = source.find("\n", start) + 1
        if start == 0:
            return None
    end = source.find("\n", start)
    text = source[start : end if end >= 0 else len(source)]
    text = text.removesuffix("\r").replace("\t", " ")
    if not text.isprintable():
        text = "".join(c if c.isprintable() else "\ufffd" for c in text)
    return text


def source_excerpt(
    source: str | None, span: Span, *, line_offset: int = 0, width: int = 80
) -> Text | None:
    """The source line of ``span`` with a caret run under the span (first line only).

    Long lines are cut to a window around the span so the caret stays under it when the
    panel is narrower than the line.
    """
    text = source_line(source, span.line)
    if text is None:
        return None
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
