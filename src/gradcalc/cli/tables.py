"""The summary tables of a run: Values and Gradients (fitted to the terminal's width), and the
chain-rule steps of ``--explain``."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

from gradcalc.cli.formatting import format_value, value_shape

# A table's frame around three columns: four borders and one space of padding each side.
_FRAME = 4 + 3 * 2
_MIN_VALUE_WIDTH = 20


def _value_width(width: int | None, *labels: list[str]) -> int | None:
    """Columns left for the value cell once the name and shape columns are laid out."""
    if width is None:
        return None
    taken = sum(max((cell_len(t) for t in column), default=0) for column in labels)
    return max(width - _FRAME - taken, _MIN_VALUE_WIDTH)


def _cell(text: str, style: str = "") -> Text:
    # Formatted to fit already: Rich folds a line only when even the narrowest layout
    # cannot hold it, never re-wraps a row.
    return Text(text, style=style, overflow="fold")


def values_table(
    values: dict, precision: int, *, width: int | None = None, threshold: int | None = 1000
) -> Table:
    names = list(values)
    shapes = [value_shape(v) for v in values.values()]
    room = _value_width(width, names + ["name"], shapes + ["shape"])
    table = Table(title="Values", title_justify="left", title_style="bold")
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("shape", style="dim", no_wrap=True)
    table.add_column("value", overflow="fold")
    for (name, value), shape in zip(values.items(), shapes):
        text = format_value(value, precision, threshold=threshold, width=room)
        table.add_row(Text(name), Text(shape), _cell(text))
    return table


def gradient_title(of: list[str] | None, backward_calls: int, since_reset: int | None) -> str:
    calls = f"after {backward_calls} backward call{'' if backward_calls == 1 else 's'}"
    if since_reset is not None and since_reset != backward_calls:
        # x.grad.zero_() between passes: say which passes today's values add up.
        calls += f" in all, {since_reset} since a .grad was last reset"
    what = f" of {' + '.join(of)}" if of else ""
    return f"Gradients{what} ({calls})"


def grad_label(name: str, of: list[str] | None, intermediate: bool = False) -> str:
    """``x.grad`` and, when one named output was differentiated, ``∂loss/∂x`` beside it. An
    intermediate (``--wrt y``) has no ``.grad`` in PyTorch: its row is ``∂loss/∂y`` alone."""
    if of and len(of) == 1 and of[0].isidentifier():
        derivative = f"∂{of[0]}/∂{name}"
        return derivative if intermediate else f"{name}.grad  {derivative}"
    return f"{name} (intermediate)" if intermediate else f"{name}.grad"


def grads_table(
    grads: dict,
    backward_calls: int,
    precision: int,
    since_reset: int | None = None,
    *,
    of: list[str] | None = None,
    width: int | None = None,
    threshold: int | None = 1000,
    intermediates: frozenset = frozenset(),
) -> Table:
    title = gradient_title(of, backward_calls, since_reset)
    labels = [grad_label(name, of, name in intermediates) for name in grads]
    shapes = [value_shape(g) for g in grads.values()]
    room = _value_width(width, labels + ["name"], shapes + ["shape"])
    table = Table(title=title, title_justify="left", title_style="bold", min_width=len(title))
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("shape", style="dim", no_wrap=True)
    table.add_column("gradient", overflow="fold", style="magenta")
    for label, grad, shape in zip(labels, grads.values(), shapes):
        text = format_value(grad, precision, threshold=threshold, width=room)
        table.add_row(Text(label), Text(shape), _cell(text))
    return table


def explain_view(steps: list, precision: int, title: str, *, width: int | None = None) -> Group:
    """Each step: the node, the gradient that arrived (named ``∂m/∂z``), the sentences of
    ``explain_words`` and what each input receives; a wrapped line continues under its
    first word, not at the margin."""
    parts: list = [Text(title, style="bold")]
    for number, step in enumerate(steps, 1):
        parts.append(Text.assemble((f"{number}. ", "dim"), (step.node, "bold")))
        arriving = step.gradient or "upstream gradient"
        value = format_value(step.upstream, precision, one_line=True)
        parts.extend(_wrapped(f"arriving {arriving} = {value}", "   ", width, "dim"))
        for line in _once(step.rule.splitlines()):
            parts.extend(_wrapped(line, "   ", width))
        for label, flow in step.flows:
            sent = format_value(flow, precision, one_line=True)
            parts.extend(_wrapped(f"{label}  receives  {sent}", "   → ", width, "bold"))
    if not steps:
        parts.append(Text("(no backward pass recorded)", style="dim"))
    return Group(*parts)


def _once(lines: list) -> list:
    """A sentence said for each of two equal operands (``x*x``) is said once, for both."""
    seen: dict = {}
    for line in lines:
        seen[line] = seen.get(line, 0) + 1
    return [
        line if n == 1 else f"{line} (for each of its {n} operands)" for line, n in seen.items()
    ]


def _wrapped(line: str, prefix: str, width: int | None, style: str = "") -> list:
    import textwrap

    room = None if width is None else max(width - len(prefix), 20)
    pieces = [line] if room is None else textwrap.wrap(line, room, break_on_hyphens=False)
    hanging = " " * len(prefix)
    return [
        Text.assemble((prefix if i == 0 else hanging, "dim"), (piece, style if i == 0 else ""))
        for i, piece in enumerate(pieces or [""])
    ]
