"""``--plot-out FILE.svg|png``: the plot of ``--plot`` as a file, with no plotting library.

SVG is text (two polylines, axes and labels); PNG is drawn on a numpy pixel array (lines
as dense point runs, 2 pixels thick) and encoded with zlib, as the PNG specification
(RFC 2083) lays out: signature, IHDR, one IDAT of filtered scanlines, IEND. Labels need a
font, which a PNG written without one cannot have: the PNG carries the curves and axes, the
SVG carries the text as well.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from gradcalc.errors import UsageError

WIDTH, HEIGHT = 640, 400
MARGIN = 40
COLOURS = {"y": (0, 139, 139), "dy": (199, 21, 133), "axis": (150, 150, 150)}
SUFFIXES = (".svg", ".png")


def check_plot_path(path: Path) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(
            f"--plot-out {path}: unknown file type {path.suffix or '(no suffix)'!r}",
            hint="use FILE.svg or FILE.png",
        )


def write_plot(samples, path: Path) -> None:
    check_plot_path(path)
    try:
        if path.suffix.lower() == ".svg":
            path.write_text(to_svg(samples), encoding="utf-8")
        else:
            path.write_bytes(to_png(samples))
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _scale(samples):
    values = np.concatenate([s[np.isfinite(s)] for s in (samples.y, samples.dy)])
    low, high = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.05
    low, high = low - pad, high + pad
    x0, x1 = float(samples.x[0]), float(samples.x[-1])

    def to_pixel(x, y):
        px = MARGIN + (x - x0) / (x1 - x0) * (WIDTH - 2 * MARGIN)
        py = MARGIN + (high - y) / (high - low) * (HEIGHT - 2 * MARGIN)
        return px, py

    return to_pixel, (x0, x1, low, high)


def _runs(xs, ys):
    """Runs of consecutive finite points (a NaN breaks the line)."""
    run = []
    for x, y in zip(xs, ys):
        if math.isfinite(y):
            run.append((x, y))
        elif run:
            yield run
            run = []
    if run:
        yield run


def to_svg(samples) -> str:
    to_pixel, (x0, x1, low, high) = _scale(samples)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="monospace" font-size="12">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
    ]
    grey = "rgb({},{},{})".format(*COLOURS["axis"])
    if low < 0 < high:
        _, y = to_pixel(x0, 0.0)
        parts.append(
            f'<line x1="{MARGIN}" y1="{y:.1f}" x2="{WIDTH - MARGIN}" y2="{y:.1f}" stroke="{grey}"/>'
        )
    if x0 < 0 < x1:
        x, _ = to_pixel(0.0, low)
        parts.append(
            f'<line x1="{x:.1f}" y1="{MARGIN}" x2="{x:.1f}" y2="{HEIGHT - MARGIN}" stroke="{grey}"/>'
        )
    for key, series in (("y", samples.y), ("dy", samples.dy)):
        colour = "rgb({},{},{})".format(*COLOURS[key])
        for run in _runs(samples.x, series):
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (to_pixel(x, y) for x, y in run))
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>'
            )
    name = escape(samples.name)
    expression = escape(samples.expression.split("=", 1)[-1].strip())
    parts += [
        f'<text x="{MARGIN}" y="{MARGIN - 12}" fill="rgb({",".join(map(str, COLOURS["y"]))})">'
        f"{name} = {expression}</text>",
        f'<text x="{WIDTH // 2}" y="{MARGIN - 12}" fill="rgb({",".join(map(str, COLOURS["dy"]))})">'
        f"d{name}/dx</text>",
        f'<text x="{MARGIN}" y="{HEIGHT - 12}">{x0:g}</text>',
        f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 12}" text-anchor="end">{x1:g}</text>',
        f'<text x="4" y="{MARGIN + 4}">{high:.3g}</text>',
        f'<text x="4" y="{HEIGHT - MARGIN}">{low:.3g}</text>',
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def to_png(samples) -> bytes:
    to_pixel, (x0, x1, low, high) = _scale(samples)
    image = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    if low < 0 < high:
        _, y = to_pixel(x0, 0.0)
        image[int(round(y)), MARGIN : WIDTH - MARGIN] = COLOURS["axis"]
    if x0 < 0 < x1:
        x, _ = to_pixel(0.0, low)
        image[MARGIN : HEIGHT - MARGIN, int(round(x))] = COLOURS["axis"]
    for key, series in (("y", samples.y), ("dy", samples.dy)):
        for run in _runs(samples.x, series):
            pixels = [to_pixel(x, y) for x, y in run]
            _draw_line(image, pixels, COLOURS[key])
    return encode_png(image)


def _draw_line(image, pixels, colour) -> None:
    for (ax, ay), (bx, by) in zip(pixels, pixels[1:] or pixels):
        steps = max(int(max(abs(bx - ax), abs(by - ay))) * 2, 1)
        for t in np.linspace(0.0, 1.0, steps + 1):
            x, y = int(round(ax + (bx - ax) * t)), int(round(ay + (by - ay) * t))
            image[max(y - 1, 0) : y + 1, max(x - 1, 0) : x + 1] = colour


def encode_png(image: np.ndarray) -> bytes:
    """An RGB uint8 array (height, width, 3) as PNG bytes."""
    height, width, _ = image.shape
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))  # filter 0: none

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
