"""Rich consoles for stdout and stderr, honouring --no-color, NO_COLOR, non-terminals and
streams that cannot encode every character.

A terminal or pipe whose encoding is not UTF-8 (``PYTHONIOENCODING=latin-1``, an ASCII
locale) gets ASCII instead of a crash: Rich already draws boxes and tree guides in ASCII for
such a stream, and a render hook replaces every other character the stream cannot encode
(arrows, dashes, ``∂``) by one of the same width, so panels and tables stay aligned.
"""

from __future__ import annotations

import os

from rich.cells import cell_len
from rich.console import Console, RenderHook
from rich.segment import Segment

# One terminal cell each, so a replaced character keeps every border where it was.
ASCII_LOOKALIKES = {
    "─": "-", "━": "-", "│": "|", "┃": "|", "╭": "+", "╮": "+", "╰": "+", "╯": "+",
    "┌": "+", "┐": "+", "└": "`", "┘": "+", "├": "|", "┤": "|", "┬": "+", "┴": "+",
    "┼": "+", "┏": "+", "┓": "+", "┗": "+", "┛": "+", "┡": "|", "┩": "|", "╇": "+",
    "┳": "+", "╍": "-", "═": "=", "→": ">", "←": "<", "↑": "^", "↓": "v", "—": "-",
    "–": "-", "…": ".", "∂": "d", "×": "x", "·": ".", "≤": "<", "≥": ">", "≠": "!",
    "ᵢ": "i", "ⱼ": "j", "²": "2", "³": "3", "⁻": "-", "¹": "1", "√": "V",
    "∑": "S", "Σ": "S", "▏": "|", "█": "#", "▌": "|", "•": "*", "⋅": ".", "‘": "'",
    "’": "'", "“": '"', "”": '"', "ᵀ": "'",
}  # fmt: skip
_TABLE = str.maketrans(ASCII_LOOKALIKES)
_PROBE = "─│↑→—…∂"


def color_disabled(no_color: bool) -> bool:
    return no_color or bool(os.environ.get("NO_COLOR"))


def can_encode(encoding: str, text: str = _PROBE) -> bool:
    try:
        text.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def to_ascii(text: str, encoding: str = "ascii") -> str:
    """``text`` with what ``encoding`` cannot hold replaced: look-alikes first, then '?'
    for each cell of any other character."""
    text = text.translate(_TABLE)
    try:
        text.encode(encoding)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    out = []
    for char in text:
        try:
            char.encode(encoding)
            out.append(char)
        except (UnicodeEncodeError, LookupError):
            out.append("?" * max(cell_len(char), 1))
    return "".join(out)


class _Encodable:
    """A renderable drawn as usual, then with each segment's text made encodable."""

    def __init__(self, renderable, encoding: str):
        self.renderable = renderable
        self.encoding = encoding

    def __rich_console__(self, console, options):
        for segment in console.render(self.renderable, options):
            if segment.control or not segment.text:
                yield segment
            else:
                yield Segment(to_ascii(segment.text, self.encoding), segment.style)


class EncodableOutput(RenderHook):
    def __init__(self, encoding: str):
        self.encoding = encoding

    def process_renderables(self, renderables):
        return [_Encodable(r, self.encoding) for r in renderables]


def make_console(*, stderr: bool = False, no_color: bool = False, record: bool = False) -> Console:
    """A console that writes no escape codes at all when colour is off, and only
    characters its stream can encode.

    Rich already drops styles when the stream is not a terminal; ``color_system=None``
    also drops bold/dim, which ``no_color`` alone would keep.
    """
    disabled = color_disabled(no_color)
    console = Console(
        stderr=stderr,
        highlight=False,
        no_color=disabled,
        color_system=None if disabled else "auto",
        emoji=False,
        record=record,
    )
    if not can_encode(console.encoding):
        console.push_render_hook(EncodableOutput(console.encoding))
    return console


def fancy(console: Console) -> bool:
    """Whether ``console`` can show Unicode drawing characters (braille, arrows)."""
    return can_encode(console.encoding, "⠁⣿─→∂")
